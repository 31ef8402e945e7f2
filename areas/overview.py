"""What the municipality's page and the police area's page show of each municipality: the
law's three items (prevention/status.py), the agreements and citizen promises in force
that the reader may see, each plan's rows by status, and what is overdue or due in their
follow-up (followup/todo.py). One `municipality_overviews` call reads a fixed number of
queries however many municipalities, agreements and rows there are."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from agreements.access import editing_rights_in, visible_agreements
from agreements.models import Agreement, AgreementKind, Party
from followup.todo import AgreementToDo, follow_up_lists
from organisations.models import Organisation, OrganisationKind
from organisations.names import all_municipality_slugs, police_area_slug
from prevention.models import CoordinatingFunction, PreventionPlan, SituationReport
from prevention.status import LawStatus, law_status, with_law_items

# The order a plan's rows are counted in; proposed rows are not adopted yet.
PROGRESS_ORDER = [
    ItemStatus.DONE,
    ItemStatus.IN_PROGRESS,
    ItemStatus.NOT_STARTED,
    ItemStatus.DELAYED,
    ItemStatus.CANCELLED,
    ItemStatus.PROPOSED,
]


@dataclass
class Progress:
    """An agreement's rows of one municipality (its own plans and the shared ones) by status."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts[ItemStatus.DONE]

    @property
    def by_status(self) -> list[tuple[str, str, int]]:
        """(status, its label, count) for each status with rows, in PROGRESS_ORDER."""
        return [
            (status.value, status.label, self.counts[status])
            for status in PROGRESS_ORDER
            if self.counts[status]
        ]


@dataclass
class AgreementInForce:
    agreement: object
    progress: Progress
    to_do: AgreementToDo | None  # what is due in its follow-up, for this municipality

    @property
    def is_promise(self) -> bool:
        return self.agreement.kind == AgreementKind.CITIZEN_PROMISE


@dataclass
class MunicipalityOverview:
    municipality: Organisation
    law: LawStatus
    in_force: list[AgreementInForce]
    police_areas: list[Organisation]
    slug: str  # the address of its page (organisations.names.municipality_slugs)
    may_see_page: bool = True

    @property
    def police_area_links(self) -> list[tuple[Organisation, str]]:
        return [(area, police_area_slug(area.name)) for area in self.police_areas]

    @property
    def agreements(self) -> list[AgreementInForce]:
        return [each for each in self.in_force if not each.is_promise]

    @property
    def promises(self) -> list[AgreementInForce]:
        return [each for each in self.in_force if each.is_promise]

    @property
    def overdue_rows(self) -> int:
        return sum(len(each.to_do.overdue) for each in self.in_force if each.to_do)

    @property
    def overdue_reports(self) -> int:
        return sum(
            sum(1 for due in each.to_do.reports if due.is_overdue(each.to_do.today))
            for each in self.in_force
            if each.to_do
        )

    @property
    def overdue_law_items(self) -> list:
        return [item for item in self.law.items if item.state == "overdue"]


def _for_municipality(to_do: AgreementToDo, municipality_id: int) -> AgreementToDo | None:
    """The agreement's to-do list with only the rows of the municipality's own plans and
    the shared ones; reports are the agreement's, so they stay."""

    def ours(rows):
        return [row for row in rows if row.plan.municipality_id in (None, municipality_id)]

    mine = AgreementToDo(
        to_do.agreement,
        to_do.today,
        overdue=ours(to_do.overdue),
        due_soon=ours(to_do.due_soon),
        not_logged=ours(to_do.not_logged),
        last_checkpoint=to_do.last_checkpoint,
        next_checkpoint=to_do.next_checkpoint,
        reports=to_do.reports,
        may_edit=to_do.may_edit,
    )
    return mine or None


def municipality_overviews(user, municipalities, today: datetime.date):
    """One MunicipalityOverview per municipality (a queryset), in its order."""
    municipalities = list(
        with_law_items(municipalities).prefetch_related(
            Prefetch(
                "police_units",
                queryset=Organisation.objects.filter(kind=OrganisationKind.POLICE_AREA),
                to_attr="police_areas",
            )
        )
    )
    ids = [municipality.pk for municipality in municipalities]
    agreements = (
        visible_agreements(user)
        .in_force_on(today)
        .filter(pk__in=Party.objects.filter(organisation__in=ids).values("agreement"))
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("agreement_id", "organisation_id"))
        )
        .order_by("-kind", "valid_from", "title")
    )
    agreements = list(agreements)
    agreement_ids = [agreement.pk for agreement in agreements]
    counts = {}
    for agreement_id, municipality_id, status, rows in (
        ActionItem.objects.filter(plan__agreement__in=agreement_ids)
        .values_list("plan__agreement", "plan__municipality", "status")
        .annotate(rows=Count("pk"))
        .order_by()
    ):
        counts.setdefault((agreement_id, municipality_id), Counter())[status] += rows
    to_do = {}
    if agreement_ids:
        lists = follow_up_lists(Agreement.objects.filter(pk__in=agreement_ids), today)
        rights = editing_rights_in(user, [each.agreement.pk for each in lists])
        for each in lists:
            each.allow(rights[each.agreement.pk])
            to_do[each.agreement.pk] = each
    slugs = all_municipality_slugs()
    overviews = []
    for municipality in municipalities:
        in_force = []
        for agreement in agreements:
            if municipality.pk not in {party.organisation_id for party in agreement.parties.all()}:
                continue
            progress = Progress(
                counts.get((agreement.pk, None), Counter())
                + counts.get((agreement.pk, municipality.pk), Counter())
            )
            listed = to_do.get(agreement.pk)
            in_force.append(
                AgreementInForce(
                    agreement,
                    progress,
                    _for_municipality(listed, municipality.pk) if listed else None,
                )
            )
        overviews.append(
            MunicipalityOverview(
                municipality=municipality,
                law=law_status(municipality, today),
                in_force=in_force,
                police_areas=municipality.police_areas,
                slug=slugs[municipality.pk],
            )
        )
    return overviews


def area_slug(area: Organisation) -> str:
    return police_area_slug(area.name)


@dataclass
class HistoryLine:
    when: datetime.datetime
    who: str
    what: str  # created, changed, deleted
    item: str  # which kind of item
    title: str


def law_history(municipality, limit: int = 10) -> list[HistoryLine]:
    """The latest changes to the municipality's law items, newest first (three queries;
    the `history` managers are audit's, which tracks the three models)."""
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    lines = []
    for model, title in (
        (SituationReport, lambda record: record.title),
        (PreventionPlan, lambda record: record.title),
        (CoordinatingFunction, lambda record: record.unit),
    ):
        for record in model.history.filter(municipality_id=municipality.pk).order_by(
            "-history_date"
        )[:limit]:
            lines.append(
                HistoryLine(
                    record.history_date,
                    record.history_user_name,
                    actions[record.history_type],
                    model._meta.verbose_name,
                    title(record),
                )
            )
    return sorted(lines, key=lambda line: line.when, reverse=True)[:limit]
