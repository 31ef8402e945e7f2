"""Build one agreement of a document, part by part, collecting what is wrong on the way.

The document's shape has been checked already (`exchange/schema_errors.py`); here every
object is checked by the model's own validation before it is saved, so that a message
names the field. Each part of the document has its own function, in `agreement.py`,
`plans.py` and `followup.py`, called in the order of `PARTS`; later parts refer to objects
the earlier ones made (a row's focus area, an indicator's row), which the `AgreementBuild`
(`base.py`) keeps.

A field the document leaves out is left out of the model's constructor too (`given`), so
that the model's own default applies: the defaults are written once, in the models.
"""

from agreements.models import Agreement

from .agreement import (
    agreement_facts,
    focus_areas,
    lifecycle_status,
    link_follows,
    link_part_of,
    overall_goals,
    parties,
    problem_picture,
    sections,
    signatories,
)
from .base import AgreementBuild
from .followup import follow_up_cadences, follow_up_reports, indicators, publication
from .plans import action_plans
from .steps import step_ticks

__all__ = ["build_agreement", "lifecycle_status", "link_to_other_agreements"]

# The parts after the agreement's own facts, in the order they are built: each may refer
# to what an earlier one made.
PARTS = (
    parties,
    sections,
    signatories,
    problem_picture,
    overall_goals,
    focus_areas,
    action_plans,
    indicators,
    follow_up_cadences,
    follow_up_reports,
    publication,
    step_ticks,
)


def build_agreement(number: int, data: dict) -> tuple[Agreement | None, list[str]]:
    """The agreement at `number` (1-based) in the document and the messages about it."""
    build = AgreementBuild(number, data)
    build.agreement = agreement_facts(build)
    if build.agreement is not None:
        for part in PARTS:
            part(build)
    return build.agreement, build.messages


def link_to_other_agreements(number: int, data: dict, agreement: Agreement) -> list[str]:
    """Once every agreement of the document is built: the links between agreements (a
    citizen promise's `part_of` and `follows`), which may point forward in the document."""
    build = AgreementBuild(number, data)
    link_part_of(build, agreement)
    link_follows(build, agreement)
    return build.messages
