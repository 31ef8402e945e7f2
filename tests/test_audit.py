"""The audit trail: every create, change and delete of what an agreement holds, with who,
when and each field before and after; shown on Historik pages and kept after deletes."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import row_data
from openpyxl import load_workbook

from actionplans.models import ActionItem, Responsibility
from agreements.models import Agreement, FocusArea, Party, ProblemItem, ProblemPicture, Section
from audit.models import AGREEMENT_PATHS, WITHOUT_AGREEMENT
from exchange.copying import copy_agreement
from followup.models import FollowUpReport
from organisations.models import Membership, MembershipRole, Organisation

HTMX = {"HX-Request": "true"}
COORDINATOR = "samordnare.strangnas"


@pytest.fixture
def strangnas(demo):
    agreement = demo["strangnas-2020"]
    return agreement, agreement.action_plans.get()


def history_url(agreement):
    return reverse("agreement_history", args=[agreement.pk])


def row_history_url(agreement, item_pk):
    return reverse("row_history", args=[agreement.pk, item_pk])


def row_url(name, plan, item):
    return reverse(name, args=[plan.agreement_id, plan.pk, item.pk])


def test_every_model_an_agreement_is_made_of_is_tracked():
    tracked = {*AGREEMENT_PATHS, *WITHOUT_AGREEMENT}
    for model in (Agreement, Party, Section, ProblemItem, FocusArea, ActionItem):
        assert model in tracked
    for model in (Responsibility, FollowUpReport, Membership, Organisation):
        assert model in tracked


def test_a_row_edited_in_the_browser_is_recorded_with_who_and_each_field(
    client, personas, strangnas
):
    agreement, plan = strangnas
    item = plan.items.order_by("position").first()
    client.force_login(personas.coordinator)
    old_activity = item.activity
    response = client.post(
        row_url("row_edit", plan, item), row_data(item, activity="Nattvandring varje fredag")
    )
    assert response.status_code == 302
    record = item.history.first()
    assert record.history_type == "~" and record.history_user.username == COORDINATOR
    assert record.history_user_name == personas.coordinator.get_full_name()

    for url in (history_url(agreement), row_history_url(agreement, item.pk)):
        page = client.get(url).text
        assert "Ändrad" in page and personas.coordinator.get_full_name() in page
        assert f"<del>{old_activity[:40]}" in page
        assert "<ins>Nattvandring varje fredag</ins>" in page


def test_a_person_a_row_names_is_shown_by_their_full_name(client, personas, strangnas):
    """Historik names the row's responsible person as the pages do, not by user name."""
    agreement, plan = strangnas
    item = plan.items.order_by("position").first()
    item.responsible_person = personas.kommunpolis
    item.save()
    client.force_login(personas.coordinator)
    for url in (history_url(agreement), row_history_url(agreement, item.pk)):
        page = client.get(url).text
        assert (
            "Ansvarig person</th><td><del>–</del></td><td><ins>Kommunpolis Strängnäs</ins>" in page
        )
        assert "<ins>kommunpolis.strangnas</ins>" not in page


def test_a_party_cell_edited_on_the_row_says_what_it_is(client, personas, strangnas):
    """The words of a party's column are the responsibility as written, not "Fritext"."""
    agreement, plan = strangnas
    item = plan.items.order_by("position").first()
    party = agreement.parties.get(organisation__kommunkod="0486")
    client.force_login(personas.coordinator)
    cell = {f"party_{party.pk}": "Socialtjänsten samordnar kvällarna"}
    assert client.post(row_url("row_edit", plan, item), row_data(item, **cell)).status_code == 302
    page = client.get(row_history_url(agreement, item.pk)).text
    assert re.search(
        r"Ansvar \(fritext\)</th><td>(<del>.*?</del>)?</td>"
        r"<td><ins>Socialtjänsten samordnar kvällarna</ins>",
        page,
    )
    assert "Fritext</th>" not in page


def test_a_deleted_row_keeps_its_history(client, personas, strangnas):
    agreement, plan = strangnas
    item = plan.items.filter(follow_up_entries__isnull=True).order_by("position").first()
    activity = item.activity
    client.force_login(personas.coordinator)
    client.post(row_url("row_delete", plan, item))
    assert not ActionItem.objects.filter(pk=item.pk).exists()
    page = client.get(row_history_url(agreement, item.pk)).text
    assert "Borttagen" in page and "Skapad" in page
    assert f"<del>{activity[:40]}" in page  # what the row said when it was deleted
    agreement_page = client.get(history_url(agreement)).text
    assert "Borttagen" in agreement_page
    assert row_history_url(agreement, item.pk) in agreement_page


def test_the_problems_a_row_addresses_are_shown_before_and_after(client, personas, strangnas):
    """The many-to-many link from a row to the problem picture is a field like the others."""
    agreement, plan = strangnas
    picture = ProblemPicture.objects.get_or_create(agreement=agreement)[0]
    area = picture.areas.create(position=1, title="Otrygghet")
    lighting, drugs, traffic = (
        area.items.create(position=i, text=text)
        for i, text in enumerate(["Dålig belysning", "Droger i centrum", "Buskörning"], 1)
    )
    item = plan.items.order_by("position").first()
    item.problem_items.set([lighting, drugs])
    item.problem_items.set([drugs, traffic])

    client.force_login(personas.coordinator)
    for url in (history_url(agreement), row_history_url(agreement, item.pk)):
        page = client.get(url).text
        # set() removes what goes, then adds what comes: two changes.
        changes = re.findall(
            r"Problem som hanteras</th><td><del>(.*?)</del></td><td><ins>(.*?)</ins>", page
        )
        assert changes == [
            ("Droger i centrum", "Buskörning; Droger i centrum"),
            ("Droger i centrum; Dålig belysning", "Droger i centrum"),
            ("–", "Droger i centrum; Dålig belysning"),
        ]


def test_moves_follow_up_and_excel_are_recorded_too(client, user, personas, strangnas, demo):
    """Writes that are UPDATEs rather than save() reach the trail as well."""
    agreement, plan = strangnas
    first, second = plan.items.order_by("position")[:2]  # one group: no focus areas
    client.force_login(personas.coordinator)
    client.post(row_url("row_move", plan, second), {"direction": "up"})
    moved = second.history.first()
    assert moved.position == first.position and moved.history_user.username == COORDINATOR

    client.force_login(personas.kommunpolis)
    item = plan.items.filter(follow_up_entries__isnull=True).order_by("position").first()
    client.post(
        row_url("entry_create", plan, item),
        {"occurred_on": "2022-03-01", "what_was_done": "Startmöte.", "status": "in_progress"},
    )
    assert item.history.first().status == "in_progress"
    recorded = item.history.count()
    client.post(
        row_url("entry_create", plan, item),
        {"occurred_on": "2022-04-01", "what_was_done": "Andra mötet.", "status": "in_progress"},
    )
    assert item.history.count() == recorded  # the status stood: nothing to record
    page = client.get(row_history_url(agreement, item.pk)).text
    assert "<ins>pågår</ins>" in page

    harnosand = demo["harnosand-2012"].action_plans.first()
    client.force_login(user("samordnare.harnosand"))
    sheet_url = reverse("plan_xlsx", args=[harnosand.agreement_id, harnosand.pk])
    book = load_workbook(BytesIO(client.get(sheet_url).content))
    book.worksheets[0].cell(row=2, column=6).value = "Varje fredag hela året"  # När, first row
    output = BytesIO()
    book.save(output)
    upload_url = reverse("plan_upload", args=[harnosand.agreement_id, harnosand.pk])
    client.post(upload_url, {"sheet": SimpleUploadedFile("plan.xlsx", output.getvalue())})
    client.post(upload_url, {"apply": "1"})
    record = ActionItem.history.filter(when_text="Varje fredag hela året").get()
    assert record.history_type == "~" and record.history_user.username == "samordnare.harnosand"


def test_the_history_outlives_the_agreement(user, demo):
    draft = copy_agreement(demo["strangnas-2020"])
    ids = {
        "agreement": draft.pk,
        "rows": list(ActionItem.objects.filter(plan__agreement=draft).values_list("pk", flat=True)),
        "sections": list(draft.sections.values_list("pk", flat=True)),
    }
    draft.delete()
    assert Agreement.history.filter(id=ids["agreement"], history_type="-").exists()
    for pk in ids["rows"]:
        assert ActionItem.history.filter(id=pk, history_type="-").exists()
    for pk in ids["sections"]:
        assert Section.history.filter(id=pk, history_type="-").exists()


def test_sections_facts_and_memberships_are_recorded(client, user, personas, demo):
    draft = copy_agreement(demo["strangnas-2020"])
    client.force_login(personas.coordinator)
    section = draft.sections.order_by("position").first()
    data = {
        "version": section.version,
        "heading": "Ny rubrik",
        "body": section.body,
        "embed": section.embed,
    }
    data.update({f"initial-{k}": getattr(section, k) for k in ("heading", "body", "embed")})
    client.post(reverse("part_edit", args=[draft.pk, "avsnitt", section.pk]), data)
    record = section.history.first()
    assert record.heading == "Ny rubrik" and record.history_user.username == COORDINATOR
    page = client.get(history_url(draft)).text
    assert "<ins>Ny rubrik</ins>" in page and "<del>Bakgrund</del>" in page
    assert "Ändrad</strong>: Avsnitt" in page

    membership = Membership.objects.create(
        user=personas.reader,
        organisation=Organisation.objects.get(kommunkod="2262"),  # Timrå
        role=MembershipRole.READER,
    )
    membership_id = membership.pk
    membership.delete()
    assert [r.history_type for r in Membership.history.filter(id=membership_id)] == ["-", "+"]


def test_history_pages_are_for_those_who_may_see_the_agreement(
    client, user, personas, strangnas, demo
):
    agreement, plan = strangnas
    item = plan.items.first()
    client.force_login(personas.reader)  # readers read the history too
    assert client.get(history_url(agreement)).status_code == 200
    client.force_login(personas.outsider)
    assert client.get(history_url(agreement)).status_code == 404
    assert client.get(row_history_url(agreement, item.pk)).status_code == 404
    # A row of another agreement is not found through this one.
    client.force_login(personas.coordinator)
    assert client.get(row_history_url(agreement, 10**9)).status_code == 404
    timra_row = ActionItem.objects.filter(plan__agreement=demo["timra-2017"]).first()
    if timra_row is None:
        timra_row = ActionItem.objects.exclude(plan__agreement=agreement).first()
    assert client.get(row_history_url(agreement, timra_row.pk)).status_code == 404
    client.logout()
    assert client.get(history_url(agreement)).status_code == 302


def test_history_pages_run_as_many_queries_for_many_changes_as_for_few(client, personas, strangnas):
    agreement, plan = strangnas
    client.force_login(personas.coordinator)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    def edit(items):
        for item in items:
            item.activity = f"Ändrad {item.pk}"
            item.save()
            item.responsibilities.first().save()
            item.problem_items.set(problems[: len(item.activity) % 3])

    rows = list(plan.items.filter(responsibilities__isnull=False).distinct())
    problems = list(ProblemItem.objects.filter(area__problem_picture__agreement=agreement))
    row_page = row_history_url(agreement, rows[0].pk)
    edit(rows[:1])
    one_change = queries(row_page)
    edit(rows[:1] * 30)
    assert queries(row_page) == one_change  # a full page of 50, from 7 entries before

    # On the agreement's page the queries follow the kinds of things shown (a fixed list).
    edit(rows * 3)
    full_page = queries(history_url(agreement))
    edit(rows * 6)
    assert queries(history_url(agreement)) == full_page
    htmx = client.get(history_url(agreement) + "?sida=2", headers=HTMX)
    assert "<html" not in htmx.text and 'id="historik"' in htmx.text


def test_membership_history_is_read_in_the_admin_and_cannot_be_changed(client, user, personas):
    membership = Membership.objects.create(
        user=personas.reader,
        organisation=Organisation.objects.get(kommunkod="2262"),
        role=MembershipRole.READER,
    )
    client.force_login(personas.admin)
    listing = client.get(reverse("admin:audit_historicalmembership_changelist")).text
    assert "lasare.strangnas" in listing and "Timrå" in listing
    record = membership.history.get()
    change_url = reverse("admin:audit_historicalmembership_change", args=[record.pk])
    assert client.post(change_url, {"role": "coordinator"}).status_code == 403
    assert client.get(reverse("admin:audit_historicalmembership_add")).status_code == 403
