"""A row save of the plan page does its whole work in one transaction: the access check,
the conditional UPDATE with its lost-update guard, the row's history, the history's seal
and the mark for prints made ahead, and commits once (docs/performance.md, "The row
save"). The queries are listed one by one, so a query that comes back fails here."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from helpers import row_data

from actionplans.models import ActionItem
from audit.models import HistorySeal
from audit.seals import seal_pending, verify
from printing.models import PrintAhead, PrintJob


@pytest.fixture
def plan(demo):
    return demo["strangnas-2020"].action_plans.get()


@pytest.fixture
def a_burst_under_way(settings, plan):
    """Prints made ahead on, and the agreement already marked a moment ago: a save moves
    the mark (the first save of a burst also queues the render)."""
    settings.PRINT_AHEAD = True
    marked = timezone.now() - datetime.timedelta(seconds=5)
    return PrintAhead.objects.create(
        agreement_id=plan.agreement_id, first_changed_at=marked, last_changed_at=marked
    )


def save_url(plan, item):
    return reverse("row_edit", args=[plan.agreement_id, plan.pk, item.pk])


def a_row_with_a_focus_area(plan):
    """The plan's first row, put under the agreement's first focus area (as most rows are:
    the choice is then validated too)."""
    item = plan.items.order_by("position").first()
    ActionItem.objects.filter(pk=item.pk).update(
        focus_area=plan.agreement.focus_areas.order_by("position").first()
    )
    item.refresh_from_db()
    return item


def what(sql: str) -> str:
    """A query as its statement and first table: "SELECT actionplans_actionitem"."""
    verb = sql.split()[0]
    table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
    return f"{verb} {table[1]}" if table else verb


def test_a_coordinators_row_save_runs_these_queries_and_no_more(
    coordinator, plan, a_burst_under_way
):
    item = a_row_with_a_focus_area(plan)
    seal_pending()  # what the demo's loading left to seal, as its commit would
    data = row_data(item, activity="Sparad i en transaktion")
    with CaptureQueriesContext(connection) as captured:
        response = coordinator.post(save_url(plan, item), data)
    assert response.status_code == 302
    assert [what(query["sql"]) for query in captured.captured_queries] == [
        "SELECT django_session",
        "SELECT auth_user",
        # The plan with its agreement if the user may see it (one query with the check),
        # the agreement's parties and focus areas, the user's editing memberships.
        "SELECT actionplans_actionplan",
        "SELECT agreements_party",
        "SELECT agreements_focusarea",
        "SELECT organisations_membership",
        # The row and its responsibilities (the party cells are compared with them).
        "SELECT actionplans_actionitem",
        "SELECT actionplans_responsibility",
        # One transaction (a savepoint here, inside the test's): the guarded UPDATE, its
        # history with the row's problem links, the print mark moved, the history sealed.
        "SAVEPOINT",
        "UPDATE actionplans_actionitem",
        "INSERT audit_historicalactionitem",
        "SELECT actionplans_actionitem_problem_items",
        "UPDATE printing_printahead",
        "SELECT audit_historychainhead",
        "SELECT audit_historicalactionitem",  # with its problem links, as stored
        "INSERT audit_historyseal",
        "UPDATE audit_historychainhead",
        "RELEASE",
    ]


def test_the_history_is_sealed_and_the_prints_marked_before_the_save_commits(
    coordinator, plan, a_burst_under_way
):
    """The test's transaction never commits, so whatever waited for a commit is not done
    here: the seal and the mark are made in the save's own transaction."""
    item = a_row_with_a_focus_area(plan)
    seal_pending()
    response = coordinator.post(save_url(plan, item), row_data(item, activity="Förseglad"))
    assert response.status_code == 302
    record = item.history.latest("history_id")
    assert record.activity == "Förseglad"
    assert HistorySeal.objects.filter(
        table="audit.historicalactionitem", record_id=record.pk
    ).exists()
    assert verify() is None
    a_burst_under_way.refresh_from_db()
    assert a_burst_under_way.last_changed_at > a_burst_under_way.first_changed_at


def test_a_save_that_meets_a_newer_version_writes_nothing_and_seals_nothing(coordinator, plan):
    item = a_row_with_a_focus_area(plan)
    seal_pending()
    stale = row_data(item, activity="Min ändring")
    first = coordinator.post(save_url(plan, item), row_data(item, activity="Deras ändring"))
    assert first.status_code == 302
    seals = HistorySeal.objects.count()
    conflict = coordinator.post(save_url(plan, item), stale)
    assert conflict.status_code == 200
    assert "Spara min version" in conflict.text  # both versions side by side
    assert conflict.context["differences"] == [("Vad", "Deras ändring", "Min ändring")]
    item.refresh_from_db()
    assert item.activity == "Deras ändring"
    assert HistorySeal.objects.count() == seals
    assert verify() is None


def test_a_focus_area_of_another_agreement_is_refused_beside_the_field(coordinator, plan, demo):
    item = a_row_with_a_focus_area(plan)
    elsewhere = demo["harnosand-2012"].focus_areas.first()
    response = coordinator.post(
        save_url(plan, item), row_data(item, focus_area=elsewhere.pk, activity="Fel område")
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.text
    item.refresh_from_db()
    assert item.activity != "Fel område"


def test_an_end_before_the_start_is_refused_beside_the_field(coordinator, plan):
    item = a_row_with_a_focus_area(plan)
    response = coordinator.post(
        save_url(plan, item),
        row_data(item, starts_on="2026-05-01", ends_on="2026-04-01", activity="Baklänges"),
    )
    assert response.status_code == 200
    assert "Slutdatumet kan inte vara före startdatumet." in response.text
    item.refresh_from_db()
    assert item.activity != "Baklänges"


def test_the_first_save_of_a_burst_marks_the_agreement_and_its_prints_are_made(
    coordinator, plan, settings, renders
):
    """No mark yet: the save creates it and queues the render in its own transaction (tasks
    run at once in tests, so the prints are made before the save answers)."""
    settings.PRINT_AHEAD = True
    item = a_row_with_a_focus_area(plan)
    response = coordinator.post(save_url(plan, item), row_data(item, activity="Först i skuren"))
    assert response.status_code == 302
    assert any("Först i skuren" in html for html in renders)
    assert PrintJob.objects.filter(
        agreement_id=plan.agreement_id, document=f"plan-{plan.pk}"
    ).exists()
    assert verify() is None
