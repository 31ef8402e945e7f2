"""Nästa period: next period's draft of an agreement, started from this one, and the path
next period's citizen promise (next_promise.py) takes too. A copy through the exchange
format (copying.py), changed on the way in:

- the period after this one (agreements/next_period.py), and every date the document
  counts with moved on by as many years (plans, rows, follow-up cadences, target dates);
- the period's years renamed only where that is unambiguous (a title, a plan's title or
  period naming this period once); every other text still naming one of its years is
  pointed out in the draft editor (OldPeriodTexts, pages/period_texts.py);
- the rows not finished carried over, each knowing the row and the years it came from;
  the finished ones stay behind with their results (the draft lists them, linked);
- the cycle back at its first step, and the draft following this one (`follows`), which
  makes starting it twice (or by two at once) lead to the one started first.

Citizen promises under a cooperation agreement are not copied with it: each is followed by
its own next promise."""

import datetime
import re

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from agreements.models import (
    Agreement,
    AgreementKind,
    CycleStep,
    OldPeriodTexts,
    start_steps_again,
)
from agreements.next_period import NextPeriod, next_period, period_years

from .copying import copy_document
from .importer import import_document

# Rows done or given up are not carried over; every other status is (also one only
# proposed).
FINISHED = (ItemStatus.DONE, ItemStatus.CANCELLED)

# A year or a span of years as texts write them: "2025", "2024–2025", "2020 - 2023".
YEARS_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*[-–—]\s*((?:19|20)\d\d))?(?!\d)")


class NextPeriodRefused(Exception):
    """Why no next period's draft is started, in words for the editor; `existing` is the one
    started before, when that is why."""

    def __init__(self, message, existing=None):
        super().__init__(message)
        self.message = message
        self.existing = existing


def carry_cycle(previous: Agreement, new: Agreement) -> None:
    """The five steps start again for the new period, carrying what still holds of the
    previous one's ticks (roles, the joint organisation, communication)."""
    start_steps_again(previous, new)


def next_period_label(agreement: Agreement, today: datetime.date) -> str:
    """The years of the next period, as its button names them."""
    return next_period(agreement, today).label


def start_next_period(original: Agreement, today: datetime.date) -> Agreement:
    """Nästa period for a cooperation agreement (see the module). Refused for a citizen
    promise (it has its own Nytt medborgarlöfte), for one never signed or being revised
    (not yet an agreement of a period), and when the next period's draft was started
    before (naming it)."""
    if original.kind != AgreementKind.COOPERATION_AGREEMENT:
        raise NextPeriodRefused(
            _("A citizen promise is followed by next year's citizen promise, not by this.")
        )
    if not original.may_be_followed:
        raise NextPeriodRefused(
            _(
                "Only a signed agreement is taken to its next period: sign it first, or "
                "change the draft's period in the draft editor."
            )
        )
    return start_following(
        original,
        today,
        already=_("The next period's draft was started already: %(title)s."),
    )


@transaction.atomic
def start_following(original: Agreement, today: datetime.date, *, already, change=None):
    """The draft that follows `original` in the next period (see the module), for both
    kinds; `change(data)` changes the document further before it is imported. Only one:
    refused with `already` (naming it) when one was started before."""
    lock(original.pk)
    existing = Agreement.objects.filter(follows=original).first()
    if existing is not None:
        raise NextPeriodRefused(already % {"title": existing.title}, existing)
    period = next_period(original, today)
    before, after = period_years(original, today), period.label
    old_years = years_of(before)
    document = copy_document(original, title=renamed(original.title, old_years, after))
    (data,) = document["agreements"]
    data.update(
        valid_from=_iso(period.valid_from),
        valid_until=_iso(period.valid_until),
        first_year=period.first_year,
        last_year=period.last_year,
        length_years=period.length_years,
        validity_note=renamed(original.validity_note, old_years, after, add=False),
        cycle_step=CycleStep.values[0],
    )
    later = relativedelta(years=period.years_later)
    for cadence in data.get("follow_up_cadences", []):
        _move_dates(cadence, ("first_on",), later)
    for indicator in data.get("indicators", []):
        _move_dates(indicator, ("target_on",), later)
    carried_rows = _carry_unfinished(data, original, before, period)
    if change:
        change(data)
    (draft,) = import_document(document)
    draft.follows = original
    draft.save(update_fields=["follows"])
    _link_carried_rows(draft, carried_rows)
    OldPeriodTexts.objects.create(
        agreement=draft, first_year=old_years.start, last_year=old_years.stop - 1
    )
    carry_cycle(original, draft)
    return draft


def lock(agreement_pk: int) -> None:
    """Two editors at once: the second waits here until the first one's transaction ends,
    then finds what it made. A write that changes nothing, so that it locks on SQLite (one
    writer at a time for the whole database) as on PostgreSQL (the agreement's row)."""
    Agreement.objects.filter(pk=agreement_pk).update(edit_version=F("edit_version"))


def years_of(label: str) -> range:
    """The years of a period as a title writes them: "2024–2025" is 2024 and 2025."""
    first, _dash, last = label.partition("–")
    return range(int(first), int(last or first) + 1)


def renamed(text: str, old_years: range, after: str, add: bool = True) -> str:
    """The text with this period named as the next one, where that is unambiguous: every
    year or span of years it names lies in this period and all are the same ("2020-2023"
    in a text of the period 2019–2023 becomes "2023–2027"). A text naming no year gets the
    next period at its end when `add`; any other is left for the writer (pointed out)."""
    mentions = list(YEARS_IN_TEXT.finditer(text))
    if not mentions:
        return f"{text} {after}".strip() if add else text
    spans = {(int(m[1]), int(m[2] or m[1])) for m in mentions}
    if len(spans) == 1:
        ((first, last),) = spans
        if first <= last and first in old_years and last in old_years:
            return YEARS_IN_TEXT.sub(after, text)
    return text


def _carry_unfinished(data: dict, original: Agreement, before: str, period: NextPeriod):
    """Leaves the rows not finished in the document, marked as carried over from `before`,
    their dates moved into the next period; returns the rows they came from, per plan, in
    order. Indicators keep pointing at the rows they measured (renumbered), or at none."""
    later = relativedelta(years=period.years_later)
    old_years = years_of(before)
    carried_rows, new_keys = [], {}
    plans = original.action_plans.order_by("position")
    for plan_number, (plan_data, plan) in enumerate(
        zip(data.get("action_plans", []), plans, strict=True), start=1
    ):
        plan_data["title"] = renamed(plan_data["title"], old_years, period.label, add=False)
        plan_data["period_text"] = renamed(
            plan_data.get("period_text") or "", old_years, period.label, add=False
        )
        _move_dates(plan_data, ("starts_on", "ends_on"), later)
        if plan_data.get("year"):
            plan_data["year"] += period.years_later
        rows = list(ActionItem.objects.filter(plan=plan).order_by("position"))
        kept = []
        for row_number, (row_data, row) in enumerate(
            zip(plan_data.get("items", []), rows, strict=True), start=1
        ):
            if row.status in FINISHED:
                continue
            row_data["carried_from_period"] = before
            _move_dates(row_data, ("starts_on", "ends_on", "due_on"), later)
            kept.append((row_data, row))
            new_keys[f"{plan_number}.{row_number}"] = f"{plan_number}.{len(kept)}"
        plan_data["items"] = [row_data for row_data, _row in kept]
        carried_rows.append([row for _row_data, row in kept])
    for indicator in data.get("indicators", []):
        indicator["item"] = new_keys.get(indicator.get("item"))
    return carried_rows


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _move_dates(data: dict, names, later: relativedelta):
    for name in names:
        if data.get(name):
            data[name] = str(datetime.date.fromisoformat(data[name]) + later)


def _link_carried_rows(draft: Agreement, carried_rows):
    """Each carried row knows the row it came from (the import made them in order)."""
    plans = draft.action_plans.order_by("position")
    for plan, originals in zip(plans, carried_rows, strict=True):
        rows = ActionItem.objects.filter(plan=plan).order_by("position")
        for row, original_row in zip(rows, originals, strict=True):
            row.carried_from = original_row
            row.save(update_fields=["carried_from"])
