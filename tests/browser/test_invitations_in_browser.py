"""An invitation in Chromium, against a real OpenID Connect provider started here
(tests/oidc/server.mjs): the organisation administrator invites an address on the members
page, the person opens the e-mailed link, signs in at the organisation's provider without a
password of ours and lands in the organisation with the invited role; the link used again is
refused in Swedish."""

import re

import pytest
from browsing import assert_accessible, log_in, opens, set_up_second_factor
from django.contrib.auth.models import User
from django.core import mail
from oidc_provider import register_provider, running_provider
from playwright.sync_api import expect

from organisations.models import MembershipRole, Organisation

ACCOUNTS = {
    "nina": {"email": "nina.ny@strangnas.test", "email_verified": True, "name": "Nina Ny"},
}


@pytest.fixture(scope="module")
def issuer(live_server):
    callback = f"{live_server.url}/konto/sso/oidc/strangnas/login/callback/"
    with running_provider(redirect_uris=[callback], accounts=ACCOUNTS) as address:
        yield address


def test_an_invited_person_signs_in_through_the_provider_and_lands_with_the_role(
    page, site, issuer
):
    strangnas = Organisation.objects.get(kommunkod="0486")
    register_provider(issuer)
    mail.outbox.clear()

    log_in(page, site, "orgadmin.strangnas")
    page.get_by_role("link", name="Användare i Strängnäs").click()
    set_up_second_factor(page)  # an organisation administrator's pages require it
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")
    page.get_by_label("E-post").fill("nina.ny@strangnas.test")
    page.get_by_label("Roll").select_option(label="samordnare")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.get_by_text("En inbjudan skickades till nina.ny@strangnas.test")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("nina.ny@strangnas.test"))).to_be_visible()
    assert_accessible(page)
    opens(page, page.get_by_role("button", name="Logga ut"), "/konto/logga-in/")

    (message,) = mail.outbox
    assert message.to == ["nina.ny@strangnas.test"]
    link = re.search(r"/konto/inbjudan/\S+/", message.body).group()
    page.goto(f"{site}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudan till Strängnäs")
    assert_accessible(page)
    page.get_by_role("button", name="Logga in genom Strängnäs").click()
    # The provider's own login page (its development one: any password).
    page.locator("input[name=login]").fill("nina")
    page.locator("input[name=password]").fill("the provider's password, not ours")
    page.get_by_role("button", name="Sign-in").click()

    page.wait_for_url(f"{site}/")
    expect(page.get_by_text("Välkommen! Du är nu användare i Strängnäs.")).to_be_visible()
    assert_accessible(page)
    user = User.objects.get(email="nina.ny@strangnas.test")
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (strangnas, MembershipRole.COORDINATOR)

    opens(page, page.get_by_role("button", name="Logga ut"), "/konto/logga-in/")
    page.goto(f"{site}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudan kan inte användas")
    expect(page.get_by_text("Inbjudan har redan använts.")).to_be_visible()
    assert_accessible(page)
