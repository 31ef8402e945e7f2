"""What the demo's measurable goals of the current period have measured so far
(exchange/demo_current.py): **invented**, as the rest of that period. Copying the seed
leaves a goal without measurements (they belong to the seed's period), so its chart would
be empty on the follow-up page, in the report and its PDF.

A goal starts from its baseline on the day before the period began and has a value at the
end of every third month before today (two or three within the year), each nearer its
target, as far along as the time gone by, but a little behind, as work goes. All dated
from the day `load_demo` runs, the same each time on that day.
"""

import datetime
from decimal import Decimal

# The months before today's whose last day a value is measured on, earliest first.
MONTHS_BEFORE = (8, 5, 2)
# How far along the way to its target a goal is, of the time gone by to its target date.
PACE = Decimal("0.9")


def measure_indicators(data: dict, start: datetime.date, today: datetime.date) -> None:
    """Baseline dates and measurements for the document's goals (exchange format), for
    the period beginning on `start`."""
    baseline_on = start - datetime.timedelta(days=1)
    days = [day for day in map(_month_end_before(today), MONTHS_BEFORE) if day >= start]
    for indicator in data.get("indicators", []):
        indicator["baseline_on"] = baseline_on.isoformat()
        first = Decimal(indicator.get("baseline") or indicator.get("target") or 0)
        last = Decimal(indicator.get("target") or first)
        target_on = _date(indicator.get("target_on")) or today
        indicator["measurements"] = [
            {
                "measured_on": day.isoformat(),
                "value": str(_value(first, last, _fraction(baseline_on, day, target_on))),
            }
            for day in days or [today]
        ]


def _month_end_before(today: datetime.date):
    """The last day of the month `months` before today's."""

    def month_end(months: int) -> datetime.date:
        month = today.year * 12 + today.month - 1 - months
        first_after = datetime.date(month // 12, month % 12 + 1, 1) + datetime.timedelta(days=31)
        return first_after.replace(day=1) - datetime.timedelta(days=1)

    return month_end


def _fraction(baseline_on, day, target_on) -> Decimal:
    """How much of the time from the baseline to the target date has gone by on `day`."""
    whole = (target_on - baseline_on).days
    if whole <= 0:
        return Decimal(1)
    return min(Decimal((day - baseline_on).days) / whole, Decimal(1))


def _value(first: Decimal, last: Decimal, fraction: Decimal) -> Decimal:
    """The value measured `fraction` of the way, at PACE; whole numbers stay whole."""
    value = first + (last - first) * fraction * PACE
    if first == first.to_integral_value() and last == last.to_integral_value():
        return value.to_integral_value()
    return value.quantize(Decimal("0.01"))


def _date(text):
    return datetime.date.fromisoformat(text) if text else None
