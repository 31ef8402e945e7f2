"""The rows of an agreement's chain (pages/chain.py) and what is read with them: their
problems, follow-up entries and indicators, each kind in one query however many rows; and
the follow-up period whose entries count.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ItemStatus, Responsibility
from agreements.access import visible_agreements
from agreements.models import Agreement, AgreementKind, Party
from followup.models import LATEST_FIRST, Indicator, Measurement, standing_entries
from samverkan.fetching import page_fetch_mode

# Entries shown per row (the count says how many there are in all).
LATEST_ENTRIES = 3

ProblemLink = ActionItem.problem_items.through


def chain_agreements():
    """Agreements with what the chain page reads of one: its parties and their
    organisations, for `agreements/access.py`'s `get_agreement`."""
    mode = page_fetch_mode()
    parties = Party.objects.fetch_mode(mode).select_related("organisation")
    return Agreement.objects.fetch_mode(mode).prefetch_related(Prefetch("parties", parties))


@dataclass(frozen=True)
class FollowUpPeriod:
    """The days whose entries count as this period's follow-up, and why these."""

    start: datetime.date
    end: datetime.date
    reason: str

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def shown(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def follow_up_period(agreement: Agreement, today: datetime.date) -> FollowUpPeriod | None:
    """The follow-up period: the current calendar year within the agreement's period. Once
    the period is over, its last year (the one its last follow-up belongs to); None before
    it begins, when nothing is to be followed up yet. An agreement without dates (a draft
    not yet dated, one that runs on) is followed up in the current year."""
    start, _end = agreement.counted_period()
    end = agreement.last_day()
    if start and start > today:
        return None
    year = today.year
    reason = _("the current year within the agreement's period")
    if end and end < today:
        year = end.year
        reason = _("the agreement's last year, as its period is over")
    first = datetime.date(year, 1, 1)
    last = datetime.date(year, 12, 31)
    if start and start > first:
        first = start
    if end and end < last:
        last = end
    return FollowUpPeriod(first, last, reason)


@dataclass
class ChainRow:
    """An action plan row as the chain shows it."""

    item: ActionItem
    problem_ids: list[int] = field(default_factory=list)
    entries: list = field(default_factory=list)  # the latest LATEST_ENTRIES, newest first
    entry_count: int = 0
    entries_in_period: int = 0
    indicators: list = field(default_factory=list)  # the row's own
    own: bool = True  # a row of the agreement's plans, not of a citizen promise under it
    untied: bool = False  # a gap: tied to no problem or focus area
    unlogged: bool = False  # a gap: open, with no entry in the follow-up period

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def dom_id(self) -> str:
        return f"rad-{self.item.pk}"

    @property
    def is_promise(self) -> bool:
        return self.item.is_citizen_promise or not self.own

    @property
    def counts(self) -> bool:
        """Whether the row takes part in the chain: a cancelled row addresses nothing."""
        return self.item.status != ItemStatus.CANCELLED

    @property
    def more_entries(self) -> int:
        return max(self.entry_count - len(self.entries), 0)


def chain_rows(user, agreement, mode) -> dict[int, ChainRow]:
    """The rows of the agreement's plans, and the rows of the citizen promises under it
    (that the user sees) that address one of its problems, in plan order."""
    promises = visible_agreements(user).filter(
        part_of=agreement, kind=AgreementKind.CITIZEN_PROMISE
    )
    answering = ProblemLink.objects.filter(
        problemitem__area__problem_picture__agreement=agreement,
        actionitem__plan__agreement__in=promises.values("pk"),
    ).values("actionitem_id")
    items = (
        ActionItem.objects.fetch_mode(mode)
        .filter(Q(plan__agreement=agreement) | Q(pk__in=answering))
        .select_related("plan__agreement", "plan__municipality", "focus_area")
        .prefetch_related(
            _prefetch_responsibilities(mode),
        )
        .order_by(
            # The agreement's own rows first, then the promises', each in plan order.
            ~Exact(F("plan__agreement_id"), Value(agreement.pk)),
            "plan__agreement__valid_from",
            "plan__agreement_id",
            "plan__position",
            "position",
        )
    )
    return {item.pk: ChainRow(item, own=item.plan.agreement_id == agreement.pk) for item in items}


def _prefetch_responsibilities(mode):
    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.fetch_mode(mode)
        .select_related("organisation")
        .order_by("item_id", "position"),
        to_attr="responsibility_list",
    )


def link_problems(rows: dict[int, ChainRow], agreement) -> None:
    """Each row's problems among the agreement's, in the problem picture's order."""
    links = (
        ProblemLink.objects.filter(
            actionitem_id__in=list(rows),
            problemitem__area__problem_picture__agreement=agreement,
        )
        .order_by("problemitem__area__position", "problemitem__position")
        .values_list("actionitem_id", "problemitem_id")
    )
    for item_id, problem_id in links:
        rows[item_id].problem_ids.append(problem_id)


def add_entries(rows: dict[int, ChainRow], period: FollowUpPeriod | None, mode) -> None:
    """Each row's latest standing entries, how many it has, and how many in the period:
    one query, the counts as window sums beside the latest entries."""
    in_period = Q(occurred_on__range=(period.start, period.end)) if period else Q(pk__in=[])
    by_item = Window(Sum(Value(1)), partition_by=F("item_id"))
    entries = (
        standing_entries()
        .fetch_mode(mode)
        .filter(item_id__in=list(rows))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("item_id"),
                order_by=[F(name[1:]).desc() for name in LATEST_FIRST],
            ),
            total=by_item,
            in_period=Window(
                Sum(_one_if(in_period)),
                partition_by=F("item_id"),
            ),
        )
        .filter(rank__lte=LATEST_ENTRIES)
        .order_by("item_id", "rank")
    )
    for entry in entries:
        row = rows[entry.item_id]
        row.entries.append(entry)
        row.entry_count = entry.total
        row.entries_in_period = entry.in_period or 0


def _one_if(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def chain_indicators(agreement, rows: dict[int, ChainRow], mode) -> list:
    """The agreement's indicators and those of the promises' rows shown, each with its
    latest measurement (`latest_value`, `latest_on`); each row's own in `row.indicators`."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on")
    promise_rows = [pk for pk, row in rows.items() if not row.own]
    indicators = list(
        Indicator.objects.fetch_mode(mode)
        .filter(Q(agreement=agreement) | Q(item_id__in=promise_rows))
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
        )
        .order_by("agreement_id", "position")
    )
    for indicator in indicators:
        if indicator.item_id in rows:
            rows[indicator.item_id].indicators.append(indicator)
    return indicators
