"""Gör slutgiltig pressed eight times at once: exactly one wins, the others are told.

Real concurrency: eight threads, each with its own database connection, post at the same
moment, on whichever database the run uses (SQLite or PostgreSQL). The rows must be
committed for the other connections to see them, so this is a transactional test, which
empties the database when it ends: the demo is loaded again afterwards for the tests
that follow.
"""

import datetime

from django.contrib.messages import get_messages
from django.urls import reverse
from helpers import at_once, logged_in

from agreements.models import Agreement
from followup.models import FollowUpReport, ReportStatus

EDITORS = 8


def test_eight_editors_make_a_report_final_at_once_and_one_wins(
    demo_loaded_again, transactional_db
):
    agreement = Agreement.objects.get(reference="strangnas-2020")
    report = FollowUpReport.objects.create(
        agreement=agreement,
        title="Uppföljning 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    clients = [logged_in("samordnare.strangnas") for _number in range(EDITORS)]
    url = reverse("report_finalise", args=[agreement.pk, report.pk])

    def press(client):
        response = client.post(url)
        told = [str(message) for message in get_messages(response.wsgi_request)]
        return response.status_code, told

    answers = at_once(*(lambda client=client: press(client) for client in clients))

    assert [status for status, _told in answers] == [302] * EDITORS
    told = [message for _status, messages in answers for message in messages]
    assert told.count("Rapporten är slutlig och kan inte längre ändras.") == 1
    assert told.count("Rapporten är redan slutlig.") == EDITORS - 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL and report.snapshot is not None
    # The snapshot was written once: the history holds one change to final.
    finals = report.history.filter(status=ReportStatus.FINAL)
    assert finals.count() == 1
