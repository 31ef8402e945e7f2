"""Measurable goals (indicators) of a focus area or a row, and their measurements."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem
from agreements.models import Agreement, FocusArea
from samverkan.dates import validate_domain_date
from samverkan.versioning import Versioned


class Direction(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")
    MAINTAIN = "maintain", _("keep the level")


class Indicator(Versioned):
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
    baseline_on = models.DateField(
        _("baseline date"), null=True, blank=True, validators=[validate_domain_date]
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(
        _("target date"), null=True, blank=True, validators=[validate_domain_date]
    )

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
    measured_on = models.DateField(_("date"), validators=[validate_domain_date])
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
