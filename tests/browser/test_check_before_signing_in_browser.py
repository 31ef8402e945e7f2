"""Klar för underskrift on a draft that is not complete: what is missing, grouped, each a
link to where it is fixed; once completed, the warnings to confirm; in a real browser at
desktop and phone width, with axe-core on every page."""

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from helpers import complete_for_signing
from playwright.sync_api import expect

from agreements.models import Agreement, AgreementStatus

TITLE = "Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_check_before_signing_lists_what_is_missing_then_the_warnings(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/")
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("button", name="Kopiera till nytt utkast").click()
    opens(page, page.get_by_role("link", name=f"Kopia av {TITLE}").first, r"/overenskommelser/\d+/")
    opens(
        page,
        page.get_by_role("link", name="Klar för underskrift"),
        r"/overenskommelser/\d+/klar-for-underskrift/",
    )
    expect(page.get_by_role("heading", level=2, name="saker saknas")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Undertecknare")).to_be_visible()
    expect(page.get_by_role("button", name="Klar för underskrift")).to_have_count(0)
    assert_accessible(page)
    # A finding leads to where it is fixed: the signatories of the draft editor.
    opens(
        page,
        page.get_by_role("link", name="Ingen undertecknar för").first,
        r"/overenskommelser/\d+/utkast/",
    )
    expect(page.get_by_role("heading", name="Undertecknare", level=2)).to_be_visible()
    assert_accessible(page)

    draft = Agreement.objects.get(title=f"Kopia av {TITLE}")
    complete_for_signing(draft)
    page.goto(f"{site}/overenskommelser/{draft.pk}/klar-for-underskrift/")
    expect(page.get_by_role("heading", level=2, name="att titta på")).to_be_visible()
    page.get_by_role("button", name="Klar för underskrift").click()
    expect(page.get_by_text("Kryssa i rutan")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Jag har sett varningarna").check()
    opens(
        page,
        page.get_by_role("button", name="Klar för underskrift"),
        r"/overenskommelser/\d+/versioner/1/",
    )
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.READY
