"""Sök in the browser, at desktop and phone width, with axe-core on every page: the field
in the header, the hits of each kind with their place, a party found by its name, the
link to a row landing on the row, and a search that finds nothing or is empty."""

import os

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from actionplans.models import ActionItem
from agreements.models import Agreement

SCREENSHOTS = os.environ.get("SAMVERKAN_SCREENSHOTS")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_kommunpolis_searches_and_lands_on_the_hit(page, site, width):
    agreement = Agreement.objects.get(reference="strangnas-2020")
    row = agreement.action_plans.get().items.order_by("position").first()
    ActionItem.objects.filter(pk=row.pk).update(activity="Markera zebrakorsningen vid skolan")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "kommunpolis.strangnas")

    header = page.locator(".site-header")
    header.get_by_label("Sök efter").fill("Eskilstuna")
    opens(page, header.get_by_role("button", name="Sök"), "/sok/")
    expect(page.get_by_role("heading", level=2)).to_contain_text("träffar för ”Eskilstuna”")
    parties = page.locator("#traffar .hit-group", has=page.get_by_role("heading", name="Parter"))
    # A party of the 2020 seed and of the demo's current period: one hit for each.
    expect(
        parties.get_by_role("link", name="Lokalpolisområde Eskilstuna", exact=True)
    ).to_have_count(2)
    expect(parties.locator(f'a[href="/overenskommelser/{agreement.pk}/"]')).to_be_visible()
    expect(parties.locator("mark").first).to_have_text("Eskilstuna")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/search-{width}.png", full_page=True)

    # A row found by a word of its activity; its link lands on the row in the plan.
    page.get_by_role("search").get_by_label("Sök efter").fill("zebrakorsningen")
    opens(page, page.get_by_role("button", name="Sök", exact=True), "/sok/")
    rows = page.locator(".hit-group", has=page.get_by_role("heading", name="Planrader"))
    link = rows.locator(f'a[href$="#rad-{row.pk}"]')
    expect(link).to_be_visible()
    assert_accessible(page)
    opens(page, link, r"/overenskommelser/\d+/handlingsplaner/\d+/")
    expect(page.locator(f"#rad-{row.pk}")).to_be_in_viewport()

    # Nothing found, and nothing written: each says so in Swedish.
    page.goto(f"{site}/sok/?q=xyzzyqwerty")
    expect(page.get_by_text("Inget som du får se matchar.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{site}/sok/?q=")
    expect(page.get_by_text("Skriv vad du söker efter.")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
