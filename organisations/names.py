"""How an organisation's name is written where only plain characters will do."""

from django.utils.text import slugify

from .models import Organisation


def name_slug(name: str) -> str:
    """'Upplands Väsby' → 'upplands-vasby': lower-case ASCII with hyphens, as in the demo
    users' names (samordnare.upplands-vasby) and the public pages' addresses
    (/medborgarloften/upplands-vasby/)."""
    return slugify(name)


AREA_PREFIX = "Lokalpolisområde "


def police_area_slug(name: str) -> str:
    """'Lokalpolisområde Sollentuna' → 'sollentuna': the area's own name, written as
    `name_slug` writes it, for /polisomraden/<slug>/."""
    return name_slug(name.removeprefix(AREA_PREFIX))


def municipality_slugs(municipalities) -> dict[int, str]:
    """id → the address of each municipality's page, from (id, name, kommunkod) of every
    municipality: `name_slug`, except where two names are written the same (Håbo and
    Habo are both 'habo'): then each has its kommunkod after it ('habo-0305' and
    'habo-0643'), so that neither address leads to the other municipality."""
    rows = list(municipalities)
    written = {}
    for _pk, name, _code in rows:
        slug = name_slug(name)
        written[slug] = written.get(slug, 0) + 1
    return {
        pk: name_slug(name) if written[name_slug(name)] == 1 else f"{name_slug(name)}-{code}"
        for pk, name, code in rows
    }


def municipality_slug(municipality) -> str:
    """The address of one municipality's pages (`municipality_slugs`), in one query."""
    return all_municipality_slugs()[municipality.pk]


def all_municipality_slugs() -> dict[int, str]:
    """`municipality_slugs` of every municipality, in one query."""
    return municipality_slugs(
        Organisation.objects.municipalities().values_list("pk", "name", "kommunkod")
    )
