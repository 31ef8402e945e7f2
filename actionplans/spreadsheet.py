"""An action plan to Excel and back (openpyxl).

The sheet has one line per row, with the row's id in the first column: a line with an id
changes that row, a line without one adds a row, a row whose id is missing is removed.
Reading a sheet changes nothing: it gives a PlanChanges, shown as a preview; `apply` then
writes all of it in one transaction, or nothing if anyone changed the plan meanwhile.

What is not in the sheet stays as it is: the row's status (from follow-up), the problems it
addresses, and each responsibility's unit and role unless its cell was changed.
"""

import datetime
from dataclasses import dataclass, field
from io import BytesIO
from zipfile import ZipFile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from samverkan.saving import saved_without_save
from samverkan.versioning import EditConflict

from .models import ActionItem, ItemNature, ItemTerm, Recurrence, Responsibility

ID = "id"
YES, NO = gettext_lazy("yes"), gettext_lazy("no")


@dataclass(frozen=True)
class Column:
    key: str  # an ActionItem field, "id", "status" or "party:<organisation id>"
    heading: str
    width: int = 18
    kind: str = "text"  # text, date, bool, choice, focus_area, party, id, info

    @property
    def field(self):
        return ActionItem._meta.get_field(self.key)


def columns(plan, parties) -> list[Column]:
    """The sheet's columns, in order; one per party for the party's part of each row."""
    text = [
        Column(ID, _("Row id"), 9, "id"),
        Column("focus_area", _("Focus area"), 26, "focus_area"),
        Column("goal", _("Goal"), 30),
        Column("continues_goal_above", _("Continues the goal above"), 12, "bool"),
        Column("activity", _("Activity"), 45),
        Column("when_text", _("When"), 22),
        Column("starts_on", _("Starts"), 12, "date"),
        Column("ends_on", _("Ends"), 12, "date"),
        Column("due_on", _("Due"), 12, "date"),
        Column("recurrence", _("Recurs"), 14, "choice"),
        Column("responsible_text", _("Responsible"), 22),
    ]
    text += [
        Column(f"party:{party.organisation_id}", party.display_label, 22, "party")
        for party in parties
    ]
    text += [
        Column("communication", _("Communication"), 26),
        Column("is_citizen_promise", _("Citizen promise"), 12, "bool"),
        Column("nature", _("Kind of measure"), 14, "choice"),
        Column("term", _("Time horizon"), 14, "choice"),
        Column("status", _("Status (from follow-up, not read back)"), 18, "info"),
    ]
    return text


CHOICES = {"recurrence": Recurrence, "nature": ItemNature, "term": ItemTerm}


def party_text(item, organisation_id: int) -> str:
    return "; ".join(
        r.description or str(r)
        for r in item.responsibilities.all()
        if r.organisation_id == organisation_id
    )


def _cell_value(column: Column, item):
    if column.kind == "id":
        return item.pk
    if column.kind == "focus_area":
        return item.focus_area.title if item.focus_area else ""
    if column.kind == "party":
        return party_text(item, int(column.key.split(":")[1]))
    if column.kind == "info":
        return item.get_status_display()
    value = getattr(item, column.key)
    if column.kind == "bool":
        return str(YES if value else NO)
    if column.kind == "choice":
        return str(CHOICES[column.key](value).label) if value else ""
    return value


def plan_to_workbook(agreement, plan, parties, items) -> bytes:
    """The plan as an .xlsx file: the rows, then a sheet of instructions."""
    book = Workbook()
    book.properties.title = plan.title
    book.properties.subject = agreement.title
    book.properties.creator = "Samverkan"
    sheet = book.active
    sheet.title = _("Action plan")[:31]
    cols = columns(plan, parties)
    sheet.append([column.heading for column in cols])
    for item in items:
        sheet.append([_cell_value(column, item) for column in cols])
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    for number, column in enumerate(cols, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = column.width
        heading = sheet.cell(row=1, column=number)
        heading.font = Font(bold=True)
        heading.fill = header_fill
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    help_sheet = book.create_sheet(_("Instructions")[:31])
    for line in INSTRUCTIONS:
        help_sheet.append([str(line)])
    help_sheet.column_dimensions["A"].width = 110
    output = BytesIO()
    book.save(output)
    return output.getvalue()


INSTRUCTIONS = [
    gettext_lazy("How to edit the action plan in Excel"),
    gettext_lazy("Change the text in the cells of the first sheet, one line per row."),
    gettext_lazy("Add a row: write a new line and leave the Row id empty."),
    gettext_lazy("Remove a row: delete its whole line. Rows with follow-up cannot be removed."),
    gettext_lazy("Move rows: put the lines in the order you want."),
    gettext_lazy("Do not change the Row id or the headings. Dates as YYYY-MM-DD."),
    gettext_lazy(
        "Then upload the file on the plan's page: you see every change before it is saved."
    ),
]


@dataclass
class RowChange:
    line: int  # the line in the sheet
    item: ActionItem | None  # the row as stored; None for an added row
    values: dict  # field or party key -> new value
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # heading, old, new


@dataclass
class PlanChanges:
    added: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    removed: list[ActionItem] = field(default_factory=list)
    order: list[RowChange] = field(default_factory=list)  # every line, in sheet order
    moved: bool = False
    seen_versions: dict[int, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.moved)


class SheetError(Exception):
    """The sheet cannot be read; `messages` says where and why, in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# An .xlsx is a zip of XML files: a small upload can unpack to gigabytes. Text packs about
# five to ten times, so a real workbook of at most 2 MB stays far below this.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def unpacked_size(content: bytes) -> int:
    """What the workbook's files declare they unpack to (zipfile never reads past that)."""
    with ZipFile(BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_workbook(plan, parties, items, focus_areas, content: bytes) -> PlanChanges:
    try:
        if unpacked_size(content) > MAX_UNPACKED_BYTES:
            raise SheetError(
                [_("The file unpacks to more than 50 MB, far more than an action plan holds.")]
            )
        # With defusedxml installed, openpyxl refuses XML entity tricks (a ValueError).
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
        # Read-only, the sheet is parsed as its rows are read: a damaged sheet, missing
        # sheet, or broken shared strings or styles fail here, with whatever error the XML
        # parser or openpyxl meets (IndexError, TypeError, SyntaxError, ...).
        lines = list(book.worksheets[0].iter_rows(values_only=True))
    except SheetError:
        raise
    except Exception:
        raise SheetError([_("The file is not an Excel workbook (.xlsx).")]) from None
    cols = columns(plan, parties)
    headings = [str(value or "").strip() for value in (lines[0] if lines else [])]
    expected = [column.heading for column in cols]
    if headings[: len(expected)] != expected:
        raise SheetError(
            [
                _(
                    "The first line must have the plan's headings, as in the downloaded file: "
                    "%(headings)s."
                )
                % {"headings": ", ".join(expected)}
            ]
        )
    stored = {item.pk: item for item in items}
    areas = {area.title.casefold(): area for area in focus_areas}
    changes = PlanChanges(seen_versions={item.pk: item.version for item in items})
    messages, seen_ids = [], set()
    for line_number, line in enumerate(lines[1:], start=2):
        cells = list(line) + [None] * (len(cols) - len(line))
        if all(value in (None, "") for value in cells[: len(cols)]):
            continue
        values, problems = {}, []
        for column, raw in zip(cols, cells, strict=False):
            try:
                values[column.key] = _parse(column, raw, areas)
            except ValidationError as error:
                problems.append(_where(line_number, column) + " ".join(error.messages))
        row_id = values.get(ID)
        item = None
        if row_id is not None:
            item = stored.get(row_id)
            if item is None:
                problems.append(
                    _where(line_number, cols[0])
                    + _("no row of this plan has the id %(id)s.") % {"id": row_id}
                )
            elif row_id in seen_ids:
                problems.append(
                    _where(line_number, cols[0])
                    + _("the row id %(id)s is used twice.") % {"id": row_id}
                )
            seen_ids.add(row_id)
        if not problems:
            problems += _check_row(line_number, cols, values, plan)
        if problems:
            messages += problems
            continue
        change = RowChange(line_number, item, values)
        if item is None and row_id is None:
            changes.added.append(change)
        elif item is not None:
            change.differences = _differences(cols, item, values)
            if change.differences:
                changes.changed.append(change)
        changes.order.append(change)
    changes.removed = [item for pk, item in stored.items() if pk not in seen_ids]
    for item in changes.removed:
        if item.follow_up_entries.exists():
            messages.append(
                _(
                    "The row “%(activity)s” is missing from the sheet, but it has follow-up "
                    "entries and cannot be removed: put its line back."
                )
                % {"activity": item.activity[:60]}
            )
    kept = [change.item.pk for change in changes.order if change.item is not None]
    changes.moved = kept != [pk for pk in stored if pk in seen_ids]
    if messages:
        raise SheetError(messages)
    return changes


def _where(line: int, column: Column) -> str:
    return _("Line %(line)s, column %(column)s: ") % {"line": line, "column": column.heading}


def _parse(column: Column, raw, areas):
    if column.kind == "info":
        return None
    if isinstance(raw, str):
        raw = raw.strip()
    if column.kind == "id":
        if raw in (None, ""):
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ValidationError(_("a row id is a whole number.")) from None
    if column.kind == "date":
        return _parse_date(raw)
    if column.kind == "bool":
        text = str(raw or "").casefold()
        if text in ("", str(NO).casefold(), "no", "false", "0"):
            return False
        if text in (str(YES).casefold(), "yes", "true", "1", "x"):
            return True
        raise ValidationError(_("write “%(yes)s” or “%(no)s”.") % {"yes": YES, "no": NO})
    if column.kind == "choice":
        return _parse_choice(CHOICES[column.key], raw)
    if column.kind == "focus_area":
        if raw in (None, ""):
            return None
        area = areas.get(str(raw).casefold())
        if area is None:
            raise ValidationError(
                _("no focus area of the agreement is called “%(title)s”.") % {"title": raw}
            )
        return area
    text = "" if raw is None else str(raw)
    return text.replace("\r\n", "\n")


def _parse_date(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(_("write the date as YYYY-MM-DD.")) from None


def _parse_choice(choices, raw):
    if raw in (None, ""):
        return ""
    for value, label in choices.choices:
        if str(raw).casefold() in (str(value).casefold(), str(label).casefold()):
            return value
    labels = ", ".join(str(label) for value, label in choices.choices if value)
    raise ValidationError(_("choose one of: %(labels)s.") % {"labels": labels})


def _check_row(line: int, cols, values, plan) -> list[str]:
    """The model's own checks (lengths, required text, dates in order) on the new values."""
    item = ActionItem(plan=plan, position=1)
    for column in cols:
        if column.kind not in ("id", "party", "info"):
            setattr(item, column.key, values[column.key])
    by_field = {column.key: column for column in cols}
    problems = []
    try:
        item.full_clean(exclude=["plan", "position", "status", "problem_items", "version"])
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            column = by_field.get(name, by_field["activity"])
            problems += [_where(line, column) + message for message in errors]
    limit = Responsibility._meta.get_field("description").max_length
    for column in cols:
        if column.kind == "party" and len(values[column.key]) > limit:
            problems.append(
                _where(line, column)
                + _("at most %(limit)s characters (it has %(count)s).")
                % {"limit": limit, "count": len(values[column.key])}
            )
    return problems


def _shown(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind == "bool":
        return str(YES if value else NO)
    if column.kind == "choice":
        return str(CHOICES[column.key](value).label) if value else ""
    if column.kind == "focus_area":
        return value.title
    return str(value)


def _differences(cols, item, values) -> list[tuple[str, str, str]]:
    differences = []
    for column in cols:
        if column.kind in ("id", "info"):
            continue
        if column.kind == "party":
            old = party_text(item, int(column.key.split(":")[1]))
        else:
            old = getattr(item, column.key)
        if _shown(column, old) != _shown(column, values[column.key]):
            differences.append(
                (column.heading, _shown(column, old), _shown(column, values[column.key]))
            )
    return differences


class PlanChangedMeanwhile(Exception):
    pass


@transaction.atomic
def apply(plan, parties, changes: PlanChanges) -> None:
    """Write the previewed changes: all of them, or none if the plan changed meanwhile."""
    current = dict(plan.items.select_for_update().values_list("pk", "version"))
    if current != changes.seen_versions:
        raise PlanChangedMeanwhile
    cols = columns(plan, parties)
    fields = [c.key for c in cols if c.kind not in ("id", "party", "info")]
    removed = [item.pk for item in changes.removed]
    ActionItem.objects.filter(pk__in=removed).delete()
    # Positions are unique per plan: move every kept row out of the way first.
    offset = (plan.items.aggregate(top=Max("position"))["top"] or 0) + len(changes.order) + 1
    kept = [change.item.pk for change in changes.order if change.item is not None]
    for number, pk in enumerate(kept, start=1):
        ActionItem.objects.filter(pk=pk).update(position=offset + number)
    for position, change in enumerate(changes.order, start=1):
        item = change.item
        if item is None:
            item = ActionItem(plan=plan, position=position)
            for name in fields:
                setattr(item, name, change.values[name])
            item.save()
        else:
            if change.differences:
                for name in fields:
                    setattr(item, name, change.values[name])
                try:
                    item.position = position
                    item.save_if_unchanged(changes.seen_versions[item.pk], [*fields, "position"])
                except EditConflict:
                    raise PlanChangedMeanwhile from None
            elif item.position != position:
                ActionItem.objects.filter(pk=item.pk).update(position=position)
                item.position = position
                saved_without_save(item, ["position"])
            else:
                ActionItem.objects.filter(pk=item.pk).update(position=position)
        _write_parties(item, parties, change.values)


def _write_parties(item, parties, values) -> None:
    """A changed party cell: the one responsibility gets the new words, else the party's
    responsibilities on the row are replaced by one with the text as written."""
    for party in parties:
        text = values[f"party:{party.organisation_id}"]
        mine = list(item.responsibilities.filter(organisation_id=party.organisation_id))
        if "; ".join(r.description or str(r) for r in mine) == text:
            continue
        if len(mine) == 1 and text:
            mine[0].description = text
            mine[0].save(update_fields=["description"])
            continue
        Responsibility.objects.filter(pk__in=[r.pk for r in mine]).delete()
        if text:
            last = item.responsibilities.aggregate(top=Max("position"))["top"] or 0
            Responsibility.objects.create(
                item=item,
                organisation_id=party.organisation_id,
                position=last + 1,
                description=text,
            )
