"""Nytt medborgarlöfte för <år>: next period's citizen promise, started as a draft from
this one. The path every next period's draft takes (next_period.py: the period after this
one, the promises not yet kept carried over and marked so, the texts naming this period
pointed out), and this period's citizen dialogues listed as the dialogues to hold."""

import datetime

from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementKind, SourceKind

from .next_period import FINISHED, NextPeriodRefused, next_period_label, start_following

__all__ = ["FINISHED", "NextPromiseRefused", "next_promise_label", "start_next_promise"]

# A refusal of next year's promise is a refusal of next period's draft.
NextPromiseRefused = NextPeriodRefused


def next_promise_label(agreement: Agreement, today: datetime.date) -> str:
    """The years the next promise is for, as its button names them."""
    return next_period_label(agreement, today)


def start_next_promise(original: Agreement, today: datetime.date) -> Agreement:
    """The draft of the citizen promise after `original`: the same parties, texts and
    agreement it is part of, for the next period; the rows of its plans that are not done
    or cancelled carried over (each knowing the row and the years it came from); its
    citizen dialogues without date or people reached, as the dialogues to hold. Refused for
    one not signed (a draft, as Nästa period), and when one was started before (naming
    it)."""
    if original.kind != AgreementKind.CITIZEN_PROMISE:
        raise NextPromiseRefused(_("Only a citizen promise is followed by next year's."))
    if not original.may_be_followed:
        raise NextPromiseRefused(
            _(
                "Only a signed citizen promise is followed by next year's: sign it first, or "
                "change the draft's period in the draft editor."
            )
        )
    return start_following(
        original,
        today,
        already=_("The next citizen promise was started already: %(title)s."),
        change=_dialogues_to_hold,
    )


def _dialogues_to_hold(data: dict):
    """This period's citizen dialogues, to be held again: without the day they were held
    and the people they reached (a dialogue without a date is one still to hold)."""
    picture = data.get("problem_picture") or {}
    for source in picture.get("sources", []):
        if source["kind"] == SourceKind.CITIZEN_DIALOGUE:
            source.update(held_on=None, people_reached=None)
