"""The follow-up parts of a document: indicators with their measurements, the follow-up
cadences and the reports."""

from django.utils.translation import gettext as _

from followup.models import FollowUpCadence, FollowUpReport, Indicator, Measurement

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
    for position, report in enumerate(build.data.get("follow_up_reports", []), start=1):
        build.save(
            FollowUpReport(
                agreement=build.agreement, **given(FollowUpReport, report, *REPORT_FIELDS)
            ),
            f"follow_up_reports[{position - 1}]",
        )


# The parts after the agreement's own facts, in the order they are built: each may refer
# to what an earlier one made.
