"""Mina uppgifter: the rows that are the user's across agreements and plans in force, a
responsible person on rows, and Nästa after logging (docs/my-tasks.md)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from helpers import count_queries, remove_follow_up_entries

from actionplans.models import OPEN_STATUSES, ActionItem, ItemStatus
from exchange.demo_people import name_demo_responsible_people
from followup.models import FollowUpEntry
from followup.my_tasks import my_tasks
from followup.reminders import send_reminders
from organisations.models import Membership, MembershipRole, Organisation

HTMX = {"HX-Request": "true"}
MY_TASKS = "/mina-uppgifter/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def promise(demo, today):
    """This year's citizen promise of Strängnäs (in force whatever the day): its plan."""
    agreement = demo[f"medborgarlofte-strangnas-{today.year}"]
    return agreement.action_plans.get()


def police_rows(plan):
    """The plan's open rows that name the police (Lokalpolisområde Eskilstuna)."""
    return list(
        plan.items.filter(
            responsibilities__organisation__name="Lokalpolisområde Eskilstuna",
            status__in=[ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS],
        )
        .distinct()
        .order_by("position")
    )


def dated(rows, today, *days):
    """Give the rows due dates `days` from today (None: no date), in that order."""
    for row, day in zip(rows, days, strict=True):
        row.due_on = None if day is None else today + datetime.timedelta(days=day)
        row.status = ItemStatus.NOT_STARTED
        row.save()
    return rows


def ids_in(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="uppgift-(\d+)"', page)]


def log_url(row):
    return reverse("entry_create", args=[row.plan.agreement_id, row.plan_id, row.pk])


def test_the_kommunpolis_sees_the_police_rows_overdue_first_with_logga(
    client, personas, promise, today
):
    rows = police_rows(promise)
    together = promise.items.get(group_heading__startswith="Tillsammans")
    later, overdue, soon = dated([*rows[:2], together], today, 60, -3, 5)
    client.force_login(personas.kommunpolis)
    page = client.get(MY_TASKS).text
    shown = ids_in(page)
    assert [pk for pk in shown if pk in {later.pk, overdue.pk, soon.pk}] == [
        overdue.pk,
        soon.pk,
        later.pk,
    ]
    # The municipality's own promises are not the police's.
    municipal = promise.items.filter(group_heading__startswith="Kommunen").values_list(
        "pk", flat=True
    )
    assert not set(municipal) & set(shown)
    assert f'href="{log_url(overdue)}"' in page and "Logga uppföljning" in page
    assert "försenad sedan" in page or "sedan" in page


def test_rows_without_a_date_come_after_the_dated_ones(client, personas, promise, today):
    undated, dated_row = dated(police_rows(promise)[:2], today, None, 200)
    client.force_login(personas.kommunpolis)
    shown = ids_in(client.get(MY_TASKS).text)
    assert shown.index(dated_row.pk) < shown.index(undated.pk)


def test_an_outsider_sees_none_of_another_municipalitys_rows(client, personas, promise):
    client.force_login(personas.outsider)  # Timrå's coordinator
    shown = set(ids_in(client.get(MY_TASKS).text))
    assert shown  # Timrå's own promise rows
    assert not shown & set(promise.items.values_list("pk", flat=True))


def test_a_reader_sees_the_rows_but_no_logga(client, personas, promise):
    client.force_login(personas.reader)
    page = client.get(MY_TASKS).text
    municipal = promise.items.filter(
        group_heading__startswith="Kommunen", status__in=OPEN_STATUSES
    ).order_by("position")
    assert municipal and set(municipal.values_list("pk", flat=True)) <= set(ids_in(page))
    assert "/uppfoljning/" not in page and "Logga uppföljning</a>" not in page


def test_filter_by_status_and_municipality_without_javascript(client, user, demo, today):
    client.force_login(user("kommunpolis.sollentuna"))
    promise = demo[f"medborgarlofte-sollentuna-{today.year}"].action_plans.get()
    sollentuna = Organisation.objects.get(name="Sollentuna", kind="municipality")
    sigtuna = Organisation.objects.get(name="Sigtuna", kind="municipality")
    promise_rows = set(promise.items.values_list("pk", flat=True))
    everything = set(ids_in(client.get(MY_TASKS).text))
    assert everything & promise_rows
    assert set(ids_in(client.get(MY_TASKS, {"kommun": sollentuna.pk}).text)) & promise_rows
    assert not set(ids_in(client.get(MY_TASKS, {"kommun": sigtuna.pk}).text)) & promise_rows
    row = promise.items.filter(pk__in=everything).order_by("position").first()
    FollowUpEntry.objects.create(
        item=row, occurred_on=today, what_was_done="Klart.", status=ItemStatus.DONE
    )
    row.refresh_from_db()
    assert row.status == ItemStatus.DONE
    assert row.pk not in ids_in(client.get(MY_TASKS).text)  # still to do: open rows only
    done = client.get(MY_TASKS, {"status": "done"})
    assert row.pk in ids_in(done.text) and 'value="done" selected' in done.text
    fragment = client.get(MY_TASKS, {"status": "done"}, headers=HTMX).text
    assert "<html" not in fragment and row.pk in ids_in(fragment)


@pytest.mark.parametrize(
    "query",
    [
        {"kommun": "abc"},
        {"kommun": "99999999999999999999"},
        {"kommun": "-1", "status": "<script>"},
        {"status": "\x00"},
    ],
)
def test_malformed_filters_get_a_message_not_a_500(client, personas, query):
    client.force_login(personas.kommunpolis)
    response = client.get(MY_TASKS, query)
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.text
    assert "<script>" not in response.text


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(MY_TASKS)
    assert response.status_code == 302 and "/konto/logga-in/" in response.url


def test_the_query_count_does_not_grow_with_the_rows(client, personas, promise):
    client.force_login(personas.kommunpolis)
    before = count_queries(client, MY_TASKS)
    shown = len(ids_in(client.get(MY_TASKS).text))
    police = Organisation.objects.get(name="Lokalpolisområde Eskilstuna")
    for position in range(100, 110):
        row = ActionItem.objects.create(plan=promise, position=position, activity=f"Rad {position}")
        row.responsibilities.create(position=1, organisation=police)
    assert len(ids_in(client.get(MY_TASKS).text)) == shown + 10
    assert count_queries(client, MY_TASKS) == before


def test_a_row_is_mine_by_my_name(user, promise, today):
    """A kommunpolis of the same police area who works with another municipality: not
    through the organisation, but when the row names them."""
    officer = get_user_model().objects.create_user("kommunpolis.annan", email="a@example.org")
    police = Organisation.objects.get(name="Lokalpolisområde Eskilstuna")
    timra = Organisation.objects.get(name="Timrå", kind="municipality")
    Membership.objects.create(
        user=officer, organisation=police, role=MembershipRole.POLICE_OFFICER, works_with=timra
    )
    row = police_rows(promise)[0]
    assert row.pk not in [task.item.pk for task in my_tasks(officer, today).tasks]
    row.responsible_person = officer
    row.save()
    assert row.pk in [task.item.pk for task in my_tasks(officer, today).tasks]


# --- The responsible person on the row form and the plan page


def row_form_data(row, **changes):
    """What a citizen promise's row form posts when opened on `row`, with `changes`."""
    fields = ["group_heading", "goal", "activity", "when_text", "responsible_text", "status"]
    data = {name: getattr(row, name) for name in fields}
    dates = {name: getattr(row, name) or "" for name in ("starts_on", "ends_on", "due_on")}
    return {**data, **dates, "version": row.version, "focus_area": "", "recurrence": "", **changes}


def edit_url(row):
    return reverse("row_edit", args=[row.plan.agreement_id, row.plan_id, row.pk])


def test_only_members_of_the_rows_organisations_may_be_named(client, personas, promise, user):
    row = police_rows(promise)[0]
    ActionItem.objects.filter(pk=row.pk).update(responsible_person=None)  # the demo names one
    row.refresh_from_db()
    client.force_login(personas.kommunpolis)
    form = client.get(edit_url(row)).text
    officer = personas.kommunpolis
    assert f'<option value="{officer.pk}"' in form
    assert f'<option value="{personas.coordinator.pk}"' not in form  # Strängnäs: not named
    for bad in (str(user("kommunpolis.timra").pk), "abc", "99999999999999999999"):
        response = client.post(edit_url(row), row_form_data(row, responsible_person=bad))
        assert "Välj en samordnare eller kommunpolis i någon av radens ansvariga" in response.text
        row.refresh_from_db()
        assert row.responsible_person_id is None
    response = client.post(edit_url(row), row_form_data(row, responsible_person=officer.pk))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.responsible_person == officer
    assert row.history.first().responsible_person_id == officer.pk
    plan_page = client.get(reverse("plan_detail", args=[promise.agreement_id, promise.pk])).text
    name = officer.get_full_name()
    assert f'<p class="responsible-person">Ansvarig person: {name}</p>' in plan_page


# --- Reminders go to the named person


def test_reminders_go_to_the_named_person(promise, today, personas):
    row = police_rows(promise)[0]
    row.due_on = today + datetime.timedelta(days=2)
    row.save()
    officer = personas.kommunpolis
    other = get_user_model().objects.create_user("polis.kollega", email="kollega@example.org")
    police = Organisation.objects.get(name="Lokalpolisområde Eskilstuna")
    Membership.objects.create(user=other, organisation=police, role=MembershipRole.POLICE_OFFICER)

    def told(user):
        return [m for m in mail.outbox if user.email in m.to and row.activity[:30] in m.body]

    ActionItem.objects.filter(pk=row.pk).update(responsible_person=None)
    send_reminders(today)
    assert told(other) and told(officer)
    mail.outbox.clear()
    ActionItem.objects.filter(pk=row.pk).update(responsible_person=officer)
    send_reminders(today + datetime.timedelta(days=1))
    assert told(officer) and not told(other)


# --- Nästa after logging


def test_after_a_save_the_entry_is_at_the_top_and_next_leads_on(client, personas, promise, today):
    first, second = dated(police_rows(promise)[:2], today, -400, -399)
    client.force_login(personas.kommunpolis)
    data = {
        "occurred_on": today.isoformat(),
        "what_was_done": "Patrull i centrum.",
        "status": "done",
    }
    response = client.post(log_url(first), data)
    entry = FollowUpEntry.objects.get(item=first, what_was_done="Patrull i centrum.")
    assert response.status_code == 302
    assert response.url == f"{log_url(first)}?sparad={entry.pk}#sparad"
    page = client.get(response.url).text
    top = page.index('id="sparad"')
    assert top < page.index("followup-form") and "Patrull i centrum." in page[top:]
    assert f'href="{log_url(second)}"' in page and "Nästa" in page
    # The HTMX path: the same, in the swapped part.
    fragment = client.post(log_url(second), {**data, "status": "in_progress"}, headers=HTMX).text
    assert "<html" not in fragment and 'id="sparad"' in fragment
    assert 'rel="next"' in fragment
    assert f'href="{log_url(second)}"' not in fragment.split('id="sparad"')[1].split("</div>")[0]


def test_at_the_end_of_the_list_there_is_no_next(client, personas, promise, today):
    *_before, last_task = my_tasks(personas.kommunpolis, today).tasks
    assert last_task.may_log
    last = last_task.item
    client.force_login(personas.kommunpolis)
    data = {"occurred_on": today.isoformat(), "what_was_done": "Gjort.", "status": "done"}
    page = client.post(log_url(last), data, follow=True).text
    assert 'id="sparad"' in page and 'rel="next"' not in page
    assert "Det var den sista raden" in page


def test_an_unknown_saved_entry_shows_nothing_and_a_malformed_one_is_404(client, personas, promise):
    row = police_rows(promise)[0]
    client.force_login(personas.kommunpolis)
    assert 'id="sparad"' not in client.get(log_url(row) + "?sparad=999999").text
    assert client.get(log_url(row) + "?sparad=abc").status_code == 404


# --- The demo


def test_the_demo_names_the_kommunpolis_and_naming_again_changes_nothing(personas, today):
    named = ActionItem.objects.filter(responsible_person=personas.kommunpolis)
    assert named.exists()
    assert name_demo_responsible_people(today) == 0
    assert my_tasks(personas.kommunpolis, today).tasks


# --- The JSON format carries the responsible person by username


def test_the_responsible_person_travels_in_json_by_username(promise, personas):
    from exchange.export import agreements_for_export, export_document
    from exchange.importer import import_document

    agreement = promise.agreement
    document = export_document(agreements_for_export([agreement.pk]))
    items = document["agreements"][0]["action_plans"][0]["items"]
    named = [item for item in items if item.get("responsible_person")]
    assert named and {item["responsible_person"] for item in named} == {"kommunpolis.strangnas"}
    named[-1]["responsible_person"] = "ingen.sadan"  # a user this installation does not have
    remove_follow_up_entries()  # the demo's entries on it refuse to be deleted
    agreement.delete()
    (imported,) = import_document(document)
    rows = ActionItem.objects.filter(plan__agreement=imported)
    assert rows.filter(responsible_person=personas.kommunpolis).count() == len(named) - 1
    assert rows.filter(responsible_person__isnull=False).count() == len(named) - 1


# --- A row that is mine through a unit of my organisation, and a row that names none


def told_of(row, user):
    return [m for m in mail.outbox if user.email in m.to and row.activity[:30] in m.body]


def naming_only(row, *responsibilities, today):
    """The row, due in two days, open, named by no one, with these responsibilities only."""
    row.responsibilities.all().delete()
    for position, (organisation, unit) in enumerate(responsibilities, start=1):
        row.responsibilities.create(position=position, organisation=organisation, unit=unit)
    ActionItem.objects.filter(pk=row.pk).update(
        responsible_person=None,
        status=ItemStatus.NOT_STARTED,
        due_on=today + datetime.timedelta(days=2),
    )
    return row


def municipal_row(promise):
    """One of the municipality's own promises: not the police's by its organisation."""
    return promise.items.filter(group_heading__startswith="Kommunen").order_by("position")[0]


@pytest.mark.parametrize("as_its_own_organisation", [False, True], ids=["by-name", "organisation"])
def test_a_row_naming_a_unit_of_my_organisation_is_mine_and_reminds_me(
    personas, promise, today, as_its_own_organisation
):
    """A unit is written beside its organisation ("Lokalpolisområde Eskilstuna –
    Mobila poliskontoret": Responsibility.unit) or is an organisation of its own under it
    (a närpolisområde whose `parent` is the lokalpolisområde). Either way the row is the
    lokalpolisområde's kommunpolis's: in Mina uppgifter and in their reminders."""
    police = Organisation.objects.get(name="Lokalpolisområde Eskilstuna")
    if as_its_own_organisation:
        unit = Organisation.objects.create(
            name="Närpolisområde Mälardalen", kind="police_district", parent=police
        )
        named = (unit, "")
    else:
        named = (police, "Mobila poliskontoret")
    row = naming_only(municipal_row(promise), named, today=today)
    officer, coordinator = personas.kommunpolis, personas.coordinator
    assert row.pk in [task.item.pk for task in my_tasks(officer, today).tasks]
    assert row.pk not in [task.item.pk for task in my_tasks(coordinator, today).tasks]
    send_reminders(today)
    assert told_of(row, officer) and not told_of(row, coordinator)


@pytest.mark.parametrize("only_a_unit_by_name", [False, True], ids=["nothing", "unit-text"])
def test_a_row_naming_no_organisation_is_every_partys(
    personas, promise, today, only_a_unit_by_name
):
    """A row that names no organisation (no responsibility, or only a unit written without
    its organisation, "Socialtjänsten") concerns every party, as reminders read it: it is in
    the Mina uppgifter of each party's people and reminds them, and no one else's."""
    responsibilities = [(None, "Socialtjänsten")] if only_a_unit_by_name else []
    row = naming_only(municipal_row(promise), *responsibilities, today=today)
    officer, coordinator, outsider = personas.kommunpolis, personas.coordinator, personas.outsider
    for party in (officer, coordinator):
        (task,) = [task for task in my_tasks(party, today).tasks if task.item.pk == row.pk]
        assert task.is_due_soon and task.may_log
    assert row.pk not in [task.item.pk for task in my_tasks(outsider, today).tasks]
    # A kommunpolis of the same police area working with another municipality: not theirs
    # (the promise is Strängnäs'), as their rights are.
    colleague = get_user_model().objects.create_user("kommunpolis.annan", email="a@example.org")
    Membership.objects.create(
        user=colleague,
        organisation=Organisation.objects.get(name="Lokalpolisområde Eskilstuna"),
        role=MembershipRole.POLICE_OFFICER,
        works_with=Organisation.objects.get(name="Timrå", kind="municipality"),
    )
    assert row.pk not in [task.item.pk for task in my_tasks(colleague, today).tasks]
    send_reminders(today)
    assert told_of(row, officer) and told_of(row, coordinator)
    assert not told_of(row, outsider)
    assert not told_of(row, colleague)
