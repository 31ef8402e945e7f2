"""What an uploaded PDF is: whether a reader opens it and finds pages, and whether it holds
content a PDF reader may run or open. One check for every upload that takes a PDF (a
signed scan, a prevention plan, an attachment); each decides what it accepts."""

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# What runs or opens something: scripts, programs to launch, forms that send data,
# embedded files and media. No document our users exchange needs them.
RUNNABLE = {
    "/JS",
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
}
# What starts an action on opening or on events. Documents made by office programs use
# them to open at a page; a scanned paper never has them.
TRIGGERS = {"/OpenAction", "/AA"}
# What pypdf raises on a damaged file: its own errors and others (seen with corrupted scans).
BROKEN_PDF = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError)
BROKEN_PDF += (RecursionError,)
# More objects than any scan or report has: a file with more is not read to the end.
MAX_PDF_OBJECTS = 100_000


class TooManyObjectsError(ValueError):
    pass


@dataclass(frozen=True)
class PdfFacts:
    pages: int  # 0: not a PDF, or one no reader opens
    active: frozenset[str]  # the names of RUNNABLE and TRIGGERS content found


def read_pdf(content: bytes) -> PdfFacts:
    if not content.startswith(b"%PDF-"):
        return PdfFacts(0, frozenset())
    try:
        reader = PdfReader(BytesIO(content))
        return PdfFacts(len(reader.pages), frozenset(active_content(reader)))
    except BROKEN_PDF:
        return PdfFacts(0, frozenset())


def active_content(reader: PdfReader) -> set[str]:
    """The names of active content anywhere in the PDF: in what the trailer reaches and in
    every numbered object, reachable or not, as pypdf reads them (names decoded, object
    streams unpacked; page contents are not decompressed, as they cannot hold actions)."""
    wanted = RUNNABLE | TRIGGERS
    found = set()
    seen = set()
    pending = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending += [IndirectObject(number, generation, reader) for number in numbers]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    while pending:
        value = pending.pop()
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise TooManyObjectsError
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            found |= wanted.intersection(value.keys())
            pending += value.values()
        elif isinstance(value, ArrayObject):
            pending += value
        elif isinstance(value, NameObject) and value in wanted:
            found.add(str(value))
    return found


def shown_names(names) -> str:
    """The names found, as a message shows them: "JavaScript, OpenAction"."""
    return ", ".join(sorted(name.lstrip("/") for name in names))
