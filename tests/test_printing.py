"""Printing (printing/): PDFs under production's static storage keep their print style, the
paper is Swedish whatever the user reads, a signed agreement prints what was signed and the
living plan as of today, renders are started by POST and made once per content, a job that
failed or waits too long offers Försök igen, and old jobs are pruned."""

import datetime
import hashlib
import logging
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from helpers import make_ready, pdf_text, squeeze, strangnas_draft

from agreements.models import AgreementStatus, Section
from followup.models import FollowUpReport
from printing import documents
from printing.models import PrintJob, PrintJobStatus

ROOT = Path(__file__).resolve().parent.parent


def fonts(content: bytes) -> list[str]:
    """pdffonts' lines, one per font in the PDF."""
    result = subprocess.run(
        [shutil.which("pdffonts"), "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode().splitlines()[2:]


def pages(content: bytes) -> list[str]:
    result = subprocess.run(
        [shutil.which("pdftotext"), "-raw", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return [squeeze(page) for page in result.stdout.decode().split("\f")[:-1]]


def assert_print_style(content: bytes):
    """The shipped fonts only, embedded, and Sida X av Y on every page."""
    lines = fonts(content)
    assert lines and all(("Source-Serif-4" in line or "Source-Sans-3" in line) for line in lines)
    assert all(" yes " in line for line in lines)
    texts = pages(content)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"Sida{number}av{len(texts)}" in text


@pytest.fixture
def draft(demo):
    return strangnas_draft(demo)


@pytest.fixture
def report(demo):
    return FollowUpReport.objects.create(
        agreement=demo["strangnas-2020"],
        title="Uppföljning 2022",
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 12, 31),
        results="Färre ungdomar i brott.",
    )


# Production's static storage (DEBUG off, collectstatic's hashed names).


def test_under_production_storage_a_draft_prints_in_its_fonts_with_page_numbers_and_utkast(
    production_storage, draft, caplog
):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = documents.agreement_pdf(draft)
    assert not [r for r in caplog.records if "Failed to load" in r.getMessage()]
    assert_print_style(content)
    assert all("UTKAST" in text for text in pages(content))


def test_under_production_storage_a_plan_prints_in_its_fonts(production_storage, demo):
    agreement = demo["harnosand-2012"]
    content = documents.plan_pdf(agreement, agreement.action_plans.get().pk)
    assert fonts(content)
    assert [line for line in fonts(content) if "Source-" not in line] == []
    assert "Sida1av" in pages(content)[0]


def test_under_production_storage_a_report_prints_in_its_fonts(production_storage, demo, report):
    agreement = demo["strangnas-2020"]
    content = documents.report_pdf(agreement, report)
    # The shipped fonts (a glyph they lack may fall back to DejaVu) and the page numbers.
    assert any("Source-Serif-4" in line for line in fonts(content))
    assert any("Source-Sans-3" in line for line in fonts(content))
    assert "Sida1av" in pages(content)[0]


def test_under_production_storage_a_frozen_version_keeps_its_style(
    production_storage, draft, personas
):
    version = make_ready(draft, personas.coordinator)
    version.refresh_from_db()
    assert version.pdf and not version.pdf_error
    assert_print_style(version.pdf.read())


# The paper is Swedish.


def test_the_paper_is_swedish_whatever_the_users_language(demo):
    agreement = demo["timra-2017"]
    with translation.override("en"):
        text = pdf_text(documents.agreement_pdf(agreement))
        assert translation.get_language() == "en"
    assert "Innehåll" in text and "Contents" not in text
    assert "Samverkansöverenskommelse" in text


def test_a_report_pdf_asked_for_in_english_is_swedish(client, personas, demo, report):
    agreement = demo["strangnas-2020"]
    client.force_login(personas.coordinator)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("report_pdf", args=[agreement.pk, report.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "UPPFÖLJNINGSRAPPORT" in text and "FOLLOW-UP REPORT" not in text


# A signed agreement prints what was signed; the living plan as of today.


def test_a_signed_agreement_without_a_frozen_paper_prints_as_of_today(client, personas, demo):
    agreement = demo["strangnas-2020"]
    assert not agreement.is_draft and not agreement.versions.exists()
    client.force_login(personas.reader)
    url = reverse("agreement_print", args=[agreement.pk])
    response = client.post(url)
    assert response.status_code == 302
    content = b"".join(client.get(response.url).streaming_content)
    text = squeeze(pdf_text(content)).lower()
    today = timezone.localdate().isoformat()
    assert squeeze(f"samverkansöverenskommelse – gällande per {today}") in text
    assert squeeze(f"handlingsplan · gällande per {today}") in text
    assert "Version" not in pages(content)[0]
    job = PrintJob.objects.get(agreement=agreement)
    assert job.filename == f"{agreement.file_stem}-per-{today}.pdf"


def test_a_signed_agreements_plan_prints_as_of_today(client, personas, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(personas.coordinator)
    response = client.post(reverse("plan_print", args=[agreement.pk, plan.pk]))
    content = b"".join(client.get(response.url).streaming_content)
    today = timezone.localdate().isoformat()
    text = squeeze(pdf_text(content)).lower()
    assert squeeze(f"handlingsplan · gällande per {today}") in text
    assert today in pdf_text(content)


def test_a_signed_version_prints_as_its_frozen_pdf(client, user, personas, draft):
    version = make_ready(draft, personas.coordinator)
    version.refresh_from_db()
    # Signed, then the plan changes (plans go on after signing).
    draft.status = AgreementStatus.SIGNED
    draft.save(update_fields=["status"])
    draft.action_plans.first().items.update(activity="Ändrad efter underskriften")
    client.force_login(personas.reader)
    response = client.get(reverse("agreement_print", args=[draft.pk]))
    assert response.url == reverse("version_pdf", args=[draft.pk, version.number])
    content = b"".join(client.get(response.url).streaming_content)
    assert hashlib.sha256(content).hexdigest() == version.pdf_sha256
    assert "Ändrad efter underskriften" not in pdf_text(content)


# Renders are started by POST and made once per content.


def test_gets_never_render_and_the_same_content_is_rendered_once(
    client, personas, draft, renders, django_assert_max_num_queries
):
    client.force_login(personas.coordinator)
    url = reverse("agreement_print", args=[draft.pk])
    with django_assert_max_num_queries(20):  # the document's queries, not one per row
        client.get(url)
    for _ in range(20):
        page = client.get(url)
        assert page.status_code == 200 and "Gör PDF:en" in page.text
    assert renders == [] and not PrintJob.objects.filter(agreement=draft).exists()

    first = client.post(url)
    second = client.post(url)
    job = PrintJob.objects.get(agreement=draft)
    assert first.url == second.url == reverse("print_job_pdf", args=[draft.pk, job.pk])
    assert len(renders) == 1
    # A GET of the same content now serves the finished file.
    assert client.get(url).url == first.url

    Section.objects.filter(agreement=draft).update(body="Ny text")
    client.post(url)
    assert len(renders) == 2 and PrintJob.objects.filter(agreement=draft).count() == 2


def test_a_get_of_content_in_progress_shows_the_job(client, personas, draft):
    client.force_login(personas.coordinator)
    asked = documents.agreement_request(draft)
    job = PrintJob.objects.create(
        agreement=draft, content_hash=asked.content_hash, html=asked.html, filename="x.pdf"
    )
    response = client.get(reverse("agreement_print", args=[draft.pk]))
    assert response.url == reverse("print_job", args=[draft.pk, job.pk])


# A job that failed or waits too long says so and offers Försök igen.


@pytest.fixture
def waiting_job(draft, personas):
    asked = documents.agreement_request(draft)
    return PrintJob.objects.create(
        agreement=draft,
        content_hash=asked.content_hash,
        html=asked.html,
        filename=asked.filename,
        requested_by=personas.coordinator,
    )


def test_a_job_still_waiting_after_the_timeout_offers_try_again(
    client, personas, waiting_job, settings, renders, django_assert_max_num_queries
):
    settings.PRINT_JOB_TIMEOUT = datetime.timedelta(minutes=3)
    client.force_login(personas.reader)
    url = reverse("print_job", args=[waiting_job.agreement_id, waiting_job.pk])
    assert 'hx-trigger="every 2s"' in client.get(url).text
    PrintJob.objects.filter(pk=waiting_job.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=4)
    )
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert "Försök igen" in page.text and 'hx-trigger="every 2s"' not in page.text
    assert "hann inte" in page.text
    response = client.post(url)
    assert response.url == url and len(renders) == 1
    waiting_job.refresh_from_db()
    assert waiting_job.status == PrintJobStatus.READY
    assert "Öppna PDF" in client.get(url).text


def test_a_failed_job_offers_try_again_and_a_second_click_queues_nothing(
    client, personas, waiting_job, renders
):
    PrintJob.objects.filter(pk=waiting_job.pk).update(
        status=PrintJobStatus.FAILED, error="WeasyPrint crashed"
    )
    client.force_login(personas.coordinator)
    url = reverse("print_job", args=[waiting_job.agreement_id, waiting_job.pk])
    page = client.get(url)
    assert "kunde inte göras" in page.text and "Försök igen" in page.text
    assert "<form" in page.text and 'method="post"' in page.text
    client.post(url)
    client.post(url)
    assert len(renders) == 1
    assert PrintJob.objects.get(pk=waiting_job.pk).status == PrintJobStatus.READY


def test_a_job_in_time_cannot_be_retried(client, personas, waiting_job, renders):
    client.force_login(personas.coordinator)
    url = reverse("print_job", args=[waiting_job.agreement_id, waiting_job.pk])
    assert "Försök igen" not in client.get(url).text
    client.post(url)
    assert renders == []


# Old jobs are pruned.


def test_prune_print_jobs_removes_old_jobs_and_their_files(client, personas, draft, settings):
    client.force_login(personas.coordinator)
    client.post(reverse("agreement_print", args=[draft.pk]))
    old = PrintJob.objects.get(agreement=draft)
    path = Path(old.pdf.path)
    assert path.exists()
    PrintJob.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - settings.PRINT_JOB_KEEP - datetime.timedelta(minutes=1)
    )
    # The newest ready file of a document is kept however old (tests/test_prints_ahead.py):
    # the agreement changes and is printed again, and the old print goes.
    Section.objects.filter(agreement=draft).update(body="Ny text")
    client.post(reverse("agreement_print", args=[draft.pk]))
    out = StringIO()
    call_command("prune_print_jobs", stdout=out)
    assert out.getvalue() == "1 utskrift togs bort.\n"
    assert not path.exists()
    kept = PrintJob.objects.get(agreement=draft)
    assert kept.pk != old.pk and Path(kept.pdf.path).exists()


# Layers.


def test_the_apps_below_printing_do_not_import_it():
    """printing/ builds on agreements, actionplans and followup; only their views call it."""
    for app in ("agreements", "actionplans", "followup"):
        for module in (ROOT / app).rglob("*.py"):
            if module.name == "views.py":
                continue
            source = module.read_text()
            assert "import printing" not in source and "from printing" not in source, module


def test_a_quick_render_that_fails_shows_the_job_with_try_again(
    client, personas, draft, monkeypatch
):
    def broken(html, **kwargs):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr("printing.models.render_pdf", broken)
    client.force_login(personas.coordinator)
    response = client.post(reverse("agreement_print", args=[draft.pk]))
    job = PrintJob.objects.get(agreement=draft)
    assert response.url == reverse("print_job", args=[draft.pk, job.pk])
    assert job.status == PrintJobStatus.FAILED and "crashed" in job.error
    assert "Försök igen" in client.get(response.url).text


def test_the_print_buttons_post_so_one_click_gives_the_pdf(client, personas, draft, demo):
    """Skriv ut and PDF on the agreement and plan pages are forms that POST: one click makes
    (or finds) the file, and no page offers a GET link that would only lead to a second
    button."""
    client.force_login(personas.coordinator)
    plan = demo["strangnas-2020"].action_plans.first()
    pages_and_actions = [
        (reverse("agreement_detail", args=[draft.pk]), reverse("agreement_print", args=[draft.pk])),
        (
            reverse("plan_detail", args=[plan.agreement_id, plan.pk]),
            reverse("plan_print", args=[plan.agreement_id, plan.pk]),
        ),
    ]
    for page_url, action in pages_and_actions:
        page = client.get(page_url).text
        assert f'<form method="post" action="{action}" class="inline">' in page
        assert f'href="{action}"' not in page
        response = client.post(action, follow=True)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"


def test_a_signed_agreements_signatures_heading_stays_with_the_signatories(demo):
    """The as-of-today note under Underskrifter must not leave the heading alone at the foot
    of a page, away from the signature blocks (seen in Strängnäs' print)."""
    content = documents.agreement_pdf(demo["strangnas-2020"])
    (page,) = [text for text in pages(content) if "Underskrifter" in text and "Ortochdatum" in text]
    assert "LarsEkström" in page
