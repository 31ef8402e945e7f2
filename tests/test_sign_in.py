"""Sign-in through an organisation's own identity provider (docs/sign-in.md): the login page
finds the provider by the address's domain, and the provider, a real OpenID Connect server
(tests/oidc/server.mjs), vouches for who the person is; what they may do comes from us.

These walk the provider's pages with an HTTP client; tests/browser/test_sign_in_in_browser.py
does the same in Chromium."""

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from oidc_provider import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    SERVER_DIR,
    free_port,
    register_provider,
    running_provider,
    sign_in_at_provider,
)

from organisations.admin import IdentityProviderForm
from organisations.models import (
    IdentityProvider,
    LastSignIn,
    MembershipRole,
    Organisation,
    SignInDomain,
    SignInMethod,
)

ACCOUNTS = {
    "anna": {"email": "Anna.Berg@strangnas.test", "email_verified": True, "name": "Anna Berg"},
    "okand": {"email": "okand@strangnas.test", "email_verified": True, "name": "Ove Okänd"},
    "utanfor": {"email": "utanfor@annan.test", "email_verified": True, "name": "Ulla Utanför"},
    "overifierad": {"email": "ny@strangnas.test", "email_verified": False, "name": "Nils Ny"},
}


@pytest.fixture(scope="module")
def issuer():
    with running_provider(redirect_uris=[CALLBACK], accounts=ACCOUNTS) as address:
        yield address


@pytest.fixture
def strangnas(db):
    return Organisation.objects.get(kommunkod="0486")


def forwarded_to(client, address: str) -> str:
    """The login page's answer to an address with a provider: a page of ours that forwards
    the browser to the provider (a form post may not be redirected off the site)."""
    response = client.post("/konto/logga-in/", {"username": address, "password": ""})
    assert response.status_code == 200, response.content
    url = response.context["provider_url"]
    assert f'<meta http-equiv="refresh" content="0;url={escape(url)}">' in response.text
    assert f'href="{escape(url)}"' in response.text
    return url


def sign_in(client, address: str, login: str):
    callback = sign_in_at_provider(forwarded_to(client, address), login)
    return client.get(callback), callback


def test_the_domain_finds_the_provider_whatever_the_case(strangnas):
    provider = register_provider("http://127.0.0.1:1")
    assert IdentityProvider.objects.for_address(" Anna.Berg@Strangnas.TEST ") == provider
    assert IdentityProvider.objects.for_address("anna@annan.test") is None
    assert IdentityProvider.objects.for_address("strangnas.test") is None
    provider.enabled = False
    provider.save()
    assert IdentityProvider.objects.for_address("anna@strangnas.test") is None


def test_a_member_signs_in_through_the_provider_without_a_password_of_ours(
    client, strangnas, issuer
):
    register_provider(issuer)
    coordinator = User.objects.get(username="samordnare.strangnas")
    coordinator.email = "anna.berg@strangnas.test"
    coordinator.save()

    response, _callback = sign_in(client, "anna.berg@strangnas.test", "anna")

    assert response.status_code == 302 and response.url == "/"
    assert client.session[SESSION_KEY] == str(coordinator.pk)
    # Connected for next time; the roles are the ones the organisation gave.
    assert coordinator.socialaccount_set.get().provider == "strangnas"
    assert coordinator.memberships.get().role == MembershipRole.COORDINATOR
    last = LastSignIn.objects.get(user=coordinator)
    assert (last.method, last.provider.key) == (SignInMethod.PROVIDER, "strangnas")

    # Her organisation administrator sees when and how.
    client.force_login(User.objects.get(username="orgadmin.strangnas"))
    members = client.get(reverse("members", args=[strangnas.pk])).text
    assert "genom Strängnäs inloggning" in members


def test_the_login_page_itself_sends_the_address_to_the_provider_with_a_hint(
    client, strangnas, issuer
):
    register_provider(issuer)
    url = forwarded_to(client, "anna.berg@strangnas.test")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(issuer + "/auth?")
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["login_hint"] == ["anna.berg@strangnas.test"]
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]
    # Nobody's password was tried, so nothing counts towards a lockout.
    assert not AccessAttempt.objects.exists()


def test_someone_the_provider_knows_but_we_do_not_is_refused(client, strangnas, issuer):
    register_provider(issuer)
    users_before = User.objects.count()

    response, _callback = sign_in(client, "okand@strangnas.test", "okand")

    assert response.status_code == 403
    assert "Du kan inte logga in ännu" in response.text
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users_before


def test_an_address_outside_the_providers_domains_is_refused(client, strangnas, issuer):
    register_provider(issuer, domain_users_may_join=True)
    users_before = User.objects.count()
    response, _callback = sign_in(client, "anna@strangnas.test", "utanfor")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users_before


def test_where_the_organisation_allows_it_its_domain_joins_as_a_reader(client, strangnas, issuer):
    register_provider(issuer, domain_users_may_join=True)

    response, _callback = sign_in(client, "okand@strangnas.test", "okand")

    assert response.status_code == 302
    user = User.objects.get(email="okand@strangnas.test")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Ove", "Okänd")
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (strangnas, MembershipRole.READER)


def test_an_address_the_provider_has_not_verified_does_not_join(client, strangnas, issuer):
    register_provider(issuer, domain_users_may_join=True)
    response, _callback = sign_in(client, "ny@strangnas.test", "overifierad")
    assert response.status_code == 403
    assert not User.objects.filter(email="ny@strangnas.test").exists()


def test_a_replayed_callback_is_refused(client, strangnas, issuer):
    register_provider(issuer)
    coordinator = User.objects.get(username="samordnare.strangnas")
    coordinator.email = "anna.berg@strangnas.test"
    coordinator.save()
    response, callback = sign_in(client, "anna.berg@strangnas.test", "anna")
    assert response.status_code == 302
    client.post("/konto/logga-ut/")

    replayed = client.get(callback)

    assert replayed.status_code == 401
    assert "Inloggningen misslyckades" in replayed.text
    assert SESSION_KEY not in client.session


def with_nonce(authorize_url: str, nonce: str | None) -> str:
    """The authorization request with another nonce (or none), as the provider then puts
    in the ID token it makes."""
    parts = urlsplit(authorize_url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.pop("nonce")
    if nonce is not None:
        query["nonce"] = nonce
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_the_sign_in_sends_a_nonce_and_the_id_token_brings_it_back(client, strangnas, issuer):
    register_provider(issuer)
    User.objects.filter(username="samordnare.strangnas").update(email="anna.berg@strangnas.test")
    url = forwarded_to(client, "anna.berg@strangnas.test")
    (nonce,) = parse_qs(urlsplit(url).query)["nonce"]
    assert len(nonce) >= 32
    response = client.get(sign_in_at_provider(url, "anna"))
    assert response.status_code == 302 and SESSION_KEY in client.session
    user = User.objects.get(username="samordnare.strangnas")
    assert user.socialaccount_set.get().extra_data["id_token"]["nonce"] == nonce


@pytest.mark.parametrize("nonce", ["another-sign-ins-nonce", None])
def test_an_id_token_with_another_nonce_or_none_is_refused(client, strangnas, issuer, nonce):
    """An ID token made for another sign-in (the provider was asked with another nonce, or
    with none) is refused, though the state and the code are good."""
    register_provider(issuer)
    User.objects.filter(username="samordnare.strangnas").update(email="anna.berg@strangnas.test")
    url = with_nonce(forwarded_to(client, "anna.berg@strangnas.test"), nonce)

    response = client.get(sign_in_at_provider(url, "anna"))

    assert response.status_code == 401
    assert "Inloggningen misslyckades" in response.text
    assert SESSION_KEY not in client.session
    assert not User.objects.get(username="samordnare.strangnas").socialaccount_set.exists()


def test_a_provider_that_is_down_is_answered_in_swedish_on_the_login_page(client, strangnas):
    register_provider(f"http://127.0.0.1:{free_port()}")

    response = client.post("/konto/logga-in/", {"username": "anna@strangnas.test"})

    assert response.status_code == 503
    assert "inloggningstjänst svarar inte just nu" in response.text
    assert 'value="anna@strangnas.test"' in response.text
    assert SESSION_KEY not in client.session


def test_other_addresses_and_user_names_still_log_in_with_a_password(client, strangnas):
    register_provider("http://127.0.0.1:1")
    response = client.post(
        "/konto/logga-in/", {"username": "lasare.strangnas", "password": "samverkan-demo"}
    )
    assert response.status_code == 302 and response.url == "/"
    assert SESSION_KEY in client.session
    reader = User.objects.get(username="lasare.strangnas")
    assert reader.last_sign_in.method == SignInMethod.PASSWORD
    assert reader.last_sign_in.provider is None


def test_the_admin_shows_the_redirect_address_to_register(admin_client, strangnas, settings):
    settings.SITE_URL = "https://samverkan.example"
    provider = register_provider("http://127.0.0.1:1")
    response = admin_client.get(f"/admin/organisations/identityprovider/{provider.pk}/change/")
    assert "https://samverkan.example/konto/sso/oidc/strangnas/login/callback/" in response.text


def test_the_providers_lock_pins_every_package_and_names_no_download_address():
    lock = (SERVER_DIR / "package-lock.json").read_text()
    packages = json.loads(lock)["packages"]
    assert packages["node_modules/oidc-provider"]["version"].startswith("9.")
    assert all(p["integrity"].startswith("sha512-") for name, p in packages.items() if name)
    assert '"resolved"' not in lock
    assert "registry" not in lock


def test_allauths_own_password_login_and_sign_up_lead_to_our_login_page(client):
    for path in ["/konto/sso/login/?next=/x/", "/konto/sso/signup/", "/konto/sso/3rdparty/signup/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/konto/logga-in/")
    assert client.get("/konto/sso/login/?next=/x/").url == "/konto/logga-in/?next=/x/"
    assert client.get("/konto/sso/3rdparty/").status_code == 404  # no connecting of accounts


def test_allauths_own_second_factor_pages_are_not_offered(client, personas):
    """Ours are (tests/test_second_factor.py): allauth's would let an administrator turn
    the second factor off."""
    client.force_login(personas.reader)
    assert client.get("/konto/sso/2fa/totp/activate/").status_code == 404
    assert client.get("/konto/sso/2fa/totp/deactivate/").status_code == 404
    assert client.get("/konto/sso/reauthenticate/").status_code == 404


def test_the_admin_never_shows_the_client_secret_and_keeps_it_when_left_empty(
    admin_client, strangnas
):
    provider = register_provider("http://127.0.0.1:1")
    page = admin_client.get(f"/admin/organisations/identityprovider/{provider.pk}/change/").text
    assert CLIENT_SECRET not in page
    assert "En hemlighet är sparad" in page

    form = IdentityProviderForm(
        data={
            "organisation": strangnas.pk,
            "key": "strangnas",
            "kind": "openid_connect",
            "issuer": "https://login.strangnas.test",
            "client_id": CLIENT_ID,
            "client_secret": "",
            "email_claim": "upn",
            "enabled": "on",
        },
        instance=provider,
    )
    assert form.is_valid(), form.errors
    form.save()
    provider.refresh_from_db()
    assert (provider.client_secret, provider.email_claim) == (CLIENT_SECRET, "upn")


def test_an_e_mail_domain_is_kept_in_lowercase_and_belongs_to_one_provider(strangnas):
    provider = register_provider("http://127.0.0.1:1")
    domain = SignInDomain(provider=provider, domain=" Kommun.Strangnas.TEST ")
    domain.full_clean()
    assert domain.domain == "kommun.strangnas.test"
    with pytest.raises(ValidationError):
        SignInDomain(provider=provider, domain="STRANGNAS.test").full_clean()


def test_the_login_page_asks_for_the_address_first_and_then_the_password(client, personas):
    """Two steps (issue 18 point 1): the address alone first; where no provider answers for
    it, the password next with the address kept, nothing checked or counted yet; then the
    password logs in. A post of both at once (a password manager's) still logs in."""
    first = client.get("/konto/logga-in/")
    assert 'name="username"' in first.text and 'name="password"' not in first.text
    assert ">Fortsätt</button>" in first.text

    empty = client.post("/konto/logga-in/", {"username": ""})
    assert empty.status_code == 200 and "Detta fält måste fyllas i." in empty.text
    assert 'name="password"' not in empty.text

    second = client.post("/konto/logga-in/", {"username": "samordnare.strangnas"})
    assert second.status_code == 200 and SESSION_KEY not in client.session
    assert 'name="password"' in second.text and ">Logga in</button>" in second.text
    assert 'value="samordnare.strangnas"' in second.text
    assert re.search(r'<input type="password" name="password"[^>]* autofocus', second.text)
    assert not AccessAttempt.objects.exists()  # asking for the password is no failed login

    wrong = client.post("/konto/logga-in/", {"username": "samordnare.strangnas", "password": "fel"})
    assert 'name="password"' in wrong.text and SESSION_KEY not in client.session
    signed_in = client.post(
        "/konto/logga-in/", {"username": "samordnare.strangnas", "password": "samverkan-demo"}
    )
    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY] == str(personas.coordinator.pk)
