"""Follow-up reports: a period's answers to the three set questions, final when sent."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from samverkan.dates import validate_domain_date
from samverkan.saving import saved_without_save
from samverkan.versioning import Versioned


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class ReportFinalError(Exception):
    """Raised on any attempt to change or remove a final follow-up report."""


class FollowUpReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(status=ReportStatus.FINAL).exists():
            raise ReportFinalError("A final follow-up report cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=ReportStatus.FINAL).exists():
            raise ReportFinalError("A final follow-up report cannot be deleted.")
        return super().delete()


class FollowUpReport(Versioned):
    """A follow-up report for a period, answering the three set questions. A draft while it
    is written; final (and from then on read-only, with its contents frozen) when sent."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="follow_up_reports",
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period from"), validators=[validate_domain_date])
    period_end = models.DateField(_("period until"), validators=[validate_domain_date])
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    cooperation = models.TextField(_("How does the cooperation work?"), blank=True)
    implementation = models.TextField(_("How were the activities carried out?"), blank=True)
    results = models.TextField(_("What results did the activities contribute to?"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recipients = models.CharField(
        _("recipients"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 'Kommunstyrelsen, polisledningen'"),
    )
    finalised_on = models.DateField(_("finalised on"), null=True, blank=True)
    # What the final report showed of the rows, entries and indicators, frozen when it was
    # made final: entries logged later must not change a report that has been sent.
    snapshot = models.JSONField(_("contents when finalised"), null=True, blank=True)

    objects = FollowUpReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["agreement", "-period_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="followupreport_period_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if (
            self.pk
            and FollowUpReport.objects.filter(pk=self.pk, status=ReportStatus.FINAL).exists()
        ):
            raise ReportFinalError("A final follow-up report cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_final:
            raise ReportFinalError("A final follow-up report cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.status == ReportStatus.FINAL

    def file_name(self) -> str:
        """What the PDF is called, saying what it is: e.g. "Uppföljningsrapport Strängnäs
        2026-01-01–2026-06-30.pdf", with "utkast" at the end while a draft."""
        parties = self.agreement.parties.select_related("organisation").order_by("position")
        places = [
            party.organisation.name for party in parties if party.organisation.is_municipality
        ]
        words = [gettext("Follow-up report"), *places, f"{self.period_start}–{self.period_end}"]
        if not self.is_final:
            words.append(pgettext("file name of a report not yet final", "draft"))
        return " ".join(words) + ".pdf"

    def finalise(self, contents: dict, day) -> bool:
        """Make the report final with the contents it shows now, for good.

        One conditional UPDATE (… WHERE status = draft): of several people pressing Gör
        slutgiltig at once exactly one wins and writes the snapshot; the others get False.
        The edit version goes up, so a form opened on the draft cannot save over it.
        """
        fields = {"snapshot": contents, "status": ReportStatus.FINAL, "finalised_on": day}
        won = FollowUpReport.objects.filter(pk=self.pk, status=ReportStatus.DRAFT).update(
            **fields, version=F("version") + 1
        )
        self.refresh_from_db()
        if won:
            saved_without_save(self, [*fields, "version"])
        return bool(won)
