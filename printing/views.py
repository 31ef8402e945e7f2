"""Skriv ut and PDF: the agreement as it stands (whole or one municipality's part) and one
action plan, made as print jobs.

A GET never starts a render: it serves the finished file of the same content, or the job in
progress, or a page with a button. The button POSTs: the job is created once per content
(printing.models.PrintJob, keyed by the HTML's hash), rendered at once when quick and by the
background worker when not. Most often the file is ready before anyone asks: the worker
makes the agreement's print and its plans' PDFs after each burst of changes (printing.ahead)."""

import logging
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from actionplans.models import ActionPlan
from agreements.access import get_agreement
from organisations.models import Organisation

from . import documents
from .models import PrintJob, PrintJobStatus
from .tasks import render_print_job

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_print(request, pk):
    """Skriv ut för underskrift: the frozen version's stored PDF when the current version is
    frozen (a signed agreement prints what was signed); else the agreement as it stands (a
    draft says UTKAST, anything else is dated as of today). `?kommun=<id>`: one
    municipality's part, always as it stands."""
    agreement = get_agreement(request.user, pk)
    municipality = None
    if request.GET.get("kommun"):
        municipality = _party_municipality(agreement, request.GET["kommun"])
    if municipality is None:
        version = agreement.versions.filter(number=agreement.version).first()
        if version is not None and version.pdf:
            return redirect("version_pdf", agreement.pk, version.number)
        if version is not None:
            return redirect("version_detail", agreement.pk, version.number)
    return _print(request, agreement, documents.agreement_request(agreement, municipality))


@login_required
@require_http_methods(["GET", "POST"])
def plan_print(request, pk, plan_pk):
    agreement = get_agreement(request.user, pk)
    plan = ActionPlan.objects.get_for(agreement, plan_pk)
    return _print(request, agreement, documents.plan_request(agreement, plan))


def _print(request, agreement, asked: documents.PrintRequest):
    key = asked.content_hash
    if request.method == "POST":
        job, created = PrintJob.objects.for_content(agreement, asked, request.user)
        if created and asked.quick:
            try:
                job.render()
            except Exception:  # recorded on the job; its page says so and offers Försök igen
                logger.exception("The print job %s could not be made", job.pk)
                return redirect("print_job", agreement.pk, job.pk)
        elif created:
            render_print_job.enqueue(job.pk)
    else:
        job = PrintJob.objects.filter(agreement=agreement, content_hash=key).first()
        if job is None:
            context = {"agreement": agreement, "filename": asked.filename}
            return render(request, "printing/print_request.html", context)
    if job.is_ready:
        return redirect("print_job_pdf", agreement.pk, job.pk)
    return redirect("print_job", agreement.pk, job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def print_job(request, pk, job_pk):
    """Progress of a PDF being rendered; htmx asks again every two seconds for the status
    alone, and without JavaScript the page reloads itself. A job that failed or has waited
    too long shows why, with Försök igen (a POST here)."""
    agreement = get_agreement(request.user, pk)
    job = get_object_or_404(PrintJob.objects.defer("html"), agreement=agreement, pk=job_pk)
    if request.method == "POST":
        if job.retry():
            render_print_job.enqueue(job.pk)
        return redirect("print_job", agreement.pk, job.pk)
    template = "printing/print_job.html"
    if request.htmx:
        template += "#job-status"
    return render(request, template, {"agreement": agreement, "job": job})


@login_required
@require_GET
def print_job_pdf(request, pk, job_pk):
    agreement = get_agreement(request.user, pk)
    job = get_object_or_404(
        PrintJob.objects.defer("html"),
        agreement=agreement,
        pk=job_pk,
        status=PrintJobStatus.READY,
    )
    return FileResponse(job.pdf.open("rb"), content_type="application/pdf", filename=job.filename)


@login_required
@require_GET
def report_pdf(request, pk, report_pk):
    """A follow-up report as PDF (followup/report.py gathers what it says)."""
    agreement = get_agreement(request.user, pk)
    report = get_object_or_404(agreement.follow_up_reports.all(), pk=report_pk)
    response = HttpResponse(documents.report_pdf(agreement, report), content_type="application/pdf")
    response["Content-Disposition"] = inline_disposition(report.file_name())
    return response


def inline_disposition(filename: str) -> str:
    """Content-Disposition for a file shown in the browser and saved under `filename`: the
    name in UTF-8 (RFC 6266 filename*, which browsers use) and a plain ASCII name beside it
    for any client that reads only filename ("Strängnäs" becomes "Strangnas")."""
    plain = unicodedata.normalize("NFKD", filename.replace("–", "-"))
    plain = plain.encode("ascii", "ignore").decode()
    plain = "".join(c for c in plain if c.isprintable() and c not in '"\\')
    return f"inline; filename=\"{plain}\"; filename*=utf-8''{quote(filename)}"


def _party_municipality(agreement, value):
    try:
        return Organisation.objects.get(pk=int(value), parties__agreement=agreement)
    except (ValueError, Organisation.DoesNotExist):
        raise Http404 from None
