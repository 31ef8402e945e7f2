"""The words of the demo's current agreements that name their period, as their writers
would have put them (exchange/demo_current.py). Nästa period renames a period's years only
where that is unambiguous and points the writer to the rest (pages/period_texts.py); a
signed demo agreement for 2026–2027 that says "Samverkansöverenskommelsen gäller
2019-12-20 - 2023-06-01" in its print has skipped that step. Named year by year, so no
fact of the past is moved: the police reform of 2015 stays in 2015.

Each seed's passages as (its words, the current period's words): the period's first and
last year, its years as a title writes them, and the years before it (`before1` is the
year the agreement was written, the figures it cites come from `before2` and `before3`).
A period that follows an invented one finds that period's words and rewords them."""

from collections.abc import Iterator

PASSAGES = {
    "harnosand-2012": (
        ("gäller för 2012 och 2013", "gäller för {first} och {last}"),
        ("Under våren 2012", "Under våren {before1}"),
        (
            "Ett av målen för Härnösands kommun 2012 är att minska oron för brottslighet¹ "
            "jämfört med 2011.",
            "Ett av målen för Härnösands kommun {first} är att minska oron för brottslighet¹ "
            "jämfört med {before1}.",
        ),
        ("minskat i Härnösand under 2011", "minskat i Härnösand under {before1}"),
    ),
    "sandviken-2015": (
        (
            "löper till och med 31/12 2015 och därefter kalenderårsvis tills någon av "
            "parterna säger upp avtalet",
            # The demo's periods end (RenewalRule.FIXED_END), so that the next one follows.
            "löper från och med 1/1 {first} till och med 31/12 {last}",
        ),
    ),
    "sollentuna-2023": (
        (
            "löper från och med 2023-01-01 till och med 2026-12-31",
            "löper från och med {first}-01-01 till och med {last}-12-31",
        ),
    ),
    "strangnas-2020": (
        ("gäller 2019-12-20 - 2023-06-01", "gäller {first}-01-01 - {last}-12-31"),
        ("Handlingsplan 2020-2023", "Handlingsplan {years}"),
        ("jämför år 2017 med år 2018", "jämför år {before3} med år {before2}"),
        (
            "november 2017-april 2018 jämfört med november 2018 – april 2019",
            "november {before3}-april {before2} jämfört med november {before2} – april {before1}",
        ),
        (
            "november 2017-april 2018 till perioden november 2018 – april 2019",
            "november {before3}-april {before2} till perioden november {before2} – april {before1}",
        ),
        ('"Liv och hälsa ung" från 2017', '"Liv och hälsa ung" från {before3}'),
        (
            "Liv och hälsa ung-undersökningen från 2017",
            "Liv och hälsa ung-undersökningen från {before3}",
        ),
    ),
    "timra-2017": (
        (
            "från den 1 april 2017 – 31 december 2018",
            "från den 1 januari {first} – 31 december {last}",
        ),
    ),
}


class SeedTextChanged(Exception):
    """A passage is no longer in its seed's text: the table above needs the new words."""


def reword_period(agreement: dict, seed: str, before: range | None, now: range) -> None:
    """Every passage of `seed` in an agreement's texts (the exchange format) reworded for
    the years `now`; the words looked for are the seed's own, or with `before` those of
    the invented period of those years that the agreement was copied from. Raises
    SeedTextChanged when a passage is not found: a stale text would otherwise print."""
    passages = PASSAGES.get(seed, ())
    found = set()
    for strings, key in _texts(agreement):
        text = strings[key]
        for number, (seed_words, words) in enumerate(passages):
            old = seed_words if before is None else _worded(words, before)
            if old in text:
                text = text.replace(old, _worded(words, now))
                found.add(number)
        strings[key] = text
    if missing := [
        seed_words for number, (seed_words, _) in enumerate(passages) if number not in found
    ]:
        raise SeedTextChanged(f"{seed}: not found: {missing}")


def _worded(words: str, years: range) -> str:
    first, last = years.start, years.stop - 1
    return words.format(
        first=first,
        last=last,
        years=f"{first}–{last}" if last != first else str(first),
        before1=first - 1,
        before2=first - 2,
        before3=first - 3,
    )


def _texts(value) -> Iterator[tuple[dict | list, str | int]]:
    """Where each string of the document is, as (its dict or list, its key)."""
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in pairs:
        if isinstance(item, str):
            yield value, key
        elif isinstance(item, dict | list):
            yield from _texts(item)
