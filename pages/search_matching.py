"""How Sök matches (pages/search.py, docs/search.md): PostgreSQL's full-text search in
Swedish, or SQLite's case-folded LIKE, over some fields of a queryset; and the snippet of a
hit with its words marked, escaped."""

import re
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import NullIf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "swedish"
SEPARATOR = " · "  # between the fields of a hit in its snippet
# A database made with the C locale (as `initdb` does by default) folds only A–Z to lower
# case, in lower() and in the full-text parser alike; these capitals are folded here.
CAPITALS, SMALL = "ÅÄÖÉÈÜÆØ", "åäöéèüæø"
# Where a hit begins and ends in a snippet, before it is escaped and given <mark>: two
# characters of Unicode's private use area, which no Swedish text needs.
START, STOP = "\ue000", "\ue001"
MARKS = re.compile(f"([{START}{STOP}])")
# A word: letters and digits, nothing PostgreSQL's query syntax reads as an operator.
WORD = re.compile(r"[^\W_]+")
# websearch's operators: a phrase in quotes, "or", a word left out with a leading minus.
OPERATORS = re.compile(r'"|(?:^|\s)-|\bor\b', re.IGNORECASE)


def wanted_words(text: str) -> list[str]:
    """The words searched for, without those left out (-word)."""
    return [
        word for token in text.split() if not token.startswith("-") for word in WORD.findall(token)
    ]


def left_out_words(text: str) -> list[str]:
    return [word for token in text.split() if token.startswith("-") for word in WORD.findall(token)]


def document(fields) -> Func:
    """The kind's fields as one text for PostgreSQL's headline, the empty ones left out."""
    return Func(
        Value(SEPARATOR),
        *(NullIf(F(name), Value("")) for name in fields),
        function="concat_ws",
        output_field=TextField(),
    )


def plain_document(fields, obj) -> str:
    """The same in Python, for SQLite's snippet, from the object and what it was loaded
    with (the kind's `related`)."""
    texts = []
    for name in fields:
        value = obj
        for attribute in name.split("__"):
            value = getattr(value, attribute)
        texts.append(value)
    return SEPARATOR.join(text for text in texts if text)


def postgresql_query(text: str) -> SearchQuery:
    """The text as websearch reads it ("a phrase", or, -word), and, when it uses none of
    that, also each word as the beginning of a word, stemmed: "Eskilst" finds
    "Eskilstuna"."""
    text = text.lower()
    query = SearchQuery(text, config=CONFIG, search_type="websearch")
    words = wanted_words(text)
    if words and not OPERATORS.search(text):
        prefixes = " & ".join(f"'{word}':*" for word in words)
        query |= SearchQuery(prefixes, config=CONFIG, search_type="raw")
    return query


def folded(name: str) -> Func:
    """The field with Swedish capitals in lower case, whatever the database's locale."""
    return Func(
        F(name), Value(CAPITALS), Value(SMALL), function="translate", output_field=TextField()
    )


def matching_in_postgresql(queryset, fields, order, text: str):
    query = postgresql_query(text)
    weights = "ABCD"
    vector = reduce(
        lambda one, other: one + other,
        (
            SearchVector(folded(name), config=CONFIG, weight=weights[min(index, 3)])
            for index, name in enumerate(fields)
        ),
    )
    headline = SearchHeadline(
        document(fields),
        query,
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=24,
        min_words=10,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    return (
        queryset.annotate(found=vector)
        .filter(found=query)
        .annotate(rank=SearchRank(vector, query), headline=headline)
        .order_by("-rank", *order)
    )


class Casefold(Func):
    """Python's str.casefold in SQLite (registered in `register_casefold`): SQLite's
    lower() and LIKE fold only A–Z, so "ÅTGÄRD" would not find "åtgärd"."""

    function = "samverkan_casefold"
    output_field = TextField()


def register_casefold(sender, connection, **kwargs):
    """On each new SQLite connection (the signal connection_created, see PagesConfig)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            Casefold.function,
            1,
            lambda value: value.casefold() if isinstance(value, str) else value,
            deterministic=True,
        )


def matching_in_sqlite(queryset, fields, order, text: str):
    folded = {f"folded_{index}": Casefold(name) for index, name in enumerate(fields)}
    queryset = queryset.alias(**folded)

    def anywhere(word):
        needle = word.casefold()
        return reduce(or_, (Q(**{f"{name}__contains": needle}) for name in folded))

    for word in wanted_words(text):
        queryset = queryset.filter(anywhere(word))
    for word in left_out_words(text):
        queryset = queryset.exclude(anywhere(word))
    return queryset.order_by(*order)


def plain_headline(text: str, words: list[str], width: int = 200) -> str:
    """SQLite's snippet: the text around the first word found, each word found marked."""
    text = " ".join(text.split())
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)),
        re.IGNORECASE,
    )
    first = pattern.search(text)
    start = 0 if first is None or first.start() < width // 3 else first.start() - width // 4
    if start:
        start = text.find(" ", start) + 1 or start
    end = len(text) if len(text) <= start + width else text.rfind(" ", start, start + width)
    end = end if end > start else start + width
    piece = pattern.sub(lambda match: START + match.group(0) + STOP, text[start:end])
    return ("… " if start else "") + piece + (" …" if end < len(text) else "")


def marked_html(snippet: str) -> SafeString:
    """The snippet escaped, its hits in <mark>. Stored text may hold the markers too: a
    mark is opened only when none is open and closed only when one is, so the markup
    stays whole whatever the text holds."""
    parts, open_mark = [], False
    for piece in MARKS.split(" ".join((snippet or "").split())):
        if piece == START:
            if not open_mark:
                parts.append("<mark>")
            open_mark = True
        elif piece == STOP:
            if open_mark:
                parts.append("</mark>")
            open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped
