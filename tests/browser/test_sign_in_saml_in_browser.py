"""Sign-in through the organisation's SAML 2.0 identity provider in Chromium, against a real
SAML identity provider started here (pysaml2's, tests/saml_provider.py): the address finds
the provider, the person signs in there, its signed answer posts itself back to us, and she
is signed in without a password of ours; someone the provider knows but we do not is
refused."""

import pytest
import requests
from browsing import assert_accessible
from django.contrib.auth.models import User
from playwright.sync_api import expect
from saml_provider import running_identity_provider

from organisations.models import IdentityProvider, Organisation, ProviderKind

ACCOUNTS = {
    "anna": {"mail": ["anna.berg@strangnas.test"], "givenName": ["Anna"], "sn": ["Berg"]},
    "okand": {"mail": ["okand@strangnas.test"], "givenName": ["Ove"], "sn": ["Okänd"]},
}


@pytest.fixture(scope="module")
def idp():
    with running_identity_provider(ACCOUNTS) as provider:
        yield provider


def register_provider(site, idp):
    provider = IdentityProvider.objects.create(
        organisation=Organisation.objects.get(kommunkod="0486"),
        key="strangnas",
        kind=ProviderKind.SAML,
        saml_entity_id=idp.entity_id,
        saml_metadata_url=idp.metadata_url,
    )
    provider.domains.create(domain="strangnas.test")
    # The IT department loads our metadata into their identity provider.
    idp.trust(requests.get(site + provider.saml_metadata_path, timeout=10).text)


def give_the_address_to_us_then_the_provider(page, site, address, login):
    page.goto(f"{site}/konto/logga-in/")
    page.get_by_label("Användarnamn eller e-postadress").fill(address)
    page.get_by_role("button", name="Fortsätt").click()
    # The identity provider's login page; its answer then posts itself to our ACS.
    page.get_by_label("Login").fill(login)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_signs_in_through_her_organisations_saml_provider(page, site, idp):
    register_provider(site, idp)
    User.objects.filter(username="samordnare.strangnas").update(email="anna.berg@strangnas.test")

    page.goto(f"{site}/konto/logga-in/")
    assert_accessible(page)
    give_the_address_to_us_then_the_provider(page, site, "anna.berg@strangnas.test", "anna")

    page.wait_for_url(f"{site}/")
    expect(page.locator(".user-name")).to_be_visible()
    assert_accessible(page)
    anna = User.objects.get(username="samordnare.strangnas")
    assert anna.socialaccount_set.get().uid == "anna-at-the-test-idp"


def test_someone_unknown_to_us_is_refused(page, site, idp):
    register_provider(site, idp)
    give_the_address_to_us_then_the_provider(page, site, "okand@strangnas.test", "okand")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du kan inte logga in ännu")
    assert_accessible(page)
    assert not User.objects.filter(email="okand@strangnas.test").exists()
