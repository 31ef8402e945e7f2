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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import OPEN_STATUSES, ActionItem
from agreements.models import (
    Agreement,
    FocusArea,
    OverallGoal,
    ProblemItem,
)
from samverkan.fetching import page_fetch_mode

from .chain_rows import (
    ChainRow,
    FollowUpPeriod,
    add_entries,
    chain_agreements,
    chain_indicators,
    chain_rows,
    follow_up_period,
    link_problems,
)

__all__ = ["Chain", "build_chain", "chain_agreements", "follow_up_period"]


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
    rows = chain_rows(user, agreement, mode)
    link_problems(rows, agreement)
    period = follow_up_period(agreement, today)
    add_entries(rows, period, mode)
    indicators = chain_indicators(agreement, rows, mode)
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
