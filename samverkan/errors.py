"""The server error page, a friendlier one when the database cannot be reached, and the
405 page (403 and 404 are Django's own handlers with the templates 403.html and 404.html).

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

logger = logging.getLogger("samverkan")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


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
