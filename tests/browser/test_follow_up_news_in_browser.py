"""The loop after logging in the browser, at desktop and phone width, with axe-core on
every page and state: Översikt says what is new, the timeline and the plan mark it "Ny",
the coordinator marks the kommunpolis's entry as seen in place, and the kommunpolis sees
who read it."""

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement
from followup.models import FollowUpEntry


@pytest.fixture
def logged(site):
    """An entry the Strängnäs kommunpolis logged just now on the plan's first row."""
    agreement = Agreement.objects.get(reference="strangnas-2020")
    row = agreement.action_plans.get().items.order_by("position").first()
    police = get_user_model().objects.get(username="kommunpolis.strangnas")
    entry = FollowUpEntry.objects.create(
        item=row,
        occurred_on=timezone.localdate(),
        what_was_done="Trygghetsvandring vid resecentrum med tre föreningar.",
        status="in_progress",
        author=police,
        author_name=police.get_full_name(),
    )
    return agreement, row, entry


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_coordinator_sees_what_is_new_and_marks_it_seen(page, site, logged, width):
    agreement, row, entry = logged
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    news = page.locator("section.news")
    expect(news.get_by_role("heading", name="Nytt i uppföljningen")).to_be_visible()
    expect(news).to_contain_text("sedan ditt senaste besök")
    opens(
        page,
        news.get_by_role("link", name=agreement.title),
        rf"/overenskommelser/{agreement.pk}/uppfoljning/",
    )
    item = page.locator(f"#post-{entry.pk}")
    expect(item.locator(".news-mark")).to_have_text("Ny")
    assert_accessible(page)
    fits(page, width)
    item.get_by_role("button", name="Markera som sedd").click()
    expect(item.get_by_role("status")).to_contain_text("Sedd av Samordnare Strängnäs")
    expect(item.get_by_role("button", name="Markera som sedd")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{site}/overenskommelser/{agreement.pk}/handlingsplaner/{row.plan_id}/")
    mark = page.locator(f"#rad-{row.pk}").get_by_role("link", name="Ny uppföljning")
    expect(mark).to_be_visible()
    assert_accessible(page)
    fits(page, width)

    page.context.clear_cookies()
    log_in(page, site, "kommunpolis.strangnas")
    page.goto(f"{site}/overenskommelser/{agreement.pk}/uppfoljning/")
    own = page.locator(f"#post-{entry.pk}")
    expect(own).to_contain_text("Sedd av Samordnare Strängnäs")
    expect(own.locator(".news-mark")).to_have_count(0)  # one's own entry is never new
    assert_accessible(page)
    fits(page, width)
