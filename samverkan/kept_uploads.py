"""A rejected form keeps the files it was sent: a form shown again for a mistake in another
field (a signature's date) holds each valid upload in a temporary file, named in the form
by a signed token, so that the user need not choose the file again.

The token is signed with SECRET_KEY (django.core.signing), names the form's purpose and the
user it was given to, and expires after KEPT_UPLOAD_MAX_AGE: a forged, altered, expired or
borrowed token is refused with a message beside the field. The files lie under MEDIA_ROOT
in kept-uploads/ (never served); a file is removed once its form is saved, and any left
behind is removed when the next file is kept after it has expired.
"""

import datetime
import secrets

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEPT_UPLOAD_MAX_AGE = datetime.timedelta(hours=24)
DIRECTORY = "kept-uploads"
SALT = "samverkan.kept_uploads"
REFUSED = _(
    "The file kept from before cannot be used (it has expired or was altered): choose it again."
)


def keep(upload, *, owner: str, purpose: str) -> str:
    """Store the upload for a while; the signed token that gives it back."""
    _remove_expired()
    upload.seek(0)
    stored = default_storage.save(
        f"{DIRECTORY}/{secrets.token_urlsafe(16)}", ContentFile(upload.read())
    )
    upload.seek(0)
    payload = {
        "file": stored,
        "name": upload.name,
        "type": getattr(upload, "content_type", "") or "",
        "owner": owner,
        "purpose": purpose,
    }
    return signing.dumps(payload, salt=SALT)


def kept(token: str, *, owner: str, purpose: str) -> SimpleUploadedFile:
    """The upload the token names, as if sent again; ValidationError when it is refused."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=KEPT_UPLOAD_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is one too
        raise ValidationError(REFUSED, code="kept_refused") from error
    stored = payload.get("file", "")
    if (
        payload.get("owner") != owner
        or payload.get("purpose") != purpose
        or not stored.startswith(f"{DIRECTORY}/")
        or not default_storage.exists(stored)
    ):
        raise ValidationError(REFUSED, code="kept_refused")
    with default_storage.open(stored) as file:
        content = file.read()
    upload = SimpleUploadedFile(payload["name"], content, payload["type"])
    upload.kept_as = stored
    return upload


def forget(upload) -> None:
    """Remove the temporary file of an upload that was kept, once it is saved."""
    stored = getattr(upload, "kept_as", None)
    if stored:
        default_storage.delete(stored)


def _remove_expired() -> None:
    try:
        _directories, names = default_storage.listdir(DIRECTORY)
    except FileNotFoundError:
        return
    oldest = timezone.now() - KEPT_UPLOAD_MAX_AGE
    for name in names:
        path = f"{DIRECTORY}/{name}"
        if default_storage.get_modified_time(path) < oldest:
            default_storage.delete(path)


class KeepsUploads:
    """A form mixin: the file fields named in `kept_fields` are kept when the form is shown
    again, each through a hidden field `<name>_kept`. `owner` is who may use the token (the
    user's id), `purpose` what for (e.g. the version being signed)."""

    kept_fields: tuple[str, ...] = ()

    def __init__(self, *args, owner, purpose, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner, self.purpose = str(owner), purpose
        self.kept_names: dict[str, str] = {}  # field name: the kept file's name
        self._kept_refusals = {}
        for name in self.kept_fields:
            self.fields[f"{name}_kept"] = forms.CharField(required=False, widget=forms.HiddenInput)
            token = self.data.get(self.add_prefix(f"{name}_kept")) if self.is_bound else ""
            if not token or self.files.get(self.add_prefix(name)):
                continue  # nothing kept, or a file chosen anew
            try:
                upload = kept(token, owner=self.owner, purpose=purpose)
            except ValidationError as error:
                self._kept_refusals[name] = error
                continue
            self.files = self.files.copy()
            self.files[self.add_prefix(name)] = upload

    def clean(self):
        cleaned_data = super().clean()
        for name, error in self._kept_refusals.items():
            self.errors.pop(name, None)  # why the file is missing says more than "required"
            self.add_error(name, error)
        return cleaned_data

    def keep_uploads(self) -> None:
        """For a form shown again: keep each valid upload, and name it on the page."""
        data = self.data.copy()
        for name in self.kept_fields:
            upload = self.cleaned_data.get(name) if name not in self.errors else None
            if not upload:
                data[self.add_prefix(f"{name}_kept")] = ""
                continue
            token = self.data.get(self.add_prefix(f"{name}_kept"))
            if not getattr(upload, "kept_as", None) or not token:
                token = keep(upload, owner=self.owner, purpose=self.purpose)
            data[self.add_prefix(f"{name}_kept")] = token
            self.kept_names[name] = upload.name
            self.fields[name].required = False  # the browser need not ask for a file
        self.data = data

    def forget_uploads(self) -> None:
        for name in self.kept_fields:
            forget(self.cleaned_data.get(name))
