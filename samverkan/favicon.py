"""/favicon.ico: browsers and crawlers ask for it whatever the page links (the pages link
the static favicon.svg), so it answers with a redirect to that file instead of a 404 (log
noise, and a 404 page sets a CSRF cookie). Temporary and cached for a day, not permanent:
the file's hashed name changes with the file."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

CACHE_SECONDS = 24 * 60 * 60


@require_safe
def favicon(request):
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
