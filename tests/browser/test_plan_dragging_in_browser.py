"""Plans that are pleasant to edit, in a real browser at desktop and phone width with axe:
a row dragged by its handle to another place in its focus area, the same by keyboard
through the row's menu (the focus stays on the button), and the menu no wider than the
screen."""

import re

import pytest
from browsing import WIDTHS, assert_accessible
from playwright.sync_api import expect
from test_plan_in_browser import button, open_plan, row, strangnas_plan

from actionplans.models import ActionItem

pytestmark = pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())


def largest_group() -> list[ActionItem]:
    groups = {}
    for item in strangnas_plan().items.order_by("position"):
        groups.setdefault(item.focus_area_id, []).append(item)
    return max(groups.values(), key=len)


def group_order(item) -> list[int]:
    rows = ActionItem.objects.filter(plan=item.plan, focus_area=item.focus_area)
    return list(rows.order_by("position").values_list("pk", flat=True))


def fits_the_screen(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_row_is_dragged_to_another_place_in_its_focus_area(page, site, width):
    open_plan(page, site, width)
    rows = largest_group()
    before = [item.pk for item in rows]
    dragged, target = page.locator(f"#rad-{rows[0].pk}"), page.locator(f"#rad-{rows[2].pk}")
    handle = dragged.locator(".drag-handle")
    expect(handle).to_be_visible()  # shown once plan_sorting.js has set the rows up
    handle.scroll_into_view_if_needed()
    start = handle.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    x, below = start["x"] + start["width"] / 2, end["y"] + end["height"] * 0.8
    for step in range(1, 13):  # in steps, as a hand moves, so the list follows; then rests
        page.mouse.move(x, start["y"] + (below - start["y"]) * min(step, 10) / 10)
    page.mouse.up()
    # Where a dragged row lands depends on where the pointer rests; down the list, it is
    # the place the message names, in the group as stored and as shown.
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Raden flyttades till plats [23]\."))
    place = int(re.search(r"plats (\d+)", status.inner_text()).group(1))
    expected = [*before[1:place], before[0], *before[place:]]
    assert group_order(rows[0]) == expected
    shown = page.locator(f"#rad-{rows[0].pk}").locator("xpath=..").locator(":scope > tr[id]")
    assert [int(dom_id[4:]) for dom_id in shown.evaluate_all("rows => rows.map(r => r.id)")] == (
        expected
    )
    assert page.evaluate("window.noReload") is True  # swapped in place
    fits_the_screen(page, width)
    assert_accessible(page)


def press_enter_to_move(page):
    """Enter on the focused Flytta button, and wait until htmx has swapped the group in
    and settled it: the focused button is in the new group at once, but htmx sets that
    group's forms up only as it settles, and an Enter before that would post the form
    without it (a busy machine made the window wide enough to hit)."""
    page.evaluate("document.activeElement.closest('section').dataset.beforeMove = 'yes'")
    with page.expect_response(lambda response: "/flytta/" in response.url):
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => !document.querySelector("
        "'[data-before-move], .htmx-added, .htmx-settling, .htmx-swapping')"
    )


def test_the_menu_moves_a_row_by_keyboard_and_keeps_the_focus(page, site, width):
    open_plan(page, site, width)
    first, second = largest_group()[:2]
    menu = row(page, first.activity).locator("summary")
    menu.focus()
    page.keyboard.press("Enter")  # opens the menu
    move_down = button(row(page, first.activity), "Flytta ned")
    expect(move_down).to_be_visible()
    fits_the_screen(page, width)
    assert_accessible(page)
    move_down.focus()
    press_enter_to_move(page)
    expect(page.get_by_role("status")).to_contain_text("Raden flyttades ned.")
    # The moved row's menu is open again and Flytta ned has the focus: Enter moves it on.
    expect(button(row(page, first.activity), "Flytta ned")).to_be_focused()
    assert group_order(first)[:2] == [second.pk, first.pk]
    press_enter_to_move(page)
    expect(button(row(page, first.activity), "Flytta ned")).to_be_focused()
    assert group_order(first).index(first.pk) == 2
    assert_accessible(page)
