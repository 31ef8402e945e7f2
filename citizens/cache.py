"""The public page of a municipality's promises is read by many and changes seldom: it is
kept in Django's cache for PUBLIC_PAGE_SECONDS and forgotten at once when something is
published or taken off (publishing.py). What changes elsewhere without passing through
here (a row's status after a follow-up entry, an edited dialogue) shows within that time."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from organisations.models import OrganisationKind
from organisations.names import all_municipality_slugs

# How long a rendered public page is served from the cache, in seconds.
PUBLIC_PAGE_SECONDS = 60


def page_key(slug: str, language: str, what: str = "page") -> str:
    return f"citizens:{what}:{language}:{slug}"


def forget_public_pages(agreement) -> None:
    """Forget the cached pages and feeds of every municipality party to the agreement: now,
    and again once the change is committed, in case a reader cached the page as it was
    in between."""
    municipalities = agreement.parties.filter(
        organisation__kind=OrganisationKind.MUNICIPALITY
    ).values_list("organisation", flat=True)
    slugs = all_municipality_slugs()
    keys = [
        page_key(slugs[pk], language, what)
        for pk in municipalities
        for language, _label in settings.LANGUAGES
        for what in ("page", "feed")
    ]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
