"""How our pages load related rows they did not ask for.

In production a forgotten relation is fetched for all peers at once (FETCH_PEERS): one
query per relation instead of one per row. Tests turn on RAISE_ON_LAZY_FETCH so that any
lazy load fails the test, and the page's queries stay the ones it asked for.
"""

from django.conf import settings
from django.db import models


def page_fetch_mode():
    return models.FETCH_RAISE if settings.RAISE_ON_LAZY_FETCH else models.FETCH_PEERS
