"""Ids read from a page's query string (`?fokusomrade=3`), which anyone can type."""

from django.http import Http404

# A bigint holds 19 digits; anything longer names no row.
MAX_ID_DIGITS = 18


def query_id(request, name: str) -> int | None:
    """The id in query parameter `name`; None when it is absent or empty; 404 when it is
    not a whole number (`abc`, `-1`, a NUL byte, twenty digits)."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_ID_DIGITS:
        raise Http404
    return int(value)
