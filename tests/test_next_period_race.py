"""Nästa period pressed by two editors at the same moment, on an agreement and on a yearly
plan: one draft (one plan) is made, the other editor is led to it.

Real concurrency, as tests/test_report_finalise_race.py: threads with their own database
connections (helpers.at_once), on whichever database the run uses; a transactional test,
so the demo is loaded again afterwards."""

from django.contrib.messages import get_messages
from django.urls import reverse
from helpers import at_once, logged_in

from actionplans.models import ActionPlan, PlanRenewal
from agreements.models import Agreement

EDITORS = ("samordnare.strangnas", "kommunpolis.strangnas")


def press_at_once(url, usernames):
    clients = [logged_in(username) for username in usernames]

    def press(client):
        response = client.post(url)
        told = [str(message) for message in get_messages(response.wsgi_request)]
        return response.status_code, response.url, told

    return at_once(*(lambda client=client: press(client) for client in clients))


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
