"""PDFs rendered by the background worker (Django's tasks framework with django-tasks-db:
`manage.py db_worker`, started by `make run` beside the web server)."""

import json
import logging

from django.core.files.base import ContentFile
from django.tasks import task

from agreements.document import document_queryset
from agreements.printing import agreement_html, agreement_pdf, archival_pdf, plan_pdf
from organisations.models import Organisation

from .models import AgreementVersion, PrintJob, PrintJobStatus

logger = logging.getLogger(__name__)


@task
def render_version_pdf(version_id: int) -> None:
    """A frozen version's paper: rendered once, from the agreement as it was frozen (its
    text and plans cannot change while the version waits for signature), and stored with
    its SHA-256. The version's JSON travels inside the PDF as an attachment."""
    from .lifecycle import printed_snapshot, store_version_pdf

    version = AgreementVersion.objects.get(pk=version_id)
    if version.pdf:
        return
    try:
        agreement = document_queryset().get(pk=version.agreement_id)
        if agreement.version != version.number:
            # Taken back to draft before its paper was made: nobody will sign it now.
            logger.info("%s was taken back to draft: its PDF is not made", version)
            return
        if json.loads(json.dumps(printed_snapshot(agreement))) != version.snapshot:
            # Only if someone changed the agreement below the product (the database): the
            # paper would not be what was frozen.
            raise RuntimeError("The agreement no longer matches the frozen version.")
        html = agreement_html(
            agreement, draft=False, version_number=version.number, frozen_on=version.frozen_at
        )
        snapshot = json.dumps(version.snapshot, ensure_ascii=False, indent=2).encode()
        content = archival_pdf(html, snapshot)
    except Exception as error:
        logger.exception("The PDF of %s could not be made", version)
        version.pdf_error = str(error)
        version.save()
        raise
    store_version_pdf(version, content)


@task
def render_print_job(job_id: int) -> None:
    job = PrintJob.objects.select_related("agreement").get(pk=job_id)
    try:
        if job.plan_id:
            content = plan_pdf(job.agreement, job.plan_id)
        else:
            municipality = (
                Organisation.objects.get(pk=job.municipality_id) if job.municipality_id else None
            )
            content = agreement_pdf(job.agreement, municipality=municipality)
    except Exception as error:
        job.status, job.error = PrintJobStatus.FAILED, str(error)
        job.save(update_fields=["status", "error"])
        raise
    job.pdf.save(job.filename, ContentFile(content), save=False)
    job.status = PrintJobStatus.READY
    job.save(update_fields=["pdf", "status"])
