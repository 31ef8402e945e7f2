"""The action plan page's table: rows grouped by focus area, columns by the plan's layout,
loaded in a fixed number of queries however many rows the plan has."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, FocusArea, Party
from samverkan.fetching import page_fetch_mode

from .models import ActionItem, ActionPlan, PlanLayout, Responsibility


def agreement_queryset():
    """An agreement with what every plan page and row fragment shows of it."""
    mode = page_fetch_mode()
    return Agreement.objects.fetch_mode(mode).prefetch_related(
        Prefetch("parties", queryset=Party.objects.fetch_mode(mode).select_related("organisation")),
        Prefetch("focus_areas", queryset=FocusArea.objects.fetch_mode(mode)),
    )


def row_queryset():
    mode = page_fetch_mode()
    return (
        ActionItem.objects.fetch_mode(mode)
        .select_related("focus_area")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.fetch_mode(mode).select_related("organisation"),
            )
        )
    )


def get_plan(agreement, plan_pk, *, with_rows=False):
    plans = ActionPlan.objects.fetch_mode(page_fetch_mode()).select_related("municipality")
    if with_rows:
        plans = plans.prefetch_related(Prefetch("items", queryset=row_queryset()))
    try:
        return plans.get(pk=plan_pk, agreement=agreement)
    except ActionPlan.DoesNotExist:
        raise Http404 from None


def get_row(plan, item_pk):
    try:
        return row_queryset().get(pk=item_pk, plan=plan)
    except ActionItem.DoesNotExist:
        raise Http404 from None


@dataclass
class TableRow:
    item: ActionItem
    party_cells: list[tuple[str, str]]  # (party's column label, the row's words there)


def table_row(item, parties) -> TableRow:
    """The row with its words in each party's column: the cells as written, else who."""
    cells = []
    for party in parties:
        said = [
            responsibility.description or str(responsibility)
            for responsibility in item.responsibilities.all()
            if responsibility.organisation_id == party.organisation_id
        ]
        cells.append((party.display_label, "; ".join(said)))
    return TableRow(item, cells)


@dataclass
class RowGroup:
    """The rows under one focus area, or under none."""

    focus_area: FocusArea | None
    rows: list[TableRow]

    @property
    def dom_id(self) -> str:
        return f"grupp-{self.focus_area.pk if self.focus_area else 'ovrigt'}"


@dataclass
class PlanTable:
    agreement: Agreement
    plan: ActionPlan
    parties: list[Party]
    groups: list[RowGroup]

    @property
    def column_titles(self) -> list[str]:
        if self.plan.layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION:
            return [_("What"), *(p.display_label for p in self.parties), _("Communication")]
        return [_("Goal"), _("Activity"), _("When"), _("Responsible")]

    @property
    def colspan(self) -> int:
        """Columns of the table with the row actions: a row's form spans them all."""
        return len(self.column_titles) + 1


def plan_table(agreement, plan) -> PlanTable:
    """The plan's rows in plan order, grouped under the focus areas that have rows, then
    those without one. A plan with no rows yet shows every focus area, ready for its first
    rows; later a row goes under another area by choosing it in the row's form."""
    parties = list(agreement.parties.all())
    rows = [table_row(item, parties) for item in plan.items.all()]
    by_area = {}
    for row in rows:
        by_area.setdefault(row.item.focus_area_id, []).append(row)
    areas = agreement.focus_areas.all()
    groups = [RowGroup(area, by_area[area.pk]) for area in areas if area.pk in by_area or not rows]
    if None in by_area or not groups:
        groups.append(RowGroup(None, by_area.get(None, [])))
    return PlanTable(agreement, plan, parties, groups)


def single_row(agreement, item) -> TableRow:
    return table_row(item, list(agreement.parties.all()))
