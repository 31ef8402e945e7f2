"""Brå's own action-plan layout (Orsak / Åtgärd / Operativt mål / När / Vem with a contact /
Uppföljning) as a fourth plan layout: the plan page, the row form, the agreement page, the
prints, the Excel sheet, JSON, the history and the plan form all know it."""

import json
from io import BytesIO

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpers import pdf_text
from openpyxl import load_workbook

from actionplans.models import ActionItem, ActionPlan, PlanLayout
from audit.seals import seal_pending
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import import_document, schema
from printing.documents import agreement_pdf, plan_pdf
from signing.compare import compare
from signing.lifecycle import printed_snapshot

HTMX = {"HX-Request": "true"}
CAUSE = "Ungdomar saknar meningsfull fritid på kvällstid"
CONTACT = "Anna Andersson, 070-123 45 67"
FOLLOW_UP = "Antal besökare, redovisas kvartalsvis till styrgruppen"
BRA_HEADINGS = ["Orsak", "Åtgärd", "Operativt mål", "När", "Vem", "Uppföljning"]


@pytest.fixture
def bra_plan(demo):
    """Strängnäs' plan laid out as Brå's template, its first row with Brå's own columns."""
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    ActionPlan.objects.filter(pk=plan.pk).update(layout=PlanLayout.BRA_CAUSE_MEASURE)
    plan.refresh_from_db()
    item = plan.items.order_by("position").first()
    ActionItem.objects.filter(pk=item.pk).update(
        cause=CAUSE,
        goal="Fler ungdomar i organiserad fritid",
        responsible_text="Fritidsförvaltningen",
        contact=CONTACT,
        follow_up_text=FOLLOW_UP,
    )
    item.refresh_from_db()
    return agreement, plan, item


def test_the_plan_page_shows_bras_six_columns(coordinator, bra_plan):
    agreement, plan, item = bra_plan
    page = coordinator.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    headings = [f'<th scope="col">{heading}</th>' for heading in BRA_HEADINGS]
    places = [page.index(heading) for heading in headings]
    assert places == sorted(places)  # in Brå's order
    assert '<th scope="col">Kommun</th>' not in page  # not the party columns it had
    row = page[page.index(f'id="rad-{item.pk}"') :]
    row = row[: row.index("</tr>")]
    for text in (CAUSE, "Fler ungdomar i organiserad fritid", FOLLOW_UP, CONTACT):
        assert text in row
    assert 'data-label="Vem">Fritidsförvaltningen<br><span class="note">Anna Andersson' in row


def test_the_row_form_has_bras_words_and_saves_its_columns(coordinator, bra_plan):
    agreement, plan, item = bra_plan
    url = reverse("row_edit", args=[agreement.pk, plan.pk, item.pk])
    form = coordinator.get(url, headers=HTMX).text
    for label in ("Orsak", "Åtgärd", "Operativt mål", "När", "Vem", "Kontakt", "Uppföljning"):
        assert f">{label}</label>" in form, label
    assert 'name="communication"' not in form
    response = coordinator.post(
        url,
        {
            "version": item.version,
            "cause": "Otrygg miljö vid stationen",
            "activity": item.activity,
            "goal": "Färre anmälda brott vid stationen",
            "when_text": "Vår 2021",
            "responsible_text": "Polisen",
            "contact": "kommunpolis@example.se",
            "follow_up_text": "Trygghetsmätning varje höst",
            "focus_area": item.focus_area_id or "",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.cause, item.contact, item.follow_up_text) == (
        "Otrygg miljö vid stationen",
        "kommunpolis@example.se",
        "Trygghetsmätning varje höst",
    )


def test_the_other_layouts_keep_their_columns_and_form(coordinator, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    item = plan.items.order_by("position").first()
    form = coordinator.get(
        reverse("row_edit", args=[agreement.pk, plan.pk, item.pk]), headers=HTMX
    ).text
    assert 'name="cause"' not in form and 'name="follow_up_text"' not in form
    page = coordinator.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    assert '<th scope="col">Orsak</th>' not in page


def test_the_agreement_page_shows_the_plan_in_bras_columns(coordinator, bra_plan):
    agreement, _plan, _item = bra_plan
    page = coordinator.get(reverse("agreement_detail", args=[agreement.pk])).text
    for heading in BRA_HEADINGS:
        assert f'<th scope="col">{heading}</th>' in page
    assert CAUSE in page and CONTACT in page and FOLLOW_UP in page


def test_the_prints_have_bras_columns(bra_plan):
    agreement, plan, _item = bra_plan
    for content in (agreement_pdf(agreement), plan_pdf(agreement, plan.pk)):
        text = pdf_text(content)
        assert "Orsak Åtgärd Operativt mål När Vem Uppföljning" in text
        # Single words: the narrow columns hyphenate longer ones.
        for words in ("Ungdomar", "Anna", "070-123", "Antal"):
            assert words in text, words


def test_the_excel_sheet_has_bras_columns_and_reads_them_back(client, personas, bra_plan):
    agreement, plan, item = bra_plan
    client.force_login(personas.coordinator)
    content = client.get(reverse("plan_xlsx", args=[agreement.pk, plan.pk])).content
    book = load_workbook(BytesIO(content))
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert headings[2:6] == ["Orsak", "Åtgärd", "Operativt mål", "När"]
    assert {"Vem", "Kontakt", "Uppföljning"} <= set(headings)
    assert "Samma mål som raden ovanför" not in headings
    row = next(line for line in sheet.iter_rows(min_row=2) if line[0].value == item.pk)
    cells = dict(zip(headings, (cell.value for cell in row), strict=False))
    assert (cells["Orsak"], cells["Kontakt"], cells["Uppföljning"]) == (CAUSE, CONTACT, FOLLOW_UP)
    row[headings.index("Orsak")].value = "Ny orsak från Excel"
    row[headings.index("Kontakt")].value = "ny@example.se"
    output = BytesIO()
    book.save(output)
    url = reverse("plan_upload", args=[agreement.pk, plan.pk])
    preview = client.post(url, {"sheet": SimpleUploadedFile("plan.xlsx", output.getvalue())})
    assert preview.status_code == 200 and "Ny orsak från Excel" in preview.text
    client.post(url, {"apply": "1"})
    item.refresh_from_db()
    assert (item.cause, item.contact, item.follow_up_text) == (
        "Ny orsak från Excel",
        "ny@example.se",
        FOLLOW_UP,
    )


def test_json_carries_the_layout_and_bras_columns(bra_plan):
    agreement, _plan, _item = bra_plan
    document = export_document(agreements_for_export([agreement.pk]))
    jsonschema.validate(document, schema(2))
    plan = document["agreements"][0]["action_plans"][0]
    assert plan["layout"] == "bra_cause_measure"
    row = plan["items"][0]
    assert (row["cause"], row["contact"], row["follow_up_text"]) == (CAUSE, CONTACT, FOLLOW_UP)
    assert "cause" not in plan["items"][1]  # only when written: other rows read as before
    assert "bra_cause_measure" in json.dumps(schema(2)["$defs"])
    document["agreements"][0]["reference"] = "strangnas-bra"
    (imported,) = import_document(document)
    copy = ActionItem.objects.filter(plan__agreement=imported).order_by("position").first()
    assert copy.plan.layout == PlanLayout.BRA_CAUSE_MEASURE
    assert (copy.cause, copy.contact, copy.follow_up_text) == (CAUSE, CONTACT, FOLLOW_UP)


def test_a_copy_of_the_agreement_keeps_bras_layout_and_columns(bra_plan):
    agreement, _plan, _item = bra_plan
    copy = copy_agreement(agreement, title="Kopia")
    plan = copy.action_plans.get()
    row = plan.items.order_by("position").first()
    assert plan.layout == PlanLayout.BRA_CAUSE_MEASURE
    assert (row.cause, row.contact, row.follow_up_text) == (CAUSE, CONTACT, FOLLOW_UP)


def test_the_rows_history_names_bras_columns(coordinator, bra_plan):
    agreement, _plan, item = bra_plan
    item.cause = "En ändrad orsak"
    item.save()
    seal_pending()
    page = coordinator.get(reverse("row_history", args=[agreement.pk, item.pk])).text
    assert "En ändrad orsak" in page
    assert "orsak" in page.lower()


def test_the_plan_form_offers_bras_layout_and_creates_such_a_plan(coordinator, demo):
    agreement = demo["strangnas-2020"]
    url = reverse("plan_create", args=[agreement.pk])
    form = coordinator.get(url).text
    assert 'value="bra_cause_measure"' in form
    assert "Brå: Orsak / Åtgärd / Operativt mål / När / Vem / Uppföljning" in form
    response = coordinator.post(
        url, {"title": "Åtgärdsplan enligt Brå", "layout": "bra_cause_measure"}
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(agreement=agreement, title="Åtgärdsplan enligt Brå")
    assert plan.layout == PlanLayout.BRA_CAUSE_MEASURE


def test_comparing_versions_shows_a_changed_cause(bra_plan):
    agreement, _plan, item = bra_plan
    before = printed_snapshot(agreement)
    ActionItem.objects.filter(pk=item.pk).update(cause="Bristande belysning i centrum")
    after = printed_snapshot(agreement)
    rows = next(part for part in compare(before, after) if part.title == "Handlingsplanernas rader")
    assert [change.kind for change in rows.changes] == ["changed"]
    [cell] = rows.changes[0].cells  # only the changed cell, under its column's name
    assert (cell.column, str(cell.new)) == ("Orsak", "<ins>Bristande belysning i centrum</ins>")
