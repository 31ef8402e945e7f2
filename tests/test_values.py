"""One way to show a value (samverkan.values.shown): a choice by its label, a date as
YYYY-MM-DD, a boolean as ja/nej, nothing as "–"; the same text on the history page, in the
conflict view, in the spreadsheet's preview and in Jämför versioner."""

import datetime
import re
from io import BytesIO

from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from actionplans.models import ActionItem, Recurrence
from actionplans.spreadsheet import columns
from organisations.models import Organisation
from samverkan.values import differs, shown

EDITOR = "samordnare.harnosand"


def test_shown_is_what_a_swedish_user_reads():
    recurrence = ActionItem._meta.get_field("recurrence")
    assert shown(recurrence, "monthly") == "varje månad"
    assert shown(forms.ChoiceField(choices=Recurrence.choices), "weekly") == "varje vecka"
    assert shown(ActionItem._meta.get_field("due_on"), datetime.date(2027, 3, 5)) == "2027-03-05"
    assert shown(forms.BooleanField(), True) == "ja"
    assert shown(ActionItem._meta.get_field("is_citizen_promise"), False) == "nej"
    for empty in (None, "", []):
        assert shown(recurrence, empty) == "–"
    organisation = Organisation(name="Härnösands kommun")
    assert shown(forms.ModelChoiceField(Organisation.objects.all()), organisation) == str(
        organisation
    )
    assert shown(None, ["b", "a"]) == "a; b"
    # A person by their full name, as the pages name people; else by the user name.
    person = get_user_model()(username="anna.svensson", first_name="Anna", last_name="Svensson")
    assert shown(forms.ModelChoiceField(get_user_model().objects.all()), person) == "Anna Svensson"
    assert shown(None, get_user_model()(username="anna.svensson")) == "anna.svensson"
    assert not differs(None, "")
    assert differs("", "x") and not differs("x", "x")


def _opened(client, url) -> dict:
    """What the browser posts back for the form as opened (values and opened-with values)."""
    form = client.get(url).context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        posted = (
            "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
        )
        data[bound.html_name] = str(posted)
        if bound.field.show_hidden_initial:
            data[bound.html_initial_name] = str(posted)
    return data


def _table(html: str, pattern: str) -> dict:
    return {label: cells for label, *cells in re.findall(pattern, html, re.S)}


def test_history_conflict_view_and_spreadsheet_preview_show_a_value_alike(user, demo):
    plan = demo["harnosand-2012"].action_plans.get()
    item = plan.items.order_by("position")[1]
    url = reverse("row_edit", args=[plan.agreement_id, plan.pk, item.pk])
    editor_a, editor_b = Client(), Client()
    editor_a.force_login(user(EDITOR))
    editor_b.force_login(user(EDITOR))
    opened_by_a, opened_by_b = _opened(editor_a, url), _opened(editor_b, url)
    theirs = {"due_on": "2027-03-05", "recurrence": "monthly", "continues_goal_above": "on"}
    mine = {"due_on": "2027-04-09", "recurrence": "quarterly"}
    opened_by_b.pop("continues_goal_above", None)  # unticked
    assert editor_a.post(url, {**opened_by_a, **theirs}).status_code == 302
    item.refresh_from_db()
    names = ["due_on", "recurrence", "continues_goal_above"]
    stored = {name: shown(ActionItem._meta.get_field(name), getattr(item, name)) for name in names}
    assert stored == {
        "due_on": "2027-03-05",
        "recurrence": "varje månad",
        "continues_goal_above": "ja",
    }

    # The history page: each field after the change.
    history = editor_a.get(reverse("row_history", args=[plan.agreement_id, item.pk])).text
    changed = _table(
        history,
        r'<tr><th scope="row">(.*?)</th><td>(?:<del>)?(.*?)(?:</del>)?</td>'
        r"<td>(?:<ins>)?(.*?)(?:</ins>)?</td></tr>",
    )
    for name in names:
        label = str(ActionItem._meta.get_field(name).verbose_name)
        assert changed[label[0].upper() + label[1:]][1] == stored[name], name

    # The conflict view: B saves over the version A's save replaced.
    conflict = editor_b.post(url, {**opened_by_b, **mine})
    assert conflict.status_code == 200 and "Spara min version" in conflict.text
    compared = _table(
        conflict.text,
        r'<tr><th scope="row">(.*?)</th><td class="keep-lines">(.*?)</td>'
        r'<td class="keep-lines">(.*?)</td></tr>',
    )
    form = conflict.context["form"]
    # Only B changed the box from where both opened it: no conflict there.
    for name in ["due_on", "recurrence"]:
        assert compared[str(form.fields[name].label)][0] == stored[name], name
    assert compared[str(form.fields["recurrence"].label)][1] == "varje kvartal"

    # The spreadsheet's preview: the same changes typed in Excel.
    download = editor_a.get(reverse("plan_xlsx", args=[plan.agreement_id, plan.pk])).content
    book = load_workbook(BytesIO(download))
    sheet = book.worksheets[0]
    headings = {
        column.key: column.heading for column in columns(plan, list(plan.agreement.parties.all()))
    }
    line = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == item.pk)
    typed = {"due_on": "2027-04-09", "recurrence": "varje kvartal", "continues_goal_above": "nej"}
    for cell in sheet[1]:
        for name, value in typed.items():
            if cell.value == headings[name]:
                sheet.cell(line, cell.column).value = value
    output = BytesIO()
    book.save(output)
    preview = editor_a.post(
        reverse("plan_upload", args=[plan.agreement_id, plan.pk]),
        {"sheet": SimpleUploadedFile("plan.xlsx", output.getvalue())},
    )
    differences = {
        heading: (web, sheet)
        for heading, web, sheet in preview.context["changes"].changed[0].differences
    }
    for name in names:
        assert differences[headings[name]][0] == stored[name], name
        assert f"<del>{stored[name]}</del>" in preview.text
    assert (
        differences[headings["recurrence"]][1] == compared[str(form.fields["recurrence"].label)][1]
    )
    for page in (history, conflict.text, preview.text):
        assert ">monthly<" not in page and ">quarterly<" not in page
