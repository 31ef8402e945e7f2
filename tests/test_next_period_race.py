"""Nästa period pressed by two editors at the same moment, on an agreement and on a yearly
plan: one draft (one plan) is made, the other editor is led to it.

Real concurrency, as tests/test_report_finalise_race.py: threads with their own database
connections, on whichever database the run uses; a transactional test, so the demo is
loaded again afterwards."""

import threading
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from actionplans.models import ActionPlan, PlanRenewal
from agreements.models import Agreement

EDITORS = ("samordnare.strangnas", "kommunpolis.strangnas")


@pytest.fixture
def demo_loaded_again(django_db_blocker):
    """Set up before the transactional database, so torn down after its flush."""
    yield
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())


def press_at_once(url, usernames):
    clients = []
    for username in usernames:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients.append(client)
    start = threading.Barrier(len(clients))
    answers, lock = [], threading.Lock()

    def press(client):
        try:
            start.wait()
            response = client.post(url)
            told = [str(message) for message in get_messages(response.wsgi_request)]
            with lock:
                answers.append((response.status_code, response.url, told))
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_editors_at_once_make_one_draft_and_one_plan(demo_loaded_again, transactional_db):
    agreement = Agreement.objects.get(reference="strangnas-2020")
    answers = press_at_once(reverse("next_period", args=[agreement.pk]), EDITORS)
    draft = Agreement.objects.get(follows=agreement)
    assert Agreement.objects.filter(title=draft.title, status="draft").count() == 1
    assert [status for status, _url, _told in answers] == [302, 302]
    assert {url for _status, url, _told in answers} == {reverse("draft_editor", args=[draft.pk])}
    told = [message for _status, _url, messages in answers for message in messages]
    assert told.count(f"Nästa periods utkast är redan påbörjat: {draft.title}.") == 1

    sollentuna = Agreement.objects.get(reference="sollentuna-2023")
    plan = sollentuna.action_plans.get(municipality__name="Sigtuna")
    plan.renewal, plan.year, plan.starts_on, plan.ends_on = PlanRenewal.YEARLY, 2025, None, None
    plan.save()
    url = reverse("plan_next_period", args=[sollentuna.pk, plan.pk])
    answers = press_at_once(url, ("samordnare.sigtuna", "kommunpolis.sigtuna"))
    (new,) = ActionPlan.objects.filter(agreement=sollentuna, year=2026)
    assert {url for _status, url, _told in answers} == {
        reverse("plan_detail", args=[sollentuna.pk, new.pk])
    }
