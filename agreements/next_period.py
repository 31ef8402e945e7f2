"""The period after an agreement's own, for next period's citizen promise (Nytt
medborgarlöfte för <år>) and next period's agreement (Nästa period): the same kind of
period and length, beginning where this one ends.

- written as years ("2025", "2024–2025"): as many years right after ("2026", "2026–2027");
- written as exact dates: the same dates as many whole years later as it takes to begin
  after this one's last day (at least one);
- written as a length from signing ("tvåårigt"): the same length, counted from its own
  signing; it is named after the year after this one ends (or after this year, unsigned);
- with no end (no period, or until further notice): next calendar year (the year after today).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class NextPeriod:
    years_later: int  # how far the new period lies after this one: what row dates move by
    first_year: int | None = None
    last_year: int | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    length_years: int | None = None
    named_year: int | None = None  # the year a length from signing is named after

    @property
    def label(self) -> str:
        """The new period's years as a title writes them: "2026" or "2026–2027"."""
        if self.first_year:
            return years_label(self.first_year, self.last_year)
        if self.valid_from and self.valid_until:
            return years_label(self.valid_from.year, self.valid_until.year)
        return str(self.named_year)


def years_label(first: int, last: int | None) -> str:
    return f"{first}–{last}" if last and last != first else str(first)


def period_years(agreement, today: datetime.date) -> str:
    """The years of an agreement's period as a title writes them ("2025", "2024–2025"): as
    written, else those of the dates it is counted with, else this year."""
    if agreement.first_year:
        return years_label(agreement.first_year, agreement.last_year)
    start, end = agreement.counted_period()
    if start and end:
        return years_label(start.year, end.year)
    return str((start or end or today).year)


def next_period(agreement, today: datetime.date) -> NextPeriod:
    """The period of the agreement or citizen promise that follows `agreement` (see the
    module)."""
    if agreement.first_year:
        last = agreement.last_year or agreement.first_year
        years = last - agreement.first_year + 1
        first = last + 1
        return NextPeriod(
            years, first_year=first, last_year=first + years - 1 if years > 1 else None
        )
    if agreement.valid_from and agreement.valid_until:
        # As many whole years as it takes to begin after this one ends: a period of three
        # and a half years (2019-12-20 – 2023-06-01) is followed by one four years later,
        # never by one that overlaps it.
        years = 1
        while agreement.valid_from + relativedelta(years=years) <= agreement.valid_until:
            years += 1
        later = relativedelta(years=years)
        return NextPeriod(
            years,
            valid_from=agreement.valid_from + later,
            valid_until=agreement.valid_until + later,
        )
    _start, end = agreement.counted_period()
    named_year = (end + datetime.timedelta(days=1)).year if end else today.year + 1
    if agreement.length_years:
        years = agreement.length_years
        return NextPeriod(years, length_years=years, named_year=named_year)
    return NextPeriod(1, first_year=named_year)
