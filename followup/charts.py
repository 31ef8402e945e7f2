"""An indicator's measurements as a line chart, drawn on the server as SVG.

The chart is a picture for those who see it: it has a title and a description that says
what it shows, and the page puts the same figures in a table beside it. The same chart goes
into the follow-up report's PDF (WeasyPrint draws inline SVG).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 40, 16, 36


@dataclass
class Point:
    day: datetime.date
    value: Decimal
    x: float = 0
    y: float = 0


@dataclass
class Line:
    """A horizontal line for the baseline or the target, with its label."""

    label: str
    y: float


@dataclass
class Tick:
    label: str
    position: float


@dataclass
class Chart:
    title: str
    description: str
    points: list[Point]
    lines: list[Line] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def as_number(value) -> str:
    return number_format(Decimal(value).normalize(), use_l10n=True, force_grouping=True)


def indicator_chart(indicator: dict) -> Chart:
    """`indicator` is a plain dict (see report.indicator_data): name, unit, direction text,
    baseline, target and measurements as (ISO date, value) pairs."""
    unit = indicator.get("unit") or ""
    points = [
        Point(datetime.date.fromisoformat(day), Decimal(value))
        for day, value in indicator["measurements"]
    ]
    values = [p.value for p in points]
    references = [
        (label, Decimal(indicator[key]))
        for key, label in (("baseline", _("baseline")), ("target", _("target")))
        if indicator.get(key) not in (None, "")
    ]
    low = min([*values, *(value for _l, value in references)], default=Decimal(0))
    high = max([*values, *(value for _l, value in references)], default=Decimal(1))
    low = min(low, Decimal(0))  # counts start at zero; a negative series shows below it
    if high == low:
        high = low + 1
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y_of(value: Decimal) -> float:
        return TOP + float((high - value) / (high - low)) * plot_height

    if points:
        first, last = points[0].day, points[-1].day
        span = max((last - first).days, 1)
        for point in points:
            offset = (point.day - first).days / span if len(points) > 1 else 0.5
            point.x, point.y = LEFT + offset * plot_width, y_of(point.value)
    chart = Chart(
        title=indicator["name"],
        description=describe(indicator, points, unit),
        points=points,
        lines=[Line(f"{label} {as_number(value)}", y_of(value)) for label, value in references],
    )
    chart.y_ticks = [
        Tick(as_number(low + (high - low) * step / 4), y_of(low + (high - low) * step / 4))
        for step in range(5)
    ]
    if points:
        shown = points if len(points) <= 6 else points[:: max(len(points) // 5, 1)]
        chart.x_ticks = [Tick(p.day.isoformat(), p.x) for p in shown]
    return chart


def describe(indicator, points, unit) -> str:
    """What the chart shows, in a sentence or two, for screen readers and the PDF."""
    unit_text = f" {unit}" if unit else ""
    parts = []
    if points:
        parts.append(
            _("%(count)s measurements from %(first)s to %(last)s: from %(start)s to %(end)s.")
            % {
                "count": len(points),
                "first": points[0].day.isoformat(),
                "last": points[-1].day.isoformat(),
                "start": as_number(points[0].value) + unit_text,
                "end": as_number(points[-1].value) + unit_text,
            }
        )
    else:
        parts.append(_("No measurements yet."))
    if indicator.get("baseline") not in (None, ""):
        parts.append(_("Baseline %(value)s.") % {"value": as_number(indicator["baseline"])})
    if indicator.get("target") not in (None, ""):
        parts.append(_("Target %(value)s.") % {"value": as_number(indicator["target"])})
    if indicator.get("direction_text"):
        parts.append(indicator["direction_text"].capitalize() + ".")
    return " ".join(parts)
