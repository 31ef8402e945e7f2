"""What a user who only reads is offered: Översikt's list of what to follow up says "Läs
utkastet" to them where an editor continues a report's draft, and Mina uppgifter says why
their rows have no Logga uppföljning."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.demo_current import demo_current_agreements
from followup.models import CadenceFrequency, CadenceKind, FollowUpCadence, FollowUpReport
from organisations.models import Membership, MembershipRole, Organisation

MY_TASKS = "/mina-uppgifter/"
READ_ONLY_NOTE = "Du kan läsa raderna men inte logga uppföljning på dem"
SOME_READ_ONLY_NOTE = "Rader utan Logga uppföljning hör till en plan"


@pytest.fixture
def draft_report(db):
    """A draft of the report due in ten days on Strängnäs' agreement in force today."""
    today = timezone.localdate()
    agreement = next(
        agreement
        for agreement in demo_current_agreements().filter(reference__contains="strangnas")
        if agreement.is_in_force(today)
    )
    agreement.cadences.all().delete()
    due = today + datetime.timedelta(days=10)
    FollowUpCadence.objects.create(
        agreement=agreement,
        kind=CadenceKind.REPORT,
        frequency=CadenceFrequency.YEARLY,
        first_on=due,
    )
    return FollowUpReport.objects.create(
        agreement=agreement,
        title="Uppföljning",
        period_start=due - datetime.timedelta(days=300),
        period_end=due,
    )


def draft_link(page, report):
    """The text of the link to the report's draft on the page."""
    url = reverse("report_detail", args=[report.agreement_id, report.pk])
    start = page.index(f'<a href="{url}">') + len(f'<a href="{url}">')
    return page[start : page.index("</a>", start)]


def test_the_reader_is_asked_to_read_the_draft_not_to_continue_it(client, personas, draft_report):
    client.force_login(personas.reader)
    page = client.get("/").text
    assert draft_link(page, draft_report) == "Läs utkastet"
    assert "Fortsätt på utkastet" not in page


@pytest.mark.parametrize("persona", ["coordinator", "kommunpolis"])
def test_an_editor_continues_the_draft(client, personas, draft_report, persona):
    client.force_login(getattr(personas, persona))
    page = client.get("/").text
    assert draft_link(page, draft_report) == "Fortsätt på utkastet"


@pytest.mark.parametrize("persona", ["reader", "org_admin"])
def test_my_tasks_tells_one_who_may_log_none_of_their_rows_who_logs_them(client, personas, persona):
    client.force_login(getattr(personas, persona))
    page = client.get(MY_TASKS).text
    assert 'id="uppgift-' in page  # their organisation's rows are listed
    assert "Logga uppföljning</a>" not in page
    assert READ_ONLY_NOTE in page
    assert SOME_READ_ONLY_NOTE not in page


def test_my_tasks_has_no_note_for_one_who_logs_every_row(client, personas):
    client.force_login(personas.coordinator)
    page = client.get(MY_TASKS).text
    assert "Logga uppföljning</a>" in page
    assert READ_ONLY_NOTE not in page and SOME_READ_ONLY_NOTE not in page


def test_my_tasks_tells_who_logs_the_rows_one_may_not_log(client, personas):
    """Strängnäs' reader who also coordinates in Timrå logs Timrå's rows only."""
    reader = personas.reader
    Membership.objects.create(
        user=reader,
        organisation=Organisation.objects.get(name="Timrå"),
        role=MembershipRole.COORDINATOR,
    )
    client.force_login(reader)
    page = client.get(MY_TASKS).text
    assert "Logga uppföljning</a>" in page
    assert SOME_READ_ONLY_NOTE in page
    assert READ_ONLY_NOTE not in page
