"""An action plan to Excel and back: the round trip loses nothing, the preview lists what
changes, bad sheets are refused with a message and nothing half written."""

import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpers import count_queries
from openpyxl import load_workbook

from actionplans.models import ActionItem, ActionPlan, Responsibility
from exchange.demo import user_slug

EDITOR = "samordnare.harnosand"


def download(client, plan) -> bytes:
    response = client.get(reverse("plan_xlsx", args=[plan.agreement_id, plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def upload(client, plan, content: bytes, name="plan.xlsx"):
    url = reverse("plan_upload", args=[plan.agreement_id, plan.pk])
    return client.post(url, {"sheet": SimpleUploadedFile(name, content)})


def confirm(client, plan):
    url = reverse("plan_upload", args=[plan.agreement_id, plan.pk])
    return client.post(url, {"apply": "1"})


def edited(content: bytes, edit) -> bytes:
    book = load_workbook(BytesIO(content))
    edit(book.worksheets[0])
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def snapshot(plan):
    """Everything about the plan's rows, to compare before and after."""
    return [
        (
            item.pk,
            item.position,
            item.focus_area_id,
            item.goal,
            item.continues_goal_above,
            item.activity,
            item.when_text,
            item.starts_on,
            item.ends_on,
            item.due_on,
            item.recurrence,
            item.responsible_text,
            item.communication,
            item.status,
            item.is_citizen_promise,
            item.nature,
            item.term,
            item.version,
            sorted(item.problem_items.values_list("pk", flat=True)),
            sorted(
                item.responsibilities.values_list("organisation_id", "unit", "role", "description"),
                key=repr,
            ),
        )
        for item in ActionItem.objects.filter(plan=plan).order_by("position")
    ]


def login_for(client, user, plan):
    """As the coordinator of the plan's municipality (each one changes its own plan in
    the Sollentuna agreement), else of the agreement's municipality."""
    municipality = plan.municipality.name if plan.municipality else plan.agreement.reference
    client.force_login(user(f"samordnare.{user_slug(municipality.split('-')[0])}"))


@pytest.mark.parametrize(
    "reference",
    ["harnosand-2012", "sandviken-2015", "sollentuna-2023", "strangnas-2020", "timra-2017"],
)
def test_the_round_trip_of_every_seed_plan_loses_nothing(client, user, demo, reference):
    for plan in demo[reference].action_plans.all():
        login_for(client, user, plan)
        before = snapshot(plan)
        response = upload(client, plan, download(client, plan))
        assert response.status_code == 200
        assert response.context["changes"].is_empty, reference
        assert "Filen innehåller inga ändringar" in response.text
        assert snapshot(plan) == before


@pytest.fixture
def plan(demo):
    return demo["harnosand-2012"].action_plans.get()


def test_changed_added_and_removed_rows_are_previewed_then_saved(client, user, plan):
    client.force_login(user(EDITOR))
    items = list(plan.items.order_by("position"))
    first, removed = items[0], items[-1]

    def edit(sheet):
        sheet.cell(row=2, column=6).value = "Varje fredag hela året"  # När of the first row
        sheet.cell(row=2, column=9).value = datetime.datetime(2012, 12, 20)  # Senast
        sheet.append([None, "", "Nytt mål", "nej", "En ny aktivitet", "Våren 2013"])
        sheet.delete_rows(len(items) + 1)

    before_rows = plan.items.count()
    preview = upload(client, plan, edited(download(client, plan), edit))
    changes = preview.context["changes"]
    assert [c.values["activity"] for c in changes.added] == ["En ny aktivitet"]
    assert [c.item.pk for c in changes.changed] == [first.pk]
    assert ("När", first.when_text, "Varje fredag hela året") in changes.changed[0].differences
    assert changes.removed == [removed]
    assert "1 rad tas bort" in preview.text and "1 rad läggs till" in preview.text
    assert plan.items.count() == before_rows  # nothing written by the preview

    response = confirm(client, plan)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.when_text == "Varje fredag hela året"
    assert first.due_on == datetime.date(2012, 12, 20)
    assert first.version == 2
    assert not ActionItem.objects.filter(pk=removed.pk).exists()
    new = plan.items.get(activity="En ny aktivitet")
    assert new.position == plan.items.count() and new.goal == "Nytt mål"
    # And the saved plan goes out and back again unchanged.
    again = upload(client, plan, download(client, plan))
    assert again.context["changes"].is_empty


def test_a_party_cell_changes_only_that_partys_words(client, user, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(user("samordnare.strangnas"))
    party = agreement.parties.order_by("position").first()
    column = 12  # the first party's column comes after Ansvarig

    def edit(sheet):
        assert sheet.cell(row=1, column=column).value == party.display_label
        sheet.cell(row=2, column=column).value = "Kommunen bjuder in"

    upload(client, plan, edited(download(client, plan), edit))
    assert confirm(client, plan).status_code == 302
    item = plan.items.order_by("position").first()
    said = item.responsibilities.filter(organisation=party.organisation)
    assert [r.description for r in said] == ["Kommunen bjuder in"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda sheet: setattr(sheet.cell(row=1, column=5), "value", "Vad"), "planens rubriker"),
        (lambda sheet: setattr(sheet.cell(row=2, column=1), "value", 999999), "999999"),
        (lambda sheet: setattr(sheet.cell(row=2, column=7), "value", "snart"), "ÅÅÅÅ-MM-DD"),
        (lambda sheet: setattr(sheet.cell(row=2, column=6), "value", "x" * 301), "som mest 300"),
        (
            lambda sheet: setattr(sheet.cell(row=2, column=2), "value", "Okänt område"),
            "Okänt område",
        ),
        (
            lambda sheet: setattr(sheet.cell(row=2, column=5), "value", ""),
            "Rad 2, kolumn Aktivitet",
        ),
        (
            lambda sheet: setattr(
                sheet.cell(row=3, column=1), "value", sheet.cell(row=2, column=1).value
            ),
            "två gånger",
        ),
        (lambda sheet: setattr(sheet.cell(row=2, column=10), "value", "varje timme"), "välj en av"),
    ],
)
def test_a_malformed_sheet_is_refused_with_a_message_and_nothing_written(
    client, user, plan, edit, message
):
    client.force_login(user(EDITOR))
    before = snapshot(plan)
    response = upload(client, plan, edited(download(client, plan), edit))
    assert response.status_code == 200
    assert "Filen kan inte användas" in response.text
    assert message in response.text
    assert snapshot(plan) == before
    # Nothing to apply either.
    assert confirm(client, plan).status_code == 302
    assert snapshot(plan) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", b"%PDF-1.7 not a workbook", "inte en Excel-arbetsbok"),
        ("plan.pdf", b"%PDF-1.7", "Excel-arbetsbok (.xlsx)"),
        ("plan.xlsx", b"", "tom"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(client, user, plan, name, content, message):
    client.force_login(user(EDITOR))
    before = snapshot(plan)
    response = upload(client, plan, content, name)
    assert message in response.text
    assert snapshot(plan) == before


def test_a_row_with_follow_up_cannot_be_removed_through_excel(client, user, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(user("samordnare.strangnas"))
    logged = plan.items.filter(follow_up_entries__isnull=False).distinct().first()
    line = list(plan.items.order_by("position")).index(logged) + 2
    before = snapshot(plan)
    response = upload(client, plan, edited(download(client, plan), lambda s: s.delete_rows(line)))
    assert "kan inte tas bort" in response.text
    assert snapshot(plan) == before


def test_the_upload_is_refused_when_the_plan_changed_after_the_preview(client, user, plan):
    client.force_login(user(EDITOR))

    def edit(sheet):
        sheet.cell(row=2, column=6).value = "Ändrat i Excel"

    upload(client, plan, edited(download(client, plan), edit))
    other = plan.items.order_by("position").last()
    other.save_if_unchanged(other.version, ["activity"])  # someone else saves meanwhile
    before = snapshot(plan)
    response = confirm(client, plan)
    assert response.status_code == 302
    assert snapshot(plan) == before
    page = client.get(response.url)
    assert "ändrats av någon annan" in page.text


def test_readers_download_but_cannot_upload(client, user, plan):
    client.force_login(user("lasare.harnosand"))
    assert download(client, plan)
    assert client.get(reverse("plan_upload", args=[plan.agreement_id, plan.pk])).status_code == 403
    before = snapshot(plan)
    assert upload(client, plan, b"x").status_code == 403
    assert snapshot(plan) == before


def test_the_download_runs_as_many_queries_for_500_rows_as_for_a_few(client, user, plan):
    client.force_login(user(EDITOR))
    url = reverse("plan_xlsx", args=[plan.agreement_id, plan.pk])
    few = count_queries(client, url)
    focus_area = plan.agreement.focus_areas.first()
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, position=1000 + n, activity=f"Rad {n}", focus_area=focus_area)
        for n in range(500)
    )
    for item in plan.items.all()[:50]:
        Responsibility.objects.create(
            item=item, organisation=plan.agreement.parties.first().organisation, position=99
        )
    assert count_queries(client, url) == few
    assert ActionPlan.objects.filter(pk=plan.pk).exists()


def test_a_workbook_over_the_size_limit_is_refused(client, user, plan, monkeypatch):
    client.force_login(user(EDITOR))
    content = download(client, plan)
    monkeypatch.setattr("actionplans.spreadsheet_views.MAX_BYTES", len(content) - 1)
    before = snapshot(plan)
    response = upload(client, plan, content)
    assert "Filen är för stor: högst 2 MB." in response.text
    assert snapshot(plan) == before


def _repacked(content: bytes, change) -> bytes:
    """The workbook with `change(name, data)` applied to each of its files, zipped again."""
    packed = BytesIO()
    with ZipFile(BytesIO(content)) as source, ZipFile(packed, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return packed.getvalue()


def test_a_small_file_that_unpacks_to_gigabytes_is_refused_unread(client, user, plan):
    client.force_login(user(EDITOR))

    def padded(name, data):
        # 60 MB of spaces inside the sheet's XML pack into about 60 kB.
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * 60_000_000, 1)
        return data

    bomb = _repacked(download(client, plan), padded)
    assert len(bomb) < 2 * 1024 * 1024
    before = snapshot(plan)
    response = upload(client, plan, bomb)
    assert "Filen packas upp till mer än 50 MB" in response.text
    assert snapshot(plan) == before


def test_xml_entity_tricks_in_a_workbook_are_refused(client, user, plan):
    """A billion-laughs entity in the sheet: defusedxml makes openpyxl refuse it."""
    client.force_login(user(EDITOR))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def with_entities(name, data):
        if name == "xl/worksheets/sheet1.xml":
            data = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
            return laughs + data.replace(b"<t>", b"<t>&lol2;", 1)
        return data

    before = snapshot(plan)
    response = upload(client, plan, _repacked(download(client, plan), with_entities))
    assert "Filen är inte en Excel-arbetsbok (.xlsx)." in response.text
    assert snapshot(plan) == before
