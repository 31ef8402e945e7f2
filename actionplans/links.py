"""What a row of the action plan page says of the chain from problem to result
(pages/chain.py): the problems of the problem picture it addresses and the indicators that
measure it (its own, and its focus area's).

Read inside the query of the rows, as correlated subqueries each giving one text per row,
so the plan page runs no more queries however many rows it has (docs/performance.md). The
indicators are reached through the rows' and focus areas' reverse relation `indicators`:
followup sits above this app and is not imported.
"""

from dataclasses import dataclass

from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat, Replace, Substr

from agreements.models import FocusArea

# Between a link's id and its words, and between links: control characters no one types,
# taken out of the words besides.
UNIT, RECORD = "\x1f", "\x1e"
# The first characters of a problem's text, which the row shows.
SHOWN_CHARACTERS = 80

# An indicator's id, its order (twice: positions are unique in an agreement), its name.
INDICATORS = (
    "indicators__pk",
    ("indicators__position", "indicators__position"),
    "indicators__name",
)

LINK_FIELDS = ("problem_links", "row_indicator_links", "area_indicator_links")


def _joined(id_field: str, order_fields: tuple[str, str], text_field: str) -> StringAgg:
    """One text of records "id, two order numbers, words": not every database orders an
    aggregate (SQLite before 3.44), so the records are ordered when read (`_parsed`)."""
    words = Replace(
        Replace(Substr(text_field, 1, SHOWN_CHARACTERS), Value(RECORD), Value(" ")),
        Value(UNIT),
        Value(" "),
    )
    parts = [id_field, *order_fields]
    return StringAgg(
        Concat(
            *(piece for name in parts for piece in (Cast(name, CharField()), Value(UNIT))),
            words,
            output_field=CharField(),
        ),
        delimiter=Value(RECORD),
    )


def with_links(rows):
    """The rows with their problems and indicators as texts (`LINK_FIELDS`), for
    `ActionItem.objects.shown_in_table(*LINK_FIELDS)` and `Links.of`."""
    problems = (
        rows.model.problem_items.through.objects.filter(actionitem_id=OuterRef("pk"))
        .values("actionitem_id")
        .annotate(
            links=_joined(
                "problemitem_id",
                ("problemitem__area__position", "problemitem__position"),
                "problemitem__text",
            )
        )
        .values("links")
    )
    own = (
        rows.model.objects.filter(pk=OuterRef("pk"), indicators__isnull=False)
        .values("pk")
        .annotate(links=_joined(*INDICATORS))
        .values("links")
    )
    of_area = (
        FocusArea.objects.filter(pk=OuterRef("focus_area_id"), indicators__isnull=False)
        .values("pk")
        .annotate(links=_joined(*INDICATORS))
        .values("links")
    )
    return rows.annotate(
        problem_links=Subquery(problems),
        row_indicator_links=Subquery(own),
        area_indicator_links=Subquery(of_area),
    )


@dataclass(frozen=True)
class Link:
    pk: int
    text: str


@dataclass(frozen=True)
class Links:
    problems: tuple[Link, ...]
    indicators: tuple[Link, ...]

    @classmethod
    def of_rows(cls, rows) -> "Links":
        """The links of the one row of `rows`, in one query."""
        (row,) = with_links(rows).values(*LINK_FIELDS)
        return cls.of(row)

    @classmethod
    def of(cls, row: dict) -> "Links":
        """A row's links from its dict (`with_links`): the indicators of the row first."""
        indicators = _parsed(row["row_indicator_links"]) + _parsed(row["area_indicator_links"])
        return cls(_parsed(row["problem_links"]), indicators)


def _parsed(text: str | None) -> tuple[Link, ...]:
    if not text:
        return ()
    found = []
    for record in text.split(RECORD):
        numbers, words = record.split(UNIT)[:3], record.split(UNIT, 3)[3:]
        if len(numbers) == 3 and all(number.isdigit() for number in numbers) and words:
            shown = words[0] if len(words[0]) < SHOWN_CHARACTERS else words[0].rstrip() + "…"
            pk, first, second = (int(number) for number in numbers)
            found.append(((first, second, pk), Link(pk, shown)))
    return tuple(link for _order, link in sorted(found))
