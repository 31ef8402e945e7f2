"""What a row of the action plan page says of the chain from problem to result
(pages/chain.py): the problems of the problem picture it addresses and the indicators that
measure it (its own, and its focus area's).

Read in one query for all rows (`link_sql`, written as SQL), so the plan page runs as
many queries however many rows it has, and each part is one index lookup for all rows
(docs/performance.md). Each line is (row, id, words, "", "", kind, order). The indicators'
table is found through the rows' and focus areas' reverse relation `indicators`: followup
sits above this app and is not imported.
"""

from dataclasses import dataclass, field

from django.db import connection

# The first characters of a problem's text or an indicator's name, which the row shows.
SHOWN_CHARACTERS = 80
# In the role's column: never a role (ResponsibilityRole's values have no "~").
PROBLEM, OWN_INDICATOR, AREA_INDICATOR = "~problem", "~indicator", "~area-indicator"
# A row someone else logged since the user's visit began (agreements/models/visits.py).
NEW_ENTRIES = "~new"
KINDS = (PROBLEM, OWN_INDICATOR, AREA_INDICATOR, NEW_ENTRIES)


@dataclass(frozen=True)
class Link:
    pk: int
    text: str


@dataclass
class Links:
    problems: list[Link] = field(default_factory=list)
    indicators: list[Link] = field(default_factory=list)


def link_sql(model, row_ids: tuple[str, tuple], news=None) -> tuple[str, list]:
    """The rows' link lines as SQL (`row_ids`: the SQL and parameters of a subquery of
    ActionItem ids; `model` is ActionItem). Written out once rather than built as three
    querysets: compiling those on every plan page cost more than running them (3.6 of
    4.4 ms for 500 rows, docs/performance.md). The tables and columns are the models' own
    names. `news` = (since, user id) adds a line for each row with follow-up entries
    someone else recorded after `since`: a grouped lookup for all rows, cheaper than a
    subquery per row in the rows' query (docs/performance.md)."""
    ids, ids_params = row_ids
    meta = model._meta
    through = meta.get_field("problem_items").remote_field.through._meta
    problem = meta.get_field("problem_items").related_model._meta
    area = problem.get_field("area").related_model._meta
    indicator = meta.get_field("indicators").related_model._meta
    quote = connection.ops.quote_name

    def column(model_meta, name):
        return quote(model_meta.get_field(name).column)

    row_column = column(through, meta.model_name)
    problem_column = column(through, problem.model_name)
    shown = SHOWN_CHARACTERS + 1
    text, area_id = column(problem, "text"), column(problem, "area")
    # Only model metadata and Django's own compiled subquery go into the text; values are
    # parameters.
    sql = (
        f"SELECT l.{row_column}, l.{problem_column}, SUBSTR(p.{text}, 1, {shown}),"  # noqa: S608
        f" '', '', '{PROBLEM}',"
        f" a.{column(area, 'position')} * 100000 + p.{column(problem, 'position')}"
        f" FROM {quote(through.db_table)} l"
        f" INNER JOIN {quote(problem.db_table)} p"
        f" ON p.{column(problem, 'id')} = l.{problem_column}"
        f" INNER JOIN {quote(area.db_table)} a ON a.{column(area, 'id')} = p.{area_id}"
        f" WHERE l.{row_column} IN ({ids})"
        " UNION ALL"
        f" SELECT i.{column(indicator, 'item')}, i.{column(indicator, 'id')},"
        f" SUBSTR(i.{column(indicator, 'name')}, 1, {shown}), '', '', '{OWN_INDICATOR}',"
        f" i.{column(indicator, 'position')}"
        f" FROM {quote(indicator.db_table)} i WHERE i.{column(indicator, 'item')} IN ({ids})"
        " UNION ALL"
        # The focus area's id in the row's column: the rows of that area get them (`collect`).
        f" SELECT i.{column(indicator, 'focus_area')}, i.{column(indicator, 'id')},"
        f" SUBSTR(i.{column(indicator, 'name')}, 1, {shown}), '', '', '{AREA_INDICATOR}',"
        f" i.{column(indicator, 'position')}"
        f" FROM {quote(indicator.db_table)} i WHERE i.{column(indicator, 'focus_area')} IN"
        f" (SELECT r.{column(meta, 'focus_area')} FROM {quote(meta.db_table)} r"
        f" WHERE r.{column(meta, 'id')} IN ({ids}))"
    )
    params = [*ids_params, *ids_params, *ids_params]
    if news is not None:
        since, user_id = news
        entry = meta.get_field("follow_up_entries").related_model._meta
        item, author = column(entry, "item"), column(entry, "author")
        sql += (
            f" UNION ALL SELECT e.{item}, MIN(e.{column(entry, 'id')}), '', '', '',"  # noqa: S608
            f" '{NEW_ENTRIES}', 0 FROM {quote(entry.db_table)} e WHERE e.{item} IN ({ids})"
            f" AND e.{column(entry, 'created_at')} > %s"
            f" AND (e.{author} IS NULL OR e.{author} <> %s) GROUP BY e.{item}"
        )
        params += [*ids_params, connection.ops.adapt_datetimefield_value(since), user_id]
    return sql, params


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
        if kind == NEW_ENTRIES:
            by_id[row_id]["has_new_entries"] = True
            continue
        if kind == AREA_INDICATOR:
            of_area.setdefault(row_id, []).append(link)
        elif kind == PROBLEM:
            by_id[row_id]["links"].problems.append(link)
        else:
            by_id[row_id]["links"].indicators.append(link)
    for row in rows:
        row["links"].indicators += of_area.get(row["focus_area_id"], [])
