"""The agreement (samverkansöverenskommelse) itself: its lifecycle, its period and renewal,
and where it stands on a given day. What it is made of is in `parts.py`.

Over 400 lines for now: the period is counted twice, in Python (`counted_period`,
`status_on`) and in SQL (`status_on_expression`, `valid_during`), and the two are kept side
by side so that they stay the same; moving the period's rules into a module of their own
is the next split."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from samverkan.dates import EARLIEST, LATEST, validate_domain_date
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
# Whose time is over: listed after the rest (AgreementQuerySet.in_list_order).
OVER = (CurrentStatus.EXPIRED, CurrentStatus.TERMINATED)

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


# A period written as a length from signing ("tvåårigt") is at most this many years.
LONGEST_LENGTH_YEARS = 10


def _signed_on(**lookups) -> Exists:
    """Whether the agreement has a signed version whose signing day matches the lookups
    (the first signing is the earliest, so "some" is "the first" for upper bounds)."""
    versions = Agreement._meta.get_field("versions").related_model
    return Exists(
        versions.objects.filter(agreement=OuterRef("pk"), signed_on__isnull=False, **lookups)
    )


# The counted period (Agreement.counted_period) in SQL: written as exact dates, as years
# (1 January – 31 December) or as a length from the first signing.
_NO_DATES = Q(valid_from__isnull=True, valid_until__isnull=True)
_IN_YEARS = _NO_DATES & Q(first_year__isnull=False)
_AS_LENGTH = _NO_DATES & Q(first_year__isnull=True, length_years__isnull=False)


def _counted_start_after(day: datetime.date) -> Q:
    return (
        Q(valid_from__gt=day)
        | (_IN_YEARS & Q(first_year__gt=day.year))
        | (_AS_LENGTH & Q(_signed_on()) & ~Q(_signed_on(signed_on__lte=day)))
    )


def _counted_end_before(day: datetime.date) -> Q:
    """The counted last day is before the day: for a length of n years from signing s,
    s + n years - 1 day < day, that is s <= day - n years."""
    lengths = Q()
    for years in range(1, LONGEST_LENGTH_YEARS + 1):
        signed_by = day - relativedelta(years=years)
        lengths |= Q(_signed_on(signed_on__lte=signed_by), length_years=years)
    return (
        Q(valid_until__lt=day)
        | (
            _IN_YEARS
            & (Q(last_year__lt=day.year) | Q(last_year__isnull=True, first_year__lt=day.year))
        )
        | (_AS_LENGTH & lengths)
    )


def _has_counted_end() -> Q:
    return Q(valid_until__isnull=False) | _IN_YEARS | (_AS_LENGTH & Q(_signed_on()))


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
        When(_counted_start_after(day), then=Value(status.NOT_YET_IN_FORCE)),
        When(terminated_on__lte=expiring_from, then=Value(status.EXPIRING)),
        When(terminated_on__isnull=False, then=Value(status.ACTIVE)),
        When(Q(renewal_rule__in=RUNS_ON) | ~_has_counted_end(), then=Value(status.ACTIVE)),
        When(_counted_end_before(day), then=Value(status.EXPIRED)),
        When(
            _counted_end_before(expiring_from + datetime.timedelta(days=1)),
            then=Value(status.EXPIRING),
        ),
        default=Value(status.ACTIVE),
        output_field=models.CharField(),
    )


class CycleStep(models.IntegerChoices):
    """The five steps of the cycle every agreement follows, as Brå, Polisen and SKR name
    them; each step's done-when list is in `steps.py`."""

    INITIATE = 1, _("1. Initiate")
    OWN_PREPARATIONS = 2, _("2. Own preparations")
    JOINT_PREPARATIONS = 3, _("3. Joint preparations")
    IMPLEMENTATION = 4, _("4. Implementation")
    FOLLOW_UP = 5, _("5. Follow-up and feedback")


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

    def in_list_order(self, day: datetime.date):
        """The agreement list's order: those in force, not yet in force and being written
        before those expired or terminated on the day; within each the newest first, by
        the year its period begins (a draft with no period yet at the top), then its
        first day, then title. Annotates `status_on_day`."""
        versions = Agreement._meta.get_field("versions").related_model
        first_signed = versions.objects.filter(agreement=OuterRef("pk"), signed_on__isnull=False)
        first_signed = first_signed.order_by("signed_on").values("signed_on")[:1]
        return (
            self.with_status_on(day)
            .annotate(
                is_over=Case(
                    When(status_on_day__in=OVER, then=Value(1)),
                    default=Value(0),
                    output_field=models.IntegerField(),
                ),
                starts_in=Coalesce(
                    ExtractYear("valid_from"),
                    F("first_year"),
                    ExtractYear(Subquery(first_signed)),
                    output_field=models.IntegerField(),
                ),
            )
            .order_by(
                "is_over",
                F("starts_in").desc(nulls_first=True),
                F("valid_from").desc(nulls_last=True),
                "title",
                "pk",
            )
        )

    def valid_during(self, year: int):
        """Agreements in force at some time in the year; one renewed per calendar year runs
        until it is terminated, whatever its first end date."""
        started = (Q(valid_from__isnull=True) | Q(valid_from__year__lte=year)) & ~(
            _IN_YEARS & Q(first_year__gt=year)
        )
        not_ended = (
            (Q(valid_until__isnull=True) & ~_counted_end_before(datetime.date(year, 1, 1)))
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
    # The agreement of the period before, of the same kind, when this one was started from
    # it (Nytt medborgarlöfte för <år>, Nästa period): one next each, so starting it twice
    # finds it. (`next_promise` names the next one of either kind.)
    follows = models.OneToOneField(
        "self",
        verbose_name=_("follows"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_promise",
        help_text=_(
            "The agreement or citizen promise of the period before, which this one continues."
        ),
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
        _("step of the cycle"), choices=CycleStep.choices, default=CycleStep.INITIATE
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
    # A period written without exact dates, held as written: in years ("2021",
    # "2019–2020") or as a length from signing ("tvåårigt"). See counted_period.
    first_year = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST.year), MaxValueValidator(LATEST.year)],
        help_text=_("For a period written in years without exact dates, e.g. 2019."),
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST.year), MaxValueValidator(LATEST.year)],
        help_text=_("Empty when the period is a single year."),
    )
    length_years = models.PositiveSmallIntegerField(
        _("length from signing (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(LONGEST_LENGTH_YEARS)],
        help_text=_("For a period written as a length, e.g. 2 for 'tvåårigt'."),
    )
    validity_note = models.CharField(
        _("validity as written"),
        max_length=300,
        blank=True,
        help_text=_("The period in the source's own words, e.g. 'tills nästa medborgarlöfte'."),
    )
    # The overall goals themselves are OverallGoal rows; this is their heading as the
    # document writes it ("Mål för perioden"), printed above them.
    overall_goals_heading = models.CharField(
        _("heading of the overall goals"),
        max_length=200,
        blank=True,
        help_text=_("As the document writes it, e.g. 'Mål för perioden'; empty: 'Overall goals'."),
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
    # The follow-up arrangement as the document writes it (who, how often, to whom, where
    # published): printed text. The dates the product counts with are FollowUpCadence's.
    follow_up_by = models.CharField(
        _("followed up by"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 'Kommunpolisen och kommunens trygghetssamordnare'"),
    )
    follow_up_how_often = models.CharField(
        _("how often"), max_length=300, blank=True, help_text=_("e.g. 'Varje tertial'")
    )
    follow_up_reported_to = models.CharField(
        _("reported to"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 'Kommunstyrelsen och lokalpolisområdets ledningsgrupp'"),
    )
    follow_up_published = models.CharField(
        _("published"),
        max_length=300,
        blank=True,
        help_text=_("Where the follow-up is published, e.g. 'polisen.se och kommunens webbplats'"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    FOLLOW_UP_FIELDS = (
        "follow_up_by",
        "follow_up_how_often",
        "follow_up_reported_to",
        "follow_up_published",
    )

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

    @property
    def overall_goals_heading_shown(self) -> str:
        return self.overall_goals_heading or gettext("Overall goals")

    def save(self, *args, **kwargs):
        # An agreement imported as signed (from paper) holds in its version as imported.
        if self.signed_version is None and self.status in SIGNED_STATUSES:
            self.signed_version = self.version
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("agreement_detail", args=[self.pk])

    @property
    def file_stem(self) -> str:
        """The start of its files' names, from the title as it is now: the reference was
        made from the title it had when written and stays, but a file is named by what the
        agreement is called today."""
        words = self.title.replace("–", "-").replace("—", "-")  # 2026–2029: two years
        return slugify(words)[:60].strip("-") or self.reference

    @property
    def has_follow_up_arrangement(self) -> bool:
        return any(getattr(self, name).strip() for name in self.FOLLOW_UP_FIELDS)

    @property
    def is_citizen_promise(self) -> bool:
        return self.kind == AgreementKind.CITIZEN_PROMISE

    @property
    def is_draft(self) -> bool:
        """Only a draft's text, parties and period may change; a signed text is revised."""
        return self.status == AgreementStatus.DRAFT

    @property
    def may_be_followed(self) -> bool:
        """Only a signed agreement is followed by its next period's draft (Nästa period,
        Nytt medborgarlöfte); a draft's own period is changed in the draft editor."""
        return not self.is_draft and bool(self.signed_version)

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
        return self.counted_period()[1]

    def first_signed_on(self) -> datetime.date | None:
        """The day the agreement was first signed, where a signature was registered."""
        return (
            self.versions.filter(signed_on__isnull=False)
            .order_by("signed_on")
            .values_list("signed_on", flat=True)
            .first()
        )

    def counted_period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The dates the product counts with (status, due dates): the exact dates where
        written; else a period written in years as whole calendar years; else a length as
        that many years from the first signing (none before it is signed). Never printed:
        the period is printed as written (period_as_written)."""
        if self.valid_from or self.valid_until:
            return self.valid_from, self.valid_until
        if self.first_year:
            last = self.last_year or self.first_year
            return datetime.date(self.first_year, 1, 1), datetime.date(last, 12, 31)
        if self.length_years and self.signed_version:
            start = self.first_signed_on()
            if start:
                end = start + relativedelta(years=self.length_years) - datetime.timedelta(days=1)
                return start, end
        return None, None

    def period_as_written(self, date_format: str = "Y-m-d") -> str:
        """The period as the document writes it: the exact dates, else the years
        ("2019–2020"), else the length from signing; no date the document does not give."""
        if self.valid_from or self.valid_until:
            start = format_date(self.valid_from, date_format) if self.valid_from else "–"
            if self.valid_until:
                end = format_date(self.valid_until, date_format)
            elif self.renewal_rule in (RenewalRule.FIXED_END, RenewalRule.EXTENDABLE):
                end = "–"
            else:
                end = gettext("until further notice")
            return f"{start} – {end}"
        if self.first_year:
            if self.last_year and self.last_year != self.first_year:
                return f"{self.first_year}–{self.last_year}"
            return str(self.first_year)
        if self.length_years:
            return ngettext(
                "%(years)d year from signing", "%(years)d years from signing", self.length_years
            ) % {"years": self.length_years}
        if self.renewal_rule == RenewalRule.UNTIL_FURTHER_NOTICE:
            return gettext("until further notice")
        return gettext("not stated")

    @property
    def period_printed(self) -> str:
        """The period on the printed title page, dates written out in words."""
        return self.period_as_written("j F Y")

    @property
    def validity_note_shown(self) -> str:
        """The source's words for the period, unless they only repeat the period as shown
        ("2026" under "2026")."""
        note = self.validity_note.strip()
        same = {self.period_as_written(), self.period_printed}
        return "" if note.replace("-", "–") in same or note in same else note

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
        first, _last = self.counted_period()
        if first and first > day:
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
        counted_from, counted_until = self.counted_period()
        end = self.terminated_on or counted_until
        if (
            self.renewal_rule == RenewalRule.CALENDAR_YEAR
            and self.signed_version
            and counted_until
            and day > counted_until
        ):
            year = min(day.year, self.terminated_on.year) if self.terminated_on else day.year
            if year > counted_until.year:
                start = datetime.date(year, 1, 1)
                return start, self.terminated_on or datetime.date(year, 12, 31)
        return counted_from, end

    @property
    def current_period(self):
        return self.period_on(timezone.localdate())

    @property
    def renewed_since_first_period(self) -> bool:
        """Shown with the current period: the period as signed was an earlier one."""
        return self.current_period[0] != self.counted_period()[0]

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
    VALIDITY_FIELDS = (
        "valid_from",
        "valid_until",
        "first_year",
        "last_year",
        "length_years",
        "renewal_rule",
        "extension_max_years",
    )

    def clean(self):
        self._refuse_validity_changes_while_ready()
        self._check_kind_and_part_of()
        self._check_follows()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end date cannot be before the start date.")}
            )
        self._clean_period_as_written()
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

    def _check_follows(self):
        """An agreement continues the one of the period before of its own kind: a citizen
        promise another promise (Nytt medborgarlöfte), a cooperation agreement another
        cooperation agreement (Nästa period)."""
        if self.follows is None:
            return
        if self.follows.pk is not None and self.follows.pk == self.pk:
            message = (
                _("A citizen promise cannot continue itself.")
                if self.is_citizen_promise
                else _("An agreement cannot continue itself.")
            )
        elif self.follows.kind != self.kind and self.is_citizen_promise:
            message = _("A citizen promise can only continue an earlier citizen promise.")
        elif self.follows.kind != self.kind:
            message = _(
                "A cooperation agreement can only continue an earlier cooperation agreement."
            )
        else:
            return
        raise ValidationError({"follows": message})

    def shares_a_party_with(self, other) -> bool:
        mine = self.parties.values("organisation_id")
        return other.parties.filter(organisation_id__in=mine).exists()

    def _clean_period_as_written(self):
        """A period is written one way: exact dates, years, or a length from signing."""
        has_dates = bool(self.valid_from or self.valid_until)
        if self.last_year and not self.first_year:
            raise ValidationError({"first_year": _("Give the first year too.")})
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("The last year cannot be before the first.")})
        if has_dates and self.first_year:
            raise ValidationError(
                {
                    "first_year": _(
                        "Give the period either as exact dates or as years, not both: "
                        "empty the dates or the years."
                    )
                }
            )
        if self.length_years and (has_dates or self.first_year):
            raise ValidationError(
                {
                    "length_years": _(
                        "A length from signing is for a period written without dates or "
                        "years: empty the length or the dates and years."
                    )
                }
            )

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
