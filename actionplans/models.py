"""Action plans (handlingsplan, åtgärdsplan, aktivitetsplan, medborgarlöfte) and their rows.

One row model serves every way the seeds write a plan: Mål / Aktivitet / När / Ansvarig
(Härnösand), Vad / Kommun / Polis / Kommunikation (Strängnäs), or promises grouped by party
("Polisen lovar", "Kommunen lovar", "Tillsammans lovar"). What is printed keeps the source's
words (`when_text`, `responsible_text`, `Responsibility.description`); the structured fields
beside them (dates, organisations, roles) are what the product computes with.

Over 400 lines as one module on purpose: the plan, its rows and their responsibilities are
one aggregate, and the querysets that fetch them through their agreement read all three.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from agreements.access import get_of_agreement, plan_editor_ids
from agreements.models import Agreement, FocusArea, Party, ProblemItem
from organisations.models import Organisation
from samverkan.dates import EARLIEST, LATEST, validate_domain_date
from samverkan.fetching import page_fetch_mode
from samverkan.ordering import next_position
from samverkan.versioning import Versioned

from .links import Links, collect, link_sql

# Between the words of a party's responsibilities on a row, in its column.
PARTY_TEXT_SEPARATOR = "; "


def responsible_words(written: str, party_texts) -> str:
    """Who answers for a row, as the page and the print say it: its Ansvarig as written,
    else the parties' cells that say something."""
    return written or ", ".join(text for text in party_texts if text)


class PlanLayout(models.TextChoices):
    GOAL_ACTIVITY_WHEN_RESPONSIBLE = (
        "goal_activity_when_responsible",
        _("Goal / Activity / When / Responsible"),
    )
    ACTIVITY_PARTIES_COMMUNICATION = (
        "activity_parties_communication",
        _("What / one column per party / Communication"),
    )
    PROMISES_BY_PARTY = "promises_by_party", _("Promises grouped by party")
    # Brå's action-plan template (Samverkan i lokalt brottsförebyggande arbete): the cause a
    # measure acts on first, then the measure, its operational goal, when, who (with a
    # contact) and how it is followed up.
    BRA_CAUSE_MEASURE = (
        "bra_cause_measure",
        _("Brå: Cause / Measure / Operational goal / When / Who / Follow-up"),
    )


class PlanRenewal(models.TextChoices):
    """How a plan is renewed inside its agreement, as the agreement has its RenewalRule: a
    four-year agreement often has a plan (or a medborgarlöfte's promises) for each year."""

    NONE = "", _("not renewed: the plan runs for its own period")
    YEARLY = "yearly", _("renewed each year within the agreement")


class Recurrence(models.TextChoices):
    NONE = "", _("none")
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    TERTIAL = "tertial", _("every four months")
    HALF_YEARLY = "half_yearly", _("twice a year")
    YEARLY = "yearly", _("yearly")


class ItemStatus(models.TextChoices):
    # Written down but not yet adopted (a promise before the dialogue or the signing):
    # nothing to do yet, so it is not open (no reminders, never overdue).
    PROPOSED = "proposed", _("proposed")
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DELAYED = "delayed", _("delayed")
    CANCELLED = "cancelled", _("cancelled")


# A row in one of these is still to be done: reminders and the 'to follow up' list look at it.
# A proposed row is not: it has not been adopted yet.
OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.DELAYED)


def is_overdue(status, deadline, today) -> bool:
    """Whether a row in `status` with `deadline` (see ActionItem.deadline) is overdue."""
    return status in OPEN_STATUSES and deadline is not None and deadline < today


class ItemNature(models.TextChoices):
    NONE = "", _("not stated")
    SITUATIONAL = "situational", _("situational")
    SOCIAL = "social", _("social")


class ItemTerm(models.TextChoices):
    NONE = "", _("not stated")
    SHORT = "short", _("short-term")
    LONG = "long", _("long-term")


def _what_plan_pages_show(path=""):
    """What every plan page and row fragment shows of an agreement (its parties with their
    organisations, its focus areas), as prefetches of the agreement at `path`."""
    mode = page_fetch_mode()
    return (
        Prefetch(
            f"{path}parties",
            queryset=Party.objects.fetch_mode(mode).select_related("organisation"),
        ),
        Prefetch(f"{path}focus_areas", queryset=FocusArea.objects.fetch_mode(mode)),
    )


def plan_page_agreements():
    """Agreements with what every plan page shows of one: the queryset views give
    agreements/access.py's `get_agreement` where they fetch no plan (`get_plan` does)."""
    return Agreement.objects.fetch_mode(page_fetch_mode()).prefetch_related(
        *_what_plan_pages_show()
    )


def get_plan(user, pk, plan_pk) -> "ActionPlan":
    """The plan `plan_pk` of the agreement `pk` if the user may see the agreement, fetched
    through it (as pretix fetches through the event) in one query with the check
    (agreements/access.py's `get_of_agreement`); `plan.agreement` holds what plan pages
    show of it. Else 404."""
    plans = (
        ActionPlan.objects.fetch_mode(page_fetch_mode())
        .select_related("agreement", "municipality", "latest_adoption")
        .prefetch_related(*_what_plan_pages_show("agreement__"))
    )
    return get_of_agreement(user, pk, plans, plan_pk)


class ActionPlanQuerySet(models.QuerySet):
    def get_for(self, agreement, pk) -> "ActionPlan":
        """The agreement's plan `pk`, fetched through the agreement (as pretix fetches
        through the event): the agreement comes from agreements/access.py, which decided
        who sees it. 404 when the agreement has no such plan."""
        plans = self.fetch_mode(page_fetch_mode()).select_related("municipality", "latest_adoption")
        plan = get_object_or_404(plans, agreement=agreement, pk=pk)
        plan.agreement = agreement  # the one loaded, with what it prefetched
        return plan


# Rows that are kept: with follow-up entries (official records), or with feedback to
# citizens that was published or mailed (the public has seen it: citizens/).
ON_RECORD = (
    Q(follow_up_entries__isnull=False)
    | Q(public_feedback__published_at__isnull=False)
    | Q(public_feedback__mailed_at__isnull=False)
)


class ActionItemQuerySet(models.QuerySet):
    def on_record(self):
        """The rows that cannot be removed (`ON_RECORD`)."""
        return self.filter(ON_RECORD).distinct()

    def with_responsibilities(self):
        """Rows with their focus area and their responsibilities (with organisations), as
        every page that shows or edits a row reads them."""
        mode = page_fetch_mode()
        return (
            self.fetch_mode(mode)
            .select_related("focus_area")
            .prefetch_related(
                # A plain list: a prefetched manager's .all() builds a queryset per row,
                # which for 500 rows costs more than the query itself.
                Prefetch(
                    "responsibilities",
                    # Each row's own order: the default one ("item", i.e. the row's plan and
                    # agreement orders) would join the plan and the agreement to sort.
                    queryset=Responsibility.objects.fetch_mode(mode)
                    .select_related("organisation")
                    .order_by("item_id", "position"),
                    to_attr="responsibility_list",
                )
            )
        )

    def of_plan(self, plan):
        """The plan's rows in plan order, each with what `with_responsibilities` loads."""
        return self.with_responsibilities().filter(plan=plan).order_by("position")

    def get_for(self, plan, pk) -> "ActionItem":
        """The plan's row `pk` (the plan from `ActionPlan.objects.get_for`), loaded as
        `with_responsibilities` loads rows; 404 when the plan has no such row. One row's
        responsibilities are read directly, not through prefetch_related, whose machinery
        cost more than the query for a single row (a row save, docs/performance.md)."""
        mode = page_fetch_mode()
        item = get_object_or_404(
            self.fetch_mode(mode).select_related("focus_area"), plan=plan, pk=pk
        )
        item.plan = plan
        item.responsibility_list = list(
            Responsibility.objects.fetch_mode(mode)
            .select_related("organisation")
            .filter(item_id=item.pk)
            .order_by("position")
        )
        for responsibility in item.responsibility_list:
            responsibility.item = item  # as a prefetch sets it
        return item

    def shown_in_table(self, links: bool = False, parties=None, news=None) -> list[dict]:
        """The rows as the plan table shows them: dicts of their fields, with "party_texts"
        ({organisation id: the party's cell}), in two queries and without model instances
        (for 500 rows, building 1500 instances cost more than the queries:
        docs/performance.md). The same texts as `ActionItem.party_text`; "responsibilities"
        holds each responsibility as (organisation name, unit, role, description). With
        `links`, also each row's "links" (actionplans/links.py), in one more query. `parties`
        (the agreement's, loaded with their organisations) spare the join for the
        organisations' names: a name they lack is read in one more query. `news` =
        (since, user id), with `links`: each row's "has_new_entries" (links.link_sql)."""
        rows = list(
            self.order_by("position").values(
                *self.query.annotations,  # what the caller added
                "id",
                "focus_area_id",
                "group_heading",
                "goal",
                "continues_goal_above",
                "activity",
                "when_text",
                "responsible_text",
                "communication",
                "cause",
                "contact",
                "follow_up_text",
                "status",
                "due_on",
                "ends_on",
                "carried_from_period",
                # Not shown, but compared with an adopted version (actionplans/adoption.py).
                "starts_on",
                "recurrence",
                "is_citizen_promise",
                "nature",
                "term",
                # The responsible person's name, joined in the same query.
                "responsible_person__first_name",
                "responsible_person__last_name",
                "responsible_person__username",
            )
        )
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            row["party_texts"] = {}
            row["responsibilities"] = []
        roles = dict(ResponsibilityRole.choices)
        row_ids = self.order_by().values("pk")
        name_column = "organisation_id" if parties is not None else "organisation__name"
        lines = (
            Responsibility.objects.filter(item__in=row_ids)
            .order_by()
            .values_list(
                "item_id",
                "organisation_id",
                "description",
                name_column,
                "unit",
                "role",
                "position",
            )
        )
        lines = list(lines.order_by("item_id", "position"))
        if parties is not None:
            lines = _named(
                lines, {party.organisation_id: party.organisation.name for party in parties}
            )
        for item_id, organisation_id, description, name, unit, role, _order in lines:
            by_id[item_id]["responsibilities"].append((name or "", unit, role, description))
            role_label = roles.get(role, role) if role else ""
            text = description or Responsibility.words(name, unit, role_label)
            texts = by_id[item_id]["party_texts"]
            said = texts.get(organisation_id)
            texts[organisation_id] = text if said is None else f"{said}{PARTY_TEXT_SEPARATOR}{text}"
        if links:
            collect(rows, _link_lines(row_ids, news))
        return rows


def _named(lines, names: dict) -> list[tuple]:
    """The responsibility lines with each organisation's name from `names` (the parties',
    loaded already: joining the organisations into 1,000 lines cost the plan page more on
    PostgreSQL than the names it needed, docs/performance.md), and any other organisation's
    read in one query."""
    missing = {line[1] for line in lines if line[1] is not None and line[1] not in names}
    if missing:
        other = Organisation.objects.filter(pk__in=missing).values_list("pk", "name")
        names = {**names, **dict(other)}
    return [(*line[:3], names.get(line[1]), *line[4:]) for line in lines]


def _link_lines(row_ids, news=None) -> list[tuple]:
    """The rows' link lines (actionplans/links.py), ordered by row and position: a query of
    their own, cheaper on PostgreSQL than a UNION with the responsibilities' (whose plan
    and sort of wide lines cost more than the one round trip, docs/performance.md)."""
    sql, params = link_sql(ActionItem, row_ids.query.sql_with_params(), news)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS link_lines ORDER BY 1, 7", params)  # noqa: S608
        return cursor.fetchall()


class ActionPlan(Versioned):
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="action_plans",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_plans",
        help_text=_("Only when the plan is for one of the agreement's municipalities."),
    )
    position = models.PositiveIntegerField(_("position"))
    # Empty when the document's own title is the plan's (a medborgarlöfte's promises).
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty when the document's title is the plan's, as in a medborgarlöfte."),
    )
    layout = models.CharField(
        _("columns"),
        max_length=48,
        choices=PlanLayout.choices,
        default=PlanLayout.GOAL_ACTIVITY_WHEN_RESPONSIBLE,
    )
    introduction = models.TextField(_("introduction"), blank=True)
    table_heading = models.CharField(_("table heading"), max_length=300, blank=True)
    period_text = models.CharField(
        _("period, as written"), max_length=200, blank=True, help_text=_("e.g. '2020 – 2023'")
    )
    starts_on = models.DateField(
        _("starts"), null=True, blank=True, validators=[validate_domain_date]
    )
    ends_on = models.DateField(_("ends"), null=True, blank=True, validators=[validate_domain_date])
    renewal = models.CharField(
        _("renewal"), max_length=16, choices=PlanRenewal.choices, blank=True, default=""
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST.year), MaxValueValidator(LATEST.year)],
        help_text=_("For a plan renewed each year: the year this plan is for, e.g. 2021."),
    )
    # The plan's latest adoption (PlanAdoption), kept here so that every page and print that
    # fetches the plan has it in the same query. Set by `PlanAdoption.adopt` only.
    latest_adoption = models.ForeignKey(
        "PlanAdoption",
        verbose_name=_("latest adoption"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="actionplan_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="actionplan_ends_not_before_starts",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The plan's title, else the document's: a plan needs no title of its own."""
        return self.title or self.agreement.title

    @property
    def prints_title(self) -> bool:
        """Whether the print gives the plan a heading of its own: not when it only repeats
        the document's title."""
        return bool(self.title.strip()) and self.title.strip() != self.agreement.title.strip()

    @property
    def is_yearly(self) -> bool:
        return self.renewal == PlanRenewal.YEARLY

    def counted_period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The dates a yearly plan covers: its own dates where written, else its year's
        first and last day."""
        start, end = self.starts_on, self.ends_on
        if self.year:
            start = start or datetime.date(self.year, 1, 1)
            end = end or datetime.date(self.year, 12, 31)
        return start, end

    @property
    def renewal_note(self) -> str:
        """What the plan page and the print say of a yearly plan; "" for any other."""
        if not self.is_yearly:
            return ""
        if self.year:
            return _("Renewed each year within the agreement; this plan is for %(year)s.") % {
                "year": self.year
            }
        return str(_("Renewed each year within the agreement."))

    @property
    def due_for_renewal(self) -> bool:
        return self.is_due_for_renewal(timezone.localdate())

    def is_due_for_renewal(self, today: datetime.date) -> bool:
        """A yearly plan whose year is over while its agreement is still in force."""
        end = self.counted_period()[1]
        return (
            self.is_yearly and end is not None and end < today and self.agreement.is_in_force(today)
        )

    def _clean_renewal(self):
        if self.year and not self.is_yearly:
            raise ValidationError({"year": _("Only a plan renewed each year has a year.")})
        if not self.is_yearly:
            return
        start, end = self.counted_period()
        if start and end and end >= start + relativedelta(years=1):
            raise ValidationError(
                {"ends_on": _("A plan renewed each year covers at most one year.")}
            )
        agreement_start, _end = self.agreement.counted_period()
        agreement_end = self.agreement.last_day()
        outside = (start and agreement_start and start < agreement_start) or (
            end and agreement_end and end > agreement_end
        )
        if outside:
            message = _(
                "A plan renewed each year lies within the agreement's period (%(period)s)."
            ) % {"period": self.agreement.period_as_written()}
            raise ValidationError({"starts_on" if self.starts_on else "year": message})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        if self.agreement_id:
            self._clean_renewal()
        if (
            self.municipality_id
            and self.agreement_id
            and not self.agreement.parties.filter(organisation_id=self.municipality_id).exists()
        ):
            raise ValidationError(
                {"municipality": _("The municipality must be a party to the agreement.")}
            )


class ActionItem(Versioned):
    """A row of an action plan: who does what, when, and how it is communicated."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"))
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    # The heading the row is printed under in the document's words ("Polisen lovar att");
    # consecutive rows with the same heading are one group (promises_by_party plans).
    group_heading = models.CharField(
        _("group heading"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'Polisen lovar att', 'Kommunen lovar att', 'Tillsammans lovar vi att'"),
    )
    goal = models.TextField(_("goal"), blank=True)
    continues_goal_above = models.BooleanField(
        _("continues the goal of the row above"),
        default=False,
        help_text=_("The goal cell is left empty because the row above's goal goes on."),
    )
    activity = models.TextField(_("activity"))
    when_text = models.CharField(
        _("when, as written"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 'Kontinuerligt varje fredag och lördag'"),
    )
    starts_on = models.DateField(
        _("starts"), null=True, blank=True, validators=[validate_domain_date]
    )
    ends_on = models.DateField(_("ends"), null=True, blank=True, validators=[validate_domain_date])
    due_on = models.DateField(_("due"), null=True, blank=True, validators=[validate_domain_date])
    recurrence = models.CharField(
        _("recurs"), max_length=16, choices=Recurrence.choices, blank=True, default=""
    )
    responsible_text = models.CharField(
        _("responsible, as written"),
        max_length=300,
        blank=True,
        help_text=_("The 'Ansvarig' cell in the source's words, e.g. 'Polis och skola'."),
    )
    # A person who answers for the row beside the organisations: a user who is a member of
    # one of the row's responsible organisations and may log follow-up on its plan
    # (eligible_people; ActionItemForm offers only those). Their Mina uppgifter lists the
    # row, and reminders of it go to them.
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for_items",
    )
    communication = models.TextField(_("communication"), blank=True)
    # The columns of Brå's layout that no other field holds: the cause the measure acts on
    # (in the row's words; the problems it addresses are `problem_items`), a contact for
    # whoever is responsible, and how the measure is followed up (what follow-up entries
    # and indicators then record).
    cause = models.TextField(
        _("cause"),
        blank=True,
        help_text=_("The cause of the problem that the measure acts on."),
    )
    contact = models.CharField(
        _("contact"),
        max_length=300,
        blank=True,
        help_text=_("Who to contact about the row: a name, a telephone number or an e-mail."),
    )
    follow_up_text = models.TextField(
        _("follow-up, as planned"),
        blank=True,
        help_text=_("How and when the measure is followed up, e.g. 'Antal besök, kvartalsvis'."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    is_citizen_promise = models.BooleanField(_("citizen promise"), default=False)
    nature = models.CharField(
        _("kind of measure"), max_length=16, choices=ItemNature.choices, blank=True, default=""
    )
    term = models.CharField(
        _("time horizon"), max_length=8, choices=ItemTerm.choices, blank=True, default=""
    )
    # A promise carried over into next period's citizen promise (Nytt medborgarlöfte för
    # <år>): the row it came from, and the years of that promise as shown ("2025"), which
    # stay when the row it came from is gone or the promise travels as JSON.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    carried_from_period = models.CharField(
        _("carried over from (years)"),
        max_length=20,
        blank=True,
        help_text=_("The years of the citizen promise the row was carried over from, e.g. 2025."),
    )
    problem_items = models.ManyToManyField(
        ProblemItem,
        verbose_name=_("problems addressed"),
        blank=True,
        related_name="action_items",
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="actionitem_unique_position"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="actionitem_ends_not_before_starts",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.activity[:80]

    @cached_property
    def why_kept(self) -> str:
        """Why the row cannot be removed, in words for the person; empty when it can."""
        if self.follow_up_entries.exists():
            return _(
                "it has follow-up entries, which are official records and are kept with "
                "their row. To stop the activity, log follow-up with the status cancelled."
            )
        if ActionItem.objects.filter(pk=self.pk).on_record().exists():
            return _(
                "it has feedback to citizens that has been published, which is kept with "
                "its promise. To stop the activity, log follow-up with the status cancelled."
            )
        return ""

    def chain_links(self) -> Links:
        """The problems the row addresses and the indicators that measure it, in one query
        (the plan page reads them with its rows: actionplans/links.py)."""
        (row,) = ActionItem.objects.filter(pk=self.pk).shown_in_table(links=True)
        return row["links"]

    @property
    def deadline(self):
        """When the row is to be done: its due date, else the day it ends."""
        return self.due_on or self.ends_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        return is_overdue(self.status, self.deadline, today)

    def is_due_within(self, today, days: int) -> bool:
        deadline = self.deadline
        return self.is_open and deadline is not None and 0 <= (deadline - today).days <= days

    def responsible_organisation_ids(self) -> set[int]:
        """The organisations that answer for the row; a row that names none concerns every
        party of its agreement (as reminders read it)."""
        loaded = self._loaded_responsibilities() if self.pk else []  # a new row names none
        named = {r.organisation_id for r in loaded if r.organisation_id}
        return named or set(
            Party.objects.filter(agreement_id=self.plan.agreement_id).values_list(
                "organisation_id", flat=True
            )
        )

    def eligible_people(self, also=None):
        """Who may be named the row's responsible person: the active members of its
        responsible organisations who may log follow-up on its plan (its coordinators and
        kommunpoliser, agreements.access.plan_editor_ids; not a reader), by name (and the
        user `also`, by id: the person named now stays until changed)."""
        members = Q(
            is_active=True,
            memberships__organisation_id__in=self.responsible_organisation_ids(),
            pk__in=plan_editor_ids(self.plan),
        )
        return (
            get_user_model()
            .objects.filter(members | Q(pk=also) if also else members)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def party_text(self, organisation_id: int) -> str:
        """What the row says in a party's column: each of the party's responsibilities as
        written, else who and how, joined by "; ". The one reader of a party's cell (the
        page, the form, the print and the Excel sheet all show this)."""
        return PARTY_TEXT_SEPARATOR.join(
            responsibility.description or str(responsibility)
            for responsibility in self._loaded_responsibilities()
            if responsibility.organisation_id == organisation_id
        )

    def _loaded_responsibilities(self):
        """The row's responsibilities, from the prefetch when the row was fetched with one
        (`ActionItem.objects.with_responsibilities`)."""
        if hasattr(self, "responsibility_list"):
            return self.responsibility_list
        return self.responsibilities.all()

    def set_party_text(self, organisation_id: int, text: str) -> None:
        """Write a party's column of the row: the one writer, for the form and for Excel.

        The same text as now changes nothing, so each responsibility keeps its unit and
        role. A changed text: when the party has one responsibility on the row, or several
        and the text still has as many parts between "; ", each changed part becomes that
        responsibility's words and its unit and role stay. Otherwise the party's
        responsibilities are replaced by one with the text as written (no unit, no role:
        the text no longer says whose they were); an empty text removes them.
        """
        text = text.replace("\r\n", "\n").strip()
        if hasattr(self, "responsibility_list"):  # loaded with the row: no query
            mine = [r for r in self.responsibility_list if r.organisation_id == organisation_id]
        else:
            mine = list(
                self.responsibilities.select_related("organisation").filter(
                    organisation_id=organisation_id
                )
            )
        said = [responsibility.description or str(responsibility) for responsibility in mine]
        if PARTY_TEXT_SEPARATOR.join(said) == text:
            return
        parts = [text] if len(mine) == 1 else text.split(PARTY_TEXT_SEPARATOR)
        if text and len(parts) == len(mine):
            for responsibility, old, new in zip(mine, said, parts, strict=True):
                if old != new:
                    responsibility.description = new
                    responsibility.save(update_fields=["description"])
        else:
            Responsibility.objects.filter(pk__in=[r.pk for r in mine]).delete()
            if text:
                Responsibility.objects.create(
                    item=self,
                    organisation_id=organisation_id,
                    position=next_position(self.responsibilities.all()),
                    description=text,
                )
        # What the row had loaded is stale now.
        if hasattr(self, "responsibility_list"):
            del self.responsibility_list
        getattr(self, "_prefetched_objects_cache", {}).pop("responsibilities", None)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        if (
            self.focus_area_id
            and self.plan_id
            and self.focus_area.agreement_id != self.plan.agreement_id
        ):
            raise ValidationError(
                {"focus_area": _("The focus area must belong to the same agreement.")}
            )


class ResponsibilityRole(models.TextChoices):
    NONE = "", _("not stated")
    RESPONSIBLE = "responsible", _("responsible")
    COORDINATES = "coordinates", _("coordinates")
    INITIATES = "initiates", _("initiates")
    CONVENES = "convenes", _("convenes")
    PARTICIPATES = "participates", _("participates")
    COOPERATES = "cooperates", _("cooperates")
    PROMISES = "promises", _("promises")


class Responsibility(models.Model):
    """Who takes part in a row, and how.

    `organisation` is usually a party, but may be a helper that is not (räddningstjänsten),
    or empty when only a name is given. `unit` names a unit inside it ("Socialtjänsten",
    "Mobila poliskontoret"). `description` is the cell as written, printed in the party's
    column in plans laid out with one column per party.
    """

    item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    position = models.PositiveIntegerField(_("position"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    unit = models.CharField(_("unit or function"), max_length=200, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=ResponsibilityRole.choices, blank=True, default=""
    )
    description = models.CharField(_("responsibility, as written"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "position"], name="responsibility_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(unit=""),
                name="responsibility_names_someone",
                violation_error_message=_("Name an organisation or a unit."),
            ),
        ]

    def __str__(self):
        role = self.get_role_display() if self.role else ""
        return self.words(self.organisation.name if self.organisation else "", self.unit, role)

    @staticmethod
    def words(organisation_name, unit, role_label) -> str:
        """Who and how, as a responsibility without words of its own is shown."""
        who = " – ".join(part for part in (organisation_name, unit) if part)
        return f"{who} ({role_label})" if role_label else who


class AdoptionFrozenError(Exception):
    """Raised on any attempt to change or remove an adopted version of a plan."""


class PlanAdoptionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AdoptionFrozenError("An adopted version of a plan never changes.")

    def delete(self):
        raise AdoptionFrozenError("An adopted version of a plan is removed only with its plan.")


class PlanAdoption(models.Model):
    """Version N of an action plan as adopted (fastställd): on which date, by which body
    (the steering group), under which diarienummer, with the plan's facts and rows as they
    were then (`actionplans.adoption.plan_state`), so that later changes can be shown and
    compared. Written once and never changed; it goes only with its plan."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    number = models.PositiveIntegerField(_("version"))
    adopted_on = models.DateField(_("adopted on"), validators=[validate_domain_date])
    body = models.CharField(
        _("adopted by (body)"), max_length=200, help_text=_("e.g. 'Styrgruppen för BRÅ'")
    )
    reference_number = models.CharField(
        _("reference number"), max_length=100, blank=True, help_text=_("The diarienummer.")
    )
    snapshot = models.JSONField(_("the plan as adopted"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = PlanAdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("adopted plan version")
        verbose_name_plural = _("adopted plan versions")
        ordering = ["plan", "number"]
        constraints = [
            # Two Fastställ at once (or one posted twice) cannot both make version N.
            models.UniqueConstraint(fields=["plan", "number"], name="planadoption_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="planadoption_number_from_1"),
        ]

    def __str__(self):
        return str(self.description)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AdoptionFrozenError("An adopted version of a plan never changes.")
        super().save(*args, **kwargs)

    @property
    def description(self) -> str:
        """'Fastställd version 2, 2026-03-14, Styrgruppen, dnr KS 2026/12': as the plan page
        and the print say it."""
        return _("Adopted version %(number)s, %(particulars)s") % {
            "number": self.number,
            "particulars": self.particulars,
        }

    @property
    def particulars(self) -> str:
        """'2026-03-14, Styrgruppen, dnr KS 2026/12': when, by whom, under which number."""
        said = {"date": self.adopted_on.isoformat(), "body": self.body}
        if self.reference_number:
            return _("%(date)s, %(body)s, reference %(reference)s") % {
                **said,
                "reference": self.reference_number,
            }
        return _("%(date)s, %(body)s") % said

    def delete(self, *args, **kwargs):
        raise AdoptionFrozenError("An adopted version of a plan is removed only with its plan.")
