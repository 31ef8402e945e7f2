"""The signed paper: versions frozen for signature (Klar för underskrift), their PDFs, the
registered signatures with the signed scans, and the agreement's own record of what happened
to it as a whole (frozen, signed, revised, extended, renewed, terminated)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from samverkan.dates import validate_domain_date


class VersionFrozenError(Exception):
    """Raised on any attempt to change or remove what a frozen version holds."""


class AgreementVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise VersionFrozenError("Frozen versions are changed one by one, through the model.")

    def delete(self):
        raise VersionFrozenError("A frozen version of an agreement is never deleted.")


def version_pdf_path(version, filename):
    return f"versioner/{version.agreement_id}/{version.number}/{filename}"


def signed_scan_path(version, filename):
    return f"versioner/{version.agreement_id}/{version.number}/underskriven-{filename}"


class AgreementVersion(models.Model):
    """Version N of an agreement as frozen for signature (Klar för underskrift): the JSON of
    everything printed, its PDF with the PDF's SHA-256, and, once registered, who signed,
    where and when with the signed scan. What it holds is written once and never changed:
    the PDF and the signature may each be added once; nothing is ever removed."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("contents"))
    frozen_at = models.DateTimeField(_("ready for signature"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made ready by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to=version_pdf_path, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_error = models.TextField(_("why the PDF could not be made"), blank=True)
    pdf_asked_at = models.DateTimeField(_("PDF asked for again"), null=True, blank=True)
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, validators=[validate_domain_date]
    )
    signatures = models.JSONField(_("signatures"), default=list, blank=True)
    signed_scan = models.FileField(_("signed scan"), upload_to=signed_scan_path, blank=True)
    signed_scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64, blank=True)
    signature_registered_at = models.DateTimeField(_("signature registered"), null=True)
    signature_registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signature registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AgreementVersionQuerySet.as_manager()

    # Set once, then never again; everything else is set when the version is created.
    ADDED_ONCE = {
        "pdf": ("pdf", "pdf_sha256"),
        "signature": (
            "signed_on",
            "signatures",
            "signed_scan",
            "signed_scan_sha256",
            "signature_registered_at",
            "signature_registered_by_id",
        ),
    }

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreementversion_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.agreement} – version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_changes()
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    def _pdf_overdue_q(self, now) -> models.Q:
        """Still no PDF and no error long after it was asked for (the worker is down)."""
        cutoff = now - settings.PRINT_JOB_TIMEOUT
        return models.Q(pdf_asked_at__lt=cutoff) | models.Q(
            pdf_asked_at__isnull=True, frozen_at__lt=cutoff
        )

    @property
    def pdf_overdue(self) -> bool:
        cutoff = timezone.now() - settings.PRINT_JOB_TIMEOUT
        return (
            not self.pdf and not self.pdf_error and (self.pdf_asked_at or self.frozen_at) < cutoff
        )

    @property
    def pdf_waiting(self) -> bool:
        """The page waits (and asks again every two seconds) while this is true."""
        return not self.pdf and not self.pdf_error and not self.pdf_overdue

    def ask_for_pdf_again(self) -> bool:
        """Försök igen on a version whose PDF failed or is overdue: one conditional update,
        so that two clicks queue one render. True if this call may queue it. The paper's
        contents are not touched: only the error and when it was asked for."""
        now = timezone.now()
        asked = AgreementVersion._base_manager.filter(pk=self.pk, pdf="").filter(
            models.Q(pdf_error__gt="") | self._pdf_overdue_q(now)
        )
        if not asked.update(pdf_error="", pdf_asked_at=now):
            return False
        self.pdf_error, self.pdf_asked_at = "", now
        return True

    def _refuse_changes(self):
        stored = AgreementVersion.objects.get(pk=self.pk)
        fixed = {"agreement_id", "number", "snapshot", "frozen_at", "frozen_by_id"}
        for name in fixed:
            if getattr(stored, name) != getattr(self, name):
                raise VersionFrozenError(f"A frozen version's {name} never changes.")
        for fields in self.ADDED_ONCE.values():
            was = [_stored_value(getattr(stored, name)) for name in fields]
            now = [_stored_value(getattr(self, name)) for name in fields]
            if was != now and any(was):
                raise VersionFrozenError(f"A frozen version's {fields[0]} is set once only.")

    def delete(self, *args, **kwargs):
        raise VersionFrozenError("A frozen version of an agreement is never deleted.")


def _stored_value(value):
    """A file field's name, else the value itself."""
    return getattr(value, "name", value)


class EventKind(models.TextChoices):
    FROZEN = "frozen", _("ready for signature")
    SIGNED = "signed", _("signed")
    REVISED = "revised", _("revision begun")
    EXTENDED = "extended", _("extended")
    RENEWED = "renewed", _("renewed for a calendar year")
    TERMINATED = "terminated", _("terminated")
    WITHDRAWN = "withdrawn", _("taken back to draft")
    # A citizen promise shown on the public page, or taken off it (citizens/publishing.py).
    PUBLISHED = "published", _("published for citizens")
    UNPUBLISHED = "unpublished", _("unpublished")


class AgreementEvent(models.Model):
    """What happened to an agreement as a whole, with its dates: the agreement's own record
    of being frozen, signed, revised, extended, renewed and terminated."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=16, choices=EventKind.choices)
    happened_on = models.DateField(_("date"), validators=[validate_domain_date])
    version = models.PositiveIntegerField(_("version"))
    previous_end = models.DateField(
        _("end before"), null=True, blank=True, validators=[validate_domain_date]
    )
    new_end = models.DateField(
        _("end after"), null=True, blank=True, validators=[validate_domain_date]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["agreement", "happened_on", "recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on:%Y-%m-%d}"


class WorkerHeartbeat(models.Model):
    """A background worker that is alive (signing/worker.py): it writes beat_at every few
    seconds; a task still RUNNING under a worker whose beat is older than the lease was
    left by a worker that died, and is queued again."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.worker_id
