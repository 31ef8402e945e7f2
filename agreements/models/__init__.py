"""The agreement (samverkansöverenskommelse) and what it is made of: the agreement itself
in `agreement.py`, its parts (parties, sections, signatories, problem picture, focus areas)
in `parts.py`; what a next period's draft keeps of the period before in `period_texts.py`;
the five steps' done-when lists and their ticks in `steps.py`; when each user last looked
at an agreement in `visits.py`."""

from .agreement import (
    EXPIRING_DAYS,
    IN_FORCE,
    OVER,
    RUNS_ON,
    SIGNED_STATUSES,
    Agreement,
    AgreementKind,
    AgreementQuerySet,
    AgreementStatus,
    CurrentStatus,
    CycleStep,
    RenewalRule,
    status_on_expression,
)
from .parts import (
    FocusArea,
    FocusAreaCategory,
    OverallGoal,
    Party,
    PartyRole,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    SectionEmbed,
    Signatory,
    SourceKind,
)
from .period_texts import OldPeriodTexts
from .steps import (
    HOLDS_INTO_NEXT_PERIOD,
    STEP_ITEMS,
    STEP_OF,
    StepItem,
    StepTick,
    start_steps_again,
)
from .visits import AgreementVisit, visit_time

__all__ = [
    "EXPIRING_DAYS",
    "HOLDS_INTO_NEXT_PERIOD",
    "IN_FORCE",
    "OVER",
    "RUNS_ON",
    "SIGNED_STATUSES",
    "STEP_ITEMS",
    "STEP_OF",
    "Agreement",
    "AgreementKind",
    "AgreementQuerySet",
    "AgreementStatus",
    "AgreementVisit",
    "CurrentStatus",
    "CycleStep",
    "FocusArea",
    "FocusAreaCategory",
    "OldPeriodTexts",
    "OverallGoal",
    "Party",
    "PartyRole",
    "ProblemArea",
    "ProblemItem",
    "ProblemPicture",
    "ProblemSource",
    "RenewalRule",
    "Section",
    "SectionEmbed",
    "Signatory",
    "SourceKind",
    "StepItem",
    "StepTick",
    "start_steps_again",
    "status_on_expression",
    "visit_time",
]
