"""Mina uppgifter: the rows a user answers for or takes part in, across every agreement and
plan in force that they may see, overdue first, then due within DUE_SOON_DAYS, then the
rest (each part by date). A row is the user's

- through their organisation: one of the row's responsibilities names an organisation they
  are a member of (a kommunpolis who works with one municipality: in the agreements it is
  party to, in its plans and the shared ones);
- through their unit: it names a unit of that organisation (a närpolisområde under their
  lokalpolisområde);
- through their name: they are the row's responsible person.

A row that names no organisation concerns every party, as reminders read it. Nothing is
stored: the list is what the data says today, in a fixed number of queries however many
rows (agreements, rows, the user's memberships and their rights).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import OPEN_STATUSES, ActionItem, ItemStatus, Responsibility
from agreements.access import (
    editing_rights_in,
    may_change_plan_now,
    visible_agreements,
    works_with_plan_condition,
)
from agreements.models import Party
from organisations.models import Membership
from samverkan.params import QueryKeyForm, is_id, query_id

from .todo import DUE_SOON_DAYS, agreements_in_force, in_force

OVERDUE, DUE_SOON, LATER = 0, 1, 2
ALL_STATUSES = "alla"
NO_DATE = datetime.date.max


@dataclass
class Task:
    item: ActionItem
    part: int  # OVERDUE, DUE_SOON or LATER
    may_log: bool

    @property
    def agreement(self):
        return self.item.plan.agreement

    @property
    def is_overdue(self) -> bool:
        return self.part == OVERDUE

    @property
    def is_due_soon(self) -> bool:
        return self.part == DUE_SOON


def part_of(item, today) -> int:
    """Where the row stands in the list were it open: overdue, due soon or later."""
    deadline = item.deadline
    if deadline is not None and deadline < today:
        return OVERDUE
    if deadline is not None and (deadline - today).days <= DUE_SOON_DAYS:
        return DUE_SOON
    return LATER


def sort_key(item, today) -> tuple:
    """The row's place in the list, as if it were open (so a row just logged as done still
    has its place, for Nästa): its part, its date, then plan order."""
    return (
        part_of(item, today),
        item.deadline or NO_DATE,
        item.plan.agreement_id,
        item.plan.position,
        item.position,
    )


def _concerns(user, memberships) -> Q:
    """The rows that are the user's (see the module's docstring), as one condition."""
    mine = Q(responsible_person=user)
    names_an_organisation = Responsibility.objects.filter(
        item=OuterRef("pk"), organisation__isnull=False
    )
    for organisation_id, works_with_id in memberships:
        names_mine = names_an_organisation.filter(
            Q(organisation_id=organisation_id) | Q(organisation__parent_id=organisation_id)
        )
        of_a_party = Party.objects.filter(
            agreement_id=OuterRef("plan__agreement_id"), organisation_id=organisation_id
        )
        through = Exists(names_mine) | (~Exists(names_an_organisation) & Exists(of_a_party))
        mine |= through & works_with_plan_condition(works_with_id)
    return mine


def plan_in_force(plan, today) -> bool:
    start, end = plan.counted_period()
    return (start is None or start <= today) and (end is None or today <= end)


class MyTasksFilterForm(QueryKeyForm):
    """Mina uppgifter's filters, from the query string; every field may be left empty."""

    QUERY_KEYS = {"municipality": "kommun", "status": "status"}

    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [
            ("", _("all municipalities")),
            *((str(m.pk), m.name) for m in municipalities),
        ]
        self.fields["status"].choices = [
            ("", _("still to do")),
            *ItemStatus.choices,
            (ALL_STATUSES, _("all statuses")),
        ]

    def chosen(self, name):
        """The field's value if it is valid, else "" (its error is shown beside it)."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name, "")


@dataclass
class MyTasks:
    tasks: list[Task]
    municipalities: list  # the municipalities of the agreements in force, for the filter
    form: MyTasksFilterForm | None = None

    @property
    def none_to_log(self) -> bool:
        """Rows are listed and the user may log none of them (a reader, an organisation
        administrator): the page says who logs them, as no row has Logga uppföljning."""
        return bool(self.tasks) and not any(task.may_log for task in self.tasks)

    @property
    def some_not_to_log(self) -> bool:
        """The user may log some of the rows listed but not all (a party's coordinator on
        a municipality's plan): the page says who logs the others."""
        return any(task.may_log for task in self.tasks) and not all(
            task.may_log for task in self.tasks
        )


def my_tasks(user, today: datetime.date, data=None) -> MyTasks:
    """The user's list today, filtered by `data` (a query string) when given."""
    agreements = [
        agreement
        for agreement in agreements_in_force(visible_agreements(user), today).prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("organisation"))
        )
        if in_force(agreement, today)
    ]
    by_pk = {agreement.pk: agreement for agreement in agreements}
    municipalities_of = {
        agreement.pk: {
            party.organisation_id
            for party in agreement.parties.all()
            if party.organisation.is_municipality
        }
        for agreement in agreements
    }
    municipalities = sorted(
        {
            party.organisation.pk: party.organisation
            for agreement in agreements
            for party in agreement.parties.all()
            if party.organisation.is_municipality
        }.values(),
        key=lambda organisation: organisation.name,
    )
    form = MyTasksFilterForm(data or None, municipalities=municipalities)
    status = form.chosen("status")
    municipality = form.chosen("municipality")
    municipality = int(municipality) if municipality and is_id(municipality) else None

    rows = _rows_of(user, list(by_pk), status)
    rights = editing_rights_in(
        user,
        list(by_pk),
        [
            (agreement.pk, party.organisation_id, party.organisation.kind)
            for agreement in agreements
            for party in agreement.parties.all()
        ],
    )
    tasks = []
    for item in rows:
        agreement = by_pk[item.plan.agreement_id]
        item.plan.agreement = agreement
        if not plan_in_force(item.plan, today):
            continue
        if municipality is not None and not (
            item.plan.municipality_id == municipality
            or (
                item.plan.municipality_id is None
                and municipality in municipalities_of[agreement.pk]
            )
        ):
            continue
        may_log = may_change_plan_now(agreement, item.plan, rights[agreement.pk])
        tasks.append(Task(item, part_of(item, today), may_log))
    tasks.sort(key=lambda task: sort_key(task.item, today))
    return MyTasks(tasks, municipalities, form)


def _rows_of(user, agreement_ids, status) -> list[ActionItem]:
    if not agreement_ids:
        return []
    memberships = list(
        Membership.objects.filter(user=user).values_list("organisation_id", "works_with_id")
    )
    rows = ActionItem.objects.filter(plan__agreement_id__in=agreement_ids).filter(
        _concerns(user, memberships)
    )
    if status == ALL_STATUSES:
        pass
    elif status:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=OPEN_STATUSES)
    return list(
        rows.select_related("plan", "plan__municipality", "focus_area", "responsible_person")
        .annotate(last_logged_on=Max("follow_up_entries__occurred_on"))
        .order_by("plan__agreement_id", "plan__position", "position")
    )


def next_task(user, item, today: datetime.date) -> ActionItem | None:
    """The row after `item` in the user's list (unfiltered) today that they may log: after
    logging a row, the next one to log. The row logged keeps its place even when it is no
    longer in the list (logged as done); None at the end of the list."""
    after = sort_key(item, today)
    for task in my_tasks(user, today).tasks:
        if task.may_log and task.item.pk != item.pk and sort_key(task.item, today) > after:
            return task.item
    return None


# After a save on the logging page (followup.views.entry_create): the entry just saved, shown
# at the top, and Nästa to the next row of the list. The plain POST redirects to the page
# with the entry named in the query string; the HTMX answer has it at once.
SAVED_KEY = "sparad"


def saved_entry_url(path: str, entry) -> str:
    return f"{path}?{SAVED_KEY}={entry.pk}#sparad"


def saved_and_next(request, item, entries, saved=None) -> dict:
    """The context of the part above the form after a save: `saved` (the entry) and
    `next_item` (None at the end of the list). Nothing when nothing was just saved."""
    pk = query_id(request, SAVED_KEY) if saved is None else saved.pk
    if pk is not None:
        saved = (
            entries.select_related("corrects")
            .prefetch_related("participants", "corrections")
            .filter(pk=pk)
            .first()
        )
    if saved is None:
        return {}
    return {
        "saved": saved,
        "next_item": next_task(request.user, item, timezone.localdate()),
        "after_saving": True,
    }
