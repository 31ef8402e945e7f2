"""Print jobs: a PDF of an agreement as it stands now (a draft, one municipality's part, one
plan), made once per content and kept for a while; and the agreements whose prints are to
be made ahead (PrintAhead, see printing.ahead)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement

from .engine import render_pdf


class PrintJobStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


def _overdue() -> Q:
    """Still waiting PRINT_JOB_TIMEOUT after it was (last) asked for: the worker is down
    or the render died with it."""
    cutoff = timezone.now() - settings.PRINT_JOB_TIMEOUT
    return Q(status=PrintJobStatus.WAITING, requested_at__lt=cutoff)


class PrintJobQuerySet(models.QuerySet):
    def for_content(self, agreement, asked, requested_by=None) -> tuple["PrintJob", bool]:
        """The job of this content (a documents.PrintRequest): the one already made or in
        progress, else a new one (True)."""
        return self.get_or_create(
            agreement=agreement,
            content_hash=asked.content_hash,
            defaults={
                "html": asked.html,
                "filename": asked.filename,
                "document": asked.document,
                "requested_by": requested_by,
            },
        )

    def may_retry(self):
        return self.filter(Q(status=PrintJobStatus.FAILED) | _overdue())

    def old(self):
        """Jobs asked for longer ago than PRINT_JOB_KEEP: pruned by `prune_print_jobs`,
        except the newest ready file of each document (it is what Skriv ut serves while
        the document does not change, even days later)."""
        newest_ready = (
            PrintJob.objects.filter(
                agreement=OuterRef("agreement"),
                document=OuterRef("document"),
                status=PrintJobStatus.READY,
            )
            .order_by("-requested_at", "-pk")
            .values("pk")[:1]
        )
        old = self.filter(requested_at__lt=timezone.now() - settings.PRINT_JOB_KEEP)
        old = old.annotate(newest_ready=Subquery(newest_ready))
        return old.filter(Q(document="") | Q(newest_ready__isnull=True) | ~Q(pk=F("newest_ready")))


class PrintJob(models.Model):
    """One PDF of a print template's HTML, found again by the HTML's SHA-256: asking twice
    for the same content gives the finished file or the job in progress, never a second
    render. The HTML is kept until the PDF is made, so the worker prints exactly what was
    asked for. Old jobs and their files are removed by `manage.py prune_print_jobs`."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="+"
    )
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    # Which document of the agreement this is a print of ("agreement", "agreement-<the
    # municipality's id>", "plan-<the plan's id>"), whatever its content: its newest ready
    # file is kept by prune_print_jobs.
    document = models.CharField(_("document"), max_length=40, blank=True)
    html = models.TextField(_("HTML to print"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=PrintJobStatus.choices, default=PrintJobStatus.WAITING
    )
    pdf = models.FileField(_("PDF"), upload_to="utskrifter/", blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    error = models.TextField(_("error"), blank=True)

    objects = PrintJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "content_hash"], name="printjob_unique_content"
            ),
        ]

    def __str__(self):
        return self.filename

    @property
    def is_ready(self) -> bool:
        return self.status == PrintJobStatus.READY

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == PrintJobStatus.WAITING
            and self.requested_at < timezone.now() - settings.PRINT_JOB_TIMEOUT
        )

    @property
    def may_retry(self) -> bool:
        """Failed, or waiting for longer than a render can take: Försök igen."""
        return self.status == PrintJobStatus.FAILED or self.is_overdue

    def render(self) -> None:
        """Make the PDF from the stored HTML; a failure is recorded on the job and raised."""
        if self.is_ready:
            return
        try:
            content = render_pdf(self.html)
        except Exception as error:
            PrintJob.objects.filter(pk=self.pk).exclude(status=PrintJobStatus.READY).update(
                status=PrintJobStatus.FAILED, error=str(error)
            )
            raise
        self.pdf.save(self.filename, ContentFile(content), save=False)
        self.status, self.error, self.html = PrintJobStatus.READY, "", ""
        self.save(update_fields=["pdf", "status", "error", "html"])

    def retry(self) -> bool:
        """Ask again for a job that failed or is overdue: one conditional update, so that
        two clicks on Försök igen queue one render. True if this call queued it."""
        asked = PrintJob.objects.filter(pk=self.pk).may_retry()
        if not asked.update(status=PrintJobStatus.WAITING, requested_at=timezone.now(), error=""):
            return False
        self.refresh_from_db()
        return True

    def delete_with_file(self) -> None:
        if self.pdf:
            self.pdf.delete(save=False)
        self.delete()


class PrintAhead(models.Model):
    """An agreement whose prints are to be made ahead: it changed at `last_changed_at`
    (first at `first_changed_at` since its prints were last made), and one render task
    is queued for it. Further changes only move `last_changed_at`, so a burst of changes
    gives one render (printing.ahead)."""

    agreement = models.OneToOneField(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    first_changed_at = models.DateTimeField(_("first changed"))
    last_changed_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("prints to make ahead")
        verbose_name_plural = _("prints to make ahead")

    def __str__(self):
        return str(self.agreement_id)

    @property
    def due_at(self):
        """PRINT_AHEAD_DELAY after the last change, but no later than PRINT_AHEAD_MAX_WAIT
        after the first: someone editing for an hour still gets a print now and then."""
        return min(
            self.last_changed_at + settings.PRINT_AHEAD_DELAY,
            self.first_changed_at + settings.PRINT_AHEAD_MAX_WAIT,
        )
