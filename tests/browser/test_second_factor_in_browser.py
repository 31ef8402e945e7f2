"""Two-factor sign-in in Chromium (issue 18 point 3): the administrator is sent from the
admin to turn it on, signs out, and signs in again with a code from the app, then with a
recovery code; axe-core on each of its pages. The codes are computed from the key the page
shows, as an authenticator app would."""

from browsing import (
    PASSWORD,
    assert_accessible,
    give_the_password,
    log_in,
    opens,
    set_up_second_factor,
    totp_code,
)
from playwright.sync_api import expect


def password_step(page, site, username):
    give_the_password(page, site, username, PASSWORD)
    opens(page, page.get_by_role("button", name="Logga in"), "/konto/kod/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ange din kod")


def test_the_administrator_turns_it_on_and_signs_in_with_codes(page, site):
    log_in(page, site, "admin")
    # The admin is refused without the second factor: the set-up page instead.
    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/konto/tvastegs/aktivera/?next=%2Fadmin%2F")
    expect(page.get_by_text("Sidan du bad om kräver")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kod").fill("000000")
    page.get_by_role("button", name="Slå på", exact=True).click()
    expect(page.locator("#id_code_error")).to_contain_text("Koden stämmer inte")
    assert_accessible(page)
    key, recovery_codes, set_up_code = set_up_second_factor(page)
    assert len(recovery_codes) == 10
    expect(page).to_have_url(f"{site}/admin/")

    page.goto(f"{site}/")
    opens(page, page.get_by_role("button", name="Logga ut"), "/konto/logga-in/")
    # The password alone opens nothing.
    password_step(page, site, "admin")
    assert_accessible(page)
    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/konto/logga-in/?next=/admin/")

    password_step(page, site, "admin")
    page.get_by_label("Kod").fill("123456" if totp_code(key) != "123456" else "654321")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#id_code_error")).to_contain_text("Koden är inte rätt")
    assert_accessible(page)
    page.get_by_label("Kod").fill(set_up_code)  # used once already: refused
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#id_code_error")).to_contain_text("Koden är inte rätt")
    page.get_by_label("Kod").fill(totp_code(key, not_this=set_up_code))
    opens(page, page.get_by_role("button", name="Logga in"), "/")
    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/admin/")

    page.goto(f"{site}/")
    opens(page, page.get_by_role("button", name="Logga ut"), "/konto/logga-in/")
    password_step(page, site, "admin")
    page.get_by_label("Kod").fill(recovery_codes[0])
    opens(page, page.get_by_role("button", name="Logga in"), "/")
    page.goto(f"{site}/konto/tvastegs/")
    expect(page.get_by_text("Du har 9 oanvända återställningskoder.")).to_be_visible()
    assert_accessible(page)
