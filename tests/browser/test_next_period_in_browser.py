"""Nästa period in the browser: a signed agreement taken to its next period, the draft
editor pointing out the texts naming the period before, at 1280 and 390 pixels, with axe."""

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from agreements.models import Agreement


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_strangnas_agreement_is_taken_to_the_next_period(page, site, width):
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
    opens(
        page,
        page.get_by_role("button", name="Nästa period (2023–2027)"),
        r"/overenskommelser/\d+/utkast/",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("2023–2027")
    old_texts = page.locator("#gamla-ar")
    expect(old_texts.get_by_role("heading", name="Dessa texter nämner 2019–2023")).to_be_visible()
    expect(page.get_by_role("heading", name="Avslutade förra perioden")).to_be_visible()
    expect(page.get_by_role("heading", name="Överförda rader")).to_be_visible()
    assert_accessible(page)
    # Nothing wider than the phone: the lists wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    opens(
        page,
        old_texts.get_by_role("button", name="De får stå kvar som de är"),
        r"/overenskommelser/\d+/utkast/",
    )
    expect(page.locator("#gamla-ar")).to_have_count(0)
    assert_accessible(page)
    assert Agreement.objects.filter(follows__reference="strangnas-2020").count() == 1
