"""The spreadsheet's layout, shared by writing and reading it: its columns, a cell's value
as written and as compared, the hidden sheet of rows as downloaded, and the checks a row's
values must pass."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    ActionItem,
    ItemNature,
    ItemStatus,
    ItemTerm,
    PlanLayout,
    Recurrence,
    Responsibility,
)

ID = "id"
YES, NO = gettext_lazy("yes"), gettext_lazy("no")


@dataclass(frozen=True)
class Column:
    key: str  # an ActionItem field, "id", "status_shown" or "party:<organisation id>"
    heading: str
    width: int = 18
    kind: str = "text"  # text, date, bool, choice, focus_area, party, id, info, proposed
    # Headings the column had in sheets downloaded before it was renamed: such a sheet is
    # still read (a coordinator may upload a sheet kept for weeks).
    former_headings: tuple[str, ...] = ()

    def is_headed(self, heading: str) -> bool:
        """Whether a sheet's heading names this column, as it is called now or was."""
        return heading == self.heading or heading in self.former_headings

    @property
    def field(self):
        return ActionItem._meta.get_field(self.key)


def columns(plan, parties) -> list[Column]:
    """The sheet's columns, in order; one per party for the party's part of each row."""
    bra = plan.layout == PlanLayout.BRA_CAUSE_MEASURE
    text = _bra_columns() if bra else _columns(plan)
    text += [
        Column(f"party:{party.organisation_id}", party.display_label, 22, "party")
        for party in parties
    ]
    text += [
        Column("communication", _("Communication"), 26),
        Column("is_citizen_promise", _("Citizen promise"), 12, "bool"),
        Column("nature", _("Kind of measure"), 14, "choice"),
        Column("term", _("Time horizon"), 14, "choice"),
        # Whether the row is only proposed (föreslagen, not yet adopted): read back, as the
        # row form sets it; the rest of the status comes from follow-up.
        Column("status", _("Proposed, not yet adopted"), 14, "proposed"),
        Column("status_shown", _("Status (from follow-up, not read back)"), 18, "info"),
    ]
    return text


def _dates() -> list[Column]:
    return [
        Column("starts_on", _("Starts"), 12, "date"),
        Column("ends_on", _("Ends"), 12, "date"),
        Column("due_on", _("Due"), 12, "date"),
        Column("recurrence", _("Recurs"), 14, "choice"),
    ]


def _bra_columns() -> list[Column]:
    """Brå's template in its order and words: Orsak, Åtgärd, Operativt mål, När, Vem with
    a contact, Uppföljning."""
    return [
        Column(ID, _("Row id"), 9, "id"),
        Column("focus_area", _("Focus area"), 26, "focus_area"),
        Column("cause", _("Cause"), 30),
        Column("activity", _("Measure"), 45),
        Column("goal", _("Operational goal"), 30),
        Column("when_text", _("When"), 22),
        *_dates(),
        Column("responsible_text", _("Who"), 22),
        Column("contact", _("Contact"), 22),
        Column("follow_up_text", _("Follow-up"), 30),
    ]


def _columns(plan) -> list[Column]:
    return [
        Column(ID, _("Row id"), 9, "id"),
        Column("focus_area", _("Focus area"), 26, "focus_area"),
        # Promises are printed grouped under their heading ("Polisen lovar att").
        *(
            [Column("group_heading", _("Group heading"), 24)]
            if plan.layout == PlanLayout.PROMISES_BY_PARTY
            else []
        ),
        Column("goal", _("Goal"), 30),
        Column(
            "continues_goal_above",
            _("Continues the goal above"),
            12,
            "bool",
            former_headings=("Fortsätter målet ovan",),
        ),
        Column("activity", _("Activity"), 45),
        Column("when_text", _("When"), 22),
        *_dates(),
        Column("responsible_text", _("Responsible"), 22),
    ]


CHOICES = {"recurrence": Recurrence, "nature": ItemNature, "term": ItemTerm}


def party_id(column: Column) -> int:
    return int(column.key.split(":")[1])


def cell_value(column: Column, item):
    if column.kind == "id":
        return item.pk
    if column.kind == "focus_area":
        return item.focus_area.title if item.focus_area else ""
    if column.kind == "party":
        return item.party_text(party_id(column))
    if column.kind == "info":
        return item.get_status_display()
    if column.kind == "proposed":
        return str(YES if item.status == ItemStatus.PROPOSED else NO)
    value = getattr(item, column.key)
    if column.kind == "bool":
        return str(YES if value else NO)
    if column.kind == "choice":
        return str(CHOICES[column.key](value).label) if value else ""
    return value


def current(column: Column, item):
    """The row's value in the column as stored (a party's column: its text)."""
    if column.kind == "party":
        return item.party_text(party_id(column))
    if column.kind == "proposed":
        return item.status == ItemStatus.PROPOSED
    return getattr(item, column.key)


def status_after(item, proposed: bool) -> str:
    """The row's status once the sheet's "proposed" cell is read: proposed, or adopted (a
    proposed row becomes not started; any other keeps the status follow-up gave it, and a
    row follow-up has begun is never proposed again)."""
    if proposed and may_be_proposed(item):
        return ItemStatus.PROPOSED
    if item is None or item.status == ItemStatus.PROPOSED:
        return ItemStatus.NOT_STARTED
    return item.status


def may_be_proposed(item) -> bool:
    """Only a row not yet begun may be proposed: once follow-up has begun it, it stays
    adopted (as in the row form)."""
    return item is None or item.status in (ItemStatus.PROPOSED, ItemStatus.NOT_STARTED)


def canonical(column: Column, value) -> str:
    """A cell's value as compared and fingerprinted: the same in every language and however
    the text's line ends and edges were written."""
    if value is None:
        return ""
    if column.kind in ("bool", "proposed"):
        return "1" if value else "0"
    if column.kind == "focus_area":
        return str(value.pk)
    if column.kind == "date":
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# The hidden sheet: "plan" and the plan's id; then "id", "version" and the editable
# columns' keys; then per row its id, version and each cell's fingerprint as downloaded.
DOWNLOADED_SHEET = "samverkan-rows"


def editable_columns(cols) -> list[Column]:
    return [column for column in cols if column.kind not in ("id", "info")]


class SheetError(Exception):
    """The sheet cannot be read; `messages` says where and why, in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def where(line: int, column: Column) -> str:
    return _("Line %(line)s, column %(column)s: ") % {"line": line, "column": column.heading}


def check_row(line: int, cols, values, plan) -> list[str]:
    """The model's own checks (lengths, required text, dates in order) on the new values."""
    item = ActionItem(plan=plan, position=1)
    for column in cols:
        if column.kind not in ("id", "party", "info", "proposed"):
            setattr(item, column.key, values[column.key])
    by_field = {column.key: column for column in cols}
    problems = []
    try:
        item.full_clean(exclude=["plan", "position", "status", "problem_items", "version"])
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            column = by_field.get(name, by_field["activity"])
            problems += [where(line, column) + message for message in errors]
    limit = Responsibility._meta.get_field("description").max_length
    for column in cols:
        if column.kind == "party" and len(values[column.key]) > limit:
            problems.append(
                where(line, column)
                + _("at most %(limit)s characters (it has %(count)s).")
                % {"limit": limit, "count": len(values[column.key])}
            )
    return problems
