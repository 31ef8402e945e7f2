"""A row proposed but not yet adopted (föreslagen): shown as proposed, never open for
reminders or overdue, counted on its own in a report, chosen in the row form and kept by a
copy."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from helpers import row_data

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Agreement
from exchange.copying import copy_agreement
from followup.models import FollowUpEntry, FollowUpReport
from followup.reminders import send_reminders
from followup.report import build_contents
from followup.todo import follow_up_lists

D = datetime.date


@pytest.fixture
def sollentuna(demo):
    agreement = demo["sollentuna-2023"]
    return agreement, agreement.action_plans.order_by("position").first()


def add_row(plan, activity, **fields):
    position = (plan.items.order_by("-position").values_list("position", flat=True).first()) or 0
    return ActionItem.objects.create(plan=plan, position=position + 1, activity=activity, **fields)


def test_a_proposed_row_is_neither_open_nor_overdue(sollentuna):
    _agreement, plan = sollentuna
    row = add_row(plan, "Förslag", status=ItemStatus.PROPOSED, due_on=D(2024, 1, 1))
    assert not row.is_open
    assert not row.is_overdue(D(2024, 6, 1))
    assert not row.is_due_within(D(2023, 12, 25), 14)


def test_no_reminder_and_nothing_to_follow_up_for_a_proposed_row(settings, sollentuna):
    settings.SITE_URL = "https://samverkan.example"
    agreement, plan = sollentuna
    proposed = add_row(plan, "Föreslagen trygghetsvandring", status=ItemStatus.PROPOSED)
    adopted = add_row(plan, "Antagen trygghetsvandring", due_on=D(2026, 11, 1))
    proposed.due_on = D(2026, 11, 1)
    proposed.save()
    send_reminders(D(2026, 11, 23))
    bodies = " ".join(message.body for message in mail.outbox)
    assert "Antagen trygghetsvandring" in bodies
    assert "Föreslagen trygghetsvandring" not in bodies
    (to_do,) = follow_up_lists(Agreement.objects.filter(pk=agreement.pk), D(2026, 11, 23))
    assert adopted in to_do.overdue
    assert proposed not in to_do.overdue and proposed not in to_do.not_logged


def test_the_plan_page_shows_the_proposed_badge_and_no_overdue(client, user, sollentuna):
    _agreement, plan = sollentuna
    add_row(plan, "Förslag", status=ItemStatus.PROPOSED, due_on=D(2024, 1, 1))
    client.force_login(user("samordnare.sollentuna"))
    page = client.get(reverse("plan_detail", args=[plan.agreement_id, plan.pk])).text
    assert '<span class="status status-proposed">föreslagen</span>' in page
    assert "försenad sedan" not in page


def test_the_row_form_proposes_and_adopts(client, user, sollentuna):
    _agreement, plan = sollentuna
    client.force_login(user("samordnare.sollentuna"))
    create = reverse("row_create", args=[plan.agreement_id, plan.pk])
    form = client.get(create, headers={"HX-Request": "true"}).text
    assert 'value="proposed"' in form and "Föreslagen, ännu inte antagen" in form
    assert 'value="in_progress"' not in form  # the rest comes from follow-up
    client.post(create, row_data(ActionItem(plan=plan), activity="Nytt löfte", status="proposed"))
    row = plan.items.get(activity="Nytt löfte")
    assert row.status == ItemStatus.PROPOSED
    edit = reverse("row_edit", args=[plan.agreement_id, plan.pk, row.pk])
    client.post(edit, row_data(row, status="not_started"))
    row.refresh_from_db()
    assert row.status == ItemStatus.NOT_STARTED
    # Posted without the field (an older page): the status stays as it was.
    client.post(edit, row_data(row, activity="Nytt löfte, ändrat"))
    row.refresh_from_db()
    assert (row.activity, row.status) == ("Nytt löfte, ändrat", ItemStatus.NOT_STARTED)


def test_a_followed_up_row_cannot_be_proposed_again(client, user, sollentuna):
    _agreement, plan = sollentuna
    row = add_row(plan, "Trygghetsvandring")
    FollowUpEntry.objects.create(
        item=row, occurred_on=D(2024, 1, 1), what_was_done="Gjort", status="not_started"
    )
    row.refresh_from_db()
    client.force_login(user("samordnare.sollentuna"))
    edit = reverse("row_edit", args=[plan.agreement_id, plan.pk, row.pk])
    response = client.post(edit, row_data(row, status="proposed"))
    assert response.status_code == 200
    assert "Raden har följts upp" in response.text
    row.refresh_from_db()
    assert row.status == ItemStatus.NOT_STARTED


def test_a_row_in_progress_has_no_status_in_its_form(client, user, sollentuna):
    _agreement, plan = sollentuna
    row = add_row(plan, "Trygghetsvandring", status=ItemStatus.IN_PROGRESS)
    client.force_login(user("samordnare.sollentuna"))
    page = client.get(reverse("row_edit", args=[plan.agreement_id, plan.pk, row.pk])).text
    assert 'id="id_status"' not in page  # the row's form; the page's filter has its own


def test_logging_follow_up_does_not_offer_proposed(client, user, sollentuna):
    _agreement, plan = sollentuna
    row = add_row(plan, "Förslag", status=ItemStatus.PROPOSED)
    client.force_login(user("samordnare.sollentuna"))
    page = client.get(reverse("entry_create", args=[plan.agreement_id, plan.pk, row.pk])).text
    assert 'value="proposed"' not in page
    checked = re.search(r'<input[^>]*value="([a-z_]+)"[^>]*checked', page)
    assert checked.group(1) == "in_progress"  # what was done has begun it


def test_a_report_counts_proposed_rows_on_their_own(sollentuna):
    agreement, plan = sollentuna
    add_row(plan, "Förslag ett", status=ItemStatus.PROPOSED)
    add_row(plan, "Förslag två", status=ItemStatus.PROPOSED)
    report = FollowUpReport(
        agreement=agreement, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31)
    )
    counts = {count["status"]: count for count in build_contents(report)["counts"]}
    assert counts["proposed"]["count"] == 2
    assert counts["proposed"]["label"] == "föreslagen"


def test_a_copy_keeps_proposed_rows_proposed(demo):
    agreement = demo["sollentuna-2023"]
    plan = agreement.action_plans.order_by("position").first()
    add_row(plan, "Förslag", status=ItemStatus.PROPOSED)
    add_row(plan, "Pågår", status=ItemStatus.IN_PROGRESS)
    copy = copy_agreement(agreement, title="Kopia")
    statuses = dict(
        ActionItem.objects.filter(plan__agreement=copy).values_list("activity", "status")
    )
    assert statuses == {"Förslag": "proposed", "Pågår": "not_started"}


def test_the_plan_page_filters_rows_by_status_to_read(client, user, sollentuna):
    _agreement, plan = sollentuna
    add_row(plan, "Ett förslag", status=ItemStatus.PROPOSED)
    add_row(plan, "En antagen rad")
    client.force_login(user("samordnare.sollentuna"))
    url = reverse("plan_detail", args=[plan.agreement_id, plan.pk])
    page = client.get(url).text
    assert '<option value="proposed">föreslagen</option>' in page
    assert "Ett förslag" in page and "En antagen rad" in page
    filtered = client.get(url, {"status": "proposed"}).text
    assert '<option value="proposed" selected>föreslagen</option>' in filtered
    assert "Ett förslag" in filtered and "En antagen rad" not in filtered
    assert ">Redigera</button>" not in filtered and "Lägg till rad" not in filtered
    none = client.get(url, {"status": "cancelled"}).text
    assert "Ingen rad i planen har den här statusen." in none
    # An unknown status shows every row, as without a filter.
    assert "En antagen rad" in client.get(url, {"status": "okänd"}).text
