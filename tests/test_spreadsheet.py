"""An action plan to Excel and back: the round trip loses nothing, the preview lists what
changes, bad sheets are refused with a message and nothing half written. Over 400 lines in one
module because every test goes through the same download, edit and upload helpers."""

import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpers import count_queries, remove_follow_up_entries, row_data
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


def test_a_sheet_downloaded_before_a_column_was_renamed_is_still_read(client, user, plan):
    """ "Fortsätter målet ovan" is now "Samma mål som raden ovanför": a sheet kept from
    before is read as it was, and another heading is still refused."""
    client.force_login(user(EDITOR))
    headings = [cell.value for cell in load_workbook(BytesIO(download(client, plan))).active[1]]
    column = headings.index("Samma mål som raden ovanför") + 1

    def renamed(heading):
        def edit(sheet):
            sheet.cell(row=1, column=column).value = heading

        return edited(download(client, plan), edit)

    kept = upload(client, plan, renamed("Fortsätter målet ovan"))
    assert kept.status_code == 200
    assert kept.context["changes"].is_empty
    refused = upload(client, plan, renamed("Något annat"))
    assert "Första raden ska ha planens rubriker" in refused.text


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


def test_a_party_cell_changes_only_that_partys_words(client, personas, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(personas.coordinator)
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


def test_a_row_with_follow_up_cannot_be_removed_through_excel(client, personas, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(personas.coordinator)
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


# Texts as text, and uploads that do not undo the web (issue 13, point 4).

STRANGNAS = "samordnare.strangnas"


def column_of(sheet, heading) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == heading)


def line_of(sheet, item) -> int:
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == item.pk)


def set_cell(item, heading, value):
    """An edit for `edited`: the cell of `item`'s line under `heading`."""

    def edit(sheet):
        sheet.cell(line_of(sheet, item), column_of(sheet, heading)).value = value

    return edit


def all_of(*edits):
    def edit(sheet):
        for one in edits:
            one(sheet)

    return edit


def edited_on_the_web(client, item, **changes):
    """Spara in the row's form, as a browser posts it (Strängnäs layout)."""
    item.refresh_from_db()
    data = row_data(item, **changes)
    url = reverse("row_edit", args=[item.plan.agreement_id, item.plan_id, item.pk])
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()


@pytest.fixture
def strangnas_plan(client, user, demo):
    client.force_login(user(STRANGNAS))
    return demo["strangnas-2020"].action_plans.get()


FORMULAS = {
    "Aktivitet": '=HYPERLINK("http://x","y")',
    "När": "+46 70 123 45 67",
    "Ansvarig": "-Kommunen, polisen",
    "Kommunikation": "@alla",
}


def test_texts_that_look_like_formulas_go_out_and_back_as_text(client, strangnas_plan):
    item = strangnas_plan.items.order_by("position").first()
    item.activity, item.when_text = FORMULAS["Aktivitet"], FORMULAS["När"]
    item.responsible_text, item.communication = FORMULAS["Ansvarig"], FORMULAS["Kommunikation"]
    item.save()
    content = download(client, strangnas_plan)

    sheet = load_workbook(BytesIO(content)).worksheets[0]
    for heading, text in FORMULAS.items():
        cell = sheet.cell(line_of(sheet, item), column_of(sheet, heading))
        assert cell.value == text
        assert cell.data_type == "s", heading  # a string, not a formula ("f")
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited, too
    with ZipFile(BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")

    before = snapshot(strangnas_plan)
    response = upload(client, strangnas_plan, content)
    assert response.context["changes"].is_empty
    assert snapshot(strangnas_plan) == before


def test_a_formula_typed_in_the_sheet_is_read_as_its_text_not_as_an_empty_cell(
    client, strangnas_plan
):
    item = strangnas_plan.items.order_by("position").first()
    typed = set_cell(item, "Aktivitet", "=1+1")  # openpyxl stores this as a formula
    preview = upload(client, strangnas_plan, edited(download(client, strangnas_plan), typed))
    changes = preview.context["changes"]
    assert [change.values["activity"] for change in changes.changed] == ["=1+1"]
    assert confirm(client, strangnas_plan).status_code == 302
    item.refresh_from_db()
    assert item.activity == "=1+1"
    sheet = load_workbook(BytesIO(download(client, strangnas_plan))).worksheets[0]
    assert sheet.cell(line_of(sheet, item), column_of(sheet, "Aktivitet")).data_type == "s"


def test_an_old_download_does_not_undo_what_was_changed_on_the_web_since(client, strangnas_plan):
    first, second, third = strangnas_plan.items.order_by("position")[:3]
    content = download(client, strangnas_plan)
    edited_on_the_web(client, first, when_text="Ändrat på webben")
    edited_on_the_web(client, third, activity="Ny aktivitet på webben")
    # In Excel, on the old download: the same cell of the first row, and the second row.
    sheet_edit = all_of(
        set_cell(first, "När", "Ändrat i Excel"),
        set_cell(second, "När", "Bara i Excel"),
    )
    preview = upload(client, strangnas_plan, edited(content, sheet_edit))
    changes = preview.context["changes"]
    assert [change.item for change in changes.conflicts] == [first]
    assert changes.conflicts[0].conflicting == [("När", "Ändrat på webben", "Ändrat i Excel")]
    assert [change.item for change in changes.changed] == [second]
    assert [change.item for change in changes.kept_from_web] == [third]
    assert "konflikt med webben" in preview.text
    assert "Ändrat på webben" in preview.text and "Ändrat i Excel" in preview.text

    assert confirm(client, strangnas_plan).status_code == 302
    for item in (first, second, third):
        item.refresh_from_db()
    assert first.when_text == "Ändrat på webben"  # the conflict is not applied by default
    assert third.activity == "Ny aktivitet på webben"  # the sheet's old text does not undo it
    assert second.when_text == "Bara i Excel"


def test_taking_the_sheets_values_in_a_conflict_writes_them(client, strangnas_plan):
    first = strangnas_plan.items.order_by("position").first()
    content = download(client, strangnas_plan)
    edited_on_the_web(client, first, when_text="Ändrat på webben")
    upload(client, strangnas_plan, edited(content, set_cell(first, "När", "Ändrat i Excel")))
    url = reverse("plan_upload", args=[strangnas_plan.agreement_id, strangnas_plan.pk])
    assert client.post(url, {"apply": "1", "take": f"row-{first.pk}"}).status_code == 302
    first.refresh_from_db()
    assert first.when_text == "Ändrat i Excel"


def test_a_row_added_on_the_web_after_the_download_is_kept(client, strangnas_plan):
    content = download(client, strangnas_plan)
    last = strangnas_plan.items.order_by("position").last()
    added = ActionItem.objects.create(
        plan=strangnas_plan, position=last.position + 1, activity="Lagd till på webben"
    )
    preview = upload(client, strangnas_plan, content)
    changes = preview.context["changes"]
    assert changes.is_empty and changes.added_on_web == [added]
    assert "Lagd till på webben" in preview.text
    before = snapshot(strangnas_plan)
    confirm(client, strangnas_plan)
    assert snapshot(strangnas_plan) == before


def test_a_row_removed_on_the_web_after_the_download_is_a_conflict(client, strangnas_plan):
    remove_follow_up_entries()
    items = list(strangnas_plan.items.order_by("position"))
    content = download(client, strangnas_plan)
    gone = items[1]
    gone_id = gone.pk
    gone.delete()
    preview = upload(client, strangnas_plan, content)
    changes = preview.context["changes"]
    assert [change.values["activity"] for change in changes.conflicts] == [gone.activity]
    assert "togs bort på webben" in preview.text
    before = [(row.pk, row.version) for row in strangnas_plan.items.order_by("position")]
    confirm(client, strangnas_plan)
    # Not brought back unless chosen, and the other rows as they were (in their order).
    assert [(row.pk, row.version) for row in strangnas_plan.items.order_by("position")] == before

    upload(client, strangnas_plan, content)
    url = reverse("plan_upload", args=[strangnas_plan.agreement_id, strangnas_plan.pk])
    assert client.post(url, {"apply": "1", "take": f"row-{gone_id}"}).status_code == 302
    back = strangnas_plan.items.get(activity=gone.activity)
    assert back.pk != gone_id
    assert list(strangnas_plan.items.order_by("position")) == [items[0], back, *items[2:]]


def test_a_row_removed_in_the_sheet_but_changed_on_the_web_since_is_kept(client, strangnas_plan):
    remove_follow_up_entries()
    items = list(strangnas_plan.items.order_by("position"))
    content = download(client, strangnas_plan)
    edited_on_the_web(client, items[-1], activity="Ändrad på webben")
    unchanged = items[-2]

    def remove_both(sheet):
        sheet.delete_rows(line_of(sheet, items[-1]))
        sheet.delete_rows(line_of(sheet, unchanged))

    preview = upload(client, strangnas_plan, edited(content, remove_both))
    changes = preview.context["changes"]
    assert changes.removed == [unchanged]
    assert changes.removal_conflicts == [items[-1]]
    confirm(client, strangnas_plan)
    assert not ActionItem.objects.filter(pk=unchanged.pk).exists()
    assert ActionItem.objects.get(pk=items[-1].pk).activity == "Ändrad på webben"


def test_a_file_without_the_downloaded_versions_shows_every_difference_as_a_conflict(
    client, strangnas_plan
):
    """A file downloaded before the sheet carried versions: nothing tells whether the web
    or the sheet is newer, so nothing the web has is changed unless the user chooses."""
    remove_follow_up_entries()
    items = list(strangnas_plan.items.order_by("position"))
    book = load_workbook(BytesIO(download(client, strangnas_plan)))
    del book["samverkan-rows"]
    output = BytesIO()
    book.save(output)
    edited_on_the_web(client, items[0], when_text="Ändrat på webben")
    old = edited(output.getvalue(), lambda sheet: sheet.delete_rows(line_of(sheet, items[-1])))
    preview = upload(client, strangnas_plan, old)
    changes = preview.context["changes"]
    assert not changes.knows_download
    assert [change.item for change in changes.conflicts] == [items[0]]
    assert changes.removal_conflicts == [items[-1]] and not changes.removed
    assert "säger inte vilka versioner" in preview.text
    before = snapshot(strangnas_plan)
    confirm(client, strangnas_plan)
    assert snapshot(strangnas_plan) == before


def test_a_file_of_another_plan_is_refused(client, user, demo, strangnas_plan):
    other = demo["harnosand-2012"].action_plans.get()
    client.force_login(user(EDITOR))
    theirs = load_workbook(BytesIO(download(client, other)))
    client.force_login(user(STRANGNAS))
    mine = load_workbook(BytesIO(download(client, strangnas_plan)))
    hidden = mine["samverkan-rows"]
    hidden["B1"] = other.pk
    output = BytesIO()
    mine.save(output)
    del theirs
    response = upload(client, strangnas_plan, output.getvalue())
    assert "laddades ned från en annan plan" in response.text


def test_sheet_cells_that_do_not_fit_the_webs_newer_ones_become_a_conflict(client, strangnas_plan):
    """The web set the row's end, the sheet its start after that end: each alone is fine,
    together they are not, so the row stays as the web has it unless the user chooses."""
    item = strangnas_plan.items.order_by("position").first()
    content = download(client, strangnas_plan)
    edited_on_the_web(client, item, starts_on="", ends_on="2021-06-30")
    late_start = set_cell(item, "Börjar", datetime.datetime(2021, 9, 1))
    preview = upload(client, strangnas_plan, edited(content, late_start))
    changes = preview.context["changes"]
    assert [change.item for change in changes.conflicts] == [item]
    assert not changes.changed
    headings = [heading for heading, _web, _sheet in changes.conflicts[0].conflicting]
    assert "Börjar" in headings and "Slutar" in headings
    confirm(client, strangnas_plan)
    item.refresh_from_db()
    assert (item.starts_on, item.ends_on) == (None, datetime.date(2021, 6, 30))
