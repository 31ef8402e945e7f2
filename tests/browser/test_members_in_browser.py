"""An organisation administrator's Användare in Chromium, at 1280 and at 390 pixels: the
page never scrolls sideways, every column is in view at 1280 (the last-login column and the
actions were cut off), and on a phone each user is a card with its cells named."""

import datetime

from browsing import WIDTHS, assert_accessible, assert_fits, log_in, set_up_second_factor
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import Invitation, LastSignIn, MembershipRole, Organisation

COLUMNS = """() => {
  const region = document.querySelector("table.members").closest(".table-scroll");
  const right = region.getBoundingClientRect().right;
  return [...document.querySelectorAll("table.members thead th")]
    .filter(th => th.getBoundingClientRect().right > right + 1)
    .map(th => th.textContent);
}"""


def test_the_users_fit_the_screen_at_both_widths(page, site):
    strangnas = Organisation.objects.get(kommunkod="0486")
    for username in ("samordnare.strangnas", "lasare.strangnas"):
        LastSignIn.record(User.objects.get(username=username))
    Invitation.objects.create(
        organisation=strangnas,
        email="nina.ny@strangnas.se",
        role=MembershipRole.COORDINATOR,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        token_hash="b" * 64,
    )
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    log_in(page, site, "orgadmin.strangnas")
    page.get_by_role("link", name="Användare i Strängnäs").click()
    set_up_second_factor(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")

    assert_fits(page, WIDTHS["desktop"])
    assert page.evaluate(COLUMNS) == []  # Senast inloggad and the actions are in view
    assert_accessible(page)

    page.set_viewport_size({"width": WIDTHS["phone"], "height": 844})
    assert_fits(page, WIDTHS["phone"])
    card = page.get_by_role("row", name="Läsare Strängnäs")
    expect(card.get_by_role("cell", name="Senast inloggad")).to_be_visible()
    assert_accessible(page)
