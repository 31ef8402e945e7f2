"""A title saved in the draft editor (in place, by htmx) is at once the title of the
breadcrumb and of the window, not only of the heading (issue 17, point 11)."""

import re

from browsing import assert_accessible, log_in
from helpers import strangnas_draft
from playwright.sync_api import expect

from agreements.models import Agreement


def test_the_breadcrumb_and_the_window_follow_a_saved_title(page, site):
    draft = strangnas_draft({"strangnas-2020": Agreement.objects.get(reference="strangnas-2020")})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/{draft.pk}/utkast/")
    page.get_by_role("button", name="Redigera titel och period").click()
    page.get_by_label("Titel").fill("Trygga Mariefred 2026–2029")
    page.get_by_role("button", name="Spara").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygga Mariefred 2026–2029")
    crumbs = page.get_by_role("navigation", name="Du är här")
    expect(crumbs).to_contain_text("Trygga Mariefred 2026–2029")
    expect(page).to_have_title(re.compile("Trygga Mariefred 2026–2029"))
    assert_accessible(page)
