"""The agreement (samverkansöverenskommelse) and what it is made of: the agreement itself
in `agreement.py`, its parts (parties, sections, signatories, problem picture, focus areas)
in `parts.py`."""

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
