"""A report's rows and entries as they stood in its period, not as they stand now.

- A row counts in a period if it existed at the period's end: its first history record is
  dated no later than that day. A row recorded on the day its agreement was recorded came
  with it (an import of an older agreement, the demo, or the agreement as first written)
  and belongs to every period of the agreement.
- A row is shown under the words it had at the period's end (its last history record by
  then), or, for a row that came with an agreement recorded later, as it was recorded.
- A corrected entry is shown beside the entry that corrects it, struck through, and only
  the entry that stands is counted.

Both read the rows' history in one query, however many rows (the history manager is the one
the audit app registers on ActionItem; nothing here imports the audit app).
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from actionplans.models import ActionItem

# The row's words a report shows, as they were in the period.
SHOWN_FIELDS = ("activity", "goal", "when_text")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the site's time zone (for the last day a date can
    be, its last moment: a period may be typed to end on 9999-12-31)."""
    if day == datetime.date.max:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    following = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(following)


def rows_as_of(rows, agreement, end: datetime.date) -> dict[int, dict | None]:
    """For each row's id: its words at the end of the period, or None when the row was
    added after the period (it is not part of it). A row without history counts as it is."""
    until = end_of_day(end)
    came_with_agreement = timezone.localtime(agreement.created_at).date()
    records = (
        ActionItem.history.filter(id__in=[row.pk for row in rows])
        .filter(Q(history_date__lt=until) | Q(history_type="+"))
        .order_by("id", "history_date", "history_id")
        .values("id", "history_type", "history_date", *SHOWN_FIELDS)
    )
    first, at_end = {}, {}
    for record in records:
        first.setdefault(record["id"], record)
        if record["history_date"] < until:
            at_end[record["id"]] = record
    shown = {}
    for row in rows:
        recorded = first.get(row.pk)
        if recorded is None:
            shown[row.pk] = {name: getattr(row, name) for name in SHOWN_FIELDS}
            continue
        recorded_on = timezone.localtime(recorded["history_date"]).date()
        if recorded_on > max(end, came_with_agreement):
            shown[row.pk] = None
            continue
        record = at_end.get(row.pk, recorded)
        shown[row.pk] = {name: record[name] for name in SHOWN_FIELDS}
    return shown


def standing_with_corrected(entries, start: datetime.date, end: datetime.date) -> list:
    """The entries that stand and occurred in the period, in their order, each with
    `corrected_list`: the earlier entries it corrects (directly or through a chain),
    newest first. An entry a later one corrects is never a fact of its own."""
    by_pk = {entry.pk: entry for entry in entries}
    corrected = {entry.corrects_id for entry in entries if entry.corrects_id}
    standing = []
    for entry in entries:
        if entry.pk in corrected or not start <= entry.occurred_on <= end:
            continue
        chain, earlier = [], by_pk.get(entry.corrects_id)
        while earlier is not None and earlier not in chain:
            chain.append(earlier)
            earlier = by_pk.get(earlier.corrects_id)
        entry.corrected_list = chain
        standing.append(entry)
    return standing
