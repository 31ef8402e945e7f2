"""An agreement's five steps as its page shows them: each step's done-when list, which
items are ticked (by a person, or by Samverkan where it can see the thing for itself),
what is left, and the current step.

Samverkan ticks by itself what its data shows: dialogues held (a source of the problem
picture with a date), a joint problem picture with its problems, causes written for each,
a signed version, goals, rows that address the problems, plans with rows, a signed citizen
promise, a follow-up arrangement and a final follow-up report. It looks at signed versions
and reports, so this lives in `pages`, above `signing` and `followup`.

The current step follows from the ticks: the first step with something left (the fifth
once every list is done). The stored `Agreement.cycle_step` is kept as imported.

Every count here runs a fixed number of queries, whatever the agreement's size, and reads
what the agreement page has prefetched (printing.agreement_document.document_queryset)."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Min, Prefetch
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from actionplans.models import ActionItem, ActionPlan, ItemStatus
from agreements.models import (
    STEP_ITEMS,
    Agreement,
    CycleStep,
    ProblemArea,
    ProblemPicture,
    SourceKind,
    StepItem,
    StepTick,
)
from agreements.step_forms import StepTickForm
from followup.models import FollowUpCadence, FollowUpReport
from followup.models.reports import ReportStatus
from signing.models import AgreementVersion


@dataclass
class Evidence:
    """What Samverkan saw: words, where to see it, and the date it happened if known."""

    text: str
    url: str = ""
    on: datetime.date | None = None


@dataclass
class ItemState:
    item: StepItem
    tick: StepTick | None = None  # ticked by a person
    seen: Evidence | None = None  # ticked by Samverkan
    looked_for: bool = False  # Samverkan ticks this one by itself once it sees it
    missing: str = ""  # what Samverkan still misses, for one it looks for
    form: object = None  # the tick form, for a user who may tick an item left
    open_form: bool = False

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def done(self) -> bool:
        return self.seen is not None or self.tick is not None

    @property
    def by_samverkan(self) -> bool:
        return self.seen is not None


@dataclass
class StepState:
    step: CycleStep
    items: list[ItemState]
    is_current: bool = False

    @property
    def name(self) -> str:
        return self.step.label

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def left(self) -> list[ItemState]:
        return [item for item in self.items if not item.done]

    @property
    def is_done(self) -> bool:
        return not self.left


@dataclass
class CycleSteps:
    agreement: Agreement
    steps: list[StepState]
    may_tick: bool = False
    notice: str = ""  # what the last tick or untick did, for the HTMX fragment
    sections: list = field(default_factory=list)

    @property
    def current(self) -> StepState:
        return next((step for step in self.steps if step.is_current), self.steps[-1])

    @property
    def done_count(self) -> int:
        return sum(step.done_count for step in self.steps)

    @property
    def item_count(self) -> int:
        return sum(len(step.items) for step in self.steps)

    def item(self, item: str) -> ItemState:
        return next(state for step in self.steps for state in step.items if state.item == item)


def steps_queryset():
    """An agreement with what its steps are worked out from (the agreement page's own
    queryset has all of it)."""
    return Agreement.objects.prefetch_related(
        "sections",
        "overall_goals",
        "focus_areas",
        Prefetch(
            "problem_picture",
            queryset=ProblemPicture.objects.prefetch_related(
                "sources", Prefetch("areas", queryset=ProblemArea.objects.prefetch_related("items"))
            ),
        ),
        Prefetch("action_plans", queryset=ActionPlan.objects.prefetch_related("items")),
    )


class _Facts:
    """What the product knows of one agreement, each read once."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self.page = reverse("agreement_detail", args=[agreement.pk])

    @cached_property
    def picture(self):
        return getattr(self.agreement, "problem_picture", None)

    @cached_property
    def problems(self) -> list:
        if self.picture is None:
            return []
        return [item for area in self.picture.areas.all() for item in area.items.all()]

    def dialogues(self, kind) -> list:
        """The problem picture's dialogues of this kind, with a date or not."""
        if self.picture is None:
            return []
        return [source for source in self.picture.sources.all() if source.kind == kind]

    @cached_property
    def rows(self) -> list:
        return [
            row
            for plan in self.agreement.action_plans.all()
            for row in plan.items.all()
            if row.status != ItemStatus.PROPOSED
        ]

    @cached_property
    def addressed_problems(self) -> set[int]:
        links = ActionItem.problem_items.through.objects.filter(
            actionitem__plan__agreement=self.agreement
        ).exclude(actionitem__status=ItemStatus.PROPOSED)
        return set(links.values_list("problemitem_id", flat=True))


def _dialogues(facts: _Facts, kind, words):
    dialogues = facts.dialogues(kind)
    held = [source for source in dialogues if source.held_on]
    if not held and dialogues:
        return None, gettext(
            "The problem picture lists the dialogue without the date it was held: add the date."
        )
    if not held:
        return None, gettext("The problem picture lists no such dialogue yet.")
    latest = max(held, key=lambda source: source.held_on)
    text = words(len(held)) % {"count": len(held), "title": latest.title}
    return Evidence(text, f"{facts.page}#problem-picture", latest.held_on), ""


def _staff_dialogues(facts):
    return _dialogues(
        facts,
        SourceKind.STAFF_DIALOGUE,
        lambda count: ngettext(
            "%(count)d staff dialogue held: %(title)s",
            "%(count)d staff dialogues held, the latest: %(title)s",
            count,
        ),
    )


def _citizen_dialogues(facts):
    return _dialogues(
        facts,
        SourceKind.CITIZEN_DIALOGUE,
        lambda count: ngettext(
            "%(count)d citizen dialogue held: %(title)s",
            "%(count)d citizen dialogues held, the latest: %(title)s",
            count,
        ),
    )


def _joint_picture(facts):
    picture = facts.picture
    if picture is None or not (picture.summary.strip() or facts.problems or picture.sources.all()):
        return None, gettext("The agreement has no problem picture yet.")
    text = str(picture)
    return Evidence(text, f"{facts.page}#problem-picture", picture.drawn_up_on), ""


def _problems_prioritised(facts):
    if not facts.problems:
        return None, gettext("The problem picture names no problems yet.")
    count = len(facts.problems)
    text = ngettext("%(count)d problem in focus", "%(count)d problems in focus", count) % {
        "count": count
    }
    picture = facts.picture
    return Evidence(text, f"{facts.page}#problem-picture", picture.drawn_up_on), ""


def _cause_analysis(facts):
    if not facts.problems:
        return None, gettext("The problem picture names no problems yet.")
    without = [item for item in facts.problems if not item.probable_causes.strip()]
    if without:
        missing = ngettext(
            "%(count)d problem has no probable causes written.",
            "%(count)d problems have no probable causes written.",
            len(without),
        ) % {"count": len(without)}
        return None, missing
    count = len(facts.problems)
    text = ngettext(
        "Probable causes written for %(count)d problem",
        "Probable causes written for all %(count)d problems",
        count,
    ) % {"count": count}
    return Evidence(text, f"{facts.page}#problem-picture"), ""


def _agreement_signed(facts):
    first = (
        AgreementVersion.objects.filter(agreement=facts.agreement, signed_on__isnull=False)
        .order_by("signed_on", "number")
        .only("number", "signed_on")
        .first()
    )
    agreement = facts.agreement
    if first is None and agreement.signed_version:  # imported as signed, from paper
        text = gettext("Version %(number)s, registered as signed") % {
            "number": agreement.signed_version
        }
        return Evidence(text, facts.page), ""
    if first is None:
        return None, gettext("No version of the agreement is signed yet.")
    text = gettext("Version %(number)s signed") % {"number": first.number}
    url = reverse("version_detail", args=[facts.agreement.pk, first.number])
    return Evidence(text, url, first.signed_on), ""


def _goals(facts):
    agreement = facts.agreement
    goals = list(agreement.overall_goals.all())
    areas = [area for area in agreement.focus_areas.all() if area.goals.strip()]
    if not goals and not areas:
        return None, gettext("No overall goal and no focus area with goals yet.")
    parts = []
    if goals:
        parts.append(
            ngettext("%(count)d overall goal", "%(count)d overall goals", len(goals))
            % {"count": len(goals)}
        )
    if areas:
        parts.append(
            ngettext(
                "%(count)d focus area with goals", "%(count)d focus areas with goals", len(areas)
            )
            % {"count": len(areas)}
        )
    anchor = "#overgripande-mal" if goals else "#focus-areas"
    return Evidence(", ".join(parts), facts.page + anchor), ""


def _measures_on_causes(facts):
    if not facts.problems:
        return None, gettext("The problem picture names no problems yet.")
    left = [item for item in facts.problems if item.pk not in facts.addressed_problems]
    if left:
        missing = ngettext(
            "%(count)d problem is addressed by no activity.",
            "%(count)d problems are addressed by no activity.",
            len(left),
        ) % {"count": len(left)}
        return None, missing
    count = len(facts.problems)
    text = ngettext(
        "%(count)d problem, addressed by an activity",
        "Each of the %(count)d problems is addressed by an activity",
        count,
    ) % {"count": count}
    return Evidence(text, f"{facts.page}#action-plans"), ""


def _plans_drawn_up(facts):
    plans = [plan for plan in facts.agreement.action_plans.all() if plan.items.all()]
    if not facts.rows:
        return None, gettext("No action plan has rows yet.")
    text = ngettext(
        "%(plans)d action plan with %(rows)d rows",
        "%(plans)d action plans with %(rows)d rows",
        len(plans),
    ) % {"plans": len(plans), "rows": len(facts.rows)}
    url = reverse("plan_detail", args=[facts.agreement.pk, plans[0].pk])
    return Evidence(text, url), ""


def _plans_adopted(facts):
    """The hook for adopted plans: once `actionplans.PlanAdoption` exists (FK `plan`,
    related_name `adoptions`, with `adopted_on`, `body`), return the latest adoption of
    the agreement's plans here as Evidence (and add `looked_for` in LOOKED_FOR). Until
    then the item is ticked by hand."""
    return None, ""


def _citizen_promises(facts):
    agreement = facts.agreement
    if agreement.is_citizen_promise:
        return _agreement_signed(facts)
    promise = (
        Agreement.objects.filter(part_of=agreement, signed_version__isnull=False)
        .annotate(first_signed=Min("versions__signed_on"))
        .order_by("first_signed", "pk")
        .only("pk", "title")
        .first()
    )
    if promise is None:
        return None, gettext("No citizen promise under this agreement is signed yet.")
    text = gettext("Signed: %(title)s") % {"title": promise.title}
    return Evidence(text, promise.get_absolute_url(), promise.first_signed), ""


def _follow_up_planned(facts):
    agreement = facts.agreement
    cadence = FollowUpCadence.objects.filter(agreement=agreement).first()
    url = reverse("follow_up", args=[agreement.pk])
    if cadence is not None:
        return Evidence(cadence.description or str(cadence), url), ""
    if agreement.has_follow_up_arrangement:
        text = agreement.follow_up_how_often or agreement.follow_up_by
        return Evidence(text or gettext("Follow-up arrangement written"), url), ""
    return None, gettext("No follow-up arrangement or follow-up dates yet.")


def _reported(facts):
    report = (
        FollowUpReport.objects.filter(agreement=facts.agreement, status=ReportStatus.FINAL)
        .order_by("-finalised_on", "-pk")
        .only("pk", "title", "finalised_on", "agreement_id")
        .first()
    )
    if report is None:
        return None, gettext("No follow-up report is final yet.")
    url = reverse("report_detail", args=[facts.agreement.pk, report.pk])
    return Evidence(
        gettext("Final report: %(title)s") % {"title": report.title}, url, report.finalised_on
    ), ""


# What Samverkan looks for itself, per item: a function of the facts returning (what it saw
# or None, what it still misses).
LOOKED_FOR = {
    StepItem.STAFF_DIALOGUES: _staff_dialogues,
    StepItem.JOINT_SITUATION_PICTURE: _joint_picture,
    StepItem.PROBLEMS_PRIORITISED: _problems_prioritised,
    StepItem.CITIZEN_DIALOGUES: _citizen_dialogues,
    StepItem.CAUSE_ANALYSIS: _cause_analysis,
    StepItem.AGREEMENT_SIGNED: _agreement_signed,
    StepItem.GOALS: _goals,
    StepItem.MEASURES_ON_CAUSES: _measures_on_causes,
    StepItem.PLANS_DRAWN_UP: _plans_drawn_up,
    StepItem.CITIZEN_PROMISES: _citizen_promises,
    StepItem.FOLLOW_UP_PLANNED: _follow_up_planned,
    StepItem.REPORTED: _reported,
}
# Ticked by hand until the integrator adds plan.adoptions to _plans_adopted.
HOOKS = {StepItem.PLANS_ADOPTED: _plans_adopted}


def cycle_steps(agreement: Agreement, user=None, may_tick: bool = False) -> CycleSteps:
    """The agreement's five steps, each item ticked by a person or by Samverkan or left;
    with a tick form on each item left when the user may tick."""
    facts = _Facts(agreement)
    ticks = {
        tick.item: tick
        for tick in StepTick.objects.filter(agreement=agreement).select_related(
            "section", "carried_from", "ticked_by"
        )
    }
    steps = []
    for step, items in STEP_ITEMS.items():
        states = []
        for item in items:
            state = ItemState(item, tick=ticks.get(item))
            look = LOOKED_FOR.get(item) or HOOKS.get(item)
            if look is not None:
                state.seen, state.missing = look(facts)
                state.looked_for = item in LOOKED_FOR
            states.append(state)
        steps.append(StepState(CycleStep(step), states))
    if may_tick:
        for state in (state for step in steps for state in step.items if not state.done):
            state.form = StepTickForm(agreement=agreement, item=state.item, user=user)
    current = next((step for step in steps if not step.is_done), steps[-1])
    current.is_current = True
    sections = [section for section in agreement.sections.all() if section.heading]
    return CycleSteps(agreement, steps, may_tick=may_tick, sections=sections)
