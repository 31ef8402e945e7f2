"""At one plan at the same moment: two rows added at once both land, each in a place of
its own; the same row saved by two people from the same version is saved once, and the
other is shown both versions (the lost-update guard); one follow-up form sent twice at
once (a double tap) makes one entry. Never an error page.

Real concurrency, as tests/test_next_period_race.py: threads with their own database
connections (helpers.at_once), on whichever database the run uses; a transactional test,
so the demo is loaded again afterwards."""

import re

from django.urls import reverse
from helpers import at_once, logged_in, row_data

from actionplans.models import ActionItem, ActionPlan
from audit.seals import verify
from followup.models import FollowUpEntry

EDITORS = ("samordnare.strangnas", "kommunpolis.strangnas")


def post_at_once(url, data_per_editor):
    """Each editor posts its data to `url` at the same moment: (status, text) each."""
    clients = [logged_in(username) for username in EDITORS]

    def post(client, data):
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return at_once(
        *(lambda c=c, d=d: post(c, d) for c, d in zip(clients, data_per_editor, strict=True))
    )


def test_two_rows_added_at_once_both_land_in_places_of_their_own(
    demo_loaded_again, transactional_db
):
    plan = ActionPlan.objects.get(agreement__reference="strangnas-2020")
    before = set(plan.items.values_list("pk", flat=True))
    url = reverse("row_create", args=[plan.agreement_id, plan.pk])
    words = ["Tillagd av samordnaren", "Tillagd av kommunpolisen"]
    answers = post_at_once(url, [row_data(ActionItem(plan=plan), activity=t) for t in words])
    assert [status for status, _text in answers] == [302, 302]
    added = plan.items.exclude(pk__in=before)
    assert sorted(added.values_list("activity", flat=True)) == sorted(words)
    positions = list(plan.items.values_list("position", flat=True))
    assert len(positions) == len(set(positions))


def test_one_row_saved_by_two_at_once_is_saved_once_and_the_other_sees_both(
    demo_loaded_again, transactional_db
):
    plan = ActionPlan.objects.get(agreement__reference="strangnas-2020")
    item = plan.items.order_by("position").first()
    records, version = item.history.count(), item.version
    url = reverse("row_edit", args=[plan.agreement_id, plan.pk, item.pk])
    words = ["Samordnarens ändring", "Kommunpolisens ändring"]
    answers = post_at_once(url, [row_data(item, activity=text) for text in words])
    assert sorted(status for status, _text in answers) == [200, 302]
    (shown,) = [text for status, text in answers if status == 200]
    assert "Spara min version" in shown
    item = ActionItem.objects.get(pk=item.pk)
    assert item.activity in words
    assert item.version == version + 1
    assert item.history.count() == records + 1
    assert verify() is None


def test_one_follow_up_form_sent_twice_at_once_makes_one_entry(demo_loaded_again, transactional_db):
    plan = ActionPlan.objects.get(agreement__reference="strangnas-2020")
    item = plan.items.order_by("position").first()
    entries = FollowUpEntry.objects.filter(item=item).count()
    url = reverse("entry_create", args=[plan.agreement_id, plan.pk, item.pk])
    kommunpolis = logged_in("kommunpolis.strangnas")
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', kommunpolis.get(url).text)[1]
    sent = {"occurred_on": "2026-11-20", "what_was_done": "Möte.", "status": "done"}
    sent["submission_key"] = key
    taps = [kommunpolis, logged_in("kommunpolis.strangnas")]  # two sends of one form
    answers = at_once(*(lambda tap=tap: tap.post(url, sent) for tap in taps))
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert FollowUpEntry.objects.filter(item=item).count() == entries + 1
