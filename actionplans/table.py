"""The action plan page's table: rows grouped by focus area, columns by the plan's layout,
loaded in a fixed number of queries however many rows the plan has."""

from dataclasses import dataclass
from html import escape  # the standard library's: Django's wraps it for lazy strings, slower

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, FocusArea, Party
from samverkan.fetching import page_fetch_mode

from .models import ActionItem, ActionPlan, ItemStatus, PlanLayout, Responsibility


def agreement_queryset():
    """An agreement with what every plan page and row fragment shows of it."""
    mode = page_fetch_mode()
    return Agreement.objects.fetch_mode(mode).prefetch_related(
        Prefetch("parties", queryset=Party.objects.fetch_mode(mode).select_related("organisation")),
        Prefetch("focus_areas", queryset=FocusArea.objects.fetch_mode(mode)),
    )


def row_queryset():
    mode = page_fetch_mode()
    return ActionItem.objects.fetch_mode(mode).prefetch_related(
        # A plain list: a prefetched manager's .all() builds a queryset per row, which
        # for 500 rows costs more than the query itself.
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.fetch_mode(mode).select_related("organisation"),
            to_attr="responsibility_list",
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


class RowUrls:
    """The URLs of a row's actions. Reversing three URLs for each of 500 rows costs more
    than printing the rows; each is reversed once, around a stand-in id, per page."""

    STAND_IN = "2147483647"

    def __init__(self, plan):
        self._parts = {
            name: reverse(name, args=[plan.agreement_id, plan.pk, self.STAND_IN]).split(
                self.STAND_IN
            )
            for name in ("row_edit", "row_move", "row_delete", "entry_create")
        }

    def __call__(self, name, item_pk) -> SafeString:
        before, after = self._parts[name]
        # A reversed URL is already quoted; marked safe, the template need not escape it.
        return mark_safe(f"{before}{item_pk}{after}")  # noqa: S308


@dataclass
class TableRow:
    item: ActionItem
    cells: SafeString  # the row's cells as HTML, see Columns.cells
    urls: RowUrls
    state: str = ""  # "form", "delete" or "conflict": shown so on the page instead of as text
    focus: str = ""  # "edit", "up" or "down": the button that gets the focus after a swap

    @property
    def dom_id(self) -> SafeString:
        """The row's element id, as text: printing a number would localise it."""
        return mark_safe(f"rad-{self.item.pk}")  # noqa: S308 - digits only

    @property
    def edit_url(self) -> str:
        return self.urls("row_edit", self.item.pk)

    @property
    def move_url(self) -> str:
        return self.urls("row_move", self.item.pk)

    @property
    def delete_url(self) -> str:
        return self.urls("row_delete", self.item.pk)

    @property
    def followup_url(self) -> str:
        return self.urls("entry_create", self.item.pk)


class Columns:
    """The plan's column set, and how a row fills it."""

    def __init__(self, plan, parties):
        self.by_party = plan.layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION
        self.parties = [(party.organisation_id, party.display_label) for party in parties]
        if self.by_party:
            labels = [_("What"), *(label for _id, label in self.parties), _("Communication")]
        else:
            labels = [_("Goal"), _("Activity"), _("When"), _("Responsible")]
        self.titles = [str(label) for label in labels]
        # Each cell's opening and closing tags, with the column's name for phones.
        self.tags = [(f'<td data-label="{escape(title)}">', "</td>") for title in self.titles]
        if self.by_party:  # the first cell names the row
            self.tags[0] = (f'<th scope="row" data-label="{escape(self.titles[0])}">', "</th>")
        self.continued = format_html('<span class="note">{}</span>', _("(continued)"))
        self.today = timezone.localdate()
        self.status_labels = {
            status: f'<span class="status status-{status}">{escape(str(label))}</span>'
            for status, label in ItemStatus.choices
        }
        self.overdue = escape(str(_("overdue since")))

    def status(self, item) -> str:
        """The row's status (from its latest follow-up entry), and 'overdue' when its date
        has passed with the row still open."""
        text = self.status_labels[item.status]
        if item.is_overdue(self.today):
            text += f' <span class="status overdue">{self.overdue} {item.deadline:%Y-%m-%d}</span>'
        return f'<p class="row-status">{text}</p>'

    def cells(self, item) -> SafeString:
        """The row's cells as HTML, each with its column's name for the phone layout.

        Built here rather than in the template for the reason Django admin builds its
        change list rows in Python: a template costs microseconds per variable, and a
        500-row plan has thousands of them (docs/performance.md). Every text is escaped.
        """
        party_texts = [item.party_text(organisation) for organisation, _l in self.parties]
        activity = escape(item.activity) + self.status(item)
        if self.by_party:
            texts = [activity, *(escape(text) for text in (*party_texts, item.communication))]
        else:
            responsible = item.responsible_text or ", ".join(t for t in party_texts if t)
            goal = self.continued if item.continues_goal_above else escape(item.goal)
            texts = [goal, activity, escape(item.when_text), escape(responsible)]
        cells = [f"{start}{text}{end}" for (start, end), text in zip(self.tags, texts, strict=True)]
        return mark_safe("".join(cells))  # noqa: S308 - the texts are escaped above


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
    columns: Columns
    groups: list[RowGroup]

    @property
    def column_titles(self) -> list[str]:
        return self.columns.titles

    @property
    def colspan(self) -> int:
        """Columns of the table with the row actions: a row's form spans them all."""
        return len(self.columns.titles) + 1


def plan_table(agreement, plan) -> PlanTable:
    """The plan's rows in plan order, grouped under the focus areas that have rows, then
    those without one. A plan with no rows yet shows every focus area, ready for its first
    rows; later a row goes under another area by choosing it in the row's form."""
    columns = Columns(plan, agreement.parties.all())
    urls = RowUrls(plan)
    by_area = {}
    for item in plan.items.all():
        row = TableRow(item, columns.cells(item), urls)
        by_area.setdefault(item.focus_area_id, []).append(row)
    areas = agreement.focus_areas.all()
    groups = [
        RowGroup(area, by_area.get(area.pk, []))
        for area in areas
        if area.pk in by_area or not by_area
    ]
    if None in by_area or not groups:
        groups.append(RowGroup(None, by_area.get(None, [])))
    return PlanTable(agreement, plan, columns, groups)


def row_table(agreement, plan) -> PlanTable:
    """The table without rows: what a single row's fragment needs of it."""
    return PlanTable(agreement, plan, Columns(plan, agreement.parties.all()), [])


def single_row(table: PlanTable, item) -> TableRow:
    return TableRow(item, table.columns.cells(item), RowUrls(table.plan))
