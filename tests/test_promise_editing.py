"""Editing what a medborgarlöfte prints (issue 15): a promise's group heading in the row
form and the Excel sheet, the follow-up arrangement in the draft editor (with Swedish
messages, history and who may change it), a plan without a title of its own."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from promise_document import FOLLOW_UP, POLICE_PROMISE, TOGETHER, document

from actionplans.models import ActionItem
from agreements.models import Agreement
from exchange.importer import import_document

HTMX = {"HX-Request": "true"}


@pytest.fixture
def promise(db):
    (agreement,) = import_document(document())
    return agreement


def test_the_promise_row_form_has_the_group_heading_and_saves_it(coordinator, promise):
    plan = promise.action_plans.get()
    create = reverse("row_create", args=[promise.pk, plan.pk])
    form = coordinator.get(create, headers=HTMX).text
    # A new promise joins the last one's group unless the writer types another.
    assert f'name="group_heading" value="{TOGETHER}"' in form
    data = {"group_heading": "Skolan lovar att", "activity": "ha vuxna i korridorerna"}
    coordinator.post(create, {**data, "version": ""}, headers=HTMX)
    row = ActionItem.objects.get(plan=plan, activity="ha vuxna i korridorerna")
    assert row.group_heading == "Skolan lovar att"
    page = coordinator.get(reverse("plan_detail", args=[promise.pk, plan.pk])).text
    assert "Skolan lovar att" in page
    assert row.history.filter(group_heading="Skolan lovar att").exists()


def test_a_too_long_group_heading_is_refused_in_swedish(coordinator, promise):
    plan = promise.action_plans.get()
    create = reverse("row_create", args=[promise.pk, plan.pk])
    refused = coordinator.post(
        create, {"group_heading": "x" * 201, "activity": "något", "version": ""}, headers=HTMX
    ).text
    assert re.search(r'class="field-error"[^>]*>[^<]*som mest 200 tecken', refused)
    assert not ActionItem.objects.filter(plan=plan, activity="något").exists()


def test_other_layouts_have_no_group_heading_field(coordinator, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    form = coordinator.get(reverse("row_create", args=[agreement.pk, plan.pk])).text
    assert 'name="group_heading"' not in form


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_follow_up_arrangement_is_edited_in_the_draft_editor(coordinator, promise, headers):
    url = reverse("draft_follow_up", args=[promise.pk])
    form = coordinator.get(url, headers=HTMX).text
    assert 'name="follow_up_by"' in form and "<html" not in form
    data = {
        "follow_up_by": "Lokala brottsförebyggande rådet",
        "follow_up_how_often": "Två gånger per år",
        "follow_up_reported_to": "Kommunfullmäktige",
        "follow_up_published": "",
        "version": promise.edit_version,
    }
    response = coordinator.post(url, data, headers=headers)
    if headers:
        assert "Lokala brottsförebyggande rådet" in response.text and "<html" not in response.text
    else:
        assert response.status_code == 302 and response.url.endswith("#uppfoljning")
    promise.refresh_from_db()
    assert promise.follow_up_how_often == "Två gånger per år" and promise.follow_up_published == ""
    recorded = promise.history.order_by("-history_date").first()
    assert recorded.follow_up_by == "Lokala brottsförebyggande rådet"
    editor = coordinator.get(reverse("draft_editor", args=[promise.pk])).text
    assert "Kommunfullmäktige" in editor and 'href="#uppfoljning"' in editor


def test_a_too_long_follow_up_field_is_refused_in_swedish_and_nothing_is_saved(
    coordinator, promise
):
    url = reverse("draft_follow_up", args=[promise.pk])
    data = {**{f: "" for f in Agreement.FOLLOW_UP_FIELDS}, "version": promise.edit_version}
    refused = coordinator.post(url, {**data, "follow_up_by": "x" * 301}, headers=HTMX).text
    print(refused)
    assert re.search(r'class="field-error"[^>]*>[^<]*som mest 300 tecken', refused)
    promise.refresh_from_db()
    assert promise.follow_up_by == FOLLOW_UP["followed_up_by"]


def test_readers_and_outsiders_cannot_edit_the_follow_up_arrangement(client, personas, promise):
    url = reverse("draft_follow_up", args=[promise.pk])
    client.force_login(personas.reader)
    assert client.post(url, {"follow_up_by": "x"}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(url, {"follow_up_by": "x"}).status_code == 404
    promise.refresh_from_db()
    assert promise.follow_up_by == FOLLOW_UP["followed_up_by"]


def test_a_plan_is_saved_without_a_title_and_shown_by_the_documents(client, user, demo):
    agreement = demo["timra-2017"]
    client.force_login(user("samordnare.timra"))
    create = reverse("plan_create", args=[agreement.pk])
    response = client.post(create, {"title": "", "layout": "promises_by_party"})
    plan = agreement.action_plans.get()
    assert response.status_code == 302 and plan.title == ""
    page = client.get(response.url).text
    assert f"<h1>{agreement.title}</h1>" in page


def test_the_excel_sheet_of_a_promise_plan_carries_the_group_heading(coordinator, promise):
    plan = promise.action_plans.get()
    sheet_url = reverse("plan_xlsx", args=[promise.pk, plan.pk])
    book = load_workbook(BytesIO(coordinator.get(sheet_url).content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Grupprubrik") + 1
    assert sheet.cell(row=2, column=column).value == POLICE_PROMISE
    sheet.cell(row=2, column=column).value = "Lokalpolisen lovar att"
    output = BytesIO()
    book.save(output)
    upload = reverse("plan_upload", args=[promise.pk, plan.pk])
    coordinator.post(upload, {"sheet": SimpleUploadedFile("plan.xlsx", output.getvalue())})
    assert coordinator.post(upload, {"apply": "1"}).status_code == 302
    first = plan.items.order_by("position").first()
    assert first.group_heading == "Lokalpolisen lovar att"


def test_the_excel_sheet_of_other_layouts_has_no_group_heading(coordinator, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    content = coordinator.get(reverse("plan_xlsx", args=[agreement.pk, plan.pk])).content
    headers = [cell.value for cell in load_workbook(BytesIO(content)).worksheets[0][1]]
    assert "Grupprubrik" not in headers
