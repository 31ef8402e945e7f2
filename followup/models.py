"""Follow-up: what was done on each action item, indicators, and follow-up reports.

Follow-up entries are official records and append-only: a correction is a new entry that
points at the one it corrects. The model refuses updates and deletes, one by one and in bulk.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Agreement, FocusArea
from organisations.models import Organisation


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a follow-up entry."""


class FollowUpEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Follow-up entries cannot be changed; add a correcting entry.")

    def delete(self):
        raise AppendOnlyError("Follow-up entries cannot be deleted; add a correcting entry.")


class FollowUpEntry(models.Model):
    item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.PROTECT,
        related_name="follow_up_entries",
    )
    occurred_on = models.DateField(_("date"))
    what_was_done = models.TextField(_("what was done"))
    participants = models.ManyToManyField(
        Organisation, verbose_name=_("participating organisations"), blank=True, related_name="+"
    )
    participant_units = models.CharField(
        _("participating units"), max_length=300, blank=True, help_text=_("e.g. 'Socialtjänsten'")
    )
    effect = models.TextField(_("effect seen"), blank=True)
    status = models.CharField(_("new status"), max_length=16, choices=ItemStatus.choices)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the record must say who wrote it even after the account is gone.
    author_name = models.CharField(_("written by (name)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = FollowUpEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")
        ordering = ["item", "occurred_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(corrects=F("pk")), name="followupentry_not_correcting_itself"
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on}: {self.what_was_done[:60]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Follow-up entries cannot be changed; add a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Follow-up entries cannot be deleted; add a correcting entry.")

    def clean(self):
        if self.corrects_id and self.item_id and self.corrects.item_id != self.item_id:
            raise ValidationError(
                {"corrects": _("A correction must concern the same action item.")}
            )


class Direction(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")
    MAINTAIN = "maintain", _("keep the level")


class Indicator(models.Model):
    """A measurable goal (mätbart mål) on a focus area or on one action item."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="indicators"
    )
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. 'tillfällen'"))
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="indicator_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(focus_area__isnull=True) | Q(item__isnull=True),
                name="indicator_on_focus_area_or_item",
                violation_error_message=_("An indicator belongs to a focus area or to an item."),
            ),
        ]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="measurement_unique_date"
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class FollowUpReport(models.Model):
    """A follow-up report for a period, answering the three set questions."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="follow_up_reports",
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
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
