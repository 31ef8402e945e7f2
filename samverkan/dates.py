"""The dates the project accepts, and how far a repeating date is expanded.

Cooperation agreements began in the 1990s and run a few years at a time: every date a user
or an import sets lies between EARLIEST and LATEST. A year like 0001 or 9999 is a typing
slip, and date arithmetic near the ends of Python's calendar overflows.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2100, 12, 31)

# The most dates one follow-up cadence is expanded to (in the calendar feed and wherever
# its dates are listed): 500 months is over 40 years of monthly checkpoints.
MAX_OCCURRENCES = 500


def validate_domain_date(value: datetime.date) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )


def not_after_today(value: datetime.date | None, message) -> datetime.date | None:
    """The date of something that has happened (a follow-up entry, feedback given):
    refused with `message`, next to its field, when after today (Stockholm's today, read
    now)."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(message, code="after_today")
    return value


def clamp(value: datetime.date) -> datetime.date:
    """A stored date brought within the domain, for expanding dates from old data."""
    return min(max(value, EARLIEST), LATEST)
