"""The agreement (samverkansöverenskommelse) itself: its lifecycle, its period and renewal,
and where it stands on a given day. What it is made of is in `parts.py`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.dates import validate_domain_date
from samverkan.versioning import Versioned

# An agreement's status turns 'expiring' this many days before its last day.
EXPIRING_DAYS = 90


class AgreementStatus(models.TextChoices):
    """The agreement's lifecycle, the only status stored: written, frozen and waiting for
    signatures, signed, terminated. Whether a signed agreement is in force today is not
    stored: it follows from its dates (CurrentStatus, Agreement.status_on)."""

    DRAFT = "draft", _("draft")
    READY = "ready_for_signature", _("ready for signature")
    SIGNED = "signed", _("signed")
    TERMINATED = "terminated", _("terminated")


class CurrentStatus(models.TextChoices):
    """What an agreement is on a given day, computed from its lifecycle, dates, renewal rule
    and the day (Agreement.status_on, AgreementQuerySet.with_status_on): a draft or a first
    version waiting for signatures, else where the signed agreement stands in its period."""

    DRAFT = "draft", _("draft")
    READY = "ready_for_signature", _("ready for signature")
    NOT_YET_IN_FORCE = "not_yet_in_force", _("not yet in force")
    ACTIVE = "active", _("active")
    EXPIRING = "expiring", _("expiring")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("terminated")


IN_FORCE = (CurrentStatus.ACTIVE, CurrentStatus.EXPIRING)

SIGNED_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)


class AgreementKind(models.TextChoices):
    """What kind of document the agreement is: the longer cooperation agreement, or the
    medborgarlöfte, the public promises to citizens, often for a year under one."""

    COOPERATION_AGREEMENT = "cooperation_agreement", _("Cooperation agreement")
    CITIZEN_PROMISE = "citizen_promise", _("Citizen promise")


class RenewalRule(models.TextChoices):
    FIXED_END = "fixed_end", _("ends on a fixed date")
    CALENDAR_YEAR = "calendar_year", _("renewed per calendar year until terminated")
    EXTENDABLE = "extendable", _("may be extended by up to N years at a time")
    UNTIL_FURTHER_NOTICE = "until_further_notice", _("valid until further notice")


# Renewed until terminated: no end of their own.
RUNS_ON = (RenewalRule.CALENDAR_YEAR, RenewalRule.UNTIL_FURTHER_NOTICE)


def status_on_expression(day: datetime.date) -> Case:
    """Agreement.status_on as SQL, case for case in the same order, to filter and sort."""
    expiring_from = day + datetime.timedelta(days=EXPIRING_DAYS)
    status = CurrentStatus
    return Case(
        When(signed_version__isnull=True, then=F("status")),
        When(terminated_on__lt=day, then=Value(status.TERMINATED)),
        When(
            status=AgreementStatus.TERMINATED,
            terminated_on__isnull=True,
            then=Value(status.TERMINATED),
        ),
        When(valid_from__gt=day, then=Value(status.NOT_YET_IN_FORCE)),
        When(terminated_on__lte=expiring_from, then=Value(status.EXPIRING)),
        When(terminated_on__isnull=False, then=Value(status.ACTIVE)),
        When(Q(renewal_rule__in=RUNS_ON) | Q(valid_until__isnull=True), then=Value(status.ACTIVE)),
        When(valid_until__lt=day, then=Value(status.EXPIRED)),
        When(valid_until__lte=expiring_from, then=Value(status.EXPIRING)),
        default=Value(status.ACTIVE),
        output_field=models.CharField(),
    )


class CycleStep(models.IntegerChoices):
    """The five steps of the cycle every agreement follows (Brå, Polisen and SKR)."""

    COLLECT_FACTS = 1, _("1. Collect facts")
    PROBLEM_PICTURE = 2, _("2. Shared problem picture")
    PRIORITIES = 3, _("3. Priorities and action plans")
    WORK = 4, _("4. The work is done")
    FOLLOW_UP = 5, _("5. Follow-up and evaluation")


class AgreementQuerySet(models.QuerySet):
    def search(self, text: str):
        """Agreements whose title or any of their texts contain the words searched for."""
        matches = Agreement.objects.all()
        for word in text.split():
            matches = matches.filter(
                Q(title__icontains=word)
                | Q(subtitle__icontains=word)
                | Q(sections__heading__icontains=word)
                | Q(sections__body__icontains=word)
                | Q(focus_areas__title__icontains=word)
                | Q(focus_areas__background__icontains=word)
                | Q(action_plans__items__goal__icontains=word)
                | Q(action_plans__items__activity__icontains=word)
            )
        return self.filter(pk__in=matches.values("pk"))

    def with_status_on(self, day: datetime.date):
        """Each agreement's CurrentStatus on the day, as `status_on_day`."""
        return self.annotate(status_on_day=status_on_expression(day))

    def with_current_status(self, status: str, day: datetime.date):
        return self.with_status_on(day).filter(status_on_day=status)

    def in_force_on(self, day: datetime.date):
        """Signed agreements in force on the day (active or expiring), also while a
        revision of one is written or waits for signatures."""
        return self.with_status_on(day).filter(status_on_day__in=IN_FORCE)

    def valid_during(self, year: int):
        """Agreements in force at some time in the year; one renewed per calendar year runs
        until it is terminated, whatever its first end date."""
        started = Q(valid_from__isnull=True) | Q(valid_from__year__lte=year)
        not_ended = (
            Q(valid_until__isnull=True)
            | Q(valid_until__year__gte=year)
            | Q(renewal_rule=RenewalRule.CALENDAR_YEAR)
        )
        not_terminated = Q(terminated_on__isnull=True) | Q(terminated_on__year__gte=year)
        return self.filter(started, not_ended, not_terminated)


class Agreement(Versioned):
    reference = models.SlugField(
        _("reference"),
        max_length=80,
        unique=True,
        help_text=_("A short, unique name for the agreement, e.g. strangnas-2020."),
    )
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind of document"),
        max_length=32,
        choices=AgreementKind.choices,
        default=AgreementKind.COOPERATION_AGREEMENT,
    )
    # A yearly medborgarlöfte under a longer cooperation agreement; it is still an agreement
    # of its own (title, period, parties, signatures, print).
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_promises",
        help_text=_("The cooperation agreement this citizen promise belongs to, if any."),
    )
    status = models.CharField(
        _("status"), max_length=32, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    # The number of the version being written or signed (Version 1, 2, …), not Versioned's
    # edit version, which is `edit_version` here.
    version = models.PositiveIntegerField(_("version"), default=1)
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=1,
        editable=False,
        help_text=_("Raised by one at every save of the draft's facts."),
    )
    version_field = "edit_version"
    cycle_step = models.PositiveSmallIntegerField(
        _("step of the cycle"), choices=CycleStep.choices, default=CycleStep.COLLECT_FACTS
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, validators=[validate_domain_date]
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Empty for an agreement that runs until further notice."),
        validators=[validate_domain_date],
    )
    renewal_rule = models.CharField(
        _("renewal rule"), max_length=32, choices=RenewalRule.choices, default=RenewalRule.FIXED_END
    )
    extension_max_years = models.PositiveSmallIntegerField(
        _("longest extension (years)"),
        null=True,
        blank=True,
        help_text=_("Only for agreements that may be extended by up to N years at a time."),
    )
    validity_note = models.CharField(
        _("validity as written"),
        max_length=300,
        blank=True,
        help_text=_("The period in the source's own words, e.g. 'tills nästa medborgarlöfte'."),
    )
    terminated_on = models.DateField(
        _("terminated on"), null=True, blank=True, validators=[validate_domain_date]
    )
    signed_version = models.PositiveIntegerField(
        _("signed version"),
        null=True,
        blank=True,
        help_text=_("The version signed last: it holds while a revision is drafted."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-valid_from", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_until_not_before_valid_from",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        renewal_rule=RenewalRule.EXTENDABLE,
                        extension_max_years__isnull=False,
                        extension_max_years__gte=1,
                    )
                    | (
                        ~Q(renewal_rule=RenewalRule.EXTENDABLE)
                        & Q(extension_max_years__isnull=True)
                    )
                ),
                name="agreement_extension_years_iff_extendable",
                violation_error_message=_(
                    "State the longest extension in years when, and only when, the agreement "
                    "may be extended."
                ),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(
                condition=Q(cycle_step__gte=1, cycle_step__lte=5),
                name="agreement_cycle_step_1_to_5",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # An agreement imported as signed (from paper) holds in its version as imported.
        if self.signed_version is None and self.status in SIGNED_STATUSES:
            self.signed_version = self.version
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("agreement_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        """Only a draft's text, parties and period may change; a signed text is revised."""
        return self.status == AgreementStatus.DRAFT

    @property
    def plans_are_editable(self) -> bool:
        """Action plans are working documents: kept up to date while the agreement runs and
        while an expired one is evaluated and extended; only a terminated one is closed.
        While a version waits for signatures its plans are what is being signed, so they
        wait too. The signed paper itself is a frozen copy and never changes."""
        if self.status == AgreementStatus.READY:
            return False
        return self.status_on(timezone.localdate()) != CurrentStatus.TERMINATED

    @property
    def is_revision(self) -> bool:
        """A new version is being written or signed while an earlier signed one holds."""
        return self.status in (AgreementStatus.DRAFT, AgreementStatus.READY) and bool(
            self.signed_version
        )

    def last_day(self) -> datetime.date | None:
        """The last day the agreement runs; None while it runs on (renewed per calendar year
        or until further notice) and has not been terminated."""
        if self.terminated_on:
            return self.terminated_on
        if self.renewal_rule in RUNS_ON:
            return None
        return self.valid_until

    def status_on(self, day: datetime.date) -> str:
        """The CurrentStatus on a day. Never signed: its lifecycle (draft, ready for
        signature). Signed (also while a revision is written): not yet in force before its
        first day, expired after its last, terminated after the last day a termination set,
        expiring in its last 90 days, else active. One renewed per calendar year or until
        further notice has no last day until it is terminated, so it is never expiring.
        The same cases in SQL: status_on_expression."""
        if not self.signed_version:
            return CurrentStatus(self.status)
        if self.terminated_on and self.terminated_on < day:
            return CurrentStatus.TERMINATED
        if self.status == AgreementStatus.TERMINATED and not self.terminated_on:
            return CurrentStatus.TERMINATED  # imported as terminated, without a day
        if self.valid_from and self.valid_from > day:
            return CurrentStatus.NOT_YET_IN_FORCE
        last = self.last_day()
        if last is None:
            return CurrentStatus.ACTIVE
        if last < day:
            return CurrentStatus.EXPIRED
        if (last - day).days <= EXPIRING_DAYS:
            return CurrentStatus.EXPIRING
        return CurrentStatus.ACTIVE

    @property
    def current_status(self) -> CurrentStatus:
        """The status shown today (from the annotation when the queryset made one)."""
        annotated = self.__dict__.get("status_on_day")
        if annotated is not None:
            return CurrentStatus(annotated)
        return self.status_on(timezone.localdate())

    def is_in_force(self, day: datetime.date) -> bool:
        return self.status_on(day) in IN_FORCE

    def period_on(self, day: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
        """The period shown on a day: as signed, with the last day a termination set;
        for one renewed per calendar year, once its first period is over, the calendar year
        of the day (or of its termination, once that has passed)."""
        end = self.terminated_on or self.valid_until
        if (
            self.renewal_rule == RenewalRule.CALENDAR_YEAR
            and self.signed_version
            and self.valid_until
            and day > self.valid_until
        ):
            year = min(day.year, self.terminated_on.year) if self.terminated_on else day.year
            if year > self.valid_until.year:
                start = datetime.date(year, 1, 1)
                return start, self.terminated_on or datetime.date(year, 12, 31)
        return self.valid_from, end

    @property
    def current_period(self):
        return self.period_on(timezone.localdate())

    @property
    def renewed_since_first_period(self) -> bool:
        """Shown with the current period: the period as signed was an earlier one."""
        return self.current_period[0] != self.valid_from

    def days_left(self, today=None) -> int | None:
        """Days until the agreement ends while it is in force; negative once it has ended;
        None for one not (yet) in force or running on without an end."""
        today = today or timezone.localdate()
        status = self.status_on(today)
        last = self.last_day()
        if last is None or status not in (
            *IN_FORCE,
            CurrentStatus.EXPIRED,
            CurrentStatus.TERMINATED,
        ):
            return None
        return (last - today).days

    # What a version waiting for signatures was frozen with and Förläng changes.
    VALIDITY_FIELDS = ("valid_from", "valid_until", "renewal_rule", "extension_max_years")

    def clean(self):
        self._refuse_validity_changes_while_ready()
        self._check_kind_and_part_of()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end date cannot be before the start date.")}
            )
        if self.renewal_rule == RenewalRule.EXTENDABLE and not self.extension_max_years:
            raise ValidationError(
                {"extension_max_years": _("State by how many years the agreement may be extended.")}
            )
        if self.renewal_rule != RenewalRule.EXTENDABLE and self.extension_max_years:
            raise ValidationError(
                {"extension_max_years": _("Only an extendable agreement has an extension length.")}
            )

    def _check_kind_and_part_of(self):
        """Only a citizen promise belongs to another agreement, and only to a cooperation
        agreement that shares a party with it; one with citizen promises under it stays a
        cooperation agreement."""
        if (
            self.pk is not None
            and self.kind != AgreementKind.COOPERATION_AGREEMENT
            and self.citizen_promises.exists()
        ):
            raise ValidationError(
                {
                    "kind": _(
                        "Citizen promises belong to this agreement: it stays a cooperation "
                        "agreement."
                    )
                }
            )
        parent = self.part_of
        if parent is None:
            return
        if self.kind != AgreementKind.CITIZEN_PROMISE:
            message = _("Only a citizen promise can be part of another agreement.")
        elif parent.pk is not None and parent.pk == self.pk:
            message = _("An agreement cannot be part of itself.")
        elif parent.kind != AgreementKind.COOPERATION_AGREEMENT:
            message = _("A citizen promise can only be part of a cooperation agreement.")
        elif self.pk is not None and not self.shares_a_party_with(parent):
            message = _("The agreement it is part of must have a party in common with it.")
        else:
            return
        raise ValidationError({"part_of": message})

    def shares_a_party_with(self, other) -> bool:
        mine = self.parties.values("organisation_id")
        return other.parties.filter(organisation_id__in=mine).exists()

    def _refuse_validity_changes_while_ready(self):
        """The period and renewal rule are part of the paper being signed."""
        if self.pk is None or self.status != AgreementStatus.READY:
            return
        stored = Agreement.objects.filter(pk=self.pk).values(*self.VALIDITY_FIELDS).first()
        changed = [
            name for name in self.VALIDITY_FIELDS if stored and stored[name] != getattr(self, name)
        ]
        if changed:
            message = _(
                "Version %(number)s is waiting for signatures with this period and renewal "
                "rule. Take it back to draft (Undo ready for signature) to change them."
            ) % {"number": self.version}
            raise ValidationError(dict.fromkeys(changed, message))
