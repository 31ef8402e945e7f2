"""What several test modules do: count a page's queries, read a PDF's text, remove the
demo's follow-up entries."""

import re
import shutil
import subprocess

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def pdf_text(content: bytes) -> str:
    """A PDF's text as pdftotext (poppler-utils) reads it, on one line."""
    result = subprocess.run(
        [shutil.which("pdftotext"), "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    # Words hyphenated at a line end (WeasyPrint's hyphens: auto) are joined again.
    text = " ".join(result.stdout.decode().split())
    return HYPHENATED.sub("", text)


# A hyphen between two lower-case letters at a line end: a word hyphenated by the printer.
HYPHENATED = re.compile(r"(?<=[a-zåäöé])- (?=[a-zåäöé])")


def pdf_words(content: bytes) -> str:
    """A PDF's text in drawing order, without spaces, line breaks or hyphens: what a test
    looks for survives any line breaking and hyphenation, and table cells stay whole."""
    result = subprocess.run(
        [shutil.which("pdftotext"), "-raw", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return squeeze(result.stdout.decode())


def squeeze(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def remove_follow_up_entries():
    """Entries refuse to be deleted (they are official records); a test that needs rows
    without them, as on a new installation, removes them below the model."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM followup_followupentry_participants")
        cursor.execute("UPDATE followup_followupentry SET corrects_id = NULL")
        cursor.execute("DELETE FROM followup_followupentry")
