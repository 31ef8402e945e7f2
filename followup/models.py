"""Follow-up: what was done on each action item, indicators, and follow-up reports.

Follow-up entries are official records and append-only: a correction is a new entry that
points at the one it corrects. The model refuses updates and deletes, one by one and in bulk.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Agreement, FocusArea
from organisations.models import Organisation
from samverkan.dates import MAX_OCCURRENCES, clamp, validate_domain_date
from samverkan.saving import saved_without_save
from samverkan.versioning import Versioned


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
    occurred_on = models.DateField(_("date"), validators=[validate_domain_date])
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
        with transaction.atomic():
            super().save(*args, **kwargs)
            refresh_item_status(self.item_id)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Follow-up entries cannot be deleted; add a correcting entry.")

    def clean(self):
        if self.corrects_id and self.item_id and self.corrects.item_id != self.item_id:
            raise ValidationError(
                {"corrects": _("A correction must concern the same action item.")}
            )


def standing_entries(item_id=None):
    """Entries that still stand: those no later entry corrects."""
    entries = FollowUpEntry.objects.filter(corrections__isnull=True)
    return entries if item_id is None else entries.filter(item_id=item_id)


LATEST_FIRST = ["-occurred_on", "-created_at", "-pk"]


def refresh_item_status(item_id: int) -> None:
    """A row's status is the one its latest standing entry gives (by date, then by when it
    was recorded); a row nobody has logged keeps the status it was planned with. Stored on
    the row so that pages, filters and reminders read it without looking at entries."""
    latest = standing_entries(item_id).order_by(*LATEST_FIRST).values("status")[:1]
    # An UPDATE of one column: it must not bump the row's edit version (see Versioned).
    item = ActionItem.objects.get(pk=item_id)
    before = item.status
    ActionItem.objects.filter(pk=item_id).update(status=models.Subquery(latest))
    item.refresh_from_db(fields=["status"])
    if item.status != before:
        saved_without_save(item, ["status"])  # the row's history shows the status it now has


def status_on(item: ActionItem, day: datetime.date, entries) -> str:
    """The row's status as it stood on `day`, from its entries (any order)."""
    corrected = {entry.corrects_id for entry in entries}
    standing = [e for e in entries if e.occurred_on <= day and e.pk not in corrected]
    if not standing:
        return item.status if not entries else ItemStatus.NOT_STARTED
    return max(standing, key=lambda e: (e.occurred_on, e.created_at, e.pk)).status


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
