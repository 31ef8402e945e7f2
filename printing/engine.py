"""The engine: PDFs with WeasyPrint, from HTML print templates and the print stylesheet.

WeasyPrint fetches what a page links to; here it may fetch only the project's own static
files, exactly as the site serves them: with DEBUG off, the static storage's collected
files under their hashed names (css/print.<hash>.css, as {% static %} writes them); in
development, the files the development server finds. Any other address (file://, http://,
a path outside static/) is refused, so a value typed into a text field can never make the
PDF read a file from the server or reach the network.
"""

import mimetypes
import re
import threading
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.templatetags.static import static
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

# The address print templates are rendered against: {% static %} paths resolve under it.
BASE_URL = "https://samverkan.invalid/"


def static_file(name: str) -> bytes | None:
    """The bytes the site serves at STATIC_URL + name, or None.

    With collectstatic's manifest (production), the storage's own file: its hashed names
    are the ones {% static %} writes, and its style sheets name the hashed fonts. Without
    it (development), the file the finders find, as the development server does."""
    if ".." in name.split("/"):
        return None
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        try:
            if not staticfiles_storage.exists(name):
                return None
        except SuspiciousFileOperation:
            return None
        with staticfiles_storage.open(name) as file:
            return file.read()
    found = finders.find(name)
    if not found:
        return None
    with open(found, "rb") as file:
        return file.read()


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
        body = static_file(relative)
        if body is None:
            raise URLFetchingError(f"No such static file: {relative}")
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


# What a signed version is printed as: PDF/A-3a, an archival PDF (fonts embedded, colours
# defined, nothing fetched when opened) that is also tagged (level a: the structure of
# headings, lists and tables, for screen readers) and that may carry attachments, so the
# version's own data travels inside its paper. PDF/UA-1 alone is accessible but not archival;
# PDF/A-2a is archival and tagged but allows only PDF/A files as attachments.
ARCHIVAL_VARIANT = "pdf/a-3a"


# Swedish hyphenation (hyphens: auto) of one unbroken run of letters takes time that grows
# much faster than its length: 2 000 letters 10 s, 5 000 letters 150 s. A run that long is
# never a real word (it is a pasted line or someone testing the form), so a zero-width
# space every CHUNK letters gives it break opportunities: 100 000 letters then print in 4 s.
LONG_RUN = 60
CHUNK = 30
ZERO_WIDTH_SPACE = "\u200b"
_TEXT = re.compile(r"(<style\b.*?</style>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
_CHARACTER = re.compile(r"&#?\w+;|.", re.DOTALL)


def break_long_runs(html: str) -> str:
    """The HTML with zero-width spaces in runs of LONG_RUN or more characters in its text
    (not in tags, attributes or style sheets)."""

    def split_run(match):
        # An entity such as &amp; is one character and is never cut.
        characters = _CHARACTER.findall(match.group(0))
        chunks = ("".join(characters[i : i + CHUNK]) for i in range(0, len(characters), CHUNK))
        return ZERO_WIDTH_SPACE.join(chunks)

    parts = _TEXT.split(html)
    for index in range(0, len(parts), 2):  # even parts are text between tags
        parts[index] = _LONG_RUN.sub(split_run, parts[index])
    return "".join(parts)


# The print stylesheet every print template links, and where its link is.
PRINT_STYLESHEET = "css/print.css"
_LINK = '<link rel="stylesheet" href="{}">'


class PrintStyle:
    """The fonts and the parsed print stylesheet, made once per thread and reused by each
    render on it: loading the fonts of fonts.css and parsing print.css took about 0.4 s of
    every render. WeasyPrint reuses both safely: a FontConfiguration keeps the @font-face
    fonts it has loaded, and a parsed CSS object is only read while a document is styled.
    Per thread, as neither is made to be shared between threads.

    The stylesheet is given to WeasyPrint as a parsed user stylesheet instead of the
    template's <link>; it has no !important rule and the templates no other style, so the
    cascade is the same. A process keeps the stylesheet it parsed first: after editing
    print.css or fonts.css in development, restart the worker (production's collected
    files have new hashed names, and then a new style is made)."""

    _local = threading.local()

    def __init__(self, url: str):
        self.url = url
        self.fonts = FontConfiguration()
        self.stylesheet = CSS(url=url, url_fetcher=StaticFilesOnly(), font_config=self.fonts)

    @classmethod
    def current(cls) -> "PrintStyle":
        """This thread's style for the stylesheet's address now (a new deployment's
        collected files have new hashed names, and then a new style is made)."""
        url = urljoin(BASE_URL, static(PRINT_STYLESHEET))
        style = getattr(cls._local, "style", None)
        if style is None or style.url != url:
            style = cls._local.style = cls(url)
        return style

    def link(self) -> str:
        """The template's <link> to this stylesheet, as {% static %} writes it."""
        return _LINK.format(urlsplit(self.url).path)


def render_pdf(html: str, *, variant: str | None = None, attachments=()) -> bytes:
    """The PDF of a print template's HTML; its <title>, <meta> and lang become the metadata.

    `attachments` are (name, description, bytes) embedded in the file."""
    html = break_long_runs(html)
    style = PrintStyle.current()
    stylesheets = []
    if style.link() in html:
        html = html.replace(style.link(), "", 1)
        stylesheets.append(style.stylesheet)
    fetcher = StaticFilesOnly()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    files = [
        Attachment(string=content, name=name, description=description, url_fetcher=fetcher)
        for name, description, content in attachments
    ]
    return document.write_pdf(
        stylesheets=stylesheets,
        pdf_variant=variant,
        attachments=files,
        font_config=style.fonts,
    )
