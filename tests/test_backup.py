"""Backups: `export_agreement --all --archive FILE` writes every agreement with its frozen
versions, PDFs and signed scans, and the follow-up's attachments, into one archive, and
`import_agreement` of that archive into an empty database restores all of it; a damaged
archive restores nothing, and an archive not signed with this SECRET_KEY (edited, or made
elsewhere) only when the operator says --trust-unsigned."""

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from helpers import make_ready, strangnas_draft, without_people
from PIL import Image
from pypdf import PdfWriter

from agreements.models import Agreement
from followup.attachments import CheckedFile
from followup.models import Attachment, FollowUpEntry, FollowUpReport
from signing import lifecycle
from signing.archive import MANIFEST, MANIFEST_SIGNATURE
from signing.models import AgreementVersion

ROOT = Path(__file__).resolve().parent.parent


def scan() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.fixture
def signed(demo, user, personas):
    """A new agreement frozen as version 1 and signed, with its PDF and scan stored."""
    version = make_ready(strangnas_draft(demo), personas.coordinator)
    version.refresh_from_db()
    lifecycle.register_signature(
        version,
        signatures=[
            {
                "organisation": "Strängnäs kommun",
                "name": "Anna Chef",
                "title": "Kommundirektör",
                "place": "Strängnäs",
                "signed_on": "2026-01-10",
            }
        ],
        scan=scan(),
        scan_name="underskriven.pdf",
        user=personas.coordinator,
    )
    return AgreementVersion.objects.get(pk=version.pk)


@pytest.fixture
def attached(demo, personas):
    """A photo on a Strängnäs entry (not its row's first) and a document on a report."""
    agreement = demo["strangnas-2020"]
    entries = FollowUpEntry.objects.filter(item__plan__agreement=agreement)
    item_id = entries.values("item").annotate(n=Count("pk")).filter(n__gt=1)[0]["item"]
    entry = entries.filter(item_id=item_id).order_by("occurred_on", "created_at", "pk")[1]
    report = FollowUpReport.objects.create(
        agreement=agreement, title="Uppföljning", period_start="2026-01-01", period_end="2026-06-30"
    )
    image = BytesIO()
    Image.new("RGB", (8, 8), "blue").save(image, "JPEG")
    photo = CheckedFile("scen.jpg", "image/jpeg", image.getvalue())
    document = CheckedFile("bilaga.pdf", "application/pdf", scan())
    return [
        Attachment.add(photo, user=personas.kommunpolis, entry=entry),
        Attachment.add(document, user=personas.coordinator, report=report),
    ]


def run(*args, data_dir):
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def contents(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name not in (MANIFEST, MANIFEST_SIGNATURE)
        }


def test_an_archive_restores_everything_into_an_empty_database(signed, attached, tmp_path):
    archive = tmp_path / "backup.zip"
    out = StringIO()
    call_command("export_agreement", "--all", "--archive", str(archive), stdout=out)
    count = Agreement.objects.count()  # the seeds, the demo's citizen promises and `signed`
    assert f"{count} överenskommelser, 1 versioner och 4 filer" in out.getvalue()
    written = contents(archive)
    # The attachments of entries and reports, with their files.
    photo, document = attached
    saved = json.loads(written["attachments.json"])[photo.agreement.reference]
    assert [(a["name"], bool(a["entry"]), bool(a["report"])) for a in saved] == [
        ("scen.jpg", True, False),
        ("bilaga.pdf", False, True),
    ]
    assert written[saved[1]["file"]] == document.file.open("rb").read()
    reference = signed.agreement.reference
    assert written[f"files/{reference}/1/{Path(signed.pdf.name).name}"].startswith(b"%PDF-")
    assert any(name.endswith("underskriven.pdf") for name in written)

    # A new, empty database: migrated, then the archive restored, then backed up again.
    empty = tmp_path / "empty"
    run("migrate", "--noinput", data_dir=empty)
    restored = run("import_agreement", str(archive), data_dir=empty)
    assert f"{count} överenskommelser importerades." in restored
    again = tmp_path / "again.zip"
    run("export_agreement", "--all", "--archive", str(again), data_dir=empty)
    # Every agreement, version, event and file, byte for byte; only the rows' responsible
    # people, who name users, stay behind with the users.
    restored_contents, people_left = contents(again), contents(archive)
    for name in ("agreements.json",):
        restored_contents[name] = without_people(json.loads(restored_contents[name]))
        people_left[name] = without_people(json.loads(people_left[name]))
    assert restored_contents == people_left

    assert (
        json.loads(restored_contents["attachments.json"]) == json.loads(written["attachments.json"])
        and restored_contents[saved[0]["file"]] == written[saved[0]["file"]]
    )

    signing = json.loads(written["signing.json"])[reference]
    assert signing["signed_version"] == 1
    assert signing["versions"][0]["signatures"][0]["name"] == "Anna Chef"


def test_a_damaged_archive_restores_nothing(signed, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("export_agreement", "--all", "--archive", str(archive), stdout=StringIO())
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith("underskriven.pdf"):
                content = content.replace(b"%PDF-", b"%PDF_", 1)
            target.writestr(item, content)
    agreements_before = Agreement.objects.count()
    with pytest.raises(CommandError, match="skadad"):
        call_command("import_agreement", str(damaged), stdout=StringIO())
    assert Agreement.objects.count() == agreements_before

    not_a_backup = tmp_path / "other.zip"
    with zipfile.ZipFile(not_a_backup, "w") as other:
        other.writestr("manifest.json", json.dumps({"format": "something-else", "files": {}}))
    with pytest.raises(CommandError, match="inte ett Samverkan-arkiv"):
        call_command("import_agreement", str(not_a_backup), stdout=StringIO())


def forge(archive, forged, edit, *, signature=True):
    """A copy of the archive with signing.json edited and every manifest checksum recomputed,
    as someone without the SECRET_KEY could make it; the old signature is kept (or left out)."""
    with zipfile.ZipFile(archive) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    signing = json.loads(parts["signing.json"])
    edit(signing)
    parts["signing.json"] = json.dumps(signing, ensure_ascii=False).encode()
    manifest = json.loads(parts[MANIFEST])
    manifest["files"] = {
        name: hashlib.sha256(parts[name]).hexdigest() for name in manifest["files"]
    }
    parts[MANIFEST] = json.dumps(manifest).encode()
    if not signature:
        del parts[MANIFEST_SIGNATURE]
    with zipfile.ZipFile(forged, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)


def export_signed(signed, archive):
    """The signed agreement alone, backed up; its original then renamed out of the way, as
    if the archive were restored after a loss."""
    agreement = signed.agreement
    call_command("export_agreement", agreement.pk, "--archive", str(archive), stdout=StringIO())
    Agreement.objects.filter(pk=agreement.pk).update(reference=f"{agreement.reference}-forr")


def invent_signer(signing):
    for entry in signing.values():
        for version in entry["versions"]:
            for signature in version["signatures"]:
                signature["name"] = "Påhittad Person"


def restored_signers(reference):
    version = AgreementVersion.objects.get(agreement__reference=reference, number=1)
    return [signature["name"] for signature in version.signatures]


@pytest.mark.parametrize("signature", [True, False], ids=["old-signature", "no-signature"])
def test_an_edited_archive_is_refused_unless_trusted_explicitly(
    signed, tmp_path, signature, settings
):
    archive = tmp_path / "backup.zip"
    export_signed(signed, archive)
    reference = signed.agreement.reference
    forged = tmp_path / "forged.zip"
    forge(archive, forged, invent_signer, signature=signature)
    counts_before = (Agreement.objects.count(), AgreementVersion.objects.count())
    files_before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))

    with pytest.raises(CommandError) as refused:
        call_command("import_agreement", str(forged), stdout=StringIO())
    message = str(refused.value)
    assert "Inget importerades" in message
    assert "inte signerat av den här installationen" in message
    assert "--trust-unsigned" in message
    assert (Agreement.objects.count(), AgreementVersion.objects.count()) == counts_before
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files_before

    out = StringIO()
    call_command("import_agreement", str(forged), "--trust-unsigned", stdout=out)
    assert "importerades" in out.getvalue()
    assert restored_signers(reference) == ["Påhittad Person"]


def test_an_archive_made_under_another_secret_key_is_refused(signed, tmp_path, settings):
    archive = tmp_path / "backup.zip"
    settings.SECRET_KEY = "another installation's key, not ours"
    export_signed(signed, archive)
    settings.SECRET_KEY = "our own installation's key"
    agreements_before = Agreement.objects.count()
    with pytest.raises(CommandError, match="SECRET_KEY"):
        call_command("import_agreement", str(archive), stdout=StringIO())
    assert Agreement.objects.count() == agreements_before

    # After a key rotation the old key, kept as a fallback, still opens the archive.
    settings.SECRET_KEY_FALLBACKS = ["another installation's key, not ours"]
    call_command("import_agreement", str(archive), stdout=StringIO())
    assert restored_signers(signed.agreement.reference) == ["Anna Chef"]
