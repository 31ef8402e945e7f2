"""A frozen version's PDF, rendered by the background worker (Django's tasks framework
with django-tasks-db: `manage.py db_worker`, started by `make run` beside the web server)."""

import json
import logging

from django.tasks import task

from printing.agreement_document import document_queryset
from printing.documents import version_pdf

from .models import AgreementVersion

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
        snapshot = json.dumps(version.snapshot, ensure_ascii=False, indent=2).encode()
        content = version_pdf(
            agreement, number=version.number, frozen_on=version.frozen_at, snapshot_json=snapshot
        )
    except Exception as error:
        logger.exception("The PDF of %s could not be made", version)
        version.pdf_error = str(error)
        version.save()
        raise
    store_version_pdf(version, content)
