"""What every browser test does: log in, open a page, check it with axe-core."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PASSWORD = "samverkan-demo"
WIDTHS = {"desktop": 1280, "phone": 390}


AXE = Axe()


def serious_violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now, one line each."""
    violations = AXE.run(page).response["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]


def assert_accessible(page):
    """Fail on any serious or critical axe-core violation of the page as it is now."""
    serious = serious_violations(page)
    assert serious == [], f"{page.url}: " + "\n".join(serious)


def opens(page, locator, path):
    """Click a link or button that loads another page, and wait until the page at `path`
    (a regular expression matched against the URL's path) has loaded. A click returns once
    it is done, not when the next page is there: axe-core or a read of the page right after
    it would see the old page, or fail as it goes away."""
    locator.click()
    page.wait_for_url(re.compile(r"^[^?#]*?://[^/]+" + path + r"(\?.*)?(#.*)?$"))


def log_in(page, site, username, *, check=True):
    """Log in through the form. `check=False` where scripts are off: axe runs as one."""
    give_the_password(page, site, username, PASSWORD, check=check)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{site}/")
    if check:
        assert_accessible(page)


def give_the_password(page, site, username, password, *, check=False):
    """The login page's two steps up to the button Logga in: the user name, Fortsätt, and
    the password on the page that asks for it."""
    page.goto(f"{site}/konto/logga-in/")
    if check:
        assert_accessible(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_label("Lösenord")).to_be_visible()
    if check:
        assert_accessible(page)
    page.get_by_label("Lösenord").fill(password)


def totp_code(key, *, not_this=None):
    """The code an authenticator app shows now for `key`, by allauth.mfa's own function;
    the one of the half-minute before (also taken) when the app's is `not_this`, a code
    used already."""
    step = int(time.time()) // 30
    codes = (format_hotp_value(hotp_value(key, step - back)) for back in (0, 1))
    return next(code for code in codes if code != not_this)


def set_up_second_factor(page):
    """On the page that asks an administrator to turn on two-factor sign-in: turn it on
    with a code from the key shown, and continue past the recovery codes. Returns the key,
    the recovery codes and the code used (it does not sign in again)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Slå på tvåstegsinloggning")
    key = page.locator("#second-factor-key").inner_text()
    page.get_by_label("Kod").fill(code := totp_code(key))
    page.get_by_role("button", name="Slå på", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dina återställningskoder")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="Fortsätt").click()
    return key, codes, code


def assert_fits(page, width):
    """No part of the page is wider than the screen: nothing to scroll sideways."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url}: {scroll_width} px wide on a {width} px screen"
