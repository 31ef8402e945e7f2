"""Reminders by e-mail: each responsible person hears what is overdue or due within
DUE_SOON_DAYS (a row's named responsible person, else the editors of its organisations and
of the organisations a unit it names is part of, those assigned to one municipality only
for its rows, as Mina uppgifter reads it);
the coordinators hear which agreements end within 90 and within 30 days.

Safe to run as often as one likes: every e-mail is recorded by a key (SentReminder) in the
same transaction as it is sent, and a key is never sent twice. The rows' digest has one key
per person and day; an agreement's ending notice one per agreement, end date and threshold.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from actionplans.models import OPEN_STATUSES, ActionItem, Responsibility
from agreements.access import EDITING_ROLES, works_with_plan
from agreements.models import Agreement
from organisations.models import Membership, MembershipRole

from .models import SentReminder
from .todo import DUE_SOON_DAYS, agreements_in_force, end_of, in_force

ENDING_THRESHOLDS = (30, 90)  # days before the end; the smaller one is told when both apply


@dataclass
class Reminder:
    user: object
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    ending: list = field(default_factory=list)  # (agreement, end date, days left, threshold)
    keys: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.overdue or self.due_soon or self.ending)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def collect(today: datetime.date) -> dict[int, Reminder]:
    """What each user is to be told today, before looking at what was sent already."""
    agreements = [
        agreement
        for agreement in agreements_in_force(Agreement.objects.prefetch_related("parties"), today)
        if in_force(agreement, today)
    ]
    by_pk = {agreement.pk: agreement for agreement in agreements}
    editors = Membership.objects.filter(role__in=EDITING_ROLES, user__is_active=True).exclude(
        user__email=""
    )
    users_of = {}
    coordinators_of = {}
    for membership in editors.select_related("user"):
        users_of.setdefault(membership.organisation_id, []).append(
            (membership.user, membership.works_with_id)
        )
        if membership.role == MembershipRole.COORDINATOR:
            coordinators_of.setdefault(membership.organisation_id, []).append(membership.user)
    reminders: dict[int, Reminder] = {}

    def reminder_for(user):
        return reminders.setdefault(user.pk, Reminder(user))

    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    rows = (
        ActionItem.objects.filter(plan__agreement__in=list(by_pk), status__in=OPEN_STATUSES)
        .filter(Q(due_on__lte=horizon) | Q(due_on__isnull=True, ends_on__lte=horizon))
        .select_related("plan", "responsible_person")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.annotate(part_of=F("organisation__parent_id")),
                to_attr="who",
            )
        )
        .order_by("plan__agreement_id", "plan__position", "position")
    )
    for row in rows:
        agreement = by_pk[row.plan.agreement_id]
        row.agreement = agreement
        row.url = absolute(reverse("entry_create", args=[agreement.pk, row.plan_id, row.pk]))
        # The row's responsible organisations, and those a unit it names is part of (a
        # närpolisområde's lokalpolisområde); a row that names none concerns every party.
        organisations = {
            organisation
            for r in row.who
            for organisation in (r.organisation_id, r.part_of)
            if organisation is not None
        }
        party_ids = {party.organisation_id for party in agreement.parties.all()}
        organisations = organisations or party_ids
        users = {
            user.pk: user
            for org in organisations
            for user, works_with in users_of.get(org, [])
            if works_with_plan(works_with, party_ids, row.plan.municipality_id)
        }
        if row.responsible_person_id is not None:
            # A row that names its responsible person reminds that person (who may log it).
            person = row.responsible_person
            users = {person.pk: person} if person.is_active and person.email else {}
        for user in users.values():
            if row.is_overdue(today):
                reminder_for(user).overdue.append(row)
            else:
                reminder_for(user).due_soon.append(row)
    for agreement in agreements:
        end = end_of(agreement)
        if end is None or not 0 <= (end - today).days <= max(ENDING_THRESHOLDS):
            continue
        days = (end - today).days
        threshold = min(limit for limit in ENDING_THRESHOLDS if days <= limit)
        agreement.url = absolute(agreement.get_absolute_url())
        coordinators = {
            user.pk: user
            for party in agreement.parties.all()
            for user in coordinators_of.get(party.organisation_id, [])
        }
        for user in coordinators.values():
            reminder_for(user).ending.append((agreement, end, days, threshold))
    return reminders


def rows_key(today: datetime.date) -> str:
    return f"rows:{today.isoformat()}"


def sent_keys(user_ids, today: datetime.date) -> dict[int, set[str]]:
    """What each of these users has been told already that may matter today: one query."""
    sent = {}
    for user_id, key in SentReminder.objects.filter(
        Q(key=rows_key(today)) | Q(key__startswith="ending:"), user__in=user_ids
    ).values_list("user_id", "key"):
        sent.setdefault(user_id, set()).add(key)
    return sent


def unsent(reminder: Reminder, today: datetime.date, sent: set[str]) -> Reminder:
    """The reminder without what this user has been told already (`sent`)."""
    fresh = Reminder(reminder.user)
    if (reminder.overdue or reminder.due_soon) and rows_key(today) not in sent:
        fresh.overdue, fresh.due_soon = reminder.overdue, reminder.due_soon
        fresh.keys.append(rows_key(today))
    for agreement, end, days, threshold in reminder.ending:
        key = f"ending:{agreement.pk}:{end.isoformat()}:{threshold}"
        if key not in sent:
            fresh.ending.append((agreement, end, days, threshold))
            fresh.keys.append(key)
    return fresh


def send_reminders(today: datetime.date) -> int:
    """Send today's reminders; return how many e-mails went out."""
    count = 0
    reminders = collect(today)
    sent = sent_keys(list(reminders), today)
    for user_id, reminder in reminders.items():
        reminder = unsent(reminder, today, sent.get(user_id, set()))
        if not reminder:
            continue
        try:
            with transaction.atomic():
                # Recorded first, in the same transaction: if sending fails nothing is
                # recorded, and a second run at the same time stops at the unique key.
                SentReminder.objects.bulk_create(
                    [SentReminder(user=reminder.user, key=key) for key in reminder.keys]
                )
                with translation.override("sv"):
                    context = {"reminder": reminder, "today": today, "site_url": settings.SITE_URL}
                    subject = render_to_string("followup/reminder_subject.txt", context).strip()
                    body = render_to_string("followup/reminder.txt", context)
                send_mail(subject, body, None, [reminder.user.email])
        except IntegrityError:
            continue  # another run sent it a moment ago
        count += 1
    return count
