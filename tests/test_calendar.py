"""The agreement's calendar feed: dated activities (with their recurrence) and follow-up
dates, stable UIDs, escaped text, and the subscription token."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from actionplans.models import ActionItem, Recurrence
from followup.calendar import feed_token
from organisations.models import Membership

SEEDS = ["harnosand-2012", "sandviken-2015", "sollentuna-2023", "strangnas-2020", "timra-2017"]


def events(content: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def fetch(client, agreement) -> bytes:
    response = client.get(reverse("calendar", args=[agreement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


@pytest.mark.parametrize("reference", SEEDS)
def test_every_dated_row_and_follow_up_date_is_in_the_calendar(client, personas, demo, reference):
    agreement = demo[reference]
    client.force_login(personas.admin)
    found = events(fetch(client, agreement))
    dated = ActionItem.objects.filter(plan__agreement=agreement).exclude(
        starts_on=None, due_on=None, ends_on=None
    )
    for item in dated:
        event = found.pop(f"actionitem-{item.pk}@samverkan")
        assert event.decoded("dtstart") == (item.starts_on or item.due_on or item.ends_on)
    start = agreement.valid_from
    # Without a last day, two years ahead: 731 days were a day more in years without a
    # 29 February, and would fail when a cadence fell on that extra day.
    end = agreement.last_day() or timezone.localdate() + relativedelta(years=2)
    for cadence in agreement.cadences.all():
        for day in cadence.dates_between(start, end):
            event = found.pop(f"cadence-{cadence.pk}-{day:%Y%m%d}@samverkan")
            assert event.decoded("dtstart") == day
    assert found == {}  # nothing else


def test_a_recurring_row_carries_its_rule_and_a_range_its_end(client, user, demo):
    agreement = demo["harnosand-2012"]
    plan = agreement.action_plans.get()
    weekly = ActionItem.objects.create(
        plan=plan,
        position=900,
        activity="Nattvandring, varje fredag",
        starts_on=datetime.date(2012, 9, 7),
        ends_on=datetime.date(2012, 12, 14),
        recurrence=Recurrence.WEEKLY,
    )
    ranged = ActionItem.objects.create(
        plan=plan,
        position=901,
        activity="Trygghetsvecka",
        starts_on=datetime.date(2012, 10, 1),
        ends_on=datetime.date(2012, 10, 5),
    )
    client.force_login(user("samordnare.harnosand"))
    found = events(fetch(client, agreement))
    rule = found[f"actionitem-{weekly.pk}@samverkan"]["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["UNTIL"] == [datetime.date(2012, 12, 14)]
    week = found[f"actionitem-{ranged.pk}@samverkan"]
    assert week.decoded("dtend") == datetime.date(2012, 10, 6)  # all-day ends are exclusive


def test_uids_are_stable_and_hostile_text_is_escaped(client, user, demo):
    agreement = demo["harnosand-2012"]
    item = ActionItem.objects.create(
        plan=agreement.action_plans.get(),
        position=902,
        activity="<script>alert(1)</script>; a, b\nBEGIN:VEVENT\nSUMMARY:fake",
        due_on=datetime.date(2012, 11, 1),
    )
    client.force_login(user("samordnare.harnosand"))
    first, second = fetch(client, agreement), fetch(client, agreement)
    assert set(events(first)) == set(events(second))
    # No event smuggled in: the text's line breaks are escaped, not real lines.
    assert first.count(b"\r\nBEGIN:VEVENT\r\n") == len(events(first))
    assert b"\\nBEGIN:VEVENT\\nSUMMARY:fake" in first.replace(b"\r\n ", b"")
    event = events(first)[f"actionitem-{item.pk}@samverkan"]
    assert str(event["description"]).startswith("<script>alert(1)</script>; a, b\nBEGIN:VEVENT")


def test_the_subscription_token_works_without_login_while_the_user_may_see(
    client, user, personas, demo
):
    agreement = demo["strangnas-2020"]
    reader = personas.reader
    client.force_login(reader)
    page = client.get(reverse("follow_up", args=[agreement.pk])).text
    url = reverse("calendar_feed", args=[feed_token(reader, agreement)])
    assert url in page
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404  # tampered
    outsider_token = feed_token(personas.outsider, agreement)
    assert client.get(reverse("calendar_feed", args=[outsider_token])).status_code == 404
    Membership.objects.filter(user=reader).delete()  # no longer a member
    assert client.get(url).status_code == 404


def test_the_subscription_address_stays_the_same_over_time(personas, demo, monkeypatch):
    reader, agreement = personas.reader, demo["strangnas-2020"]
    today = feed_token(reader, agreement)
    monkeypatch.setattr("django.core.signing.time.time", lambda: 4_000_000_000)
    assert feed_token(reader, agreement) == today


def test_outsiders_get_no_calendar(client, personas, demo):
    client.force_login(personas.outsider)
    response = client.get(reverse("calendar", args=[demo["strangnas-2020"].pk]))
    assert response.status_code == 404


def test_the_calendar_runs_as_many_queries_for_500_rows_as_for_a_few(client, user, demo):
    from helpers import count_queries

    agreement = demo["harnosand-2012"]
    client.force_login(user("samordnare.harnosand"))
    url = reverse("calendar", args=[agreement.pk])
    few = count_queries(client, url)
    ActionItem.objects.bulk_create(
        ActionItem(
            plan=agreement.action_plans.get(),
            position=1000 + n,
            activity=f"Rad {n}",
            due_on=datetime.date(2012, 12, 1),
        )
        for n in range(500)
    )
    assert count_queries(client, url) == few
