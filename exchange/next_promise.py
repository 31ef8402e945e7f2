"""Nytt medborgarlöfte för <år>: next period's citizen promise, started as a draft from
this one. A copy through the exchange format (copying.py), changed on the way in: the
period after this one (agreements/next_period.py), the promises not yet kept carried over
and marked so, and this period's citizen dialogues listed as the dialogues to hold."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Agreement, AgreementKind, SourceKind
from agreements.next_period import NextPeriod, next_period, period_years

from .copying import copy_document
from .importer import import_document

# Promises kept or given up are not carried over; every other status is (also one only
# proposed).
FINISHED = (ItemStatus.DONE, ItemStatus.CANCELLED)


class NextPromiseRefused(Exception):
    """Why no next promise is started, in words for the editor; `existing` is the one
    started before, when that is why."""

    def __init__(self, message, existing: Agreement | None = None):
        super().__init__(message)
        self.message = message
        self.existing = existing


def next_promise_label(agreement: Agreement, today: datetime.date) -> str:
    """The years the next promise is for, as its button names them."""
    return next_period(agreement, today).label


@transaction.atomic
def start_next_promise(original: Agreement, today: datetime.date) -> Agreement:
    """The draft of the citizen promise after `original`: the same parties, texts and
    agreement it is part of, for the next period; the rows of its plans that are not done
    or cancelled carried over (each knowing the row and the years it came from); its
    citizen dialogues without date or people reached, as the dialogues to hold. Only one:
    refused, naming it, when one was started before."""
    if original.kind != AgreementKind.CITIZEN_PROMISE:
        raise NextPromiseRefused(_("Only a citizen promise is followed by next year's."))
    # Two editors at once: the second waits here, then finds the first one's draft.
    Agreement.objects.select_for_update().filter(pk=original.pk).first()
    existing = Agreement.objects.filter(follows=original).first()
    if existing is not None:
        raise NextPromiseRefused(
            _("The next citizen promise was started already: %(title)s.")
            % {"title": existing.title},
            existing,
        )
    period = next_period(original, today)
    before, after = period_years(original, today), period.label
    document = copy_document(original, title=_renamed(original.title, before, after))
    (data,) = document["agreements"]
    data.update(
        valid_from=_iso(period.valid_from),
        valid_until=_iso(period.valid_until),
        first_year=period.first_year,
        last_year=period.last_year,
        length_years=period.length_years,
        validity_note=_renamed(original.validity_note, before, after, add=False),
    )
    carried_rows = _carry_unfinished(data, original, before, period)
    _dialogues_to_hold(data)
    (draft,) = import_document(document)
    draft.follows = original
    draft.save(update_fields=["follows"])
    _link_carried_rows(draft, carried_rows)
    return draft


def _renamed(text: str, before: str, after: str, add: bool = True) -> str:
    """The text with this period's years as the next period's; a title without them gets
    them at its end."""
    if before in text:
        return text.replace(before, after)
    return f"{text} {after}".strip() if add else text


def _carry_unfinished(data: dict, original: Agreement, before: str, period: NextPeriod):
    """Leaves the rows not finished in the document, marked as carried over from `before`,
    their dates moved into the next period; returns the rows they came from, per plan, in
    order. Indicators keep pointing at the rows they measured (renumbered), or at none."""
    later = relativedelta(years=period.years_later)
    carried_rows, new_keys = [], {}
    plans = original.action_plans.order_by("position")
    for plan_number, (plan_data, plan) in enumerate(
        zip(data.get("action_plans", []), plans, strict=True), start=1
    ):
        plan_data["title"] = _renamed(plan_data["title"], before, period.label, add=False)
        plan_data["period_text"] = _renamed(
            plan_data.get("period_text") or "", before, period.label, add=False
        )
        _move_dates(plan_data, ("starts_on", "ends_on"), later)
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


def _dialogues_to_hold(data: dict):
    """This period's citizen dialogues, to be held again: without the day they were held
    and the people they reached (a dialogue without a date is one still to hold)."""
    picture = data.get("problem_picture") or {}
    for source in picture.get("sources", []):
        if source["kind"] == SourceKind.CITIZEN_DIALOGUE:
            source.update(held_on=None, people_reached=None)


def _link_carried_rows(draft: Agreement, carried_rows):
    """Each carried row knows the row it came from (the import made them in order)."""
    plans = draft.action_plans.order_by("position")
    for plan, originals in zip(plans, carried_rows, strict=True):
        rows = ActionItem.objects.filter(plan=plan).order_by("position")
        for row, original_row in zip(rows, originals, strict=True):
            row.carried_from = original_row
            row.save(update_fields=["carried_from"])
