"""Sign-in through an organisation's SAML 2.0 identity provider (docs/sign-in.md): the login
page finds the provider by the address's domain, and a real SAML identity provider
(pysaml2's, tests/saml_provider.py) vouches for who the person is in a signed response; what
they may do comes from us, by the same rules as for OpenID Connect.

These walk the provider's pages with an HTTP client, and post its answer to our assertion
consumer service as the browser's self-submitting form would. Over 400 lines in one module
because every test walks the same identity provider's pages with the same helpers."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from oidc_provider import free_port
from saml_provider import MAIL, another_certificate, running_identity_provider

from organisations.admin import IdentityProviderForm
from organisations.models import (
    IdentityProvider,
    LastSignIn,
    MembershipRole,
    Organisation,
    ProviderKind,
    SignInMethod,
)

ACS = "/konto/sso/saml/strangnas/acs/"
ACCOUNTS = {
    "anna": {"mail": ["Anna.Berg@strangnas.test"], "givenName": ["Anna"], "sn": ["Berg"]},
    "okand": {"mail": ["okand@strangnas.test"], "givenName": ["Ove"], "sn": ["Okänd"]},
    "utanfor": {"mail": ["utanfor@annan.test"], "givenName": ["Ulla"], "sn": ["Utanför"]},
    "nina": {"mail": ["nina.ny@strangnas.test"], "givenName": ["Nina"], "sn": ["Ny"]},
}


@pytest.fixture
def client():
    """A browser sends the Host header, which python3-saml reads (Django's test client
    sends none of its own)."""
    return Client(HTTP_HOST="testserver")


@pytest.fixture(scope="module")
def idp():
    with running_identity_provider(ACCOUNTS) as provider:
        yield provider


@pytest.fixture
def strangnas(db):
    return Organisation.objects.get(kommunkod="0486")


@pytest.fixture
def anna(db):
    coordinator = User.objects.get(username="samordnare.strangnas")
    coordinator.email = "anna.berg@strangnas.test"
    coordinator.save()
    return coordinator


def register_provider(client, organisation, idp, *, domain_users_may_join=False, **saml):
    """The provider as an administrator registers it (by its metadata address unless told
    otherwise), and our metadata given to the identity provider, as its IT department does."""
    provider = IdentityProvider(
        organisation=organisation,
        key="strangnas",
        kind=ProviderKind.SAML,
        saml_entity_id=idp.entity_id,
        domain_users_may_join=domain_users_may_join,
        **{"saml_metadata_url": idp.metadata_url, **saml},
    )
    provider.full_clean()
    provider.save()
    provider.domains.create(domain="strangnas.test")
    our_metadata = client.get(provider.saml_metadata_path)
    assert our_metadata.status_code == 200
    idp.trust(our_metadata.content.decode())
    return provider


def forwarded_to(client, address: str) -> str:
    response = client.post("/konto/logga-in/", {"username": address, "password": ""})
    assert response.status_code == 200, response.content
    url = response.context["provider_url"]
    assert f'<meta http-equiv="refresh" content="0;url={escape(url)}">' in response.text
    return url


def sign_in_at_identity_provider(sso_url: str, login: str) -> dict:
    """The person's part at the identity provider: its login form, then its answer, a form
    that posts itself to our assertion consumer service. Returns what it posts."""
    browser = requests.Session()
    page = browser.get(sso_url, timeout=10)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r"name='(\w+)' value='([^']*)'", page.text))
    answer = browser.post(
        page.url.split("?")[0] + "/login",
        data={**{k: unescape(v) for k, v in fields.items()}, "login": login},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    action = re.search(r'<form[^>]*action="([^"]+)"', answer.text).group(1)
    assert action.endswith(ACS)
    posted = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer.text))
    return {name: unescape(value) for name, value in posted.items()}


def post_to_acs(client, posted: dict):
    """The browser's post of the answer (cross-site: allauth keeps it aside and redirects
    to the page that finishes the sign-in in the browser's own session)."""
    response = client.post(ACS, posted)
    assert response.status_code == 302
    return client.get(response.url)


def sign_in(client, address: str, login: str):
    posted = sign_in_at_identity_provider(forwarded_to(client, address), login)
    return post_to_acs(client, posted), posted


def test_a_member_signs_in_through_saml_without_a_password_of_ours(client, strangnas, idp, anna):
    register_provider(client, strangnas, idp)

    response, _posted = sign_in(client, "anna.berg@strangnas.test", "anna")

    assert response.status_code == 302 and response.url == "/"
    assert client.session[SESSION_KEY] == str(anna.pk)
    account = anna.socialaccount_set.get()
    assert (account.provider, account.uid) == ("strangnas", "anna-at-the-test-idp")
    assert account.extra_data[MAIL] == ["Anna.Berg@strangnas.test"]
    assert anna.memberships.get().role == MembershipRole.COORDINATOR
    last = LastSignIn.objects.get(user=anna)
    assert (last.method, last.provider.key) == (SignInMethod.PROVIDER, "strangnas")
    # Connected: the next time her NameID alone finds her.
    client.post("/konto/logga-ut/")
    response, _posted = sign_in(client, "anna.berg@strangnas.test", "anna")
    assert client.session[SESSION_KEY] == str(anna.pk)


def test_the_request_is_for_our_entity_and_comes_back_to_our_acs(client, strangnas, idp):
    provider = register_provider(client, strangnas, idp)
    metadata = client.get(provider.saml_metadata_path).text
    assert 'entityID="http://127.0.0.1:8000/konto/sso/saml/strangnas/metadata/"' in metadata
    assert 'Location="http://testserver/konto/sso/saml/strangnas/acs/"' in metadata
    url = forwarded_to(client, "anna.berg@strangnas.test")
    assert url.startswith(idp.sso_url + "?SAMLRequest=")


def test_someone_the_identity_provider_knows_but_we_do_not_is_refused(client, strangnas, idp):
    register_provider(client, strangnas, idp)
    users_before = User.objects.count()

    response, _posted = sign_in(client, "okand@strangnas.test", "okand")

    assert response.status_code == 403
    assert "Du kan inte logga in ännu" in response.text
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users_before


def test_an_address_outside_the_providers_domains_is_refused(client, strangnas, idp):
    register_provider(client, strangnas, idp, domain_users_may_join=True)
    users_before = User.objects.count()
    response, _posted = sign_in(client, "anna@strangnas.test", "utanfor")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users_before


def test_where_the_organisation_allows_it_its_domain_joins_as_a_reader(client, strangnas, idp):
    register_provider(client, strangnas, idp, domain_users_may_join=True)

    response, _posted = sign_in(client, "okand@strangnas.test", "okand")

    assert response.status_code == 302
    user = User.objects.get(email="okand@strangnas.test")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (strangnas, MembershipRole.READER)


def test_a_response_signed_with_another_certificate_is_refused(client, strangnas, idp, anna):
    with another_certificate() as someone_elses:
        register_provider(
            client,
            strangnas,
            idp,
            saml_metadata_url="",
            saml_sso_url=idp.sso_url,
            saml_certificate=someone_elses,
        )

    response, _posted = sign_in(client, "anna.berg@strangnas.test", "anna")

    assert response.status_code == 401
    assert "Inloggningen misslyckades" in response.text
    assert SESSION_KEY not in client.session
    assert not anna.socialaccount_set.exists()


def test_the_right_certificate_given_by_hand_lets_the_member_in(client, strangnas, idp, anna):
    """The counterpart of the test above: the same set-up with the provider's certificate."""
    register_provider(
        client,
        strangnas,
        idp,
        saml_metadata_url="",
        saml_sso_url=idp.sso_url,
        saml_certificate=idp.certificate,
    )
    response, _posted = sign_in(client, "anna.berg@strangnas.test", "anna")
    assert response.status_code == 302 and response.url == "/"
    assert client.session[SESSION_KEY] == str(anna.pk)


def test_a_replayed_response_is_refused(client, strangnas, idp, anna):
    register_provider(client, strangnas, idp)
    response, posted = sign_in(client, "anna.berg@strangnas.test", "anna")
    assert response.status_code == 302
    client.post("/konto/logga-ut/")

    replayed = post_to_acs(client, posted)

    assert replayed.status_code == 401
    assert "Inloggningen misslyckades" in replayed.text
    assert SESSION_KEY not in client.session


def test_a_response_we_did_not_ask_for_is_refused(client, strangnas, idp, anna):
    """A response from a sign-in started in another browser is no use in this one."""
    register_provider(client, strangnas, idp)
    posted = sign_in_at_identity_provider(forwarded_to(client, "anna.berg@strangnas.test"), "anna")
    client.cookies.clear()
    response = post_to_acs(client, posted)
    assert response.status_code == 401
    assert SESSION_KEY not in client.session


def test_an_unsigned_response_is_refused(client, strangnas, idp, anna):
    register_provider(client, strangnas, idp)
    idp.signs = False
    try:
        response, _posted = sign_in(client, "anna.berg@strangnas.test", "anna")
    finally:
        idp.signs = True
    assert response.status_code == 401
    assert SESSION_KEY not in client.session
    assert not anna.socialaccount_set.exists()


def test_a_response_the_identity_provider_starts_itself_is_refused(client, strangnas, idp, anna):
    """IdP-initiated sign-in: a signed answer to no request of ours, e.g. one sent to
    someone's browser by another site, which would sign them in as someone else."""
    provider = register_provider(client, strangnas, idp)
    acs = "http://testserver" + ACS
    response = idp.response_for(
        "anna",
        in_response_to=None,
        destination=acs,
        sp_entity_id=settings.SITE_URL + provider.saml_metadata_path,
    )
    page = idp.post_form(response, acs)
    posted = dict(re.findall(r'name="(SAMLResponse)" value="([^"]*)"', page))

    answer = post_to_acs(client, {name: unescape(value) for name, value in posted.items()})

    assert answer.status_code == 401
    assert "Inloggningen misslyckades" in answer.text
    assert SESSION_KEY not in client.session
    assert not anna.socialaccount_set.exists()


def test_an_identity_provider_that_is_down_is_answered_in_swedish(client, strangnas):
    down = f"http://127.0.0.1:{free_port()}/metadata"
    provider = IdentityProvider.objects.create(
        organisation=strangnas,
        key="strangnas",
        kind=ProviderKind.SAML,
        saml_entity_id=down,
        saml_metadata_url=down,
    )
    provider.domains.create(domain="strangnas.test")

    response = client.post("/konto/logga-in/", {"username": "anna@strangnas.test"})

    assert response.status_code == 503
    assert "inloggningstjänst svarar inte just nu" in response.text
    assert 'value="anna@strangnas.test"' in response.text
    assert SESSION_KEY not in client.session


def test_the_admin_shows_what_the_it_department_registers(admin_client, strangnas, settings):
    settings.SITE_URL = "https://samverkan.example"
    provider = IdentityProvider.objects.create(
        organisation=strangnas,
        key="strangnas",
        kind=ProviderKind.SAML,
        saml_entity_id="https://idp.strangnas.test",
        saml_metadata_url="https://idp.strangnas.test/metadata",
    )
    page = admin_client.get(f"/admin/organisations/identityprovider/{provider.pk}/change/").text
    assert "https://samverkan.example/konto/sso/saml/strangnas/acs/" in page
    assert "https://samverkan.example/konto/sso/saml/strangnas/metadata/" in page


def saml_form(organisation, **fields):
    return IdentityProviderForm(
        data={
            "organisation": organisation.pk,
            "key": "strangnas",
            "kind": "saml",
            "saml_email_attribute": MAIL,
            "email_claim": "email",  # the OpenID Connect field's default, as the admin shows
            "enabled": "on",
            **fields,
        }
    )


def test_the_admin_form_says_in_swedish_what_a_saml_provider_lacks(strangnas, admin_user):
    form = saml_form(strangnas)
    assert not form.is_valid()
    assert form.errors["saml_entity_id"] == ["Krävs för den här sortens inloggningstjänst."]
    assert "metadataadressen" in form.errors["saml_sso_url"][0]
    assert "metadataadressen" in form.errors["saml_certificate"][0]

    form = saml_form(
        strangnas,
        saml_entity_id="https://idp.strangnas.test",
        saml_sso_url="https://idp.strangnas.test/sso",
        saml_certificate="not a certificate",
    )
    assert not form.is_valid()
    assert "X.509" in form.errors["saml_certificate"][0]

    # An OpenID Connect provider still needs its issuer and client id.
    form = saml_form(strangnas, kind="openid_connect")
    assert not form.is_valid()
    assert set(form.errors) == {"issuer", "client_id"}


def test_the_admin_form_reads_the_identity_providers_metadata(strangnas, idp):
    form = saml_form(strangnas, saml_entity_id=idp.entity_id, saml_metadata_xml=idp.metadata())
    assert form.is_valid(), form.errors
    provider = form.save()
    assert provider.saml_sso_url == idp.sso_url
    assert provider.saml_certificate.split() == idp.certificate.split()

    form = saml_form(strangnas, saml_entity_id="x", saml_metadata_xml="<not metadata")
    assert not form.is_valid()
    assert form.errors["saml_metadata_xml"] == ["Det här är inte SAML-metadata (XML)."]


def test_a_certificate_pasted_without_its_pem_lines_is_kept_as_pem(strangnas, idp):
    body = "".join(idp.certificate.splitlines()[1:-1])
    form = saml_form(
        strangnas, saml_entity_id=idp.entity_id, saml_sso_url=idp.sso_url, saml_certificate=body
    )
    assert form.is_valid(), form.errors
    assert form.save().saml_certificate.startswith("-----BEGIN CERTIFICATE-----\n")


def test_an_invitation_is_accepted_through_saml(client, strangnas, idp, personas):
    """The invitation's link, then the SAML identity provider vouching for the invited
    address: the person lands in the organisation with the invited role, no password of
    ours; another address at the identity provider accepts nothing."""
    register_provider(client, strangnas, idp)
    client.force_login(personas.org_admin)
    mail.outbox.clear()
    response = client.post(
        reverse("invitation_create", args=[strangnas.pk]),
        {"email": "nina.ny@strangnas.test", "role": MembershipRole.READER},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = urlsplit(re.search(r"https?://\S+/konto/inbjudan/\S+/", message.body).group()).path
    client.logout()

    def accept_as(login):
        forward = client.post(link)
        assert forward.status_code == 200, forward.content
        return post_to_acs(
            client, sign_in_at_identity_provider(forward.context["provider_url"], login)
        )

    refused = accept_as("okand")  # the identity provider vouches for another address
    assert refused.status_code == 403
    assert not User.objects.filter(email="nina.ny@strangnas.test").exists()

    response = accept_as("nina")
    assert response.status_code == 302 and response.url == "/"
    nina = User.objects.get(email="nina.ny@strangnas.test")
    assert client.session[SESSION_KEY] == str(nina.pk) and not nina.has_usable_password()
    membership = nina.memberships.get()
    assert (membership.organisation, membership.role) == (strangnas, MembershipRole.READER)
