"""The coordinator's day in a real browser: a plan's rows edited in place, by mouse and
keyboard, at desktop and phone width, with axe-core on every page and after every swap."""

import re

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from playwright.sync_api import expect

from actionplans.models import ActionItem, ActionPlan

pytestmark = pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())

ROW = "SIG Sociala insatsgrupper"


def strangnas_plan() -> ActionPlan:
    return ActionPlan.objects.get(agreement__reference="strangnas-2020")


def open_plan(page, site, width, username="samordnare.strangnas"):
    """Log in and walk to the Strängnäs plan as a user would: list, agreement, plan."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, username)
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
    # Loaded, not only shown: htmx (a deferred script) has then set the rows up.
    opens(
        page,
        page.get_by_role("link", name="Öppna handlingsplanen"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handlingsplan")
    assert_accessible(page)
    # Set on this page: a full page load would lose it, an in-place swap keeps it.
    page.evaluate("window.noReload = true")


def row(page, text):
    return page.locator("tr.plan-row", has_text=text)


def button(locator, name):
    return locator.get_by_role("button", name=name, exact=True)


def open_menu(page, locator):
    """The row's Mer menu opened by keyboard: its other buttons are in it."""
    locator.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(locator.locator("details.row-menu")).to_have_attribute("open", "")


def open_form(page, text):
    """Redigera on the row, then wait for the form's first field to take the focus: htmx
    has then set the form up (a click before that would submit it as a plain form)."""
    button(row(page, text), "Redigera").click()
    form = page.locator("tr.row-editing")
    expect(form.get_by_label("Vad", exact=True)).to_be_focused()
    return form


def stayed_on_the_page(page):
    assert page.evaluate("window.noReload") is True


def test_a_row_is_edited_in_place_and_kept(page, site, width):
    open_plan(page, site, width)
    button(row(page, ROW), "Redigera").click()
    activity = page.get_by_label("Vad", exact=True)
    expect(activity).to_be_focused()
    assert_accessible(page)
    activity.fill("SIG – sociala insatsgrupper för unga")
    button(page.locator("tr.row-editing"), "Spara").click()

    saved = row(page, "SIG – sociala insatsgrupper för unga")
    expect(saved).to_be_visible()
    expect(button(saved, "Redigera")).to_be_focused()
    stayed_on_the_page(page)
    assert_accessible(page)
    page.reload()
    expect(row(page, "SIG – sociala insatsgrupper för unga")).to_be_visible()
    assert strangnas_plan().items.filter(activity="SIG – sociala insatsgrupper för unga").exists()


def test_avbryt_and_escape_restore_the_row_without_saving(page, site, width):
    open_plan(page, site, width)
    asked = []  # typed words are thrown away only when the user says so (unsaved.js)
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    form = open_form(page, ROW)
    form.get_by_label("Vad", exact=True).fill("Ska inte sparas")
    button(form, "Avbryt").click()
    expect(button(row(page, ROW), "Redigera")).to_be_focused()

    form = open_form(page, ROW)
    form.get_by_label("Vad", exact=True).fill("Inte heller detta")
    page.keyboard.press("Escape")
    expect(button(row(page, ROW), "Redigera")).to_be_focused()
    expect(page.locator("tr.row-editing")).to_have_count(0)
    stayed_on_the_page(page)
    assert asked == ["confirm", "confirm"]
    assert not ActionItem.objects.filter(activity__in=["Ska inte sparas", "Inte heller detta"])


def test_a_row_is_added_and_removed_after_a_confirmation(page, site, width):
    open_plan(page, site, width)
    page.get_by_role("button", name="Lägg till rad", exact=True).last.click()
    new_row = page.locator("tr.row-editing")
    expect(new_row.get_by_label("Vad", exact=True)).to_be_focused()
    assert_accessible(page)
    new_row.get_by_label("Vad", exact=True).fill("Nattvandring med föräldrar")
    new_row.get_by_label("Kommunikation", exact=True).fill("Kommunens webbplats")
    button(new_row, "Spara").click()
    added = row(page, "Nattvandring med föräldrar")
    expect(added).to_be_visible()
    assert strangnas_plan().items.filter(activity="Nattvandring med föräldrar").exists()

    added.locator("summary").click()
    button(added, "Ta bort").click()
    confirmation = page.locator("tr.row-confirm")
    expect(confirmation).to_contain_text("Ta bort raden?")
    expect(button(confirmation, "Ta bort")).to_be_focused()  # htmx has set it up
    assert_accessible(page)
    button(confirmation, "Ta bort").click()
    expect(page.get_by_role("status")).to_contain_text("Raden togs bort.")
    expect(row(page, "Nattvandring med föräldrar")).to_have_count(0)
    stayed_on_the_page(page)
    assert not strangnas_plan().items.filter(activity="Nattvandring med föräldrar").exists()


def test_rows_are_reordered_by_keyboard(page, site, width):
    open_plan(page, site, width)
    first, second = (item.activity for item in strangnas_plan().items.order_by("position")[:2])
    open_menu(page, row(page, first))
    move_down = button(row(page, first), "Flytta ned")
    move_down.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Raden flyttades ned.")
    # The focus stays on the moved row's button: Enter again moves it on.
    expect(button(row(page, first), "Flytta ned")).to_be_focused()
    assert_accessible(page)
    page.reload()
    # A row's first cell is its activity, then the row's status on a line of its own.
    cells = page.locator("tr.plan-row > :first-child").all_inner_texts()
    texts = [cell.splitlines()[0] for cell in cells]
    assert texts.index(second) < texts.index(first)

    open_menu(page, row(page, first))
    button(row(page, first), "Flytta upp").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Raden flyttades upp.")
    expect(button(row(page, first), "Flytta upp")).to_be_focused()
    order = list(strangnas_plan().items.order_by("position").values_list("activity", flat=True))
    assert order[:2] == [first, second]


def test_a_validation_error_is_shown_next_to_the_field_and_input_is_kept(page, site, width):
    open_plan(page, site, width)
    form = open_form(page, ROW)
    form.get_by_label("Vad", exact=True).fill("")
    form.get_by_label("Kommunikation", exact=True).fill("Mitt förslag")
    button(form, "Spara").click()
    activity = page.locator("tr.row-editing").get_by_label("Vad", exact=True)
    expect(activity).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_activity_error")).to_have_text("Detta fält måste fyllas i.")
    expect(page.locator("tr.row-editing").get_by_label("Kommunikation", exact=True)).to_have_value(
        "Mitt förslag"
    )
    assert_accessible(page)
    assert not strangnas_plan().items.filter(communication="Mitt förslag").exists()


@pytest.mark.parametrize("choice", ["Spara min version", "Behåll den sparade versionen"])
def test_two_editors_of_one_row_see_both_versions_and_choose(browser, site, width, choice):
    """Two browser contexts, two people: the coordinator and the kommunpolis open the same
    row; the coordinator saves first; the kommunpolis's save shows both versions."""
    pages = []
    for username in ("samordnare.strangnas", "kommunpolis.strangnas"):
        page = browser.new_context().new_page()
        open_plan(page, site, width, username)
        open_form(page, ROW)
        pages.append(page)
    first, second = pages

    first.locator("tr.row-editing").get_by_label("Vad", exact=True).fill("SIG, första versionen")
    button(first.locator("tr.row-editing"), "Spara").click()
    expect(row(first, "SIG, första versionen")).to_be_visible()

    form = second.locator("tr.row-editing")
    form.get_by_label("Kommunikation", exact=True).fill("Kommunpolisen informerar")
    button(form, "Spara").click()
    conflict = second.locator("tr.row-conflict")
    expect(conflict).to_contain_text("Någon annan har ändrat raden sedan du öppnade den")
    expect(conflict.locator("table.compare")).to_contain_text("Kommunpolisen informerar")
    assert_accessible(second)
    button(conflict, choice).click()
    expect(second.locator("tr.row-conflict")).to_have_count(0)

    item = strangnas_plan().items.get(activity="SIG, första versionen")
    if choice == "Spara min version":
        assert item.communication == "Kommunpolisen informerar"
    else:
        assert item.communication != "Kommunpolisen informerar"
    for page in pages:
        page.context.close()


def test_without_javascript_the_buttons_are_plain_forms(browser, site, width):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas", check=False)
    plan = strangnas_plan()
    page.goto(f"{site}/overenskommelser/{plan.agreement_id}/handlingsplaner/{plan.pk}/")
    opens(page, button(row(page, ROW), "Redigera"), r"/overenskommelser/.*/rader/\d+/redigera/")
    page.get_by_label("Vad", exact=True).fill("SIG utan JavaScript")
    button(page.locator("tr.row-editing"), "Spara").click()
    # Back on the plan, at the saved row.
    page.wait_for_url(re.compile(r"/handlingsplaner/\d+/#rad-\d+$"))
    assert page.url.endswith("#rad-" + str(plan.items.get(activity="SIG utan JavaScript").pk))
    expect(row(page, "SIG utan JavaScript")).to_be_visible()
    page.context.close()


def test_each_new_row_form_is_a_row_of_its_own(browser, site, width):
    """Lägg till rad twice with the same words is two rows: each form shown has its own
    key, and only the same form sent again is answered with the row it made."""
    page = browser.new_context().new_page()
    open_plan(page, site, width)
    for _time in range(2):
        page.get_by_role("button", name="Lägg till rad", exact=True).last.click()
        new_row = page.locator("tr.row-editing")
        expect(new_row.get_by_label("Vad", exact=True)).to_be_focused()
        new_row.get_by_label("Vad", exact=True).fill("Trygghetsvandring i Mariefred")
        button(new_row, "Spara").click()
        expect(page.locator("tr.row-editing")).to_have_count(0)
    expect(row(page, "Trygghetsvandring i Mariefred")).to_have_count(2)
    assert strangnas_plan().items.filter(activity="Trygghetsvandring i Mariefred").count() == 2
    stayed_on_the_page(page)
    page.context.close()
