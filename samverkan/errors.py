"""The server error page, a friendlier one when the database cannot be reached, the 404
page and the 405 page (403 is Django's own handler with the template 403.html).

The 404 page is Django's own (404.html, the internal app's page) unless the address lies
under a prefix an app has given a page of its own (`not_found_page`): the public pages of
citizen promises (citizens/apps.py) answer in their own look, without a cookie.

Django calls handler500 while it handles the exception, so the exception is at hand. When it
is the database that is gone (stopped, restarting, the network to it down) the user gets
503 with Retry-After and words that say it will pass; each new request opens a new
connection (CONN_HEALTH_CHECKS drops dead ones), so the app recovers by itself.
Neither page touches the database: they are rendered without the request's context.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseNotAllowed, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger("samverkan")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

# Path prefix ("/medborgarloften/") -> the template of its 404 page, given by the app that
# owns the addresses (an app above this one: it registers, this module imports none).
NOT_FOUND_PAGES: dict[str, str] = {}


def not_found_page(prefix: str, template_name: str) -> None:
    """Answer a 404 under `prefix` (a path from the site's root, e.g. "/medborgarloften/")
    with `template_name` instead of 404.html."""
    NOT_FOUND_PAGES[prefix] = template_name


def page_not_found(request, exception):
    for prefix, template_name in NOT_FOUND_PAGES.items():
        if request.path_info.startswith(prefix):
            return render(request, template_name, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        logger.error("Database unavailable: %s", exception)
        response = HttpResponseServerError(render_to_string("503.html"))
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(render_to_string("500.html"))


class MethodNotAllowedMiddleware:
    """Django has no handler for 405: a view that refuses a method returns an empty
    HttpResponseNotAllowed. This gives it the site's page, keeping its Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
