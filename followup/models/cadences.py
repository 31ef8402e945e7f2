"""When follow-up is due (cadences), and the reminders sent for it."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from samverkan.dates import MAX_OCCURRENCES, clamp, validate_domain_date


class CadenceKind(models.TextChoices):
    REPORT = "report", _("written report")
    CHECKPOINT = "checkpoint", _("checkpoint (meeting or per row)")


class CadenceFrequency(models.TextChoices):
    MONTHLY = "monthly", _("every month")
    QUARTERLY = "quarterly", _("four times a year")
    TERTIAL = "tertial", _("three times a year")
    HALF_YEARLY = "half_yearly", _("twice a year")
    YEARLY = "yearly", _("once a year")


MONTHS_BETWEEN = {
    CadenceFrequency.MONTHLY: 1,
    CadenceFrequency.QUARTERLY: 3,
    CadenceFrequency.TERTIAL: 4,
    CadenceFrequency.HALF_YEARLY: 6,
    CadenceFrequency.YEARLY: 12,
}


class FollowUpCadence(models.Model):
    """When an agreement is followed up: a written report once a year (Timrå, Sollentuna),
    a checkpoint four times a year at the BRÅ meeting (Strängnäs), twice a year and monthly
    per row (Härnösand). Its dates are the ends of the periods followed up: `first_on` and
    every interval after it.

    By a checkpoint every open row should have an entry since the previous one; a report
    covers the period since the previous date (see followup/todo.py).
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="cadences"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CadenceKind.choices)
    frequency = models.CharField(_("how often"), max_length=16, choices=CadenceFrequency.choices)
    first_on = models.DateField(
        _("first date"),
        help_text=_("The end of the first period followed up, e.g. 31 December; the rest follow."),
        validators=[validate_domain_date],
    )
    description = models.CharField(
        _("as written"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 'Skriftligt en gång per år till kommunstyrelsen'"),
    )

    class Meta:
        verbose_name = _("follow-up cadence")
        verbose_name_plural = _("follow-up cadences")
        ordering = ["agreement", "kind", "first_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.get_frequency_display()}"

    @property
    def months(self) -> int:
        return MONTHS_BETWEEN[self.frequency]

    def date_number(self, number: int) -> datetime.date:
        """Counted from the first date, not from the previous one, so that 31 January,
        monthly, gives 28 February and then 31 March again."""
        return self.first_on + relativedelta(months=number * self.months)

    def period_number(self, day: datetime.date) -> int:
        """The number of the last date on or before `day` (-1 before the first)."""
        months = (day.year - self.first_on.year) * 12 + day.month - self.first_on.month
        number = months // self.months
        while self.date_number(number) > day:
            number -= 1
        while self.date_number(number + 1) <= day:
            number += 1
        return max(number, -1)

    def last_on_or_before(self, day: datetime.date) -> datetime.date | None:
        number = self.period_number(day)
        return self.date_number(number) if number >= 0 else None

    def next_after(self, day: datetime.date) -> datetime.date:
        return self.date_number(self.period_number(day) + 1)

    def dates_between(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The dates from `start` to `end`, at most MAX_OCCURRENCES of them (a period typed
        as year 2 to 9998 would otherwise be 120 000 monthly dates)."""
        start, end = clamp(start), clamp(end)
        number = max(self.period_number(start - datetime.timedelta(days=1)) + 1, 0)
        dates = []
        while len(dates) < MAX_OCCURRENCES and (day := self.date_number(number)) <= end:
            dates.append(day)
            number += 1
        return dates


class SentReminder(models.Model):
    """One reminder e-mail sent, by its key: what makes `send_reminders` safe to run again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sent_reminders",
    )
    key = models.CharField(_("key"), max_length=200)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="sentreminder_unique_key"),
        ]

    def __str__(self):
        return f"{self.user}: {self.key}"
