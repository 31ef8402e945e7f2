"""What law 2023:196 (lag om kommuners ansvar för brottsförebyggande arbete) asks of every
municipality: a lägesbild (§ 4: a mapping of crime, its extent and consequences; other
relevant information; an analysis), a decided åtgärdsplan, and a coordinating function.

They belong to the municipality, not to an agreement: an agreement's problem picture
refers to the lägesbild it was built on. How often each is renewed is a setting
(LAW_SITUATION_REPORT_MONTHS, LAW_PREVENTION_PLAN_REVIEW_MONTHS; docs/law-items.md), so
whether one is due or overdue is computed (`status.py`), never stored.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, OrganisationKind
from samverkan.dates import validate_domain_date
from samverkan.versioning import Versioned

MUNICIPALITY = {"kind": OrganisationKind.MUNICIPALITY}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day where it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (every month has a 28th)


def situation_report_path(report, filename):
    return f"lagesbilder/{report.municipality_id}/{filename}"


class SituationReport(Versioned):
    """One lägesbild of the municipality, as adopted on a date. The newest is the one in
    force; the earlier stay as they were."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="situation_reports",
        limit_choices_to=MUNICIPALITY,
    )
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted on"), validators=[validate_domain_date])
    adopted_by = models.CharField(
        _("adopted by"), max_length=200, blank=True, help_text=_("e.g. 'Kommunstyrelsen'")
    )
    crime_mapping = models.TextField(
        _("mapping of crime"),
        blank=True,
        help_text=_("The crime in the municipality, its extent and its consequences."),
    )
    other_information = models.TextField(
        _("other relevant information"),
        blank=True,
        help_text=_("Other information that matters for the crime prevention work."),
    )
    analysis = models.TextField(
        _("analysis"), blank=True, help_text=_("What the mapping and the information show.")
    )
    document = models.FileField(
        _("document (PDF)"),
        upload_to=situation_report_path,
        blank=True,
        help_text=_("The lägesbild as adopted, if it is a document of its own."),
    )

    class Meta:
        verbose_name = _("situation report (lägesbild)")
        verbose_name_plural = _("situation reports (lägesbilder)")
        ordering = ["municipality__name", "-adopted_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.adopted_on:%Y-%m-%d})"

    @property
    def next_due_on(self) -> datetime.date:
        return add_months(self.adopted_on, settings.LAW_SITUATION_REPORT_MONTHS)

    def missing_parts(self) -> list[str]:
        """The parts § 4 asks for that are still empty, by their names."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("crime_mapping", "other_information", "analysis")
            if not getattr(self, name).strip()
        ]


class PreventionPlan(Versioned):
    """One åtgärdsplan of the municipality as decided. Reviewed by `next_review_on`, or
    LAW_PREVENTION_PLAN_REVIEW_MONTHS after the decision when no date is written."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="prevention_plans",
        limit_choices_to=MUNICIPALITY,
    )
    title = models.CharField(_("title"), max_length=300)
    decided_on = models.DateField(_("decided on"), validators=[validate_domain_date])
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("e.g. 'Kommunfullmäktige'")
    )
    reference_number = models.CharField(
        _("reference number (diarienummer)"), max_length=100, blank=True
    )
    next_review_on = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        validators=[validate_domain_date],
        help_text=_("Leave empty for the review interval the service is set to."),
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("crime prevention plan (åtgärdsplan)")
        verbose_name_plural = _("crime prevention plans (åtgärdsplaner)")
        ordering = ["municipality__name", "-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_on__isnull=True)
                | models.Q(next_review_on__gt=models.F("decided_on")),
                name="preventionplan_review_after_decision",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.decided_on:%Y-%m-%d})"

    @property
    def review_due_on(self) -> datetime.date:
        return self.next_review_on or add_months(
            self.decided_on, settings.LAW_PREVENTION_PLAN_REVIEW_MONTHS
        )


class CoordinatingFunction(Versioned):
    """Who holds the municipality's coordinating function for the crime prevention work:
    a unit, and a person named in text or a member user of the municipality."""

    municipality = models.OneToOneField(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="coordinating_function",
        limit_choices_to=MUNICIPALITY,
    )
    unit = models.CharField(
        _("unit"), max_length=200, help_text=_("e.g. 'Kommunledningskontoret, trygghetsenheten'")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A user of the municipality who holds the function, if they have an account."),
    )
    person_name = models.CharField(_("name"), max_length=200, blank=True)
    person_title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("coordinating function")
        verbose_name_plural = _("coordinating functions")

    def __str__(self):
        return f"{self.municipality}: {self.unit}"

    @property
    def holder_name(self) -> str:
        if self.person_name:
            return self.person_name
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return ""

    @property
    def contact_email(self) -> str:
        return self.email or (self.user.email if self.user_id else "")
