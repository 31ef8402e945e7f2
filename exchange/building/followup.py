"""The follow-up parts of a document: indicators with their measurements, the follow-up
cadences and the reports; a citizen promise's publication and its rows' feedback to
citizens."""

import datetime
import json

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.models import ActionItem
from agreements.models import AgreementKind
from followup.models import (
    ActivityAssessment,
    FollowUpCadence,
    FollowUpReport,
    Indicator,
    Measurement,
    PartyFulfilment,
    Publication,
    PublicFeedback,
)

from .base import AgreementBuild, given

INDICATOR_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "baseline",
    "baseline_on",
    "target",
    "target_on",
)
REPORT_FIELDS = (
    "title",
    "period_start",
    "period_end",
    "status",
    "cooperation",
    "implementation",
    "results",
    "summary",
    "recipients",
    "finalised_on",
    "snapshot",
)


def indicators(build: AgreementBuild):
    for position, indicator in enumerate(build.data.get("indicators", []), start=1):
        _indicator(build, position, indicator)


def _indicator(build: AgreementBuild, position: int, data: dict):
    path = f"indicators[{position - 1}]"
    row = None
    if data.get("item"):
        row = build.items.get(data["item"])
        if row is None:
            build.error(
                f"{path}.item", _("there is no action item %(key)s") % {"key": data["item"]}
            )
            return
    indicator = build.save(
        Indicator(
            agreement=build.agreement,
            position=position,
            focus_area=build.focus_area_at(data.get("focus_area"), f"{path}.focus_area"),
            item=row,
            **given(Indicator, data, *INDICATOR_FIELDS),
        ),
        path,
    )
    if indicator is None:
        return
    for index, measurement in enumerate(data.get("measurements", [])):
        build.save(
            Measurement(
                indicator=indicator,
                **given(Measurement, measurement, "measured_on", "value", "note"),
            ),
            f"{path}.measurements[{index}]",
            validate_unique=True,
        )


def follow_up_cadences(build: AgreementBuild):
    for position, cadence in enumerate(build.data.get("follow_up_cadences", []), start=1):
        build.save(
            FollowUpCadence(
                agreement=build.agreement,
                **given(FollowUpCadence, cadence, "kind", "frequency", "first_on", "description"),
            ),
            f"follow_up_cadences[{position - 1}]",
        )


def follow_up_reports(build: AgreementBuild):
    for position, data in enumerate(build.data.get("follow_up_reports", []), start=1):
        path = f"follow_up_reports[{position - 1}]"
        report = build.save(
            FollowUpReport(
                agreement=build.agreement, **given(FollowUpReport, data, *REPORT_FIELDS)
            ),
            path,
        )
        if report is not None:
            _report_assessment(build, report, data, path)


def _report_assessment(build: AgreementBuild, report: FollowUpReport, data: dict, path: str):
    """The report's assessment of the parties and activities. Checked one by one, then
    written together past the check that refuses changes to a final report's assessment:
    a report that arrives final arrives with its assessment, frozen as it is."""
    assessment, parties_seen, items_seen = [], set(), set()
    for index, fulfilment in enumerate(data.get("fulfilments", [])):
        where = f"{path}.fulfilments[{index}]"
        party = build.party_for(fulfilment.get("organisation") or {}, f"{where}.organisation")
        if party is None:
            continue
        if party.pk in parties_seen:
            build.error(where, _("the party is assessed twice"))
            continue
        parties_seen.add(party.pk)
        fields = given(PartyFulfilment, fulfilment, "rating", "comment")
        assessment.append((PartyFulfilment(report=report, party=party, **fields), where))
    for index, activity in enumerate(data.get("activity_assessments", [])):
        where = f"{path}.activity_assessments[{index}]"
        item = build.items.get(activity.get("item"))
        if item is None:
            build.error(
                f"{where}.item",
                _("there is no action item %(key)s") % {"key": activity.get("item")},
            )
            continue
        if item.pk in items_seen:
            build.error(where, _("the activity is assessed twice"))
            continue
        items_seen.add(item.pk)
        fields = given(ActivityAssessment, activity, "process", "effect", "comment")
        assessment.append((ActivityAssessment(report=report, item=item, **fields), where))
    valid = [row for row, where in assessment if _valid(build, row, where)]
    PartyFulfilment.objects.bulk_create([r for r in valid if isinstance(r, PartyFulfilment)])
    ActivityAssessment.objects.bulk_create([r for r in valid if isinstance(r, ActivityAssessment)])


def _valid(build: AgreementBuild, row, path: str) -> bool:
    try:
        row.full_clean(validate_unique=False, validate_constraints=False)  # twice: found above
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            where = path if field == NON_FIELD_ERRORS else f"{path}.{field}"
            for message in messages:
                build.error(where, message)
        return False
    return True


# The parts after the agreement's own facts, in the order they are built: each may refer
# to what an earlier one made.


def publication(build: AgreementBuild):
    """The promise is on the public page as the document says, published when it says, by
    nobody known here (the format carries no users)."""
    data = build.data.get("publication")
    if not data:
        return
    if build.agreement.kind != AgreementKind.CITIZEN_PROMISE:
        build.error("publication", _("only a citizen promise can be published"))
        return
    published_at = _moment(build, data.get("published_at"), "publication.published_at")
    if published_at is not None:
        build.save(Publication(agreement=build.agreement, published_at=published_at), "publication")


def public_feedback(build: AgreementBuild, row: ActionItem, data: dict, path: str):
    """The row's feedback to citizens. Published feedback that comes in a file was told to
    citizens already where it was written (or before the backup): it is marked as mailed,
    so the daily mailing never sends it to this site's subscribers."""
    imported_at = timezone.now()
    for position, feedback in enumerate(data.get("public_feedback", [])):
        feedback_path = f"{path}.public_feedback[{position}]"
        published_at = None
        if feedback.get("published_at"):
            published_at = _moment(build, feedback["published_at"], f"{feedback_path}.published_at")
            if published_at is None:
                continue
        build.save(
            PublicFeedback(
                item=row,
                published_at=published_at,
                mailed_at=imported_at if published_at else None,
                **given(PublicFeedback, feedback, "written_on", "text"),
            ),
            feedback_path,
        )


def _moment(build: AgreementBuild, value, path: str) -> datetime.datetime | None:
    """A date and time with its offset, as the export writes it; else say so at `path`."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or timezone.is_naive(moment):
        build.error(
            path,
            _("%(value)s is not a valid date and time (YYYY-MM-DDTHH:MM:SS+01:00)")
            % {"value": json.dumps(value, ensure_ascii=False)},
        )
        return None
    return moment
