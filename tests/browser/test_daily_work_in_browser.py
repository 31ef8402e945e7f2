"""The daily work, as issue 17's "Done when" walks it: the Strängnäs and the Sollentuna
kommunpolis log in on a 390-pixel touch screen, see today's tasks on Översikt, follow to
Mina uppgifter, log the first task and land on the saved entry with Nästa to the next one,
in fewer than ten taps and typed fields from Översikt. axe-core checks every page and state
on the way, and none is wider than the screen. The demo's current period
(exchange/demo_current.py) gives both of them rows overdue and due soon on the day it is
loaded, whatever the day. Then the coordinator marks an entry of the kommunpolis as seen
on the row's logging page."""

import re
from urllib.parse import urlsplit

import pytest
from browsing import assert_accessible, assert_fits, log_in
from django.urls import reverse
from playwright.sync_api import expect

from followup.models import FollowUpEntry

PHONE = 390
MOST_TAPS = 9  # "under ten taps"
LOGGING_PAGE = r"/overenskommelser/\d+/handlingsplaner/\d+/rader/\d+/uppfoljning/"


class Thumb:
    """Taps and typed fields, counted: what the kommunpolis does with their thumb."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.tap()

    def tap_to(self, locator, path):
        """Tap a link and wait for the page at `path` (a regular expression of the path)."""
        with self.page.expect_navigation(url=lambda url: _path_matches(url, path)):
            self.tap(locator)

    def type(self, locator, text):
        self.count += 1
        locator.fill(text)


def _path_matches(url, path):
    return re.fullmatch(path, urlsplit(url).path) is not None


def checked(page):
    """The page as it is now: accessible and no wider than the phone."""
    assert_accessible(page)
    assert_fits(page, PHONE)


@pytest.mark.browser_context_args(
    viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True
)
@pytest.mark.parametrize("municipality", ["strangnas", "sollentuna"])
def test_a_kommunpolis_logs_todays_task_in_under_ten_taps(page, site, municipality):
    log_in(page, site, f"kommunpolis.{municipality}")  # checks the login page and Översikt
    assert_fits(page, PHONE)

    # Översikt: today's tasks, overdue and due soon, each a link to its logging page.
    to_follow_up = page.locator("section.to-follow-up")
    expect(to_follow_up.locator("li.is-overdue").first).to_contain_text("försenad sedan")
    expect(to_follow_up.locator("li", has_text="klart senast").first).to_be_visible()
    on_overview = to_follow_up.locator("a").evaluate_all("links => links.map(a => a.pathname)")

    thumb = Thumb(page)
    thumb.tap_to(page.get_by_role("link", name="Mina uppgifter"), "/mina-uppgifter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    cards = page.locator("ol.my-tasks > li")
    first, second = cards.nth(0), cards.nth(1)
    expect(first).to_contain_text("försenad sedan")
    first_log = first.get_by_role("link", name="Logga uppföljning")
    # The first task in Mina uppgifter is one of today's on Översikt too.
    assert first_log.evaluate("a => a.pathname") in on_overview
    second_title = second.locator(".task-title").inner_text()
    checked(page)

    thumb.tap_to(first_log, LOGGING_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga uppföljning")
    # The date is today's and the kommunpolis's own organisation is ticked in advance.
    expect(page.locator("input[name=participants]:checked")).to_have_count(1)
    checked(page)
    thumb.type(page.get_by_label("Vad som gjordes"), "Kvällspatrull i centrum med kommunen.")
    thumb.tap(page.get_by_label("pågår"))
    thumb.tap(page.get_by_role("button", name="Spara uppföljningen"))

    saved = page.locator("#sparad")
    expect(saved).to_contain_text("Kvällspatrull i centrum med kommunen.")
    next_link = saved.get_by_role("link", name="Nästa")
    # Nästa names the next task of the list (its activity, cut to its first words).
    expect(next_link).to_contain_text(" ".join(second_title.split()[:3]))
    assert thumb.count <= MOST_TAPS, f"{thumb.count} taps and typed fields"
    checked(page)

    thumb.tap_to(next_link, LOGGING_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga uppföljning")
    expect(page.locator(".followup-item")).to_contain_text(" ".join(second_title.split()[:3]))
    checked(page)


@pytest.mark.browser_context_args(
    viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True
)
def test_the_coordinator_marks_the_kommunpolis_entry_seen_on_the_logging_page(page, site):
    """The other half of the loop: on the row's logging page the coordinator marks what the
    kommunpolis logged as seen, in place (followup/seeing.py)."""
    entry = (
        FollowUpEntry.objects.filter(
            item__plan__agreement__reference__startswith="aktuell-strangnas",
            author__username="kommunpolis.strangnas",
            seen__isnull=True,
        )
        .select_related("item__plan")
        .latest("created_at")
    )
    row = entry.item
    log_in(page, site, "samordnare.strangnas")
    page.goto(site + reverse("entry_create", args=[row.plan.agreement_id, row.plan_id, row.pk]))
    item = page.locator(f"#post-{entry.pk}")
    checked(page)
    item.get_by_role("button", name="Markera som sedd").tap()
    expect(item.get_by_role("status")).to_contain_text("Sedd av Samordnare Strängnäs")
    expect(item.get_by_role("button", name="Markera som sedd")).to_have_count(0)
    checked(page)
