"""Print jobs rendered by the background worker (Django's tasks framework with
django-tasks-db: `manage.py db_worker`, started by `make run` beside the web server)."""

from django.tasks import task

from . import ahead
from .models import PrintJob


@task
def render_print_job(job_id: int) -> None:
    job = PrintJob.objects.filter(pk=job_id).first()
    if job is not None:  # pruned meanwhile: nothing to do
        job.render()


@task
def make_prints_ahead(agreement_id: int) -> None:
    """An agreement's print and its plans' PDFs, made after a burst of changes."""
    ahead.run(agreement_id)
