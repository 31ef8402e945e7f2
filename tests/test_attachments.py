"""Attachments on follow-up entries and reports (issue 17, point 10): documents and photos,
checked by their content, photos stored without their location data, shown with the
entry and the report, downloaded only by those who see the agreement, recorded in the
history when added and removed."""

import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pillow_heif import register_heif_opener
from pypdf import PdfWriter

from followup.models import Attachment, FollowUpEntry, FollowUpReport, ReportStatus

HTMX = {"HX-Request": "true"}
GPS_IFD = 0x8825
register_heif_opener()  # for the tests' own HEIC photos, as followup/attachments.py does


def photo(fmt="JPEG", size=(40, 20)) -> bytes:
    """A photo as a phone takes it: the camera, where it was taken, and turned on its side."""
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "Testkamera"  # Make
    exif[0x0112] = 6  # Orientation: to be turned 90 degrees to stand upright
    exif[GPS_IFD] = {1: "N", 2: (59.0, 22.0, 30.0), 3: "E", 4: (17.0, 1.0, 15.0)}
    output = BytesIO()
    image.save(output, fmt, exif=exif.tobytes())
    return output.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def docx(*extra) -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for name in extra:
            archive.writestr(name, b"macro")
    return output.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


@pytest.fixture
def row(demo):
    plan = demo["strangnas-2020"].action_plans.get()
    return plan.items.filter(follow_up_entries__isnull=True).order_by("position").first()


def log_url(item):
    return reverse("entry_create", args=[item.plan.agreement_id, item.plan_id, item.pk])


def entry_data(**extra):
    return {
        "occurred_on": "2026-11-20",
        "what_was_done": "Trygghetsvandring vid stationen.",
        "status": "in_progress",
        **extra,
    }


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT) / "bilagor"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_photo_logged_with_an_entry_is_stored_without_its_location(
    client, personas, row, settings
):
    client.force_login(personas.kommunpolis)
    sent = photo()
    assert b"Testkamera" in sent and Image.open(BytesIO(sent)).getexif().get_ifd(GPS_IFD)
    response = client.post(
        log_url(row), entry_data(attachment=upload("scen.jpg", sent, "image/jpeg")), headers=HTMX
    )
    assert "Uppföljningen sparades." in response.text
    attachment = Attachment.objects.get(entry__item=row)
    stored = attachment.file.read()
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG" and image.size == (20, 40)  # turned upright
    assert not image.getexif() and b"Testkamera" not in stored and b"Exif" not in stored
    assert attachment.size == len(stored) and attachment.content_type == "image/jpeg"
    assert attachment.agreement_id == row.plan.agreement_id
    assert attachment.added_by_name == personas.kommunpolis.get_full_name()
    download = reverse("attachment_download", args=[row.plan.agreement_id, attachment.pk])
    # Shown with the entry: after the save, on the logging page and on the timeline.
    assert f'href="{download}"' in response.text and "scen.jpg" in response.text
    timeline = client.get(reverse("follow_up", args=[row.plan.agreement_id])).text
    assert f'href="{download}"' in timeline

    # Every reader of the agreement downloads it, as stored; an outsider finds nothing.
    client.force_login(personas.reader)
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == stored
    assert got["Content-Type"] == "image/jpeg"
    client.force_login(personas.outsider)
    assert client.get(download).status_code == 404


def test_a_png_loses_its_metadata_too(client, personas, row):
    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data(attachment=upload("karta.png", photo("PNG"))))
    stored = Attachment.objects.get(entry__item=row).file.read()
    assert Image.open(BytesIO(stored)).format == "PNG" and b"Testkamera" not in stored


def test_an_iphones_heic_photo_is_stored_as_an_upright_jpeg_without_its_location(
    client, personas, row
):
    """A coordinator attaches photos copied from an iPhone to a computer: HEIC, which no
    browser shows. It is stored as a JPEG named .jpg, turned upright, with no EXIF."""
    client.force_login(personas.kommunpolis)
    sent = photo("HEIF")
    assert sent[4:12] == b"ftypheic" and Image.open(BytesIO(sent)).getexif().get_ifd(GPS_IFD)
    response = client.post(
        log_url(row), entry_data(attachment=upload("IMG_0042.HEIC", sent, "image/heic"))
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(entry__item=row)
    stored = attachment.file.read()
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG" and image.size == (20, 40)
    assert not image.getexif() and b"Testkamera" not in stored and b"Exif" not in stored
    assert attachment.name == "IMG_0042.jpg" and attachment.content_type == "image/jpeg"
    assert attachment.size == len(stored)
    download = reverse("attachment_download", args=[row.plan.agreement_id, attachment.pk])
    got = client.get(download)
    assert b"".join(got.streaming_content) == stored and got["Content-Type"] == "image/jpeg"
    assert "IMG_0042.jpg" in got["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bild.heic", photo("JPEG"), "Filen är inte en HEIC, vad namnet än säger."),
        ("trasig.heic", photo("HEIF")[:300], "Filen är inte en HEIC, vad namnet än säger."),
        ("program.exe", b"MZ...", "Bifoga en PDF-, Word-, Excel- eller OpenDocument-fil"),
        ("bild.jpg", b"%PDF-1.7 not a photo", "Filen är inte en JPG, vad namnet än säger."),
        ("rapport.pdf", b"just text", "Filen är inte en PDF, vad namnet än säger."),
        ("bild.png", photo("JPEG"), "Filen är inte en PNG, vad namnet än säger."),
        ("brev.docx", pdf(), "Filen är inte en DOCX, vad namnet än säger."),
        ("brev.docx", docx("word/vbaProject.bin"), "Filen innehåller makron"),
        ("trasig.jpg", photo()[:200], "Filen är inte en JPG, vad namnet än säger."),
    ],
)
def test_a_file_that_is_not_what_is_allowed_is_refused_and_nothing_is_written(
    client, personas, row, settings, name, content, message
):
    client.force_login(personas.kommunpolis)
    response = client.post(log_url(row), entry_data(attachment=upload(name, content)))
    assert response.status_code == 200
    assert re.search(
        r'class="field-error" id="id_attachment_error">[^<]*' + re.escape(message), response.text
    )
    assert not FollowUpEntry.objects.filter(item=row).exists()
    assert not Attachment.objects.exists() and not stored_files(settings)


def test_a_file_too_large_is_refused(client, personas, row, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client.force_login(personas.kommunpolis)
    response = client.post(log_url(row), entry_data(attachment=upload("stor.pdf", pdf() * 3)))
    assert "Filen är för stor: högst 1000" in response.text
    assert not FollowUpEntry.objects.filter(item=row).exists()


def test_documents_are_accepted_and_downloaded_as_files(client, personas, row):
    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data(attachment=upload("protokoll.pdf", pdf())))
    client.post(log_url(row), entry_data(attachment=upload("brev.docx", docx())))
    names = sorted(Attachment.objects.filter(entry__item=row).values_list("name", flat=True))
    assert names == ["brev.docx", "protokoll.pdf"]
    document = Attachment.objects.get(name="brev.docx")
    got = client.get(reverse("attachment_download", args=[row.plan.agreement_id, document.pk]))
    assert got["Content-Disposition"].startswith("attachment;")


def test_a_bad_date_keeps_the_chosen_photo(client, personas, row):
    client.force_login(personas.kommunpolis)
    response = client.post(
        log_url(row), entry_data(occurred_on="", attachment=upload("scen.jpg", photo()))
    )
    assert "Filen scen.jpg är kvar" in response.text
    token = re.search(r'name="attachment_kept" value="([^"]+)"', response.text).group(1)
    client.post(log_url(row), entry_data(attachment_kept=token))
    assert Attachment.objects.get(entry__item=row).name == "scen.jpg"


def test_adding_and_removing_is_recorded_and_the_file_goes(
    client, personas, row, settings, django_capture_on_commit_callbacks
):
    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data())
    entry = FollowUpEntry.objects.get(item=row)
    agreement_id = row.plan.agreement_id
    add = reverse("entry_attachment_add", args=[agreement_id, entry.pk])
    assert client.get(log_url(row)).text.count(f'href="{add}"') == 1
    response = client.post(add, {"file": upload("scen.jpg", photo())})
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{entry.pk}")
    attachment = Attachment.objects.get(entry=entry)
    assert [r.history_type for r in attachment.history.all()] == ["+"]
    [path] = stored_files(settings)

    remove = reverse("attachment_remove", args=[agreement_id, attachment.pk])
    client.force_login(personas.reader)
    assert client.post(remove).status_code == 403
    assert client.post(add, {"file": upload("scen.jpg", photo())}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(remove).status_code == 404
    client.force_login(personas.kommunpolis)
    assert "Ta bort bilagan?" in client.get(remove).text
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        assert client.post(remove).status_code == 302
    assert not Attachment.objects.exists() and not path.exists()
    records = Attachment.history.model.objects.filter(id=attachment.pk).order_by("history_id")
    assert [r.history_type for r in records] == ["+", "-"]
    history = client.get(reverse("agreement_history", args=[agreement_id])).text
    assert "scen.jpg" in history


def test_a_report_takes_attachments_while_a_draft(client, personas, demo):
    agreement = demo["strangnas-2020"]
    report = FollowUpReport.objects.create(
        agreement=agreement,
        title="Uppföljning 2026",
        period_start="2026-01-01",
        period_end="2026-06-30",
    )
    page_url = reverse("report_detail", args=[agreement.pk, report.pk])
    add = reverse("report_attachment_add", args=[agreement.pk, report.pk])
    client.force_login(personas.coordinator)
    assert f'action="{add}"' in client.get(page_url).text
    bad = client.post(add, {"file": upload("rapport.pdf", b"text")})
    assert "Filen är inte en PDF" in bad.text and not Attachment.objects.exists()
    client.post(add, {"file": upload("bilaga.pdf", pdf())})
    attachment = Attachment.objects.get(report=report)
    download = reverse("attachment_download", args=[agreement.pk, attachment.pk])
    client.force_login(personas.reader)
    page = client.get(page_url).text
    assert f'href="{download}"' in page and f'action="{add}"' not in page
    client.force_login(personas.outsider)
    assert client.get(page_url).status_code == 404 and client.get(download).status_code == 404

    FollowUpReport.objects.filter(pk=report.pk).update(status=ReportStatus.FINAL)
    client.force_login(personas.coordinator)
    client.post(add, {"file": upload("sen.pdf", pdf())})
    client.post(reverse("attachment_remove", args=[agreement.pk, attachment.pk]))
    assert list(Attachment.objects.values_list("name", flat=True)) == ["bilaga.pdf"]


def test_a_double_click_on_attach_attaches_the_file_once(client, personas, row):
    """The same file posted twice (a double click on Bifoga fil, or the page sent again)
    is attached once; another file, or the same file to another entry, is attached."""
    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data())
    client.post(log_url(row), entry_data(what_was_done="Ny vandring."))
    first, second = FollowUpEntry.objects.filter(item=row).order_by("pk")
    add = reverse("entry_attachment_add", args=[row.plan.agreement_id, first.pk])
    for _ in range(2):
        response = client.post(add, {"file": upload("bilaga.pdf", pdf())})
        assert response.status_code == 302 and response["Location"].endswith(f"#post-{first.pk}")
    assert first.attachments.count() == 1
    client.post(add, {"file": upload("scen.jpg", photo())})
    other = reverse("entry_attachment_add", args=[row.plan.agreement_id, second.pk])
    client.post(other, {"file": upload("bilaga.pdf", pdf())})
    assert sorted(first.attachments.values_list("name", flat=True)) == ["bilaga.pdf", "scen.jpg"]
    assert second.attachments.count() == 1


def test_a_heic_photo_sent_twice_is_attached_once(client, personas, row):
    """The HEIC is stored as the JPEG made from it, which is the same both times: a double
    click on Bifoga fil attaches it once."""
    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data())
    entry = FollowUpEntry.objects.get(item=row)
    add = reverse("entry_attachment_add", args=[row.plan.agreement_id, entry.pk])
    sent = photo("HEIF")
    for _ in range(2):
        assert client.post(add, {"file": upload("IMG_0042.HEIC", sent)}).status_code == 302
    assert list(entry.attachments.values_list("name", flat=True)) == ["IMG_0042.jpg"]


def test_removing_twice_says_it_is_gone_and_records_one_removal(client, personas, row):
    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data())
    entry = FollowUpEntry.objects.get(item=row)
    agreement_id = row.plan.agreement_id
    client.post(
        reverse("entry_attachment_add", args=[agreement_id, entry.pk]),
        {"file": upload("bilaga.pdf", pdf())},
    )
    attachment = Attachment.objects.get(entry=entry)
    remove = reverse("attachment_remove", args=[agreement_id, attachment.pk])
    assert client.post(remove).status_code == 302
    again = client.post(remove, follow=True)
    assert again.redirect_chain[0][0].endswith(f"#post-{entry.pk}")
    assert "Bilagan var redan borttagen." in again.text
    records = Attachment.history.model.objects.filter(id=attachment.pk)
    assert sorted(r.history_type for r in records) == ["+", "-"]
    client.force_login(personas.outsider)
    assert client.post(remove).status_code == 404
    assert (
        client.post(reverse("attachment_remove", args=[agreement_id, 99999999])).status_code == 404
    )


def test_a_pdf_that_runs_something_is_refused_and_one_opening_at_a_page_is_not(
    client, personas, row
):
    """The signed scan's check (samverkan/pdfs.py), less its triggers: office programs
    open a document at a page with /OpenAction, which runs nothing by itself."""
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    from tests.test_signing import document_level_script, scan_with, script_on_opening

    def opens_at_the_first_page(writer, page):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [page.indirect_reference, NameObject("/XYZ")] + [NumberObject(0)] * 3
        )

    client.force_login(personas.kommunpolis)
    client.post(log_url(row), entry_data())
    entry = FollowUpEntry.objects.get(item=row)
    add = reverse("entry_attachment_add", args=[row.plan.agreement_id, entry.pk])
    for hostile in (script_on_opening, document_level_script):
        response = client.post(add, {"file": upload("rapport.pdf", scan_with(hostile))})
        assert "PDF-filen innehåller skript eller inbäddade filer (JS, JavaScript)" in response.text
        assert not Attachment.objects.exists()
    response = client.post(add, {"file": upload("rapport.pdf", scan_with(opens_at_the_first_page))})
    assert response.status_code == 302 and entry.attachments.count() == 1
