"""What a row of the action plan page says of the chain from problem to result
(pages/chain.py): the problems of the problem picture it addresses and the indicators that
measure it (its own, and its focus area's).

Read in the query that reads the rows' responsibilities, as more lines of it (a UNION ALL),
so the plan page runs no more queries however many rows it has, and each part is one index
lookup for all rows (docs/performance.md). Each line is (row, id, words, "", "", kind,
order), the shape of a responsibility's line, `kind` in the role's column. The indicators
are reached through the rows' and focus areas' reverse relation `indicators`: followup sits
above this app and is not imported.
"""

from dataclasses import dataclass, field

from django.db.models import CharField, ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Substr

from agreements.models import FocusArea

# The first characters of a problem's text or an indicator's name, which the row shows.
SHOWN_CHARACTERS = 80
# In the role's column: never a role (ResponsibilityRole's values have no "~").
PROBLEM, OWN_INDICATOR, AREA_INDICATOR = "~problem", "~indicator", "~area-indicator"
KINDS = (PROBLEM, OWN_INDICATOR, AREA_INDICATOR)


@dataclass(frozen=True)
class Link:
    pk: int
    text: str


@dataclass
class Links:
    problems: list[Link] = field(default_factory=list)
    indicators: list[Link] = field(default_factory=list)


def _line(queryset, row: str, pk: str, words: str, kind: str, order):
    shown = Substr(words, 1, SHOWN_CHARACTERS + 1)
    return (
        queryset.order_by()
        .annotate(
            link_row=F(row),
            link_pk=F(pk),
            link_words=shown,
            link_blank=Value("", output_field=CharField()),
            link_also_blank=Value("", output_field=CharField()),
            link_kind=Value(kind, output_field=CharField()),
            link_order=order,
        )
        .values_list(
            "link_row",
            "link_pk",
            "link_words",
            "link_blank",
            "link_also_blank",
            "link_kind",
            "link_order",
        )
    )


def link_lines(model, row_ids):
    """The lines of the rows' links (`row_ids` a subquery of ActionItem ids; `model` is
    ActionItem), in the responsibilities' shape, for a UNION ALL with them."""
    problems = _line(
        model.problem_items.through.objects.filter(actionitem_id__in=row_ids),
        "actionitem_id",
        "problemitem_id",
        "problemitem__text",
        PROBLEM,
        # The problem picture's order: the area's, then the problem's within it.
        ExpressionWrapper(
            F("problemitem__area__position") * 100_000 + F("problemitem__position"),
            output_field=IntegerField(),
        ),
    )
    own = _line(
        model.objects.filter(pk__in=row_ids, indicators__isnull=False),
        "pk",
        "indicators__pk",
        "indicators__name",
        OWN_INDICATOR,
        F("indicators__position"),
    )
    # The focus area's id in the row's column: the rows of that area get them (`collect`).
    of_areas = _line(
        FocusArea.objects.filter(
            pk__in=model.objects.filter(pk__in=row_ids).values("focus_area_id"),
            indicators__isnull=False,
        ),
        "pk",
        "indicators__pk",
        "indicators__name",
        AREA_INDICATOR,
        F("indicators__position"),
    )
    return problems, own, of_areas


def collect(rows: list[dict], lines) -> None:
    """Each row's `links` from the link lines (ordered by row and order), the row's own
    indicators before its focus area's."""
    by_id = {row["id"]: row for row in rows}
    of_area: dict[int, list[Link]] = {}
    for row in rows:
        row["links"] = Links()
    for row_id, pk, words, _blank, _also_blank, kind, _order in lines:
        shown = words if len(words) <= SHOWN_CHARACTERS else words[:SHOWN_CHARACTERS] + "…"
        link = Link(pk, shown)
        if kind == AREA_INDICATOR:
            of_area.setdefault(row_id, []).append(link)
        elif kind == PROBLEM:
            by_id[row_id]["links"].problems.append(link)
        else:
            by_id[row_id]["links"].indicators.append(link)
    for row in rows:
        row["links"].indicators += of_area.get(row["focus_area_id"], [])
