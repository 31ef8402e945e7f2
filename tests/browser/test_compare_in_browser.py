"""Jämför versioner with a plan's changed row, each changed cell under its column's name,
checked with axe-core at desktop and phone width (issue 17, point 7)."""

import pytest
from browsing import WIDTHS, assert_accessible, log_in
from django.contrib.auth import get_user_model
from helpers import make_ready, strangnas_draft
from playwright.sync_api import expect

from agreements.models import Agreement
from signing import lifecycle
from signing.views import _signers


@pytest.fixture
def revised(site):
    """Strängnäs' agreement signed as version 1, revised, and a row changed in version 2."""
    seeds = {agreement.reference: agreement for agreement in Agreement.objects.all()}
    agreement = strangnas_draft(seeds)
    coordinator = get_user_model().objects.get(username="samordnare.strangnas")
    version = make_ready(agreement, coordinator)
    version.refresh_from_db()
    signatures = [
        {**signer, "name": signer.get("name") or f"Person {number}", "signed_on": "2026-01-15"}
        for number, signer in enumerate(_signers(version))
    ]
    lifecycle.register_signature(
        version, signatures=signatures, scan=b"%PDF-1.4 scan", scan_name="s.pdf", user=None
    )
    agreement = lifecycle.revise(agreement, None)
    item = agreement.action_plans.get().items.order_by("position").first()
    item.activity += " Varje vecka."
    item.when_text = "Hösten 2027"
    item.save()
    return agreement


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_compare_page_names_each_changed_cell(page, site, revised, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas", check=False)
    page.goto(f"{site}/overenskommelser/{revised.pk}/jamfor/")
    rows = page.locator("section.comparison").filter(
        has=page.get_by_role("heading", name="Handlingsplanernas rader")
    )
    expect(rows.locator("tbody.changed-row .cell-name").first).to_have_text("Vad")
    expect(rows.locator("ins").first).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
