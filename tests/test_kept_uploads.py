"""A rejected upload keeps the other fields and the file (issue 17, point 4): the signature
form shown again for a bad date keeps the chosen scan (samverkan/kept_uploads.py), and a
forged, expired or borrowed token for it is refused with a message beside the field."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from helpers import make_ready, signature_data, strangnas_draft

from printing.engine import render_pdf
from samverkan import kept_uploads

KEPT_NOTE = re.compile(r"Filen (\S+) är kvar: du behöver inte välja den igen\.")


@pytest.fixture
def ready(demo, personas):
    version = make_ready(strangnas_draft(demo), personas.coordinator)
    version.refresh_from_db()
    return version


@pytest.fixture
def scan():
    return render_pdf("<html lang='sv'><title>Skanning</title><p>Undertecknad</p></html>")


def url(version):
    return reverse("register_signature", args=[version.agreement_id, version.number])


def rejected_with_the_scan_kept(client, version, scan):
    """Registrera underskrift with a date in the future and a good scan: shown again."""
    upload = SimpleUploadedFile("underskriven.pdf", scan, "application/pdf")
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url(version), signature_data(version, future) | {"scan": upload})
    assert response.status_code == 200
    assert "Datumet för underskriften kan inte ligga i framtiden" in response.text
    assert KEPT_NOTE.search(response.text).group(1) == "underskriven.pdf"
    token = response.context["scan_form"].data["scan_kept"]
    assert f'name="scan_kept" value="{token}"' in response.text
    # The file input no longer asks the browser for a file: the kept one will do.
    scan_input = re.search(r'<input type="file"[^>]*>', response.text).group(0)
    assert "required" not in scan_input
    return token


def test_a_bad_date_keeps_the_scan_and_the_corrected_form_saves_it(client, personas, ready, scan):
    client.force_login(personas.coordinator)
    token = rejected_with_the_scan_kept(client, ready, scan)
    response = client.post(
        url(ready), signature_data(ready, timezone.localdate().isoformat()) | {"scan_kept": token}
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.is_signed and ready.signed_on == timezone.localdate()
    assert ready.signed_scan.read() == scan
    # The temporary file is gone once the signature is saved.
    assert default_storage.listdir(kept_uploads.DIRECTORY)[1] == []


def test_without_the_fix_the_form_would_ask_for_the_file_again(client, personas, ready, scan):
    """The corrected form sent with neither a file nor a token is refused as before."""
    client.force_login(personas.coordinator)
    rejected_with_the_scan_kept(client, ready, scan)
    response = client.post(url(ready), signature_data(ready, timezone.localdate().isoformat()))
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.text
    ready.refresh_from_db()
    assert not ready.is_signed


REFUSED = "Filen som sparades från förra gången kan inte användas"


@pytest.mark.parametrize("how", ["forged", "altered", "expired", "another user"])
def test_a_forged_or_expired_token_is_refused_in_swedish(
    client, personas, ready, scan, monkeypatch, how
):
    client.force_login(personas.coordinator)
    token = rejected_with_the_scan_kept(client, ready, scan)
    if how == "forged":
        token = "eyJmaWxlIjoiLi4vLi4vc2V0dGluZ3MucHkifQ:1vQ:abc"
    elif how == "altered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif how == "expired":
        monkeypatch.setattr(kept_uploads, "KEPT_UPLOAD_MAX_AGE", datetime.timedelta(seconds=-1))
    else:
        client.force_login(personas.kommunpolis)
    response = client.post(
        url(ready), signature_data(ready, timezone.localdate().isoformat()) | {"scan_kept": token}
    )
    assert response.status_code == 200
    ready.refresh_from_db()
    assert not ready.is_signed
    assert REFUSED in response.text
    assert not KEPT_NOTE.search(response.text)


def test_a_lagesbild_shown_again_for_a_bad_date_keeps_its_document(client, user, scan):
    """The other upload with fields beside it: a lägesbild's document (areas, prevention)."""
    from prevention.models import SituationReport

    client.force_login(user("samordnare.sollentuna"))
    new = "/kommuner/sollentuna/lagesbild/ny/"
    data = {"title": "Lägesbild 2027", "adopted_by": "Kommunstyrelsen", "adopted_on": "2026-13-45"}
    document = SimpleUploadedFile("lagesbild.pdf", scan, "application/pdf")
    response = client.post(new, data | {"document": document})
    assert response.status_code == 200
    assert "Fyll i ett giltigt datum." in response.text
    assert KEPT_NOTE.search(response.text).group(1) == "lagesbild.pdf"
    token = response.context["form"].data["document_kept"]
    saved = client.post(new, data | {"adopted_on": "2026-10-01", "document_kept": token})
    assert saved.status_code == 302
    report = SituationReport.objects.get(title="Lägesbild 2027")
    assert report.document.read() == scan
    refused = client.post(new, data | {"adopted_on": "2026-10-01", "document_kept": token + "x"})
    assert REFUSED in refused.text
