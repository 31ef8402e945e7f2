"""Follow-up: what was done on each action item (`entries.py`), measurable goals
(`indicators.py`), follow-up reports (`reports.py`), when follow-up is due
(`cadences.py`), a report's assessment of the parties and activities (`assessments.py`),
what a citizen promise tells the public (`public.py`) and which entries an editor
marked as seen (`seen.py`); documents and photos attached to entries and reports
(`attachments.py`)."""

from .assessments import (
    ActivityAssessment,
    EffectAssessment,
    Fulfilment,
    PartyFulfilment,
    ProcessAssessment,
)
from .attachments import Attachment
from .cadences import CadenceFrequency, CadenceKind, FollowUpCadence, SentReminder
from .entries import (
    LATEST_FIRST,
    AppendOnlyError,
    FollowUpEntry,
    FollowUpEntryQuerySet,
    refresh_item_status,
    standing_entries,
    status_on,
)
from .indicators import Direction, Indicator, Measurement
from .public import Publication, PublicFeedback, PublicFeedbackQuerySet
from .reports import FollowUpReport, FollowUpReportQuerySet, ReportFinalError, ReportStatus
from .seen import EntrySeen

__all__ = [
    "LATEST_FIRST",
    "ActivityAssessment",
    "AppendOnlyError",
    "Attachment",
    "CadenceFrequency",
    "CadenceKind",
    "Direction",
    "EffectAssessment",
    "EntrySeen",
    "FollowUpCadence",
    "FollowUpEntry",
    "FollowUpEntryQuerySet",
    "FollowUpReport",
    "FollowUpReportQuerySet",
    "Fulfilment",
    "Indicator",
    "Measurement",
    "PartyFulfilment",
    "ProcessAssessment",
    "PublicFeedback",
    "PublicFeedbackQuerySet",
    "Publication",
    "ReportFinalError",
    "ReportStatus",
    "SentReminder",
    "refresh_item_status",
    "standing_entries",
    "status_on",
]
