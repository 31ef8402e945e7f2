"""The chain from problem to result (kedjan, /overenskommelser/<id>/kedja/): each
prioritised problem with its probable causes, the goals and focus areas its activities
serve, the activities per responsible party, the citizen promises that answer it, their
follow-up entries and the indicators that measure them; and the gaps in that chain, which
Brå's follow-up of municipalities names as the common faults (problems not linked to
measures, work not followed up).

A prioritised problem is every ProblemItem of the agreement's problem picture. The gaps:

- a problem that no row addresses (no row of the agreement's plans, or of a citizen
  promise under it that the user sees, links to it; a cancelled row addresses nothing);
- an activity tied to no problem of the agreement and to no focus area (a cancelled row
  is not counted);
- a goal with no indicator: a focus area with goals written has no indicator of its own
  or on one of its rows; an overall goal, while the agreement has no indicator of its own
  (on no focus area or row: the product ties an indicator to no single overall goal);
- an open row (not started, in progress, delayed) with no standing follow-up entry in the
  follow-up period, `follow_up_period`: the current year within the agreement's period.

Everything is read in a fixed number of queries, however many problems and rows.
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
from django.utils.translation import gettext_lazy

from actionplans.models import OPEN_STATUSES, ActionItem, ItemStatus, Responsibility
from agreements.access import visible_agreements
from agreements.models import (
    Agreement,
    AgreementKind,
    FocusArea,
    OverallGoal,
    Party,
    ProblemItem,
)
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


@dataclass
class PartyGroup:
    """Rows of one responsible party (or parties together)."""

    label: str
    rows: list[ChainRow] = field(default_factory=list)


@dataclass
class ChainProblem:
    problem: ProblemItem
    focus_areas: list[FocusArea] = field(default_factory=list)
    activities: list[PartyGroup] = field(default_factory=list)
    promises: list[ChainRow] = field(default_factory=list)
    indicators: list = field(default_factory=list)  # of its focus areas and its rows

    @property
    def dom_id(self) -> str:
        return f"problem-{self.problem.pk}"

    @property
    def is_addressed(self) -> bool:
        return any(row.counts for group in self.activities for row in group.rows) or any(
            row.counts for row in self.promises
        )


@dataclass
class ChainArea:
    title: str
    problems: list[ChainProblem] = field(default_factory=list)


@dataclass
class ChainGoal:
    """A focus area or an overall goal, with the indicators that measure it."""

    focus_area: FocusArea | None = None
    overall_goal: OverallGoal | None = None
    indicators: list = field(default_factory=list)
    row_count: int = 0

    @property
    def dom_id(self) -> str:
        if self.focus_area is not None:
            return f"fokusomrade-{self.focus_area.pk}"
        return f"mal-{self.overall_goal.pk}"

    @property
    def title(self) -> str:
        if self.focus_area is not None:
            return self.focus_area.title
        return self.overall_goal.text

    @property
    def has_goals(self) -> bool:
        """An overall goal is one; a focus area has goals when they are written."""
        return self.overall_goal is not None or bool(self.focus_area.goals.strip())


@dataclass
class Gap:
    text: str
    anchor: str


@dataclass
class GapKind:
    key: str
    title: str
    gaps: list[Gap] = field(default_factory=list)


GAP_TITLES = {
    "unaddressed": gettext_lazy("Problems no activity addresses"),
    "untied": gettext_lazy("Activities tied to no problem or focus area"),
    "unmeasured": gettext_lazy("Goals without an indicator"),
    "unlogged": gettext_lazy("Open activities without a follow-up entry in the period"),
}


@dataclass
class Chain:
    agreement: Agreement
    period: FollowUpPeriod | None
    areas: list[ChainArea]
    goals: list[ChainGoal]  # the overall goals, then the focus areas
    untied: list[PartyGroup]  # rows of the agreement's plans linked to no problem
    gap_kinds: list[GapKind]

    @property
    def gap_count(self) -> int:
        return sum(len(kind.gaps) for kind in self.gap_kinds)

    @property
    def problem_count(self) -> int:
        return sum(len(area.problems) for area in self.areas)

    @property
    def overall_goals(self) -> list[ChainGoal]:
        return [goal for goal in self.goals if goal.overall_goal is not None]

    @property
    def focus_areas(self) -> list[ChainGoal]:
        return [goal for goal in self.goals if goal.focus_area is not None]


def build_chain(user, agreement: Agreement, today: datetime.date) -> Chain:
    """The agreement's chain for the user (the agreement from `get_agreement`, fetched with
    `chain_agreements`), in a fixed number of queries."""
    mode = page_fetch_mode()
    problems = list(
        ProblemItem.objects.fetch_mode(mode)
        .filter(area__problem_picture__agreement=agreement)
        .select_related("area")
        .order_by("area__position", "position")
    )
    overall_goals = list(OverallGoal.objects.fetch_mode(mode).filter(agreement=agreement))
    focus_areas = list(FocusArea.objects.fetch_mode(mode).filter(agreement=agreement))
    rows = _rows(user, agreement, mode)
    _link_problems(rows, agreement)
    period = follow_up_period(agreement, today)
    _add_entries(rows, period, mode)
    indicators = _indicators(agreement, rows, mode)
    party_labels = {party.organisation_id: party.display_label for party in agreement.parties.all()}

    by_problem = {problem.pk: ChainProblem(problem) for problem in problems}
    areas_by_id = {area.pk: area for area in focus_areas}
    for row in rows.values():
        for problem_id in row.problem_ids:
            chained = by_problem[problem_id]
            if row.is_promise:
                chained.promises.append(row)
            else:
                _add_to_party(chained.activities, row, party_labels)
            area = areas_by_id.get(row.item.focus_area_id)
            if area is not None and area not in chained.focus_areas:
                chained.focus_areas.append(area)
    areas: list[ChainArea] = []
    for problem in problems:
        if not areas or areas[-1].title != problem.area.title:
            areas.append(ChainArea(problem.area.title))
        chained = by_problem[problem.pk]
        chained.focus_areas.sort(key=lambda area: area.position)
        area_ids = {area.pk for area in chained.focus_areas}
        row_ids = {row.pk for group in chained.activities for row in group.rows} | {
            row.pk for row in chained.promises
        }
        chained.indicators = [
            indicator
            for indicator in indicators
            if indicator.focus_area_id in area_ids or indicator.item_id in row_ids
        ]
        areas[-1].problems.append(chained)

    goals = _goals(overall_goals, focus_areas, indicators, rows)
    untied: list[PartyGroup] = []
    for row in rows.values():
        if row.own and not row.problem_ids:
            _add_to_party(untied, row, party_labels)
    return Chain(
        agreement=agreement,
        period=period,
        areas=areas,
        goals=goals,
        untied=untied,
        gap_kinds=_gaps(areas, rows, goals, period),
    )


def _rows(user, agreement, mode) -> dict[int, ChainRow]:
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


def _link_problems(rows: dict[int, ChainRow], agreement) -> None:
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


def _add_entries(rows: dict[int, ChainRow], period: FollowUpPeriod | None, mode) -> None:
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


def _indicators(agreement, rows: dict[int, ChainRow], mode) -> list:
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


def _add_to_party(groups: list[PartyGroup], row: ChainRow, party_labels: dict) -> None:
    label = _responsible(row.item, party_labels)
    group = next((group for group in groups if group.label == label), None)
    if group is None:
        group = PartyGroup(label)
        groups.append(group)
    group.rows.append(row)


def _responsible(item: ActionItem, party_labels: dict) -> str:
    """Who the row is for: its responsibilities' parties (as the agreement labels them,
    else the organisation or the unit), together; else the responsible as written."""
    names: list[str] = []
    for responsibility in item.responsibility_list:
        if responsibility.organisation_id:
            name = party_labels.get(responsibility.organisation_id) or (
                responsibility.organisation.name
            )
        else:
            name = responsibility.unit
        if name not in names:
            names.append(name)
    if names:
        return " + ".join(names)
    return item.responsible_text.strip() or _("No responsible party stated")


def _goals(overall_goals, focus_areas, indicators, rows) -> list[ChainGoal]:
    own_indicators = [
        i for i in indicators if i.agreement_id and not (i.focus_area_id or i.item_id)
    ]
    goals = [ChainGoal(overall_goal=goal, indicators=own_indicators) for goal in overall_goals]
    area_of_row = {pk: row.item.focus_area_id for pk, row in rows.items() if row.own}
    for area in focus_areas:
        measuring = [
            indicator
            for indicator in indicators
            if indicator.focus_area_id == area.pk
            or (indicator.item_id and area_of_row.get(indicator.item_id) == area.pk)
        ]
        row_count = sum(1 for area_id in area_of_row.values() if area_id == area.pk)
        goals.append(ChainGoal(focus_area=area, indicators=measuring, row_count=row_count))
    return goals


def _gaps(areas, rows, goals, period) -> list[GapKind]:
    kinds = {key: GapKind(key, str(title)) for key, title in GAP_TITLES.items()}
    for area in areas:
        for chained in area.problems:
            if not chained.is_addressed:
                kinds["unaddressed"].gaps.append(Gap(chained.problem.text, chained.dom_id))
    for row in rows.values():
        if not row.own or not row.counts:
            continue
        row.untied = not row.problem_ids and row.item.focus_area_id is None
        if row.untied:
            kinds["untied"].gaps.append(Gap(row.item.activity, row.dom_id))
        row.unlogged = bool(period) and row.item.status in OPEN_STATUSES
        row.unlogged = row.unlogged and not row.entries_in_period
        if row.unlogged:
            kinds["unlogged"].gaps.append(Gap(row.item.activity, row.dom_id))
    for goal in goals:
        if goal.has_goals and not goal.indicators:
            kinds["unmeasured"].gaps.append(Gap(goal.title, goal.dom_id))
    return list(kinds.values())
