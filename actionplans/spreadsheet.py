"""An action plan to Excel and back (openpyxl).

The sheet has one line per row, with the row's id in the first column: a line with an id
changes that row, a line without one adds a row, a row whose id is missing is removed.
Reading a sheet changes nothing: it gives a PlanChanges, shown as a preview; `apply` then
writes all of it in one transaction, or nothing if anyone changed the plan meanwhile.

Every text goes into the sheet as text, never as a formula (a text starting with "=" would
otherwise run when the file is opened), and nothing in an uploaded sheet is calculated.
A hidden sheet records each row's version and a fingerprint of each cell as downloaded, so
an upload tells the user's edits from the sheet's old values: a cell changed on the web
since the download keeps the web's value, unless the user changed it too (a conflict, shown
side by side and not applied unless chosen).

What is not in the sheet stays as it is: the row's status (from follow-up), the problems it
addresses, and each responsibility's unit and role (see ActionItem.set_party_text).
"""

import datetime
import hashlib
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
from samverkan.values import shown
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


def _party_id(column: Column) -> int:
    return int(column.key.split(":")[1])


def _cell_value(column: Column, item):
    if column.kind == "id":
        return item.pk
    if column.kind == "focus_area":
        return item.focus_area.title if item.focus_area else ""
    if column.kind == "party":
        return item.party_text(_party_id(column))
    if column.kind == "info":
        return item.get_status_display()
    value = getattr(item, column.key)
    if column.kind == "bool":
        return str(YES if value else NO)
    if column.kind == "choice":
        return str(CHOICES[column.key](value).label) if value else ""
    return value


def plan_to_workbook(agreement, plan, parties, items) -> bytes:
    """The plan as an .xlsx file: the rows, a sheet of instructions, and a hidden sheet
    with each row's version and cells as downloaded."""
    book = Workbook()
    book.properties.title = plan.title
    book.properties.subject = agreement.title
    book.properties.creator = "Samverkan"
    sheet = book.active
    sheet.title = _("Action plan")[:31]
    cols = columns(plan, parties)
    _append_as_text(sheet, [column.heading for column in cols])
    for item in items:
        _append_as_text(sheet, [_cell_value(column, item) for column in cols])
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
        _append_as_text(help_sheet, [str(line)])
    help_sheet.column_dimensions["A"].width = 110
    _write_downloaded_rows(book, plan, cols, items)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def _append_as_text(sheet, values) -> None:
    """A line whose texts are text whatever they start with. openpyxl makes a string that
    starts with "=" a formula, which Excel runs on opening (OWASP: formula injection);
    typed as a string, with Excel's quote prefix, it stays the words as written."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            cell.quotePrefix = True


# The hidden sheet: "plan" and the plan's id; then "id", "version" and the editable
# columns' keys; then per row its id, version and each cell's fingerprint as downloaded.
DOWNLOADED_SHEET = "samverkan-rows"


def _editable(cols) -> list[Column]:
    return [column for column in cols if column.kind not in ("id", "info")]


def _write_downloaded_rows(book, plan, cols, items) -> None:
    sheet = book.create_sheet(DOWNLOADED_SHEET)
    sheet.sheet_state = "veryHidden"  # not listed in Excel's Unhide: not for editing
    editable = _editable(cols)
    _append_as_text(sheet, ["plan", plan.pk])
    _append_as_text(sheet, [ID, "version", *(column.key for column in editable)])
    for item in items:
        fingerprints = [
            _fingerprint(_canonical(column, _current(column, item))) for column in editable
        ]
        _append_as_text(sheet, [item.pk, item.version, *fingerprints])


@dataclass(frozen=True)
class DownloadedRow:
    version: int
    fingerprints: dict[str, str]  # column key -> fingerprint of the cell as downloaded


def _downloaded_rows(book, plan) -> dict[int, DownloadedRow] | None:
    """The rows as the file was downloaded; None for a file from before rows were recorded
    (or one whose hidden sheet was removed)."""
    if DOWNLOADED_SHEET not in book.sheetnames:
        return None
    try:
        # Parsed as it is read: damaged XML fails here with whatever error openpyxl meets.
        lines = list(book[DOWNLOADED_SHEET].iter_rows(values_only=True))
    except Exception:
        lines = []
    try:
        if lines[0][0] != "plan" or int(lines[0][1]) != plan.pk:
            raise SheetError(
                [
                    _(
                        "The file was downloaded from another plan: download this plan as "
                        "Excel and make the changes there."
                    )
                ]
            )
        keys = [str(key) for key in lines[1][2:]]
        rows = {}
        for line in lines[2:]:
            fingerprints = dict(zip(keys, (str(value or "") for value in line[2:]), strict=False))
            rows[int(line[0])] = DownloadedRow(int(line[1]), fingerprints)
    except (IndexError, TypeError, ValueError):
        raise SheetError(
            [
                _(
                    "The file's hidden record of the downloaded rows is damaged: download the "
                    "plan as Excel again and make the changes there."
                )
            ]
        ) from None
    return rows


def _current(column: Column, item):
    """The row's value in the column as stored (a party's column: its text)."""
    if column.kind == "party":
        return item.party_text(_party_id(column))
    return getattr(item, column.key)


def _canonical(column: Column, value) -> str:
    """A cell's value as compared and fingerprinted: the same in every language and however
    the text's line ends and edges were written."""
    if value is None:
        return ""
    if column.kind == "bool":
        return "1" if value else "0"
    if column.kind == "focus_area":
        return str(value.pk)
    if column.kind == "date":
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _fingerprint(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


INSTRUCTIONS = [
    gettext_lazy("How to edit the action plan in Excel"),
    gettext_lazy("Change the text in the cells of the first sheet, one line per row."),
    gettext_lazy("Add a row: write a new line and leave the Row id empty."),
    gettext_lazy("Remove a row: delete its whole line. Rows with follow-up cannot be removed."),
    gettext_lazy("Move rows: put the lines in the order you want."),
    gettext_lazy("Do not change the Row id or the headings. Dates as YYYY-MM-DD."),
    gettext_lazy(
        "Every cell is read as written: a text that starts with = is kept as text, and "
        "nothing in the sheet is calculated."
    ),
    gettext_lazy(
        "Rows changed on the web after your download keep the web's values, unless you "
        "changed the same cell: then the upload shows both, and you choose."
    ),
    gettext_lazy(
        "Then upload the file on the plan's page: you see every change before it is saved."
    ),
]


@dataclass
class RowChange:
    line: int | None  # the line in the sheet; None for a row kept though not in the sheet
    item: ActionItem | None  # the row as stored; None for an added row
    values: dict | None  # field or party key -> the value to write; None: only its place
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # heading, old, new
    # Cells changed both on the web since the download and in the sheet: heading, the web's
    # value, the sheet's. They keep the web's value unless the user takes the sheet's.
    conflicting: list[tuple[str, str, str]] = field(default_factory=list)
    sheet_values: dict = field(default_factory=dict)  # key -> the sheet's conflicting value
    # Cells changed on the web since the download and not in the sheet: the web's stays.
    kept_from_web: list[tuple[str, str, str]] = field(default_factory=list)
    removed_on_web: bool = False  # the line's row was removed on the web since the download
    taken: bool = False  # the user chose the sheet's values over the web's

    @property
    def key(self) -> str:
        """The conflict's name in the preview's choice."""
        return f"row-{self.values[ID]}"

    @property
    def in_plan(self) -> bool:
        return not self.removed_on_web or self.taken


@dataclass
class PlanChanges:
    added: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    removed: list[ActionItem] = field(default_factory=list)
    order: list[RowChange] = field(default_factory=list)  # the plan's rows in their new order
    moved: bool = False
    seen_versions: dict[int, int] = field(default_factory=dict)
    lines: list[RowChange] = field(default_factory=list)  # every usable line, in sheet order
    stored_order: list[ActionItem] = field(default_factory=list)
    # False for a file from before the sheet recorded the downloaded rows: then every
    # difference is a conflict, as nothing tells whether the web or the sheet is newer.
    knows_download: bool = True
    # Rows the user changed in the sheet while they were changed on the web too (or, with
    # removed_on_web, removed on the web): see RowChange.conflicting.
    conflicts: list[RowChange] = field(default_factory=list)
    # Rows missing from the sheet that were changed on the web since the download (or
    # missing from a file that does not know its download): kept unless chosen.
    removal_conflicts: list[ActionItem] = field(default_factory=list)
    added_on_web: list[ActionItem] = field(default_factory=list)  # since the download: kept
    kept_from_web: list[RowChange] = field(default_factory=list)  # stale cells, web kept

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.moved
            or self.conflicts
            or self.removal_conflicts
        )

    @property
    def choices(self) -> list[str]:
        """What the preview lets the user take from the sheet over the web."""
        return [change.key for change in self.conflicts] + [
            f"remove-{item.pk}" for item in self.removal_conflicts
        ]

    def take(self, chosen) -> None:
        """The sheet's values over the web's for the chosen conflicts: a changed row gets
        the sheet's cells, a row removed on the web comes back as a new row, a row missing
        from the sheet is removed."""
        chosen = set(chosen)
        for change in self.conflicts:
            if change.key not in chosen:
                continue
            change.taken = True
            if change.removed_on_web:
                change.values[ID] = None
                self.added.append(change)
                continue
            change.values.update(change.sheet_values)
            change.differences += change.conflicting
            if change not in self.changed:
                self.changed.append(change)
        for item in self.removal_conflicts:
            if f"remove-{item.pk}" in chosen:
                self.removed.append(item)
        self.arrange()

    def arrange(self) -> None:
        """The new order: the sheet's lines, and each row kept though missing from the
        sheet right after the row it follows on the web."""
        removed = {item.pk for item in self.removed}
        order = [change for change in self.lines if change.in_plan]
        by_row = {change.item.pk: change for change in order if change.item is not None}
        before = None  # the line the next kept row goes after
        for item in self.stored_order:
            if item.pk in removed:
                continue
            if item.pk in by_row:
                before = by_row[item.pk]
                continue
            kept = RowChange(None, item, None)
            order.insert(order.index(before) + 1 if before is not None else 0, kept)
            before = kept
        self.order = order
        rows = [change.item.pk for change in order if change.item is not None]
        self.moved = rows != [item.pk for item in self.stored_order if item.pk not in removed]


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
        # Not data_only: a formula is read as the text it is written with, never computed.
        book = load_workbook(BytesIO(content), read_only=True)
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
    downloaded = _downloaded_rows(book, plan)
    stored = {item.pk: item for item in items}
    areas = {area.title.casefold(): area for area in focus_areas}
    changes = PlanChanges(
        seen_versions={item.pk: item.version for item in items},
        stored_order=list(items),
        knows_download=downloaded is not None,
    )
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
            if item is None and row_id not in (downloaded or {}):
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
        if row_id is None:
            changes.added.append(change)
        elif item is None:  # removed on the web since the download
            change.removed_on_web = True
            changes.conflicts.append(change)
        else:
            sheet_line = dict(values)
            _merge(cols, change, downloaded.get(row_id) if downloaded is not None else None)
            if (change.differences or change.kept_from_web) and _check_row(
                line_number, cols, change.values, plan
            ):
                # The sheet's cells and the web's newer ones do not fit together (say, the
                # dates): the user's changes to the row become conflicts, to choose.
                _all_in_conflict(cols, change, sheet_line)
            if change.differences:
                changes.changed.append(change)
            if change.conflicting:
                changes.conflicts.append(change)
            if change.kept_from_web:
                changes.kept_from_web.append(change)
        changes.lines.append(change)
    for pk, item in stored.items():
        if pk in seen_ids:
            continue
        if downloaded is not None and pk not in downloaded:
            changes.added_on_web.append(item)
            continue
        if downloaded is not None and downloaded[pk].version == item.version:
            changes.removed.append(item)
        else:
            changes.removal_conflicts.append(item)
        if item.follow_up_entries.exists():
            messages.append(
                _(
                    "The row “%(activity)s” is missing from the sheet, but it has follow-up "
                    "entries and cannot be removed: put its line back."
                )
                % {"activity": item.activity[:60]}
            )
    if messages:
        raise SheetError(messages)
    changes.arrange()
    return changes


def _merge(cols, change: RowChange, downloaded: DownloadedRow | None) -> None:
    """Sort each cell where the sheet and the web differ: changed in the sheet only (a
    difference, written), changed on the web only (the web's value stays), or changed in
    both, or in a file that does not know its download (a conflict: the web's value stays
    unless the user takes the sheet's)."""
    for column in _editable(cols):
        web_value, sheet_value = _current(column, change.item), change.values[column.key]
        web, sheet = _canonical(column, web_value), _canonical(column, sheet_value)
        if web == sheet:
            continue
        shown = (column.heading, _shown(column, web_value), _shown(column, sheet_value))
        as_downloaded = downloaded.fingerprints.get(column.key) if downloaded else None
        if as_downloaded == _fingerprint(sheet):
            change.values[column.key] = web_value
            change.kept_from_web.append(shown)
        elif as_downloaded == _fingerprint(web):
            change.differences.append(shown)
        else:
            change.sheet_values[column.key] = sheet_value
            change.values[column.key] = web_value
            change.conflicting.append(shown)


def _all_in_conflict(cols, change: RowChange, sheet_line: dict) -> None:
    """Every cell where the sheet's line and the web differ becomes a conflict: by default
    the row stays as the web has it; taken, it becomes the sheet's line as a whole (which
    passed the checks on its own)."""
    change.conflicting += change.differences + change.kept_from_web
    change.differences, change.kept_from_web = [], []
    for column in _editable(cols):
        web_value, sheet_value = _current(column, change.item), sheet_line[column.key]
        if _canonical(column, web_value) != _canonical(column, sheet_value):
            change.sheet_values[column.key] = sheet_value
            change.values[column.key] = web_value


def _where(line: int, column: Column) -> str:
    return _("Line %(line)s, column %(column)s: ") % {"line": line, "column": column.heading}


def _parse(column: Column, raw, areas):
    if column.kind == "info":
        return None
    if not isinstance(raw, str | int | float | datetime.date | datetime.time | None):
        raw = getattr(raw, "text", "")  # an array formula: its text, not computed
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
    """A cell's value as the preview shows it: as everywhere else (a party's column is text)."""
    return shown(None if column.kind == "party" else column.field, value)


class PlanChangedMeanwhile(Exception):
    pass


@transaction.atomic
def apply(plan, parties, changes: PlanChanges) -> None:
    """Write the previewed changes: all of them, or none if the plan changed meanwhile.

    Raises SheetError when a taken conflict does not fit the web's newer cells of its row.
    """
    current = dict(plan.items.select_for_update().values_list("pk", "version"))
    if current != changes.seen_versions:
        raise PlanChangedMeanwhile
    cols = columns(plan, parties)
    problems = []
    for change in changes.changed:
        problems += _check_row(change.line, cols, change.values, plan)
    if problems:
        raise SheetError(problems)
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
        elif change.differences:
            for name in fields:
                setattr(item, name, change.values[name])
            try:
                item.position = position
                item.save_if_unchanged(changes.seen_versions[item.pk], [*fields, "position"])
            except EditConflict:
                raise PlanChangedMeanwhile from None
        else:
            ActionItem.objects.filter(pk=item.pk).update(position=position)
            if item.position != position:
                item.position = position
                saved_without_save(item, ["position"])
            continue
        for party in parties:
            key = f"party:{party.organisation_id}"
            item.set_party_text(party.organisation_id, change.values[key])
