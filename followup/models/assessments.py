"""What a follow-up report assesses besides its three answers: how each signing party met
its commitments (grön / gul / röd, with a comment), and for each activity whether it was
carried out (process) and whether it worked (effect), kept apart as problem-oriented
policing's assessment keeps them: an activity done as planned may still have had no effect.

Stored with the report and changed with it while it is a draft; frozen when it is final
(the report's snapshot holds them from then on, and these rows refuse every change)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem
from agreements.models import Party

from .reports import FollowUpReport, ReportFinalError, ReportStatus


class Fulfilment(models.TextChoices):
    NOT_ASSESSED = "", _("not assessed")
    GREEN = "green", _("green: met")
    YELLOW = "yellow", _("yellow: partly met")
    RED = "red", _("red: not met")


class ProcessAssessment(models.TextChoices):
    """Was it done?"""

    NOT_ASSESSED = "", _("not assessed")
    DONE = "done", _("carried out")
    PARTLY = "partly", _("partly carried out")
    NOT_DONE = "not_done", _("not carried out")


class EffectAssessment(models.TextChoices):
    """Did it work?"""

    NOT_ASSESSED = "", _("not assessed")
    EFFECT = "effect", _("effect")
    SOME = "some", _("some effect")
    NONE = "none", _("no effect")
    TOO_EARLY = "too_early", _("too early to say")


class FrozenWithReportQuerySet(models.QuerySet):
    """Bulk changes refuse, as the report's own queryset does, once the report is final."""

    def _check(self):
        if self.filter(report__status=ReportStatus.FINAL).exists():
            raise ReportFinalError("A final follow-up report's assessment cannot be changed.")

    def update(self, **kwargs):
        self._check()
        return super().update(**kwargs)

    def delete(self):
        self._check()
        return super().delete()


class FrozenWithReport(models.Model):
    report: models.ForeignKey

    objects = FrozenWithReportQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check()
        return super().delete(*args, **kwargs)

    def _check(self):
        final = FollowUpReport.objects.filter(pk=self.report_id, status=ReportStatus.FINAL)
        if final.exists():
            raise ReportFinalError("A final follow-up report's assessment cannot be changed.")


class PartyFulfilment(FrozenWithReport):
    """How one signing party met its commitments in the report's period."""

    report = models.ForeignKey(
        FollowUpReport,
        verbose_name=_("follow-up report"),
        on_delete=models.CASCADE,
        related_name="fulfilments",
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="fulfilments"
    )
    rating = models.CharField(
        _("fulfilment"), max_length=8, choices=Fulfilment.choices, blank=True, default=""
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("party's fulfilment")
        verbose_name_plural = _("parties' fulfilment")
        ordering = ["report", "party__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "party"], name="fulfilment_one_per_party")
        ]

    def __str__(self):
        return f"{self.party}: {self.get_rating_display()}"


class ActivityAssessment(FrozenWithReport):
    """Whether one activity was carried out, and whether it worked, in the report's period."""

    report = models.ForeignKey(
        FollowUpReport,
        verbose_name=_("follow-up report"),
        on_delete=models.CASCADE,
        related_name="activity_assessments",
    )
    item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    process = models.CharField(
        _("was it done?"),
        max_length=12,
        choices=ProcessAssessment.choices,
        blank=True,
        default="",
    )
    effect = models.CharField(
        _("did it work?"),
        max_length=12,
        choices=EffectAssessment.choices,
        blank=True,
        default="",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("activity assessment")
        verbose_name_plural = _("activity assessments")
        ordering = ["report", "item__plan__position", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="assessment_one_per_activity")
        ]

    def __str__(self):
        return f"{self.item}: {self.get_process_display()} / {self.get_effect_display()}"
