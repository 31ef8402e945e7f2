"""The agreement (samverkansöverenskommelse) and what it is made of: the agreement itself
in `agreement.py`, its parts (parties, sections, signatories, problem picture, focus areas)
in `parts.py`; what a next period's draft keeps of the period before in `period_texts.py`."""

from .agreement import (
    EXPIRING_DAYS,
    IN_FORCE,
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

__all__ = [
    "EXPIRING_DAYS",
    "IN_FORCE",
    "RUNS_ON",
    "SIGNED_STATUSES",
    "Agreement",
    "AgreementKind",
    "AgreementQuerySet",
    "AgreementStatus",
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
    "status_on_expression",
]
