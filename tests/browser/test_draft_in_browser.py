"""A new draft from a signed agreement, edited in place in the browser, with axe-core."""

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from agreements.models import Agreement, AgreementStatus


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_signed_agreement_is_copied_into_a_draft_and_a_section_edited(page, site, width):
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
    assert_accessible(page)
    # Loaded, not only shown: htmx (a deferred script) has then set the editor up.
    opens(
        page,
        page.get_by_role("button", name="Kopiera till nytt utkast"),
        r"/overenskommelser/\d+/utkast/",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kopia av")
    assert_accessible(page)
    page.evaluate("window.noReload = true")

    section = page.locator("li.part-avsnitt").first
    section.get_by_role("button", name="Redigera", exact=True).click()
    form = page.locator("li.row-editing-block")
    expect(form.get_by_label("Rubrik")).to_be_focused()
    assert_accessible(page)
    form.get_by_label("Rubrik").fill("Bakgrund och syfte")
    form.get_by_role("button", name="Spara", exact=True).click()
    saved = page.locator("li.part-avsnitt").first
    expect(saved.get_by_role("heading", name="Bakgrund och syfte")).to_be_visible()
    expect(saved.get_by_role("button", name="Redigera", exact=True)).to_be_focused()
    assert page.evaluate("window.noReload") is True

    page.locator("li.part-avsnitt").first.get_by_role("button", name="Redigera", exact=True).click()
    expect(page.locator("li.row-editing-block").get_by_label("Rubrik")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("li.row-editing-block")).to_have_count(0)
    assert_accessible(page)

    draft = Agreement.objects.get(status=AgreementStatus.DRAFT, title__startswith="Kopia av")
    assert draft.sections.order_by("position").first().heading == "Bakgrund och syfte"
