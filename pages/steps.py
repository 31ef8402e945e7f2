"""An agreement's five steps as its page shows them: each step's done-when list, which
items are ticked (by a person, or by Samverkan where it can see the thing for itself),
what is left, and the current step.

Samverkan ticks by itself what its data shows (`steps_seen.py`): dialogues held, a joint
problem picture with its problems, causes written for each, a signed version, goals, rows
that address the problems, plans with rows, a signed citizen promise, a follow-up
arrangement and a final follow-up report.

The current step follows from the ticks: the first step with something left (the fifth
once every list is done). The stored `Agreement.cycle_step` is kept as imported.

Every count here runs a fixed number of queries, whatever the agreement's size, and reads
what the agreement page has prefetched (printing.agreement_document.document_queryset)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from actionplans.models import ActionPlan
from agreements.models import (
    STEP_ITEMS,
    Agreement,
    CycleStep,
    ProblemArea,
    ProblemPicture,
    StepItem,
    StepTick,
)
from agreements.step_forms import StepTickForm

from .steps_seen import LOOKED_FOR, Evidence, Facts


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


def cycle_steps(agreement: Agreement, user=None, may_tick: bool = False) -> CycleSteps:
    """The agreement's five steps, each item ticked by a person or by Samverkan or left;
    with a tick form on each item left when the user may tick."""
    facts = Facts(agreement)
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
            look = LOOKED_FOR.get(item)
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
