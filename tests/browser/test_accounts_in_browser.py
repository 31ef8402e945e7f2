"""Your own account on a phone: the login page, Byt lösenord with a refused and an accepted
password, and Glömt lösenord, in a real browser at 390 pixels with axe-core on every page."""

import re

from browsing import PASSWORD, assert_accessible, log_in, opens
from django.core import mail
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Vintergatan-Kaffe-71"


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_password_is_changed_on_a_phone(page, site):
    page.set_viewport_size(PHONE)
    log_in(page, site, "kommunpolis.strangnas")
    page.get_by_role("link", name="Byt lösenord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Byt lösenord")
    assert_accessible(page)
    assert fits_the_phone(page)

    page.get_by_label("Ditt nuvarande lösenord").fill(PASSWORD)
    page.get_by_label("Nytt lösenord", exact=True).fill("12345678")
    page.get_by_label("Det nya lösenordet igen").fill("12345678")
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.locator("#id_new_password1_error")).to_contain_text("vanligt")
    assert_accessible(page)
    assert fits_the_phone(page)

    page.get_by_label("Ditt nuvarande lösenord").fill(PASSWORD)
    page.get_by_label("Nytt lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Det nya lösenordet igen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt lösenord är bytt")
    assert_accessible(page)
    page.get_by_role("link", name="Gå till översikten").click()
    expect(page).to_have_url(f"{site}/")  # still logged in


def test_a_forgotten_password_is_reset_on_a_phone(page, site):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/konto/logga-in/")
    opens(page, page.get_by_role("link", name="Glömt lösenordet?"), "/konto/aterstall-losenord/")
    assert_accessible(page)
    assert fits_the_phone(page)
    page.get_by_label("Din e-postadress").fill("kommunpolis.strangnas@example.org")
    page.get_by_role("button", name="Skicka länken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kolla din e-post")
    assert_accessible(page)

    (link,) = re.findall(r"https?://\S+", mail.outbox[-1].body)
    page.goto(site + re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj ett nytt lösenord")
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Det nya lösenordet igen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara det nya lösenordet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt nya lösenord är sparat")
    assert_accessible(page)
