"""How an organisation's name is written where only plain characters will do."""

from django.utils.text import slugify


def name_slug(name: str) -> str:
    """'Upplands Väsby' → 'upplands-vasby': lower-case ASCII with hyphens, as in the demo
    users' names (samordnare.upplands-vasby) and the public pages' addresses
    (/medborgarloften/upplands-vasby/)."""
    return slugify(name)
