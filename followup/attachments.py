"""What may be attached to a follow-up entry or report, checked by content, not by name.

Documents: PDF, Word (.docx), Excel (.xlsx), OpenDocument text and spreadsheet (.odt,
.ods). Photos: JPEG, PNG and HEIC (an iPhone's, stored as JPEG). At most
ATTACHMENT_MAX_BYTES (10 MB unless configured). A file must be what its name says: a PDF
that a reader opens and finds pages in, an Office or OpenDocument file whose zip holds that
kind of document (and no macros), an image that Pillow reads whole in the format its name
gives. Old binary Office files (.doc, .xls), macro-enabled files and anything else are
refused.

A photo is stored re-encoded without its metadata: EXIF (with the GPS position, the camera
and the time), XMP and text chunks are left out, so a photo taken at a scene does not tell
where it was taken or by whom's phone; its orientation is applied to the pixels first, so
it still stands the right way up. A HEIC photo is stored as a JPEG (named .jpg), which
every browser and office program shows; pillow-heif reads it, registered with Pillow here.
"""

import hashlib
import warnings
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from samverkan.pdfs import RUNNABLE, read_pdf, shown_names

# The extension, the type the file is served as, and how its content is recognised.
KINDS = {
    ".pdf": ("application/pdf", "pdf"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "opendocument"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "opendocument"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
    ".heic": ("image/jpeg", "HEIF"),
    ".heif": ("image/jpeg", "HEIF"),
}
# Photos stored in another format than they came in, and the name's new extension.
STORED_AS_JPEG = {"HEIF": ".jpg"}
ACCEPT = ",".join(KINDS)
# More pixels than any phone's photo (about 50 megapixels): a larger image is refused
# before it is decoded, so a small file cannot unpack into gigabytes.
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 90
register_heif_opener()  # Image.open reads HEIC; only this module opens images
WRONG_CONTENT = _("The file is not a %(kind)s, whatever its name says.")


@dataclass
class CheckedFile:
    name: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def checked_file(upload) -> CheckedFile:
    """The upload as it will be stored (a photo cleaned), or ValidationError saying why not."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower()
    if extension not in KINDS:
        raise ValidationError(
            _(
                "Attach a PDF, Word, Excel or OpenDocument file (.pdf, .docx, .xlsx, .odt, "
                ".ods) or a photo (.jpg, .png, .heic)."
            ),
            code="wrong_type",
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    content_type, mark = KINDS[extension]
    if content_type.startswith("image/"):
        content = _cleaned_photo(content, mark, extension)
        if mark in STORED_AS_JPEG:
            name = PurePath(name).stem + STORED_AS_JPEG[mark]
    elif mark == "pdf":
        _check_pdf(content)
    else:
        _check_zipped_document(content, mark, content_type, extension)
    return CheckedFile(name=name[-200:], content_type=content_type, content=content)


def _lies(extension):
    return ValidationError(
        WRONG_CONTENT % {"kind": extension.lstrip(".").upper()}, code="wrong_content"
    )


def _check_pdf(content: bytes) -> None:
    pdf = read_pdf(content)
    if not pdf.pages:
        raise _lies(".pdf")
    # Office programs open a document at a page with the triggers; what runs is refused.
    if runnable := pdf.active & RUNNABLE:
        raise ValidationError(
            _(
                "The PDF contains scripts or embedded files (%(found)s), which an "
                "attachment may not have: save it again as an ordinary PDF."
            )
            % {"found": shown_names(runnable)},
            code="runnable_content",
        )


def _check_zipped_document(content, mark, content_type, extension) -> None:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = set(archive.namelist())
            if mark == "opendocument":
                fits = "mimetype" in names and archive.read("mimetype") == content_type.encode()
            else:
                fits = "[Content_Types].xml" in names and mark in names
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        fits = False
    if not fits:
        raise _lies(extension)
    if any(name.lower().endswith("vbaproject.bin") or "basic/" in name.lower() for name in names):
        raise ValidationError(
            _("The file contains macros, which are not kept here: save it without them."),
            code="macros",
        )


def _cleaned_photo(content: bytes, image_format: str, extension: str) -> bytes:
    """The photo re-encoded in its own format, upright, with no metadata but its colours."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as image:
                if image.format != image_format:
                    raise _lies(extension)
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        _("The photo has too many pixels: make it smaller."), code="too_large"
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                icc_profile = image.info.get("icc_profile")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise _lies(extension) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The photo has too many pixels: make it smaller."), code="too_large"
        ) from error
    output = BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format in ("JPEG", *STORED_AS_JPEG):
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(output, "JPEG", quality=JPEG_QUALITY, **options)
    else:
        upright.save(output, "PNG", **options)
    return output.getvalue()


def _limits_text() -> str:
    return gettext(
        "PDF, Word, Excel, OpenDocument, JPEG, PNG or HEIC, at most %(limit)s. Photos are "
        "stored without their location and camera data."
    ) % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}


_help_text = lazy(_limits_text, str)


class AttachmentField(forms.FileField):
    """A file to attach: checked (and a photo cleaned) as it is cleaned; the field's value is
    the upload, and `checked` on it is the CheckedFile to store."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Attach a document or photo"))
        kwargs.setdefault("help_text", _help_text())
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPT

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size"):
            upload.checked = checked_file(upload)
        return upload


class AttachmentForm(forms.Form):
    """One file to attach to an entry already saved or to a report."""

    file = AttachmentField()
