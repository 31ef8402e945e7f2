"""Mina uppgifter as the Strängnäs kommunpolis reads it, at desktop and phone width, with
axe-core on every page: from the menu to the list, Logga uppföljning one tap away, the
saved entry at the top and Nästa to the next row."""

import datetime
import os

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from django.utils import timezone
from playwright.sync_api import expect

from actionplans.models import ItemStatus
from agreements.models import Agreement

# Where screenshots go when asked for (SAMVERKAN_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("SAMVERKAN_SCREENSHOTS")


@pytest.fixture
def two_tasks(site):
    """Two police rows of this year's Strängnäs citizen promise: one overdue, one due soon."""
    today = timezone.localdate()
    agreement = Agreement.objects.get(reference=f"medborgarlofte-strangnas-{today.year}")
    rows = list(
        agreement.action_plans.get()
        .items.filter(group_heading__startswith="Polisen")
        .order_by("position")[:2]
    )
    for row, days in zip(rows, (-400, -399), strict=True):
        row.due_on = today + datetime.timedelta(days=days)
        row.status = ItemStatus.NOT_STARTED
        row.save()
    return rows


def fits(page, width):
    """Nothing wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_kommunpolis_logs_from_my_tasks_and_goes_on_to_the_next(page, site, two_tasks, width):
    first, second = two_tasks
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "kommunpolis.strangnas")
    opens(page, page.get_by_role("link", name="Mina uppgifter"), r"/mina-uppgifter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    cards = page.locator("ol.my-tasks > li")
    expect(cards.first).to_contain_text(first.activity[:30])
    expect(cards.first).to_contain_text("försenad sedan")
    assert_accessible(page)
    fits(page, width)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/my-tasks-{width}.png")

    # The filter works in place.
    page.get_by_label("Status").select_option("done")
    expect(page.locator("#uppgifter")).not_to_contain_text(first.activity[:30])
    page.get_by_label("Status").select_option("")
    expect(cards.first).to_contain_text(first.activity[:30])

    opens(
        page,
        cards.first.get_by_role("link", name="Logga uppföljning"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/rader/\d+/uppfoljning/",
    )
    page.get_by_label("Vad som gjordes").fill("Kvällspatrull i centrum.")
    page.get_by_label("genomförd").check()
    page.get_by_role("button", name="Spara uppföljningen").click()
    saved = page.locator("#sparad")
    expect(saved).to_contain_text("Kvällspatrull i centrum.")
    next_link = saved.get_by_role("link", name="Nästa")
    expect(next_link).to_contain_text(second.activity[:20])
    assert_accessible(page)
    fits(page, width)
    opens(
        page,
        next_link,
        rf"/overenskommelser/\d+/handlingsplaner/\d+/rader/{second.pk}/uppfoljning/",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga uppföljning")
