"""Adopted plans in a real browser at desktop and phone width, with axe-core on every page:
the plan page's adoption and its marked rows, Fastställ, and Jämför med fastställd version
with another version chosen in place."""

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from actionplans.models import ActionPlan

pytestmark = pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())


def test_a_coordinator_adopts_a_plan_again_and_compares_it(page, site, width):
    plan = ActionPlan.objects.get(agreement__reference="harnosand-2012")
    plan_path = f"/overenskommelser/{plan.agreement_id}/handlingsplaner/{plan.pk}/"
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.harnosand")
    page.goto(f"{site}{plan_path}")
    adoption = page.locator("#faststalld")
    expect(adoption).to_contain_text("Fastställd version 2, 2012-09-05")
    expect(adoption).to_contain_text("Ändrad sedan fastställelsen")
    expect(page.locator("tr.plan-row", has_text="Ändrad sedan fastställelsen")).to_have_count(1)
    assert_accessible(page)

    opens(
        page,
        page.get_by_role("link", name="Jämför med fastställd version"),
        plan_path + "jamfor-faststalld/",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämför med fastställd version")
    expect(page.locator("del", has_text="Under våren 2012")).to_be_visible()
    expect(page.locator("ins", has_text="Under 2012")).to_be_visible()
    assert_accessible(page)
    # Version 1 in place: it had the row as it reads now.
    page.get_by_label("Fastställd version").select_option("1")
    expect(page.locator("#comparison")).to_contain_text("Oförändrad sedan fastställelsen.")
    assert_accessible(page)

    page.goto(f"{site}{plan_path}")
    opens(page, page.get_by_role("link", name="Fastställ igen"), plan_path + "faststall/")
    assert_accessible(page)
    page.get_by_label("Fastställd av (organ)").fill("Kommunstyrelsen")
    page.get_by_label("Diarienummer").fill("KS 2026/77")
    opens(page, page.get_by_role("button", name="Fastställ"), plan_path)
    expect(page.locator("#faststalld")).to_contain_text("Fastställd version 3")
    expect(page.locator("#faststalld")).to_contain_text("Kommunstyrelsen, dnr KS 2026/77")
    expect(page.locator("#faststalld")).to_contain_text("Oförändrad sedan fastställelsen.")
    assert_accessible(page)
