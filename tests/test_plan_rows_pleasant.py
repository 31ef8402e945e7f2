"""Plans that are pleasant to edit (issue 17, point 9): a row dragged to a place of its focus
area moves there unless someone changed the order meanwhile; a row's buttons are one
Redigera and a menu; a row's När shows even where the plan has no När column; the Excel
sheet offers drop-down lists and marks dates outside the plan's period."""

import datetime
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from test_spreadsheet import download, edited, set_cell, upload

from actionplans.models import ActionItem, ItemNature
from actionplans.spreadsheet.guides import LISTS_SHEET, plan_period

HTMX = {"HX-Request": "true"}


@pytest.fixture
def plan(demo):
    return demo["strangnas-2020"].action_plans.get()


def url(name, plan, item=None):
    args = [plan.agreement_id, plan.pk] + ([item.pk] if item else [])
    return reverse(name, args=args)


def group_ids(item) -> list[int]:
    rows = ActionItem.objects.filter(plan=item.plan, focus_area=item.focus_area)
    return list(rows.order_by("position").values_list("pk", flat=True))


def largest_group(plan) -> list[int]:
    """The row ids of the focus area with the most rows (at least three), in order."""
    groups = {}
    for item in plan.items.order_by("position"):
        groups.setdefault(item.focus_area_id, []).append(item.pk)
    ids = max(groups.values(), key=len)
    assert len(ids) >= 3
    return ids


def as_seen(ids) -> str:
    return ",".join(map(str, ids))


def test_a_dragged_row_moves_to_its_place_in_the_group_and_no_other_row_moves(coordinator, plan):
    ids = largest_group(plan)
    others = list(plan.items.exclude(pk__in=ids).order_by("position").values_list("pk", "position"))
    first = ActionItem.objects.get(pk=ids[0])
    data = {"direction": "to", "position": 3, "seen": as_seen(ids)}
    response = coordinator.post(url("row_move", plan, first), data, headers=HTMX)
    assert response.status_code == 200
    assert "Raden flyttades till plats 3." in response.text
    assert group_ids(first) == [ids[1], ids[2], ids[0], *ids[3:]]
    # The rows of the other focus areas keep their positions; no position is used twice.
    after = plan.items.exclude(pk__in=ids).order_by("position").values_list("pk", "position")
    assert list(after) == others
    positions = list(plan.items.values_list("position", flat=True))
    assert len(positions) == len(set(positions))
    # Back to the top, by plain POST: the page at the group, with the message.
    back = {"direction": "to", "position": 1, "seen": as_seen(group_ids(first))}
    response = coordinator.post(url("row_move", plan, first), back, follow=True)
    assert "Raden flyttades till plats 1." in response.text
    assert group_ids(first) == ids


def test_a_drag_over_an_order_someone_changed_meanwhile_moves_nothing(coordinator, plan):
    ids = largest_group(plan)
    last = ActionItem.objects.get(pk=ids[-1])
    stale = [ids[1], ids[0], *ids[2:]]  # as another editor's page still shows them
    data = {"direction": "to", "position": 1, "seen": as_seen(stale)}
    response = coordinator.post(url("row_move", plan, last), data, headers=HTMX)
    assert "Någon har ändrat ordningen på raderna" in response.text
    assert group_ids(last) == ids


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"direction": "to", "position": ""}, "Ange platsen raden ska flyttas till."),
        ({"direction": "to", "position": "abc"}, "Raden kunde inte flyttas"),
        ({"direction": "to", "position": "1", "seen": "1,x"}, "Ordningen på raderna"),
        ({"direction": "sideways"}, "Välj upp, ned eller en plats."),
    ],
)
def test_a_malformed_move_is_told_in_swedish_and_moves_nothing(coordinator, plan, data, message):
    ids = largest_group(plan)
    item = ActionItem.objects.get(pk=ids[1])
    response = coordinator.post(url("row_move", plan, item), data, headers=HTMX)
    assert response.status_code == 200
    assert message in response.text
    assert group_ids(item) == ids


def test_readers_and_outsiders_cannot_drag_rows(client, personas, user, plan):
    ids = largest_group(plan)
    item = ActionItem.objects.get(pk=ids[0])
    data = {"direction": "to", "position": 2, "seen": as_seen(ids)}
    client.force_login(personas.reader)
    assert client.post(url("row_move", plan, item), data).status_code == 403
    client.force_login(user("samordnare.harnosand"))
    assert client.post(url("row_move", plan, item), data).status_code == 404
    assert group_ids(item) == ids


def test_a_rows_buttons_are_one_redigera_and_a_menu_for_the_rest(coordinator, plan):
    item = plan.items.order_by("position").first()
    page = coordinator.get(url("plan_detail", plan)).text
    row = re.search(rf'<tr id="rad-{item.pk}".*?</tr>', page, re.S).group(0)
    menu = re.search(r"<details class=\"row-menu\">(.*?)</details>", row, re.S).group(1)
    outside = row.replace(menu, "")
    assert ">Redigera</button>" in outside
    assert re.search(r"<summary[^>]*>Mer</summary>", menu)
    for name in ("Flytta upp</button>", "Flytta ned</button>", "Ta bort</button>"):
        assert name in menu and name not in outside
    assert ">Logga uppföljning</a>" in menu
    # The drag handle is hidden from assistive technology, which has the buttons.
    assert '<span class="drag-handle" aria-hidden="true"' in outside
    # Flytta ned keeps the focus after the move: its row comes back with the menu open.
    response = coordinator.post(url("row_move", plan, item), {"direction": "down"}, headers=HTMX)
    moved = re.search(rf'<tr id="rad-{item.pk}".*?</tr>', response.text, re.S).group(0)
    assert '<details class="row-menu" open>' in moved
    assert 'value="down" class="button small" autofocus>Flytta ned' in moved


def test_a_rows_nar_shows_on_the_row_when_the_plan_has_no_nar_column(coordinator, plan):
    item = plan.items.order_by("position").first()
    ActionItem.objects.filter(pk=item.pk).update(when_text="Varje fredag <kväll>")
    page = coordinator.get(url("plan_detail", plan)).text
    assert '<th scope="col">När</th>' not in page  # Strängnäs' plan: Vad, parties, Kommunikation
    row = re.search(rf'<tr id="rad-{item.pk}".*?</tr>', page, re.S).group(0)
    assert '<p class="row-when">När: Varje fredag &lt;kväll&gt;</p>' in row


def test_a_plan_with_a_nar_column_shows_nar_there_only(client, user, demo):
    client.force_login(user("samordnare.harnosand"))
    plan = demo["harnosand-2012"].action_plans.get()
    page = client.get(url("plan_detail", plan)).text
    assert '<th scope="col">När</th>' in page and 'class="row-when"' not in page


def test_the_sheet_offers_lists_of_the_allowed_values(coordinator, plan):
    book = load_workbook(BytesIO(download(coordinator, plan)))
    sheet = book.worksheets[0]
    lists = book[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    headings = {cell.value: cell.column_letter for cell in sheet[1]}
    offered = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list":
            continue
        sheet_name, cells = validation.formula1.split("!")
        assert sheet_name.strip("'") == LISTS_SHEET
        first, last = cells.replace("$", "").split(":")
        values = [cell.value for (cell,) in lists[f"{first}:{last}"]]
        for letter in {str(r).split(":")[0].rstrip("0123456789") for r in validation.sqref.ranges}:
            offered[letter] = values
    areas = [area.title for area in plan.agreement.focus_areas.all()]
    assert offered[headings["Fokusområde"]] == areas
    assert offered[headings["Föreslagen, ännu inte antagen"]] == ["ja", "nej"]
    assert offered[headings["Medborgarlöfte"]] == ["ja", "nej"]
    assert offered[headings["Typ av åtgärd"]] == [
        str(label) for value, label in ItemNature.choices if value
    ]
    assert len(offered[headings["Återkommer"]]) > 1
    assert headings["Aktivitet" if "Aktivitet" in headings else "Vad"] not in offered


def test_the_sheet_warns_of_dates_outside_the_plans_period(coordinator, plan):
    start, end = plan_period(plan)
    assert start and end
    sheet = load_workbook(BytesIO(download(coordinator, plan))).worksheets[0]
    headings = {cell.value: cell.column_letter for cell in sheet[1]}
    dates = [v for v in sheet.data_validations.dataValidation if v.type == "date"]
    assert {str(v.sqref).split(":")[0] for v in dates} == {
        f"{headings[name]}2" for name in ("Börjar", "Slutar", "Senast")
    }
    for validation in dates:
        assert validation.errorStyle == "warning"
        assert validation.formula1 == f"DATE({start.year},{start.month},{start.day})"
        assert validation.formula2 == f"DATE({end.year},{end.month},{end.day})"
        assert "utanför planens period" in validation.error
    rules = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules]
    assert len(rules) == 3 and all("ISNUMBER" in rule.formula[0] for rule in rules)


def test_an_uploaded_date_outside_the_period_is_a_warning_not_a_refusal(coordinator, plan):
    _start, end = plan_period(plan)
    item = plan.items.order_by("position").first()
    late = end + datetime.timedelta(days=40)
    content = edited(download(coordinator, plan), set_cell(item, "Slutar", late))
    response = upload(coordinator, plan, content)
    assert response.status_code == 200
    assert "Datum utanför planens period" in response.text
    assert f"{late.isoformat()} ligger utanför planens period" in response.text
    confirmed = coordinator.post(url("plan_upload", plan), {"apply": "1"})
    assert confirmed.status_code == 302
    item.refresh_from_db()
    assert item.ends_on == late
