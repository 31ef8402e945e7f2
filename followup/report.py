"""What a follow-up report shows besides its own words: each row's status at the end of the
period and the entries of the period, grouped by focus area, with the indicators.

A draft shows it as the data is now; a final report shows what it showed when it was made
final (`FollowUpReport.snapshot`), as plain JSON, so that entries logged or corrected later
do not change a report that has been sent.
"""

import copy
import datetime
from collections import Counter

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Party, PartyRole

from .charts import indicator_chart
from .models import (
    CadenceKind,
    EffectAssessment,
    FollowUpEntry,
    Fulfilment,
    Indicator,
    ProcessAssessment,
    ReportStatus,
    status_on,
)
from .period import rows_as_of, standing_with_corrected
from .todo import end_of, report_due


def indicator_data(indicator: Indicator, until=None) -> dict:
    """An indicator as plain data, its measurements up to `until`."""
    return {
        "pk": indicator.pk,
        "name": indicator.name,
        "description": indicator.description,
        "unit": indicator.unit,
        "direction_text": indicator.get_direction_display(),
        "baseline": None if indicator.baseline is None else str(indicator.baseline),
        "baseline_on": indicator.baseline_on.isoformat() if indicator.baseline_on else "",
        "target": None if indicator.target is None else str(indicator.target),
        "target_on": indicator.target_on.isoformat() if indicator.target_on else "",
        "measurements": [
            (m.measured_on.isoformat(), str(m.value))
            for m in indicator.measurements.all()
            if until is None or m.measured_on <= until
        ],
    }


def indicators_of(agreement):
    return (
        Indicator.objects.filter(agreement=agreement)
        .select_related("item")
        .prefetch_related("measurements")
        .order_by("position")
    )


def entry_data(entry) -> dict:
    """An entry as plain data; one that stands carries the earlier entries it corrects
    (`corrected`), shown struck through beside it."""
    who = [organisation.name for organisation in entry.participants.all()]
    if entry.participant_units:
        who.append(entry.participant_units)
    return {
        "occurred_on": entry.occurred_on.isoformat(),
        "what_was_done": entry.what_was_done,
        "participants": ", ".join(who),
        "effect": entry.effect,
        "status": entry.status,
        "status_label": entry.get_status_display(),
        "author_name": entry.author_name,
        "corrects_on": entry.corrects.occurred_on.isoformat() if entry.corrects_id else "",
        "corrected": [entry_data(earlier) for earlier in getattr(entry, "corrected_list", [])],
    }


def signing_parties(agreement) -> list:
    """The parties whose fulfilment a report assesses: those who sign (not participants),
    with their organisations, in one query."""
    parties = Party.objects.filter(agreement=agreement).exclude(role=PartyRole.PARTICIPANT)
    return list(parties.select_related("organisation").order_by("position"))


def assessment_data(assessment) -> dict:
    """An activity's assessment as plain data: process and effect kept apart, with their
    labels (a snapshot reads as it read when it was made final)."""
    process = assessment.process if assessment else ""
    effect = assessment.effect if assessment else ""
    return {
        "process": process,
        "process_label": str(ProcessAssessment(process).label),
        "effect": effect,
        "effect_label": str(EffectAssessment(effect).label),
        "comment": assessment.comment if assessment else "",
    }


def fulfilment_data(agreement, report) -> list[dict]:
    """Each signing party's fulfilment of its commitments, assessed or not."""
    saved = {f.party_id: f for f in report.fulfilments.all()} if report.pk else {}
    fulfilments = []
    for party in signing_parties(agreement):
        fulfilment = saved.get(party.pk)
        rating = fulfilment.rating if fulfilment else ""
        fulfilments.append(
            {
                "party": party.shown_name,
                "rating": rating,
                "rating_label": str(Fulfilment(rating).label),
                "comment": fulfilment.comment if fulfilment else "",
            }
        )
    return fulfilments


def build_contents(report) -> dict:
    """The report's contents from the data as it is now, the rows as they were in the
    period (followup/period.py). Seven queries (rows, their entries with participants, the
    rows' history, indicators with measurements, the assessments of the parties and of the
    activities), however many rows and entries."""
    agreement = report.agreement
    start, end = report.period_start, report.period_end
    entries = FollowUpEntry.objects.select_related("corrects").prefetch_related("participants")
    rows = (
        ActionItem.objects.filter(plan__agreement=agreement)
        .select_related("plan__agreement")
        .prefetch_related(
            Prefetch(
                "follow_up_entries",
                queryset=entries.order_by("occurred_on", "created_at", "pk"),
                to_attr="entry_list",
            )
        )
        .order_by("plan__position", "position")
    )
    assessments = {a.item_id: a for a in report.activity_assessments.all()} if report.pk else {}
    areas = list(agreement.focus_areas.all())
    groups = {area.pk: {"title": area.title, "rows": [], "indicators": []} for area in areas}
    other = {"title": _("Other rows"), "other": True, "rows": [], "indicators": []}
    counts = Counter()
    entry_count = 0
    area_of_row = {}
    rows = list(rows)
    as_of = rows_as_of(rows, agreement, end)
    for row in rows:
        area_of_row[row.pk] = row.focus_area_id
        words = as_of[row.pk]
        if words is None:  # added after the period
            continue
        status = status_on(row, end, row.entry_list)
        counts[status] += 1
        in_period = standing_with_corrected(row.entry_list, start, end)
        entry_count += len(in_period)
        groups.get(row.focus_area_id, other)["rows"].append(
            {
                "plan": row.plan.shown_title,
                "activity": words["activity"],
                "goal": words["goal"],
                "when_text": words["when_text"],
                "deadline": row.deadline.isoformat() if row.deadline else "",
                "status": status,
                "status_label": str(ItemStatus(status).label),
                "entries": [entry_data(entry) for entry in in_period],
                "assessment": assessment_data(assessments.get(row.pk)),
            }
        )
    for indicator in indicators_of(agreement):
        area_pk = indicator.focus_area_id or area_of_row.get(indicator.item_id)
        data = indicator_data(indicator, until=end)
        if indicator.item_id:
            words = as_of.get(indicator.item_id)
            data["row"] = words["activity"] if words else indicator.item.activity
        groups.get(area_pk, other)["indicators"].append(data)
    all_groups = [*groups.values(), other]
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "groups": [group for group in all_groups if group["rows"] or group["indicators"]],
        "counts": [
            {"status": status, "label": str(label), "count": counts[status]}
            for status, label in ItemStatus.choices
            if counts[status]
        ],
        "fulfilments": fulfilment_data(agreement, report),
        "row_count": sum(counts.values()),
        "entry_count": entry_count,
    }


def contents_of(report) -> dict:
    """What the report shows: frozen once final, else as the data is now; with a chart
    for each indicator (drawn when shown, never stored)."""
    if report.status == ReportStatus.FINAL and report.snapshot:
        contents = in_readers_language(copy.deepcopy(report.snapshot))
    else:
        contents = build_contents(report)
    for group in contents["groups"]:
        for indicator in group["indicators"]:
            with_chart(indicator)
    return contents


def in_readers_language(contents: dict) -> dict:
    """A snapshot's own words (statuses, assessments, "Other rows") in the reader's
    language: they were stored in the language of whoever made the report final, so they
    are named anew from the codes stored beside them. The users' words stay as written."""
    for count in contents["counts"]:
        count["label"] = str(ItemStatus(count["status"]).label)
    for fulfilment in contents["fulfilments"]:
        fulfilment["rating_label"] = str(Fulfilment(fulfilment["rating"]).label)
    for group in contents["groups"]:
        if group.get("other") or group["title"] in OTHER_ROWS_STORED:
            group["title"] = _("Other rows")
        for row in group["rows"]:
            row["status_label"] = str(ItemStatus(row["status"]).label)
            assessment = row["assessment"]
            assessment["process_label"] = str(ProcessAssessment(assessment["process"]).label)
            assessment["effect_label"] = str(EffectAssessment(assessment["effect"]).label)
            for entry in [*row["entries"], *(e for x in row["entries"] for e in x["corrected"])]:
                if "status" in entry:  # older snapshots have only the label
                    entry["status_label"] = str(ItemStatus(entry["status"]).label)
    return contents


# How "Other rows" was stored in snapshots made before the group was marked `other`.
OTHER_ROWS_STORED = {"Other rows", "Övriga rader"}


def with_chart(indicator: dict) -> dict:
    """The indicator's data with its chart, drawn when shown and never stored."""
    indicator["chart"] = indicator_chart(indicator)
    return indicator


def summary_text(contents: dict) -> str:
    """A first summary from what the product knows, for the coordinator to rewrite."""
    text = _(
        "During the period %(start)s – %(end)s, %(entries)s follow-up entries were logged "
        "on the agreement's %(rows)s activities."
    ) % {
        "start": contents["period_start"],
        "end": contents["period_end"],
        "entries": contents["entry_count"],
        "rows": contents["row_count"],
    }
    if contents["counts"]:
        counts = ", ".join(f"{item['label']} {item['count']}" for item in contents["counts"])
        text += " " + _("At the end of the period: %(counts)s.") % {"counts": counts}
    return text


def report_proposal(agreement, today: datetime.date) -> dict:
    """What a new report for the agreement is given: the period of the report due by its
    cadence, else the last calendar year it ran in full; a title; the parties' municipal
    executive boards and police management as recipients."""
    due = [
        due
        for cadence in agreement.cadences.all()
        if cadence.kind == CadenceKind.REPORT and (due := report_due(agreement, cadence, today))
    ]
    if due:
        start, end = due[0].period_start, due[0].period_end
    else:
        # The last calendar year the agreement ran in full, or else the part it ran.
        year = today.year - 1
        end_day = end_of(agreement)
        if end_day and end_day.year <= year:
            year = end_day.year if end_day.month == 12 and end_day.day == 31 else end_day.year - 1
        counted_from, counted_until = agreement.counted_period()
        if counted_from and counted_from.year > year:
            year = counted_from.year
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if counted_from and counted_from.year == year:
            start = max(start, counted_from)
        if counted_until and counted_until.year == year:
            end = min(end, counted_until)
    organisations = [party.organisation for party in agreement.parties.all()]
    recipients = [
        _("The municipal executive board of %(name)s") % {"name": organisation.name}
        if organisation.is_municipality
        else _("The police management")
        for organisation in organisations
        if organisation.is_municipality or organisation.is_police
    ]
    return {
        "title": _("Follow-up of %(title)s, %(start)s – %(end)s")
        % {"title": agreement.title, "start": start.isoformat(), "end": end.isoformat()},
        "period_start": start,
        "period_end": end,
        "recipients": ", ".join(dict.fromkeys(recipients)),
    }
