"""Logga uppföljning on an action plan's row: quick, in place, append-only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup.models import AppendOnlyError, FollowUpEntry, Indicator, Measurement

HTMX = {"HX-Request": "true"}


@pytest.fixture
def row(demo):
    """A Strängnäs row nobody has logged yet (the demo has entries on some)."""
    plan = demo["strangnas-2020"].action_plans.get()
    return plan.items.filter(follow_up_entries__isnull=True).order_by("position").first()


def url(item, **query):
    path = reverse("entry_create", args=[item.plan.agreement_id, item.plan_id, item.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_row_links_to_logging_and_the_form_reminds_of_official_records(client, personas, row):
    client.force_login(personas.kommunpolis)
    plan_page = client.get(reverse("plan_detail", args=[row.plan.agreement_id, row.plan_id]))
    assert f'href="{url(row)}"' in plan_page.text and ">Logga uppföljning</a>" in plan_page.text
    page = client.get(url(row)).text
    assert "allmänna handlingar" in page and "privatpersoner" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page  # today by default


def test_an_entry_is_saved_in_place_and_by_plain_post(client, personas, row):
    client.force_login(personas.kommunpolis)
    police = row.plan.agreement.parties.get(label="Polis").organisation
    data = {
        "occurred_on": "2026-11-20",
        "what_was_done": "Möte med socialtjänsten om tre unga.",
        "participants": [police.pk],
        "participant_units": "Socialtjänsten",
        "effect": "Plan för uppföljning i skolan.",
        "status": "in_progress",
    }
    response = client.post(url(row), data, headers=HTMX)
    assert "<html" not in response.text and "Uppföljningen sparades." in response.text
    assert "Möte med socialtjänsten om tre unga." in response.text
    entry = FollowUpEntry.objects.get(item=row)
    assert entry.author.username == "kommunpolis.strangnas" and entry.author_name
    assert list(entry.participants.all()) == [police]
    plain = client.post(url(row), {**data, "what_was_done": "Andra mötet."})
    assert plain.status_code == 302
    assert FollowUpEntry.objects.filter(item=row).count() == 2


def form_key(client, item) -> str:
    """The key of the form as the page shows it (a new one each time it is shown)."""
    page = client.get(url(item)).text
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)[1]


def test_the_same_form_sent_twice_makes_one_entry(client, personas, row):
    """A double tap, or Spara again after the phone lost the answer: one entry (it could
    not be deleted), and the second send is answered as the first was."""
    client.force_login(personas.kommunpolis)
    data = {"occurred_on": "2026-11-20", "what_was_done": "Möte.", "status": "done"}
    sent = {**data, "submission_key": form_key(client, row)}
    first, again = client.post(url(row), sent), client.post(url(row), sent)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    in_place = client.post(url(row), sent, headers=HTMX)
    assert "Uppföljningen sparades." in in_place.text
    assert FollowUpEntry.objects.filter(item=row).count() == 1
    # The form shown after it is a new one: what it sends is a new entry.
    new_key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', in_place.text)[1]
    assert new_key != sent["submission_key"]
    client.post(url(row), {**data, "submission_key": new_key})
    assert FollowUpEntry.objects.filter(item=row).count() == 2


def test_a_form_kept_open_and_filled_in_anew_makes_a_new_entry(client, personas, row):
    """The same key with other words is not the form sent again: a page left open after
    a save (the browser's back button) and written again is a second entry."""
    client.force_login(personas.kommunpolis)
    key = form_key(client, row)
    data = {"occurred_on": "2026-11-20", "status": "done", "submission_key": key}
    client.post(url(row), {**data, "what_was_done": "Möte."})
    client.post(url(row), {**data, "what_was_done": "Ett annat möte."})
    client.post(url(row), {**data, "what_was_done": "Ett annat möte."})  # itself sent twice
    texts = FollowUpEntry.objects.filter(item=row).values_list("what_was_done", flat=True)
    assert sorted(texts) == ["Ett annat möte.", "Möte."]


def test_a_page_without_a_key_or_with_anothers_key_still_saves(client, personas, row):
    """A page shown before forms had keys sends none; a key that is not this writer's on
    this row is not honoured (nor is it an error): both save as they always did."""
    client.force_login(personas.coordinator)
    theirs = form_key(client, row)
    data = {"occurred_on": "2026-11-20", "what_was_done": "Möte.", "status": "done"}
    client.post(url(row), {**data, "submission_key": theirs})
    client.force_login(personas.kommunpolis)
    assert client.post(url(row), {**data, "submission_key": theirs}).status_code == 302
    assert client.post(url(row), data).status_code == 302
    assert client.post(url(row), data).status_code == 302
    entries = FollowUpEntry.objects.filter(item=row)
    assert entries.count() == 4
    authors = set(entries.values_list("author__username", flat=True))
    assert authors == {personas.coordinator.username, personas.kommunpolis.username}
    # Not a key the form made (a hand-made post): saved too, a hidden field cannot be mended.
    assert client.post(url(row), {**data, "submission_key": "inte-en-nyckel"}).status_code == 302
    assert entries.count() == 5


@pytest.mark.parametrize("later", ["tomorrow", "2030-01-01"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_entry_dated_after_today_is_refused_next_to_its_date(
    client, personas, row, later, headers
):
    """An entry records what was done; one dated ahead stood as the row's latest entry, so
    that an entry written after it, today, did not set the row's status."""
    client.force_login(personas.kommunpolis)
    today = timezone.localdate()
    if later == "tomorrow":
        later = (today + datetime.timedelta(days=1)).isoformat()
    data = {"occurred_on": later, "what_was_done": "Möte.", "status": "in_progress"}
    response = client.post(url(row), data, headers=headers)
    assert response.status_code in (200, 400)
    assert (
        '<p class="field-error" id="id_occurred_on_error">Det som gjorts kan inte dateras '
        "efter i dag: logga det när det har hänt.</p>" in response.text
    )
    assert not FollowUpEntry.objects.filter(item=row).exists()
    done = {**data, "occurred_on": today.isoformat(), "status": "done"}
    client.post(url(row), done, headers=headers)
    row.refresh_from_db()
    assert row.status == "done"


def test_errors_are_swedish_and_nothing_is_written(client, personas, row):
    client.force_login(personas.coordinator)
    indicator = Indicator.objects.create(
        agreement=row.plan.agreement, item=row, position=99, name="Antal möten"
    )
    data = {"occurred_on": "", "what_was_done": "", "status": "done", "indicator": indicator.pk}
    response = client.post(url(row), data, headers=HTMX)
    assert response.text.count("Detta fält måste fyllas i.") == 2
    assert "Ange det uppmätta värdet, eller välj ingen indikator." in response.text
    assert not FollowUpEntry.objects.filter(item=row).exists()
    ok = {**data, "occurred_on": "2026-11-21", "what_was_done": "Tre möten.", "value": "3"}
    client.post(url(row), ok)
    assert Measurement.objects.get(indicator=indicator).value == 3


def test_a_correction_is_a_new_entry_and_both_stay(client, personas, row):
    client.force_login(personas.kommunpolis)
    first = {"occurred_on": "2026-11-20", "what_was_done": "Fel datum.", "status": "done"}
    client.post(url(row), first)
    wrong = FollowUpEntry.objects.get(item=row)
    form = client.get(url(row, rattar=wrong.pk)).text
    assert "Fel datum." in form and "Du rättar posten från 2026-11-20." in form
    client.post(url(row, rattar=wrong.pk), {**first, "occurred_on": "2026-11-19"})
    correction = FollowUpEntry.objects.exclude(pk=wrong.pk).get(item=row)
    assert correction.corrects == wrong
    page = client.get(url(row)).text
    assert page.count("Fel datum.") >= 2 and "Rättar uppföljningen från" in page
    with pytest.raises(AppendOnlyError):
        wrong.delete()
    with pytest.raises(AppendOnlyError):
        FollowUpEntry.objects.filter(pk=wrong.pk).update(what_was_done="x")


def test_readers_and_outsiders_may_not_log(client, user, personas, row):
    client.force_login(personas.reader)
    assert client.get(url(row)).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(url(row)).status_code == 404


def test_the_page_runs_as_many_queries_for_many_entries_as_for_one(client, personas, row):
    client.force_login(personas.kommunpolis)
    data = {"occurred_on": "2026-11-20", "what_was_done": "Möte.", "status": "done"}
    client.post(url(row), data)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(row)).status_code == 200
        return len(queries)

    one = count()
    for _ in range(20):
        client.post(url(row), data)
    assert count() == one


def checked_status(page: str) -> str:
    """The value of the status radio button the page has ticked."""
    ticked = [
        tag
        for tag in re.findall(r'<input type="radio" name="status"[^>]*>', page)
        if re.search(r"\schecked\b", tag)
    ]
    assert len(ticked) == 1, ticked
    return re.search(r'value="([a-z_]+)"', ticked[0])[1]


@pytest.mark.parametrize("in_place", [True, False], ids=["htmx", "plain"])
def test_the_form_left_for_the_next_entry_has_the_status_just_saved(
    client, personas, row, in_place
):
    """Logged "genomförd" on an "ej påbörjad" row: the blank form shown after the save
    ticks "genomförd", or a second entry straight away would put the row back."""
    client.force_login(personas.kommunpolis)
    assert row.status == "not_started"
    assert checked_status(client.get(url(row)).text) == "not_started"
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "what_was_done": "Klart.",
        "status": "done",
    }
    if in_place:
        page = client.post(url(row), data, headers=HTMX).text
    else:
        page = client.post(url(row), data, follow=True).text
    assert "Uppföljningen sparades." in page
    assert checked_status(page) == "done"
