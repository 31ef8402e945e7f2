"""A party's cell of a plan row has one reader and one writer (ActionItem.party_text and
set_party_text): the page, the row form, the print and Excel show and write it alike, and
writing the same words back leaves each responsibility's unit and role as they were."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpers import row_data
from openpyxl import load_workbook

from actionplans.models import PlanLayout, Responsibility
from printing.agreement_document import party_cells
from printing.documents import plan_html


@pytest.fixture
def strangnas(client, personas, demo):
    client.force_login(personas.coordinator)
    agreement = demo["strangnas-2020"]
    municipality = agreement.parties.get(label="Kommun")
    return agreement.action_plans.get(), municipality


def given(item, party, *responsibilities):
    """The party's responsibilities on the row, each as (unit, role, description)."""
    item.responsibilities.filter(organisation_id=party.organisation_id).delete()
    for number, (unit, role, description) in enumerate(responsibilities, start=100):
        Responsibility.objects.create(
            item=item,
            organisation_id=party.organisation_id,
            position=number,
            unit=unit,
            role=role,
            description=description,
        )


def held(item, party):
    return list(
        item.responsibilities.filter(organisation_id=party.organisation_id)
        .order_by("position")
        .values_list("unit", "role", "description")
    )


def saved_on_the_web(client, item, **changes):
    """Spara in the row's form, with every field as the form showed it, and `changes`."""
    data = row_data(item, **changes)
    url = reverse("row_edit", args=[item.plan.agreement_id, item.plan_id, item.pk])
    assert client.post(url, data).status_code == 302


def saved_from_excel(client, plan, item, heading, text):
    url = reverse("plan_xlsx", args=[plan.agreement_id, plan.pk])
    book = load_workbook(BytesIO(client.get(url).content))
    sheet = book.worksheets[0]
    column = next(cell.column for cell in sheet[1] if cell.value == heading)
    line = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == item.pk)
    sheet.cell(line, column).value = text
    output = BytesIO()
    book.save(output)
    upload = reverse("plan_upload", args=[plan.agreement_id, plan.pk])
    preview = client.post(upload, {"sheet": SimpleUploadedFile("plan.xlsx", output.getvalue())})
    assert "changes" in preview.context, preview.context.get("sheet_errors")
    assert client.post(upload, {"apply": "1"}).status_code == 302


def test_unit_and_role_survive_a_form_save_that_does_not_change_the_cell(client, strangnas):
    plan, municipality = strangnas
    item = plan.items.order_by("position").first()
    given(item, municipality, ("Socialtjänsten", "responsible", "Fältgruppen leder\nkvällarna"))
    kept = item.responsibilities.get(organisation_id=municipality.organisation_id)
    # A browser sends a textarea's lines with CRLF: the same words, written otherwise.
    cell = {f"party_{municipality.pk}": "Fältgruppen leder\r\nkvällarna"}
    saved_on_the_web(client, item, activity="Ny rubrik på raden", **cell)
    again = item.responsibilities.get(organisation_id=municipality.organisation_id)
    assert (again.pk, again.unit, again.role) == (kept.pk, "Socialtjänsten", "responsible")
    assert again.description == "Fältgruppen leder\nkvällarna"


TWO = [("Socialtjänsten", "responsible", "Fältgruppen leder"), ("Skolan", "participates", "")]


@pytest.mark.parametrize(
    ("before", "text", "after"),
    [
        pytest.param(TWO, "Fältgruppen leder; Strängnäs – Skolan (deltar)", TWO, id="same-text"),
        pytest.param(
            TWO[:1],
            "Fältgruppen och skolan leder",
            [("Socialtjänsten", "responsible", "Fältgruppen och skolan leder")],
            id="one-responsibility-new-words",
        ),
        pytest.param(
            TWO,
            "Fältgruppen leder; Skolan bjuder in",
            [TWO[0], ("Skolan", "participates", "Skolan bjuder in")],
            id="one-part-of-two-changed",
        ),
        pytest.param(TWO, "Kommunen leder", [("", "", "Kommunen leder")], id="two-become-one"),
        pytest.param(TWO, "", [], id="emptied"),
        pytest.param([], "Kommunen bjuder in", [("", "", "Kommunen bjuder in")], id="new"),
    ],
)
def test_the_web_and_excel_write_a_party_cell_alike(client, strangnas, before, text, after):
    plan, municipality = strangnas
    on_the_web, in_excel = plan.items.order_by("position")[:2]
    for item in (on_the_web, in_excel):
        given(item, municipality, *before)
    saved_on_the_web(client, on_the_web, **{f"party_{municipality.pk}": text})
    saved_from_excel(client, plan, in_excel, municipality.display_label, text)
    assert held(on_the_web, municipality) == after
    assert held(in_excel, municipality) == after


def test_the_page_the_form_the_print_and_excel_read_the_cell_alike(client, strangnas):
    plan, municipality = strangnas
    item = plan.items.order_by("position").first()
    given(item, municipality, *TWO)
    # The words as written, else who and how (the role in the user's language).
    expected = f"Fältgruppen leder; {municipality.organisation} – Skolan (deltar)"
    assert item.party_text(municipality.organisation_id) == expected
    assert party_cells(item, [municipality]) == [expected]
    page = client.get(reverse("plan_detail", args=[plan.agreement_id, plan.pk])).text
    form = client.get(reverse("row_edit", args=[plan.agreement_id, plan.pk, item.pk])).text
    assert expected in page and expected in form
    url = reverse("plan_xlsx", args=[plan.agreement_id, plan.pk])
    sheet = load_workbook(BytesIO(client.get(url).content)).worksheets[0]
    column = next(c.column for c in sheet[1] if c.value == municipality.display_label)
    line = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == item.pk)
    assert sheet.cell(line, column).value == expected


def test_who_answers_for_a_row_names_only_the_parties_that_say_something(client, strangnas):
    """A row whose Ansvarig is not written out shows the parties' cells joined, and a party
    with nothing to say leaves no stray comma on the page or on paper."""
    plan, municipality = strangnas
    plan.layout = PlanLayout.GOAL_ACTIVITY_WHEN_RESPONSIBLE
    plan.save(update_fields=["layout"])
    item = plan.items.order_by("position").first()
    item.responsibilities.all().delete()
    item.responsible_text = ""
    item.save(update_fields=["responsible_text"])
    given(item, municipality, ("", "", "Fältgruppen leder"))
    printed = plan_html(plan.agreement, plan.pk)
    page = client.get(reverse("agreement_detail", args=[plan.agreement_id])).text
    for html in (printed, page):
        assert "<td>Fältgruppen leder</td>" in html
        assert "Fältgruppen leder," not in html and ", Fältgruppen leder" not in html
