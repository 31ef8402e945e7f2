"""How the action plan page presents a plan's rows: grouped by focus area, columns by the
plan's layout, and each row's whole `<tr>` (cells and action buttons) built here.

Fetching is elsewhere: views fetch the agreement through agreements/access.py, the plan
and its rows through the agreement (`ActionPlan.objects.get_for`, `ActionItem.objects`).

The rows are built in Python from dicts (`ActionItem.objects.shown_in_table`) rather than
in the template, for the reason Django admin builds its change list rows in Python: a
template costs microseconds per variable, and a 500-row plan has thousands of them
(docs/performance.md). What every row repeats (URLs, labels, the CSRF field) is worked out
once per page. Every text is escaped.
"""

from dataclasses import dataclass, field
from html import escape  # the standard library's: Django's wraps it for lazy strings, slower

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.models import Agreement, FocusArea

from .adoption import MARKS, AdoptionChanges, marks_from_table, row_mark, rows_from_table
from .models import (
    ActionItem,
    ActionPlan,
    ItemStatus,
    PlanLayout,
    is_overdue,
    responsible_words,
)
from .row_actions import RowActions
from .row_actions import braced as _braced


class RowUrls:
    """The URLs of a row's actions. Reversing four URLs for each of 500 rows costs more
    than printing the rows; each is reversed once, around a stand-in id, per page."""

    STAND_IN = "2147483647"
    NAMES = ("row_edit", "row_move", "row_delete", "entry_create")

    def __init__(self, plan):
        self._parts = {
            name: reverse(name, args=[plan.agreement_id, plan.pk, self.STAND_IN]).split(
                self.STAND_IN
            )
            for name in self.NAMES
        }

    def __call__(self, name, item_pk) -> SafeString:
        # A reversed URL is already quoted; marked safe, the template need not escape it.
        return mark_safe(self.pattern(name).format(item_pk))  # noqa: S308

    def pattern(self, name) -> str:
        """The URL for str.format, the row's id as {0}."""
        before, after = (_braced(part) for part in self._parts[name])
        return f"{before}{{0}}{after}"


class Columns:
    """The plan's column set, and how a row fills it."""

    def __init__(self, plan, parties):
        self.by_party = plan.layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION
        self.bra = plan.layout == PlanLayout.BRA_CAUSE_MEASURE
        self.parties = [(party.organisation_id, party.display_label) for party in parties]
        if self.by_party:
            labels = [_("What"), *(label for _id, label in self.parties), _("Communication")]
        elif self.bra:
            labels = [
                _("Cause"),
                _("Measure"),
                _("Operational goal"),
                _("When"),
                _("Who"),
                _("Follow-up"),
            ]
        else:
            labels = [_("Goal"), _("Activity"), _("When"), _("Responsible")]
        self.titles = [str(label) for label in labels]
        # The row's cells as one str.format pattern, each with the column's name for phones.
        tags = [(f'<td data-label="{escape(title)}">', "</td>") for title in self.titles]
        if self.by_party:  # the first cell names the row
            tags[0] = (f'<th scope="row" data-label="{escape(self.titles[0])}">', "</th>")
        self.pattern = "".join(
            f"{_braced(start)}{{{index}}}{end}" for index, (start, end) in enumerate(tags)
        )
        self.continued = format_html('<span class="note">{}</span>', _("(continued)"))
        self.today = timezone.localdate()
        self.status_labels = {
            status: f'<span class="status status-{status}">{escape(str(label))}</span>'
            for status, label in ItemStatus.choices
        }
        self.overdue = escape(_("overdue since"))
        self.carried = escape(_("Carried over from %(years)s"))
        self.adoption_marks = {kind: escape(str(label)) for kind, label in MARKS.items()}
        # The chain's links (actionplans/links.py): each URL reversed once, for str.format.
        chain = reverse("agreement_chain", args=[plan.agreement_id])
        indicator = reverse("indicator_detail", args=[plan.agreement_id, RowUrls.STAND_IN])
        self.problem_link = '<a href="' + _braced(chain) + '#problem-{0}">{1}</a>'
        self.indicator_link = '<a href="' + _braced(indicator).replace(RowUrls.STAND_IN, "{0}")
        self.indicator_link += '">{1}</a>'
        self.addresses = escape(_("Addresses"))
        # Logged by someone else since the user's visit began: "Ny", linked to the timeline.
        timeline = _braced(reverse("follow_up", args=[plan.agreement_id]))
        self.news_link = f'<a href="{timeline}?rad={{0}}#tidslinje" class="news-mark">'
        self.news_link += escape(_("New follow-up")) + "</a>"
        self.measured_by = escape(_("Measured by"))
        self.person_label = escape(_("Responsible person"))
        # A layout without a När column shows the row's När under its activity.
        self.when_label = escape(_("When")) if self.by_party else ""

    def status(self, row) -> str:
        """The row's status (from its latest follow-up entry), and 'overdue' when its date
        has passed with the row still open."""
        text = self.status_labels[row["status"]]
        deadline = row["due_on"] or row["ends_on"]  # as ActionItem.deadline
        if is_overdue(row["status"], deadline, self.today):
            text += f' <span class="status overdue">{self.overdue} {deadline:%Y-%m-%d}</span>'
        if row["carried_from_period"]:  # a promise carried over from the period before
            carried = self.carried.replace("%(years)s", escape(row["carried_from_period"]))
            text += f' <span class="carried">{carried}</span>'
        mark = row.get("adoption_mark")
        if mark:  # changed or added since the plan was adopted
            text += f' <span class="adoption-mark">{self.adoption_marks[mark]}</span>'
        if row.get("has_new_entries"):
            text += " " + self.news_link.format(row["id"])
        when = ""
        if self.when_label and row["when_text"]:
            when = f'<p class="row-when">{self.when_label}: {escape(row["when_text"])}</p>'
        return f'<p class="row-status">{text}</p>' + when + self.person(row) + self.links(row)

    def person(self, row) -> str:
        """The row's responsible person by name, when it names one."""
        if not (username := row.get("responsible_person__username")):
            return ""
        name = f"{row['responsible_person__first_name']} {row['responsible_person__last_name']}"
        name = escape(name.strip() or username)
        return f'<p class="responsible-person">{self.person_label}: {name}</p>'

    def links(self, row) -> str:
        """The problems the row addresses and the indicators that measure it, linked to the
        chain and to the indicator; nothing when the row has neither."""
        links = row.get("links")
        if links is None:
            return ""
        lines = []
        for label, pattern, shown in (
            (self.addresses, self.problem_link, links.problems),
            (self.measured_by, self.indicator_link, links.indicators),
        ):
            if shown:
                joined = "; ".join(pattern.format(link.pk, escape(link.text)) for link in shown)
                lines.append(f"{label}: {joined}")
        return "".join(f'<span class="row-links">{line}</span>' for line in lines)

    @staticmethod
    def who(row, party_texts) -> str:
        """Brå's Vem: who answers for the row (as written, else the parties' cells), and
        under it whom to contact."""
        responsible = escape(responsible_words(row["responsible_text"], party_texts))
        if not row["contact"]:
            return responsible
        contact = f'<span class="note">{escape(row["contact"])}</span>'
        return f"{responsible}<br>{contact}" if responsible else contact

    def cells(self, row) -> str:
        """The row's cells (`row` from `ActionItem.objects.shown_in_table`), each with its
        column's name for the phone layout."""
        texts_of = row["party_texts"]
        party_texts = [texts_of.get(organisation, "") for organisation, _l in self.parties]
        activity = escape(row["activity"]) + self.status(row)
        if row["group_heading"]:  # a promise: under whom it is printed
            activity = f'<span class="note">{escape(row["group_heading"])}</span><br>{activity}'

        if self.by_party:
            texts = [activity, *map(escape, party_texts), escape(row["communication"])]
        elif self.bra:
            texts = [
                escape(row["cause"]),
                activity,
                escape(row["goal"]),
                escape(row["when_text"]),
                self.who(row, party_texts),
                escape(row["follow_up_text"]),
            ]
        else:
            responsible = responsible_words(row["responsible_text"], party_texts)
            goal = self.continued if row["continues_goal_above"] else escape(row["goal"])
            texts = [goal, activity, escape(row["when_text"]), escape(responsible)]
        return self.pattern.format(*texts)


@dataclass
class TableRow:
    """A row of the table: shown as text (`html`, finished), or in a state the template
    draws ("form", "delete" or "conflict") from the row's model instance `item`."""

    pk: int
    urls: RowUrls
    html: str = ""  # a SafeString
    state: str = ""
    item: ActionItem | None = None

    @property
    def dom_id(self) -> SafeString:
        """The row's element id, as text: printing a number would localise it."""
        return mark_safe(f"rad-{self.pk}")  # noqa: S308 - digits only

    @property
    def edit_url(self) -> str:
        return self.urls("row_edit", self.pk)

    @property
    def delete_url(self) -> str:
        return self.urls("row_delete", self.pk)


@dataclass
class ShownRows:
    """Rows shown as text one after another, as one piece of HTML for the template."""

    html: SafeString
    state: str = ""


@dataclass
class RowGroup:
    """The rows under one focus area, or under none: `parts` are ShownRows and TableRows
    in a state, in plan order."""

    focus_area: FocusArea | None
    parts: list = field(default_factory=list)
    row_ids: list[int] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return f"grupp-{self.focus_area.pk if self.focus_area else 'ovrigt'}"


@dataclass
class PlanTable:
    agreement: Agreement
    plan: ActionPlan
    columns: Columns
    urls: RowUrls
    actions: RowActions | None  # None when the user may not change the plan
    groups: list[RowGroup] = field(default_factory=list)
    # What changed since the plan's latest adoption (None when it was never adopted).
    changes: AdoptionChanges | None = None

    @property
    def column_titles(self) -> list[str]:
        return self.columns.titles

    @property
    def colspan(self) -> int:
        """Columns of the table with the row actions: a row's form spans them all."""
        return len(self.columns.titles) + 1

    def row_html(self, row: dict, focus="") -> str:
        """A row's whole `<tr>` shown as text."""
        actions = f"\n  {self.actions.cell(row['id'], focus)}" if self.actions else ""
        return (
            f'<tr id="rad-{row["id"]}" class="plan-row">\n  {self.columns.cells(row)}'
            f"{actions}\n</tr>\n"
        )

    def shown_row(self, row: dict, focus="") -> TableRow:
        return TableRow(row["id"], self.urls, mark_safe(self.row_html(row, focus)))  # noqa: S308


def plan_table(request, agreement, plan, *, may_edit) -> PlanTable:
    """The table of the plan (fetched through `agreement`), without rows yet: what a
    single row's fragment needs. `may_edit`: whether rows get their action buttons."""
    urls = RowUrls(plan)
    actions = RowActions(request, urls) if may_edit else None
    return PlanTable(agreement, plan, Columns(plan, agreement.parties.all()), urls, actions)


def with_groups(table: PlanTable, shown=None, focus=None, status=None, news=None) -> PlanTable:
    """The table with the plan's rows in plan order, grouped under the focus areas that
    have rows, then those without one. A plan with no rows yet shows every focus area,
    ready for its first rows; later a row goes under another area by choosing it in the
    row's form. `shown` = (row, state) draws that row (a model instance) in the state;
    `focus` = (row id, button) puts the focus on one of a row's buttons. `status` shows only
    the rows with that status, under the focus areas that have such rows. `news` = (since,
    user id): the rows mark follow-up entries others recorded since then."""
    shown_pk, shown_state = (shown[0].pk, shown[1]) if shown else (None, "")
    by_area: dict[int | None, RowGroup] = {}
    pieces: dict[int | None, list[str]] = {}
    rows = ActionItem.objects.filter(plan=table.plan)
    if status:
        rows = rows.filter(status=status)
    parties = table.agreement.parties.all()
    table_rows = list(rows.shown_in_table(links=True, parties=parties, news=news))
    _mark_changes(table, table_rows, every_row=not status)
    for row in table_rows:
        area = row["focus_area_id"]
        group = by_area.get(area)
        if group is None:
            group = by_area[area] = RowGroup(None)
            pieces[area] = []
        group.row_ids.append(row["id"])
        if row["id"] == shown_pk:
            _flush(group, pieces[area])
            group.parts.append(TableRow(row["id"], table.urls, state=shown_state, item=shown[0]))
        else:
            button = focus[1] if focus and focus[0] == row["id"] else ""
            pieces[area].append(table.row_html(row, button))
    for area, group in by_area.items():
        _flush(group, pieces[area])
    areas = table.agreement.focus_areas.all()
    groups = []
    for area in areas:
        if area.pk in by_area or not (by_area or status):
            group = by_area.get(area.pk) or RowGroup(None)
            group.focus_area = area
            groups.append(group)
    if None in by_area or not (groups or status):
        groups.append(by_area.get(None) or RowGroup(None))
    table.groups = groups
    return table


def _mark_changes(table: PlanTable, rows: list[dict], every_row: bool) -> None:
    """What changed since the plan's latest adoption, from the rows already fetched (all of
    them unless `every_row` is false: then they are fetched once more, to tell which rows
    were removed); each row gets its "adoption_mark"."""
    adoption = table.plan.latest_adoption
    if adoption is None:
        return
    focus_areas = table.agreement.focus_areas.all()
    all_rows = (
        rows if every_row else list(ActionItem.objects.filter(plan=table.plan).shown_in_table())
    )
    table.changes = marks_from_table(adoption, table.plan, all_rows, focus_areas)
    marks = table.changes.marks
    for row in rows:
        row["adoption_mark"] = marks.get(row["id"], "")


def splice_rows(table: PlanTable, splice) -> None:
    """The table's finished rows handed to `splice` (a samverkan.spliced.Splice), to be put
    into the rendered page in one piece each."""
    for group in table.groups:
        for part in group.parts:
            if isinstance(part, ShownRows):
                part.html = splice.piece(part.html)


def _flush(group: RowGroup, pieces: list[str]) -> None:
    if pieces:
        group.parts.append(ShownRows(mark_safe("".join(pieces))))  # noqa: S308 - escaped
        pieces.clear()


def single_row(table: PlanTable, item, state="", focus="") -> TableRow:
    """One row for its fragment: in a `state`, or shown as text (fetched anew)."""
    if state:
        return TableRow(item.pk, table.urls, state=state, item=item)
    (row,) = ActionItem.objects.filter(plan=table.plan, pk=item.pk).shown_in_table(links=True)
    adoption = table.plan.latest_adoption
    if adoption is not None:
        (state,) = rows_from_table([row], table.agreement.focus_areas.all())
        row["adoption_mark"] = row_mark(adoption, state)
    return table.shown_row(row, focus)
