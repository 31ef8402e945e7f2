"""Sign-in through the organisation's own provider in Chromium, against a real OpenID Connect
provider started here (tests/oidc/server.mjs): the address finds the provider, the person
signs in there and comes back signed in, without a password of ours; someone the provider
knows but we do not is refused; a replayed callback is refused; a provider that is down is
answered in Swedish on the login page."""

import pytest
from browsing import assert_accessible
from django.contrib.auth.models import User
from oidc_provider import free_port, register_provider, running_provider
from playwright.sync_api import expect

from organisations.models import IdentityProvider

ACCOUNTS = {
    "anna": {"email": "anna.berg@strangnas.test", "email_verified": True, "name": "Anna Berg"},
    "okand": {"email": "okand@strangnas.test", "email_verified": True, "name": "Ove Okänd"},
}


@pytest.fixture(scope="module")
def issuer(live_server):
    callback = f"{live_server.url}/konto/sso/oidc/strangnas/login/callback/"
    with running_provider(redirect_uris=[callback], accounts=ACCOUNTS) as address:
        yield address


def give_the_address_to_us_then_the_provider(page, site, address, login):
    page.goto(f"{site}/konto/logga-in/")
    page.get_by_label("Användarnamn eller e-postadress").fill(address)
    page.get_by_role("button", name="Fortsätt").click()
    # The provider's own login page (its development one: any password).
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("the provider's password, not ours")
    page.get_by_role("button", name="Sign-in").click()


def test_a_member_signs_in_through_her_organisations_provider(page, site, issuer):
    register_provider(issuer)
    User.objects.filter(username="samordnare.strangnas").update(email="anna.berg@strangnas.test")
    callbacks = []
    page.on(
        "request",
        lambda request: callbacks.append(request.url) if "/login/callback/?" in request.url else 0,
    )

    page.goto(f"{site}/konto/logga-in/")
    assert_accessible(page)
    give_the_address_to_us_then_the_provider(page, site, "anna.berg@strangnas.test", "anna")

    page.wait_for_url(f"{site}/")
    expect(page.locator(".user-name")).to_be_visible()
    assert_accessible(page)

    # The same answer from the provider again, as an attacker who saw it would send it.
    page.get_by_role("button", name="Logga ut").click()
    page.goto(callbacks[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen misslyckades")
    assert_accessible(page)
    page.goto(f"{site}/")
    page.wait_for_url(f"{site}/konto/logga-in/?next=/")


def test_someone_unknown_to_us_is_refused_and_a_provider_that_is_down_is_named(page, site, issuer):
    register_provider(issuer)
    give_the_address_to_us_then_the_provider(page, site, "okand@strangnas.test", "okand")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du kan inte logga in ännu")
    expect(page.get_by_text("Be din organisations administratör")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(email="okand@strangnas.test").exists()

    IdentityProvider.objects.update(issuer=f"http://127.0.0.1:{free_port()}")
    page.goto(f"{site}/konto/logga-in/")
    page.get_by_label("Användarnamn eller e-postadress").fill("anna.berg@strangnas.test")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Strängnäs inloggningstjänst svarar inte just nu"
    )
    assert_accessible(page)
