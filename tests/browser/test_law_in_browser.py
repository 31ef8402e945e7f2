"""The municipality's page and the police area's page in a real browser at desktop and
phone width with axe-core: the kommunpolis reads Sollentuna's police area, its
municipalities side by side (one under the other on a phone), goes to a municipality; its
coordinator names the coordinating function in place and is told in Swedish what is
missing."""

import os

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

# Where screenshots go when asked for (SAMVERKAN_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("SAMVERKAN_SCREENSHOTS")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_kommunpolis_reads_the_police_area_and_a_municipality(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "kommunpolis.sollentuna")
    opens(
        page,
        page.get_by_role(
            "link", name="Lokalpolisområde Sollentuna: lagens delar och överenskommelser"
        ),
        "/polisomraden/sollentuna/",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Lokalpolisområde Sollentuna")
    cards = page.locator(".municipality-card")
    expect(cards).to_have_count(3)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    if width == WIDTHS["phone"]:
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # stacked
        assert all(box["x"] + box["width"] <= width for box in boxes)
    else:
        assert boxes[0]["y"] == boxes[1]["y"]  # side by side
    expect(page.get_by_text("försenad").first).to_be_visible()
    assert_accessible(page)
    shot(page, f"law-area-{width}")
    opens(page, page.get_by_role("link", name="Sigtuna", exact=True), "/kommuner/sigtuna/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sigtuna kommun")
    expect(page.get_by_text("Ingen har utsetts att ha den samordnande funktionen.")).to_be_visible()
    assert_accessible(page)
    shot(page, f"law-municipality-{width}")
    opens(
        page,
        page.get_by_role("link", name="Lokalpolisområde Sollentuna", exact=True),
        "/polisomraden/sollentuna/",
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_coordinator_names_the_coordinating_function_in_place(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "orgadmin.sigtuna")
    page.goto(f"{site}/kommuner/sigtuna/")
    assert_accessible(page)
    page.get_by_role("button", name="Utse den samordnande funktionen").click()
    unit = page.get_by_label("Enhet")
    expect(unit).to_be_visible()
    assert page.url.endswith("/kommuner/sigtuna/")  # in place
    unit.fill("Kommunledningskontoret")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ange vem som har funktionen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Namn").fill("Kim Berg")
    page.get_by_role("button", name="Spara").click()
    card = page.locator("#samordning")
    expect(card.get_by_text("Kim Berg")).to_be_visible()
    expect(card.get_by_text("finns")).to_be_visible()
    assert_accessible(page)
