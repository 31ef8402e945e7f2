"""Kedjan from problem to result as a coordinator reads it, at desktop and phone width,
with axe-core on every page: from the agreement to its chain, a gap's link to where the
gap is, and from a row of the plan back to the problem it addresses."""

import os

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from agreements.models import Agreement, ProblemArea, ProblemItem, ProblemPicture

# Where screenshots go when asked for (SAMVERKAN_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("SAMVERKAN_SCREENSHOTS")


@pytest.fixture
def chained(site):
    """Strängnäs' problem picture with two problems: one its first row addresses, one that
    no row addresses (a gap)."""
    agreement = Agreement.objects.get(reference="strangnas-2020")
    picture = ProblemPicture.objects.get_or_create(agreement=agreement)[0]
    area = ProblemArea.objects.create(problem_picture=picture, position=1, title="Otrygghet")
    addressed = ProblemItem.objects.create(
        area=area,
        position=1,
        text="Ungdomar samlas och skadegörelse ökar vid resecentrum",
        probable_causes="Få vuxna på plats kvällstid",
    )
    ProblemItem.objects.create(area=area, position=2, text="Otrygghet i parkeringshuset")
    row = agreement.action_plans.get().items.order_by("position").first()
    row.problem_items.add(addressed)
    return agreement, row


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_coordinator_follows_the_chain_and_its_gaps(page, site, chained, width):
    agreement, row = chained
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/{agreement.pk}/")
    opens(
        page,
        page.get_by_role("link", name="Från problem till resultat"),
        r"/overenskommelser/\d+/kedja/",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(agreement.title)
    expect(
        page.get_by_role("heading", name="Ungdomar samlas och skadegörelse ökar vid resecentrum")
    ).to_be_visible()
    assert_accessible(page)
    # Reads top to bottom on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/chain-{width}.png", full_page=True)

    gaps = page.locator("#luckor")
    expect(gaps.get_by_role("heading", level=2)).to_contain_text("luckor i kedjan")
    gaps.get_by_role("link", name="Otrygghet i parkeringshuset").click()
    problem = page.locator("article.chain-problem", has_text="Otrygghet i parkeringshuset")
    expect(problem.get_by_text("Lucka: ingen aktivitet åtgärdar problemet.")).to_be_in_viewport()

    page.goto(f"{site}/overenskommelser/{agreement.pk}/handlingsplaner/{row.plan_id}/")
    assert_accessible(page)
    link = page.locator(f"#rad-{row.pk}").get_by_role("link", name="Ungdomar samlas")
    opens(page, link, r"/overenskommelser/\d+/kedja/")
    expect(page.locator("article.chain-problem", has_text="Få vuxna på plats")).to_be_in_viewport()
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_coordinator_ties_a_row_to_the_problem_it_addresses(page, site, chained, width):
    """Problem som raden möter, reached from the row's form: the gap on the chain page
    closes once the row is tied to the problem no row addressed."""
    agreement, row = chained
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/{agreement.pk}/handlingsplaner/{row.plan_id}/")
    page.locator(f"#rad-{row.pk}").get_by_role("button", name="Redigera").first.click()
    opens(
        page,
        page.get_by_role("link", name="Problem som raden möter"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/rader/\d+/problem/",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Problem som raden möter")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/row-problems-{width}.png", full_page=True)

    page.get_by_label("Otrygghet i parkeringshuset").check()
    opens(
        page,
        page.get_by_role("button", name="Spara"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/",
    )
    expect(page.get_by_role("status")).to_contain_text("sparades")
    expect(
        page.locator(f"#rad-{row.pk}").get_by_role("link", name="Otrygghet i parkeringshuset")
    ).to_be_visible()
    page.goto(f"{site}/overenskommelser/{agreement.pk}/kedja/")
    expect(page.locator("#luckor")).not_to_contain_text("Otrygghet i parkeringshuset")
