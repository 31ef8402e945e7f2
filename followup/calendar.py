"""An agreement's calendar (iCalendar, RFC 5545, with the icalendar library): its dated
activities and its follow-up dates, for the coordinators' and police officers' calendars.

Each event has a stable UID, so a calendar that subscribes to the feed updates an event
when the row changes instead of adding it again. Dates are all-day events.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from actionplans.models import ActionItem, Recurrence

from .models import CadenceKind

# How far ahead follow-up dates are listed for an agreement without an end.
OPEN_ENDED_YEARS = 2

RRULES = {
    Recurrence.WEEKLY: {"FREQ": "WEEKLY"},
    Recurrence.MONTHLY: {"FREQ": "MONTHLY"},
    Recurrence.QUARTERLY: {"FREQ": "MONTHLY", "INTERVAL": 3},
    Recurrence.TERTIAL: {"FREQ": "MONTHLY", "INTERVAL": 4},
    Recurrence.HALF_YEARLY: {"FREQ": "MONTHLY", "INTERVAL": 6},
    Recurrence.YEARLY: {"FREQ": "YEARLY"},
}
ONE_DAY = datetime.timedelta(days=1)
UID_DOMAIN = "samverkan"
SALT = "followup.calendar"


def feed_token(user, agreement) -> str:
    """A token for subscribing without logging in: names the user and the agreement, and
    is checked against what the user may see each time the feed is fetched. Unlike
    `signing.dumps` it has no timestamp, so the address a user subscribed to stays the same."""
    return signing.Signer(salt=SALT).sign_object({"u": user.pk, "a": agreement.pk}, compress=True)


def read_token(token: str) -> dict | None:
    try:
        return signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        return None


def agreement_calendar(agreement, today: datetime.date | None = None) -> bytes:
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Samverkan//Samverkansöverenskommelser//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", agreement.title)
    stamp = timezone.now()
    items = (
        ActionItem.objects.filter(plan__agreement=agreement)
        .select_related("plan__agreement", "focus_area")
        .order_by("plan__position", "position")
    )
    for item in items:
        event = _item_event(agreement, item, stamp)
        if event is not None:
            calendar.add_component(event)
    start = agreement.counted_period()[0] or today
    end = agreement.last_day() or today + relativedelta(years=OPEN_ENDED_YEARS)
    for cadence in agreement.cadences.all():
        for day in cadence.dates_between(start, end):
            calendar.add_component(_cadence_event(agreement, cadence, day, stamp))
    return calendar.to_ical()


def _item_event(agreement, item, stamp) -> Event | None:
    first = item.starts_on or item.due_on or item.ends_on
    if first is None:
        return None
    event = Event()
    event.add("uid", f"actionitem-{item.pk}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    summary = item.activity.splitlines()[0] if item.activity else item.goal
    if not item.starts_on and item.due_on:
        summary = _("Due: %(activity)s") % {"activity": summary}
    event.add("summary", summary[:200])
    event.add("dtstart", first)
    recurs = RRULES.get(item.recurrence)
    if recurs and item.starts_on:
        event.add("dtend", first + ONE_DAY)
        rule = dict(recurs)
        if item.ends_on:
            rule["UNTIL"] = item.ends_on
        event.add("rrule", vRecur(rule))
    elif item.starts_on and item.ends_on and item.ends_on > item.starts_on:
        event.add("dtend", item.ends_on + ONE_DAY)  # all-day ends are exclusive
    else:
        event.add("dtend", first + ONE_DAY)
    lines = [
        item.activity,
        _("Action plan: %(plan)s") % {"plan": item.plan.shown_title},
    ]
    if item.focus_area:
        lines.append(_("Focus area: %(area)s") % {"area": item.focus_area.title})
    if item.when_text:
        lines.append(_("When: %(when)s") % {"when": item.when_text})
    if item.responsible_text:
        lines.append(_("Responsible: %(who)s") % {"who": item.responsible_text})
    event.add("description", "\n".join(lines))
    url = reverse("plan_detail", args=[agreement.pk, item.plan_id]) + f"#rad-{item.pk}"
    event.add("url", settings.SITE_URL + url)
    event.add("categories", [agreement.title])
    return event


def _cadence_event(agreement, cadence, day, stamp) -> Event:
    event = Event()
    event.add("uid", f"cadence-{cadence.pk}-{day:%Y%m%d}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    if cadence.kind == CadenceKind.REPORT:
        summary = _("Follow-up report: the period ends (%(agreement)s)")
    else:
        summary = _("Checkpoint: %(agreement)s")
    event.add("summary", summary % {"agreement": agreement.title})
    event.add("dtstart", day)
    event.add("dtend", day + ONE_DAY)
    if cadence.description:
        event.add("description", cadence.description)
    event.add("url", settings.SITE_URL + reverse("follow_up", args=[agreement.pk]))
    return event
