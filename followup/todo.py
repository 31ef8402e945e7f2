"""Att följa upp: what needs following up now, computed from the rows' dates, their latest
entries and the agreements' follow-up cadences. Nothing here is stored: the list is always
what the data says today.

For each agreement in force:
- rows whose date has passed while they are still open (overdue), and rows due within
  DUE_SOON_DAYS;
- open rows with no entry since the agreement's last checkpoint (a meeting, or the monthly
  round per row), to be logged before the next one;
- the written report on the latest period, from REPORT_NOTICE_DAYS before the period ends
  until a final report covers it; it is overdue REPORT_NOTICE_DAYS after the period ended.

A cadence's dates are the ends of the periods followed up (e.g. 31 December, yearly).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch
from django.utils import timezone

from actionplans.models import OPEN_STATUSES, ActionItem
from agreements.access import may_change_plan_now
from agreements.models import Agreement

from .models import CadenceKind, FollowUpCadence, FollowUpReport, ReportStatus

DUE_SOON_DAYS = 14
REPORT_NOTICE_DAYS = 30


def end_of(agreement: Agreement) -> datetime.date | None:
    return agreement.last_day()


def in_force(agreement: Agreement, day: datetime.date) -> bool:
    return agreement.is_in_force(day)


@dataclass
class ReportDue:
    cadence: FollowUpCadence
    period_start: datetime.date
    period_end: datetime.date
    draft: FollowUpReport | None  # a report begun for the period, not yet final

    @property
    def due_on(self) -> datetime.date:
        return self.period_end + datetime.timedelta(days=REPORT_NOTICE_DAYS)

    def is_overdue(self, today) -> bool:
        return self.due_on < today


@dataclass
class AgreementToDo:
    agreement: Agreement
    today: datetime.date
    overdue: list[ActionItem] = field(default_factory=list)
    due_soon: list[ActionItem] = field(default_factory=list)
    not_logged: list[ActionItem] = field(default_factory=list)
    last_checkpoint: datetime.date | None = None
    next_checkpoint: datetime.date | None = None
    reports: list[ReportDue] = field(default_factory=list)
    may_edit: bool = False  # whether the reader may log entries and write reports
    # Rows from more than one plan (a plan per municipality): each row names its plan, or
    # the same activity planned in two municipalities would read as one listed twice.
    several_plans: bool = False

    def __bool__(self):
        return bool(self.overdue or self.due_soon or self.not_logged or self.reports)

    def allow(self, rights):
        """What the reader may do from the list, given their EditingRights in the
        agreement (agreements/access.py): write reports, and log on which rows."""
        self.may_edit = rights.shared
        for row in (*self.overdue, *self.due_soon, *self.not_logged):
            row.may_log = may_change_plan_now(self.agreement, row.plan, rights)


def with_follow_up(agreements):
    """The agreements with what the list needs of them, in a fixed number of queries."""
    return agreements.prefetch_related(
        "cadences",
        Prefetch(
            "follow_up_reports",
            queryset=FollowUpReport.objects.order_by("period_end"),
            to_attr="report_list",
        ),
    )


def open_rows(agreement_ids):
    """The open rows of these agreements' plans, each with the date of its latest entry."""
    return (
        ActionItem.objects.filter(plan__agreement__in=agreement_ids, status__in=OPEN_STATUSES)
        .select_related("plan")
        .annotate(last_logged_on=Max("follow_up_entries__occurred_on"))
        .order_by("plan__position", "position")
    )


def follow_up_lists(agreements, today: datetime.date | None = None) -> list[AgreementToDo]:
    """One list per agreement in force today with something to follow up, in the order
    given. Four queries, however many agreements, rows and entries there are."""
    today = today or timezone.localdate()
    agreements = [a for a in with_follow_up(agreements) if in_force(a, today)]
    rows_by_agreement = {}
    for row in open_rows([agreement.pk for agreement in agreements]):
        rows_by_agreement.setdefault(row.plan.agreement_id, []).append(row)
    lists = [
        agreement_to_do(agreement, rows_by_agreement.get(agreement.pk, []), today)
        for agreement in agreements
    ]
    return [to_do for to_do in lists if to_do]


def agreement_to_do(agreement, rows, today) -> AgreementToDo:
    to_do = AgreementToDo(agreement, today)
    cadences = list(agreement.cadences.all())
    checkpoints = [c for c in cadences if c.kind == CadenceKind.CHECKPOINT]
    last = [day for c in checkpoints if (day := c.last_on_or_before(today))]
    to_do.last_checkpoint = max(last, default=None)
    to_do.next_checkpoint = min((c.next_after(today) for c in checkpoints), default=None)
    to_do.several_plans = len({row.plan_id for row in rows}) > 1
    for row in rows:
        row.plan.agreement = agreement  # the plan's shown title without a query
    end = end_of(agreement)
    if to_do.next_checkpoint and end and to_do.next_checkpoint > end:
        to_do.next_checkpoint = None
    for row in rows:
        if row.is_overdue(today):
            to_do.overdue.append(row)
        elif row.is_due_within(today, DUE_SOON_DAYS):
            to_do.due_soon.append(row)
        elif (
            to_do.last_checkpoint
            and (row.starts_on is None or row.starts_on <= today)
            and (row.last_logged_on is None or row.last_logged_on < to_do.last_checkpoint)
        ):
            to_do.not_logged.append(row)
    # The most urgent first, as on Mina uppgifter; rows due the same day in plan order.
    to_do.overdue.sort(key=lambda row: row.deadline)
    to_do.due_soon.sort(key=lambda row: row.deadline)
    for cadence in cadences:
        if cadence.kind == CadenceKind.REPORT and (due := report_due(agreement, cadence, today)):
            to_do.reports.append(due)
    return to_do


def report_due(agreement, cadence, today) -> ReportDue | None:
    """The report on the latest period that ends within REPORT_NOTICE_DAYS, unless a final
    report covers that period (ends within it or later)."""
    period_end = cadence.last_on_or_before(today + datetime.timedelta(days=REPORT_NOTICE_DAYS))
    if period_end is None:
        return None
    previous = cadence.date_number(cadence.period_number(period_end) - 1)
    period_start = previous + datetime.timedelta(days=1)
    counted_from = agreement.counted_period()[0]
    if counted_from and period_start < counted_from:
        period_start = counted_from
    covering = [
        report
        for report in agreement.report_list
        if report.period_end >= period_start and report.period_start <= period_end
    ]
    if any(report.status == ReportStatus.FINAL for report in covering):
        return None
    return ReportDue(cadence, period_start, period_end, covering[-1] if covering else None)


def agreements_in_force(agreements, today):
    """The queryset form of `in_force` (Agreement.status_on as SQL)."""
    return agreements.in_force_on(today)
