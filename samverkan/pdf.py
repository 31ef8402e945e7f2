"""PDFs with WeasyPrint, from HTML print templates and the project's print stylesheet.

WeasyPrint fetches what a page links to; here it may fetch only the project's own static
files, found the way `collectstatic` finds them. Any other address (file://, http://, a
path outside static/) is refused, so a value typed into a text field can never make the
PDF read a file from the server or reach the network.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

# The address print templates are rendered against: {% static %} paths resolve under it.
BASE_URL = "https://samverkan.invalid/"


class StaticFilesOnly(URLFetcher):
    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        prefix = "/" + urlsplit(settings.STATIC_URL).path.lstrip("/")
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
            prefix
        ):
            raise URLFetchingError(f"Only the project's static files may be used: {url}")
        relative = unquote(parts.path.removeprefix(prefix))
        found = finders.find(relative) if ".." not in relative.split("/") else None
        if not found:
            raise URLFetchingError(f"No such static file: {relative}")
        with open(found, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def render_pdf(html: str) -> bytes:
    """The PDF of a print template's HTML; its <title> and lang become the metadata."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())
    return document.write_pdf()
