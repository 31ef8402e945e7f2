"""The five steps on an agreement's page, in a real browser at desktop and phone width with
axe-core: a coordinator reads what is done and left, ticks an item with its evidence and
takes the tick away again, each in place (HTMX)."""

import os

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from agreements.models import StepTick

# Where screenshots of the panel go when asked for (SAMVERKAN_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("SAMVERKAN_SCREENSHOTS")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_coordinator_ticks_and_unticks_an_item_of_the_steps(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/")
    opens(
        page,
        page.get_by_role(
            "link",
            name="Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023",
        ),
        r"/overenskommelser/\d+/",
    )
    steps = page.locator("#steg")
    expect(steps.get_by_role("heading", name="De fem stegen")).to_be_visible()
    expect(steps).to_contain_text("Aktuellt steg: 2. Egna förberedelser")
    expect(steps).to_contain_text("Bockad av Samordnare Strängnäs, 2019-04-20")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.evaluate("window.noReload = true")

    item = page.locator("#steg-staff_dialogues")
    item.locator("summary").click()
    item.get_by_label("Klart den").fill("2025-10-02")
    item.get_by_label("Underlag").fill("Medarbetardialog på polisstationen och i skolorna")
    assert_accessible(page)
    item.get_by_role("button", name="Bocka av", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Bockad: Medarbetardialoger genomförda.")
    item = page.locator("#steg-staff_dialogues")
    expect(item).to_contain_text("Bockad av Samordnare Strängnäs, 2025-10-02")
    expect(page.locator("#steg")).to_contain_text("Aktuellt steg: 3. Gemensamma förberedelser")
    assert page.evaluate("window.noReload")  # swapped in place, not reloaded
    assert_accessible(page)
    if SCREENSHOTS:
        page.locator("#steg").screenshot(path=f"{SCREENSHOTS}/steps-{width}.png")
    assert StepTick.objects.filter(item="staff_dialogues").count() == 1

    item.get_by_role("button", name="Ta bort bocken").click()
    expect(page.get_by_role("status")).to_have_text(
        "Bocken är borttagen: Medarbetardialoger genomförda."
    )
    expect(page.locator("#steg")).to_contain_text("Aktuellt steg: 2. Egna förberedelser")
    assert_accessible(page)
    assert not StepTick.objects.filter(item="staff_dialogues").exists()
