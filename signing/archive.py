"""A backup of agreements with their attachments, as one zip archive.

    agreements.json   the agreements in the JSON format (docs/json-format.md)
    signing.json      per agreement (by reference): its frozen versions and lifecycle events
    attachments.json  per agreement: the follow-up's attachments (attachment_archive.py)
    files/...         each version's stored PDF and signed scan, each attachment's file
    manifest.json     what the archive holds, with the SHA-256 of every file
    manifest.sig      the manifest's SHA-256, signed with a key derived from SECRET_KEY

Restoring reads the whole archive, checks the manifest's signature (an archive edited
after it was written, checksums and all, is refused: it could invent signed versions and
signers), then every file against the manifest and the version's own checksum, before it
writes anything; then it creates everything in one transaction, so a damaged archive
restores nothing.
"""

import datetime
import hashlib
import json
import zipfile
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing as django_signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from agreements.models import Agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document

from .attachment_archive import attachments_data, check_attachment_files, restore_attachments
from .models import AgreementEvent, AgreementVersion

FORMAT = "samverkan-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig"
# Our own salt: a value signed elsewhere with the same SECRET_KEY is no archive signature.
# It names the module's first home (exchange/archive.py): archives already written keep
# verifying.
SIGNATURE_SALT = "samverkan.exchange.archive.manifest"


def _manifest_signer() -> django_signing.Signer:
    return django_signing.Signer(salt=SIGNATURE_SALT)


def sign_manifest(manifest: bytes) -> bytes:
    return _manifest_signer().sign(hashlib.sha256(manifest).hexdigest()).encode()


def manifest_signature_is_valid(manifest: bytes, signature: bytes | None) -> bool:
    """Whether the signature was made with this SECRET_KEY (or one of its fallbacks) for
    exactly this manifest."""
    if signature is None:
        return False
    try:
        signed_digest = _manifest_signer().unsign(signature.decode())
    except (django_signing.BadSignature, UnicodeDecodeError):
        return False
    return signed_digest == hashlib.sha256(manifest).hexdigest()


def is_archive(path) -> bool:
    return zipfile.is_zipfile(path)


@dataclass
class ArchiveSummary:
    agreements: int
    versions: int
    files: int


def write_archive(path, ids=None) -> ArchiveSummary:
    agreements = list(agreements_for_export(ids))
    document = export_document(agreements)
    signing = {}
    files: dict[str, bytes] = {}
    versions = (
        AgreementVersion.objects.filter(agreement__in=agreements)
        .select_related("agreement", "frozen_by", "signature_registered_by")
        .order_by("agreement_id", "number")
    )
    for version in versions:
        _signing_entry(signing, version.agreement)["versions"].append(_version_data(version, files))
    events = (
        AgreementEvent.objects.filter(agreement__in=agreements)
        .select_related("agreement", "recorded_by")
        .order_by("agreement_id", "pk")
    )
    for event in events:
        _signing_entry(signing, event.agreement)["events"].append(_event_data(event))
    attachments, attached_by = attachments_data(agreements, files)
    parts = {
        "agreements.json": _json(document),
        "signing.json": _json(signing),
        "attachments.json": _json(attachments),
        "people.json": _json(_people(versions, events, attached_by)),
        **files,
    }
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "agreements": len(agreements),
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in parts.items()},
    }
    manifest_bytes = _json(manifest)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(MANIFEST_SIGNATURE, sign_manifest(manifest_bytes))
        for name, content in parts.items():
            archive.writestr(name, content)
    return ArchiveSummary(len(agreements), versions.count(), len(files))


def _signing_entry(signing, agreement) -> dict:
    return signing.setdefault(
        agreement.reference,
        {"signed_version": agreement.signed_version, "versions": [], "events": []},
    )


def _people(versions, events, attached_by=()) -> dict:
    """Who froze, registered, recorded or attached something: user name, names and e-mail."""
    users = [v.frozen_by for v in versions] + [v.signature_registered_by for v in versions]
    users += [event.recorded_by for event in events] + list(attached_by)
    return {
        user.get_username(): {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
        }
        for user in sorted(filter(None, users), key=lambda user: user.get_username())
    }


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def _username(user):
    return user.get_username() if user is not None else None


def _version_data(version, files) -> dict:
    data = {
        "number": version.number,
        "snapshot": version.snapshot,
        "frozen_at": version.frozen_at.isoformat(),
        "frozen_by": _username(version.frozen_by),
        "pdf_sha256": version.pdf_sha256,
        "pdf_error": version.pdf_error,
        "signed_on": version.signed_on.isoformat() if version.signed_on else None,
        "signatures": version.signatures,
        "signed_scan_sha256": version.signed_scan_sha256,
        "signature_registered_at": (
            version.signature_registered_at.isoformat() if version.signature_registered_at else None
        ),
        "signature_registered_by": _username(version.signature_registered_by),
    }
    folder = f"files/{version.agreement.reference}/{version.number}"
    for field, key in (("pdf", "pdf_file"), ("signed_scan", "signed_scan_file")):
        stored = getattr(version, field)
        if stored:
            name = f"{folder}/{stored.name.rsplit('/', 1)[-1]}"
            with stored.open("rb") as handle:
                files[name] = handle.read()
            data[key] = name
    return data


def _event_data(event) -> dict:
    return {
        "kind": event.kind,
        "happened_on": event.happened_on.isoformat(),
        "version": event.version,
        "previous_end": event.previous_end.isoformat() if event.previous_end else None,
        "new_end": event.new_end.isoformat() if event.new_end else None,
        "note": event.note,
        "recorded_at": event.recorded_at.isoformat(),
        "recorded_by": _username(event.recorded_by),
    }


def restore_archive(path, trust_unsigned=False) -> list[Agreement]:
    """Create the archive's agreements, versions, events and files, all or nothing. An
    archive whose manifest is not signed with this SECRET_KEY is refused unless
    `trust_unsigned` says the operator vouches for it."""
    parts = _read_checked(path, trust_unsigned)
    document = json.loads(parts["agreements.json"])
    signing = json.loads(parts.get("signing.json", b"{}"))
    attachments = json.loads(parts.get("attachments.json", b"{}"))
    _check_version_files(signing, parts)
    if damaged := check_attachment_files(attachments, parts):
        raise _damaged(damaged)
    written = []  # stored files, removed again if the database part fails
    try:
        with transaction.atomic():
            agreements = import_document(document)
            users = _users(json.loads(parts.get("people.json", b"{}")))
            for agreement in agreements:
                entry = signing.get(agreement.reference)
                if entry:
                    _restore_signing(agreement, entry, parts, users, written)
                if agreement.reference in attachments:
                    restore_attachments(
                        agreement, attachments[agreement.reference], parts, users, written
                    )
    except BaseException:
        for stored in written:
            stored.delete(save=False)
        raise
    return agreements


def _check_version_files(signing, parts):
    """Each version's files must be the ones its checksums name, before anything is written."""
    damaged = []
    for entry in signing.values():
        for data in entry["versions"]:
            for key, checksum in (
                ("pdf_file", data["pdf_sha256"]),
                ("signed_scan_file", data["signed_scan_sha256"]),
            ):
                name = data.get(key)
                if name and hashlib.sha256(parts.get(name, b"")).hexdigest() != checksum:
                    damaged.append(name)
    if damaged:
        raise _damaged(damaged)


def _damaged(names) -> DocumentError:
    return DocumentError(
        [_("A file in the archive is damaged: %(name)s") % {"name": name} for name in names]
    )


def _read_checked(path, trust_unsigned=False) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest_bytes = archive.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            if manifest.get("format") != FORMAT:
                raise DocumentError([_("This is not a Samverkan archive.")])
            names = set(archive.namelist())
            signature = archive.read(MANIFEST_SIGNATURE) if MANIFEST_SIGNATURE in names else None
            if not trust_unsigned and not manifest_signature_is_valid(manifest_bytes, signature):
                raise DocumentError(
                    [
                        _(
                            "The archive is not signed by this installation: it was made "
                            "under another SECRET_KEY, or changed after it was written. Its "
                            "signed versions and signers could be invented. Restore it with "
                            "the SECRET_KEY it was made under, or, only if you know where it "
                            "comes from and that nobody changed it, give --trust-unsigned."
                        )
                    ]
                )
            parts = {name: archive.read(name) for name in manifest["files"]}
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError):
        raise DocumentError([_("The archive is damaged or incomplete.")]) from None
    damaged = [
        name
        for name, checksum in manifest["files"].items()
        if hashlib.sha256(parts[name]).hexdigest() != checksum
    ]
    if damaged:
        raise _damaged(damaged)
    return parts


def _users(people) -> dict:
    """The users who froze, registered or recorded something, by user name. One missing
    here (restored into a new database) is created without a password and inactive, so
    the record still names them but nobody can log in as them until an administrator
    lets them."""
    users = {
        user.get_username(): user for user in get_user_model().objects.filter(username__in=people)
    }
    for username, names in people.items():
        if username not in users:
            user = get_user_model()(username=username, is_active=False, **names)
            user.set_unusable_password()
            user.save()
            users[username] = user
    return users


def _restore_signing(agreement, entry, parts, users, written):
    for data in entry["versions"]:
        version = AgreementVersion(
            agreement=agreement,
            number=data["number"],
            snapshot=data["snapshot"],
            frozen_at=parse_datetime(data["frozen_at"]),
            frozen_by=users.get(data.get("frozen_by")),
            pdf_sha256=data["pdf_sha256"],
            pdf_error=data["pdf_error"],
            signed_on=parse_date(data["signed_on"]) if data["signed_on"] else None,
            signatures=data["signatures"],
            signed_scan_sha256=data["signed_scan_sha256"],
            signature_registered_at=(
                parse_datetime(data["signature_registered_at"])
                if data["signature_registered_at"]
                else None
            ),
            signature_registered_by=users.get(data.get("signature_registered_by")),
        )
        for field, key in (("pdf", "pdf_file"), ("signed_scan", "signed_scan_file")):
            if data.get(key):
                # Stored under its own file name, before the version is saved: a frozen
                # version is never changed afterwards.
                stored = getattr(version, field)
                folder = f"versioner/{agreement.pk}/{version.number}/"
                name = data[key].rsplit("/", 1)[-1]
                stored.name = stored.storage.save(folder + name, ContentFile(parts[data[key]]))
                written.append(stored)
        version.save()
    for data in entry["events"]:
        event = AgreementEvent.objects.create(
            agreement=agreement,
            kind=data["kind"],
            happened_on=parse_date(data["happened_on"]),
            version=data["version"],
            previous_end=parse_date(data["previous_end"]) if data["previous_end"] else None,
            new_end=parse_date(data["new_end"]) if data["new_end"] else None,
            note=data["note"],
            recorded_by=users.get(data.get("recorded_by")),
        )
        # recorded_at is set on creation; keep the original moment.
        AgreementEvent.objects.filter(pk=event.pk).update(
            recorded_at=parse_datetime(data["recorded_at"]) or datetime.datetime.now(datetime.UTC)
        )
    Agreement.objects.filter(pk=agreement.pk).update(signed_version=entry["signed_version"])
