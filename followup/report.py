"""What a follow-up report shows besides its own words: each row's status at the end of the
period and the entries of the period, grouped by focus area, with the indicators.

A draft shows it as the data is now; a final report shows what it showed when it was made
final (`FollowUpReport.snapshot`), as plain JSON, so that entries logged or corrected later
do not change a report that has been sent.
"""

import copy
from collections import Counter

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ItemStatus

from .charts import indicator_chart
from .models import FollowUpEntry, Indicator, ReportStatus, status_on


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
    who = [organisation.name for organisation in entry.participants.all()]
    if entry.participant_units:
        who.append(entry.participant_units)
    return {
        "occurred_on": entry.occurred_on.isoformat(),
        "what_was_done": entry.what_was_done,
        "participants": ", ".join(who),
        "effect": entry.effect,
        "status_label": entry.get_status_display(),
        "author_name": entry.author_name,
        "corrects_on": entry.corrects.occurred_on.isoformat() if entry.corrects_id else "",
    }


def build_contents(report) -> dict:
    """The report's contents from the data as it is now. Four queries (rows, their entries
    with participants, indicators with measurements), however many rows and entries."""
    agreement = report.agreement
    start, end = report.period_start, report.period_end
    entries = FollowUpEntry.objects.select_related("corrects").prefetch_related("participants")
    rows = (
        ActionItem.objects.filter(plan__agreement=agreement)
        .select_related("plan")
        .prefetch_related(
            Prefetch(
                "follow_up_entries",
                queryset=entries.order_by("occurred_on", "created_at", "pk"),
                to_attr="entry_list",
            )
        )
        .order_by("plan__position", "position")
    )
    areas = list(agreement.focus_areas.all())
    groups = {area.pk: {"title": area.title, "rows": [], "indicators": []} for area in areas}
    other = {"title": _("Other rows"), "rows": [], "indicators": []}
    counts = Counter()
    entry_count = 0
    for row in rows:
        status = status_on(row, end, row.entry_list)
        counts[status] += 1
        in_period = [e for e in row.entry_list if start <= e.occurred_on <= end]
        entry_count += len(in_period)
        groups.get(row.focus_area_id, other)["rows"].append(
            {
                "plan": row.plan.title,
                "activity": row.activity,
                "when_text": row.when_text,
                "deadline": row.deadline.isoformat() if row.deadline else "",
                "status": status,
                "status_label": str(ItemStatus(status).label),
                "entries": [entry_data(entry) for entry in in_period],
            }
        )
    item_areas = dict(rows.values_list("pk", "focus_area_id"))
    for indicator in indicators_of(agreement):
        area_pk = indicator.focus_area_id or item_areas.get(indicator.item_id)
        data = indicator_data(indicator, until=end)
        if indicator.item_id:
            data["row"] = indicator.item.activity
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
        "row_count": sum(counts.values()),
        "entry_count": entry_count,
    }


def contents_of(report) -> dict:
    """What the report shows: frozen once final, else as the data is now; with a chart
    for each indicator (drawn when shown, never stored)."""
    if report.status == ReportStatus.FINAL and report.snapshot:
        contents = copy.deepcopy(report.snapshot)
    else:
        contents = build_contents(report)
    for group in contents["groups"]:
        for indicator in group["indicators"]:
            indicator["chart"] = indicator_chart(indicator)
    return contents


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
