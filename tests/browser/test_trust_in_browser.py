"""Trust pages in a real browser, with axe-core at desktop and phone width: Historik after
a row is edited, Användare for an organisation administrator, and the lockout page."""

import pytest
from browsing import (
    WIDTHS,
    assert_accessible,
    give_the_password,
    log_in,
    opens,
    set_up_second_factor,
)
from playwright.sync_api import expect

TITLE = "Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_history_users_and_lockout_pages(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/")
    page.get_by_role("link", name=TITLE, exact=True).click()
    opens(
        page,
        page.get_by_role("link", name="Öppna handlingsplanen"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/",
    )
    first_row = page.locator("tr.plan-row").first
    first_row.get_by_role("button", name="Redigera", exact=True).click()
    form = page.locator("tr.row-editing")
    activity = form.get_by_label("Vad", exact=True)
    expect(activity).to_be_focused()  # htmx has set the form up
    activity.fill("SIG Sociala insatsgrupper, även för 13-åringar")
    form.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("tr.plan-row", has_text="även för 13-åringar")).to_be_visible()
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("link", name="Historik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historik")
    expect(page.locator("ins", has_text="även för 13-åringar").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Radens historik").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("En rads historik")
    assert_accessible(page)

    opens(page, page.get_by_role("button", name="Logga ut"), "/konto/logga-in/")
    log_in(page, site, "orgadmin.strangnas")
    page.get_by_role("link", name="Användare i Strängnäs").click()
    set_up_second_factor(page)  # an organisation administrator's pages require it
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till en användare").click()
    page.get_by_role("button", name="Lägg till användaren").click()
    expect(page.get_by_text("Detta fält måste fyllas i.").first).to_be_visible()
    assert_accessible(page)

    opens(page, page.get_by_role("button", name="Logga ut"), "/konto/logga-in/")
    for _attempt in range(5):
        give_the_password(page, site, "lasare.strangnas", "fel-lösenord")
        # The next goto would cancel an attempt the server has not answered yet.
        with page.expect_response(lambda response: response.request.method == "POST"):
            page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("För många försök")
    assert_accessible(page)
