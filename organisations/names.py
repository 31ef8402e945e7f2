"""How an organisation's name is written where only plain characters will do."""

from django.utils.text import slugify


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
