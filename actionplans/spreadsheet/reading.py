"""Reading an uploaded .xlsx file into the changes it makes to a plan, without writing
anything: each line is parsed and checked, then sorted by what happened to its row on the
web since the download (see the package's docstring)."""

import datetime
from dataclasses import dataclass
from io import BytesIO
from zipfile import ZipFile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from samverkan.values import shown

from ..models import ActionItem
from .changes import PlanChanges, RowChange
from .guides import dates_outside, plan_period
from .layout import (
    CHOICES,
    DOWNLOADED_SHEET,
    ID,
    NO,
    YES,
    Column,
    SheetError,
    canonical,
    check_row,
    columns,
    current,
    editable_columns,
    fingerprint,
    may_be_proposed,
    where,
)

# An .xlsx is a zip of XML files: a small upload can unpack to gigabytes. Text packs about
# five to ten times, so a real workbook of at most 2 MB stays far below this.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def unpacked_size(content: bytes) -> int:
    """What the workbook's files declare they unpack to (zipfile never reads past that)."""
    with ZipFile(BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_workbook(plan, parties, items, focus_areas, content: bytes) -> PlanChanges:
    """What the uploaded sheet would change in the plan; nothing is written. Raises
    SheetError with every problem found, each naming its line and column."""
    book, lines = _opened(content)
    cols = columns(plan, parties)
    _check_headings(lines, cols)
    reading = _SheetReading(plan, cols, items, focus_areas, _downloaded_rows(book, plan))
    for line_number, line in enumerate(lines[1:], start=2):
        reading.read_line(line_number, line)
    reading.read_missing_rows()
    if reading.messages:
        raise SheetError(reading.messages)
    reading.changes.arrange()
    return reading.changes


def _opened(content: bytes):
    """The workbook and the lines of its first sheet."""
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
        return book, list(book.worksheets[0].iter_rows(values_only=True))
    except SheetError:
        raise
    except Exception:
        raise SheetError([_("The file is not an Excel workbook (.xlsx).")]) from None


def _check_headings(lines, cols) -> None:
    headings = [str(value or "").strip() for value in (lines[0] if lines else [])]
    expected = [column.heading for column in cols]
    given = headings[: len(expected)]
    if len(given) != len(expected) or any(
        not column.is_headed(heading) for heading, column in zip(given, cols, strict=False)
    ):
        raise SheetError(
            [
                _(
                    "The first line must have the plan's headings, as in the downloaded file: "
                    "%(headings)s."
                )
                % {"headings": ", ".join(expected)}
            ]
        )


class _SheetReading:
    """The changes read so far from one sheet, and the problems found."""

    def __init__(self, plan, cols, items, focus_areas, downloaded):
        self.plan = plan
        self.cols = cols
        self.downloaded = downloaded  # None: a file that does not know its download
        self.stored = {item.pk: item for item in items}
        self.areas = {area.title.casefold(): area for area in focus_areas}
        self.changes = PlanChanges(
            seen_versions={item.pk: item.version for item in items},
            stored_order=list(items),
            knows_download=downloaded is not None,
        )
        self.messages: list[str] = []
        self.seen_ids: set[int] = set()
        self.period = plan_period(plan)

    def read_line(self, line_number: int, line) -> None:
        cells = list(line) + [None] * (len(self.cols) - len(line))
        if all(value in (None, "") for value in cells[: len(self.cols)]):
            return
        values, problems = self._parsed(line_number, cells)
        row_id = values.get(ID)
        item = self.stored.get(row_id) if row_id is not None else None
        if row_id is not None:
            problems += self._row_id_problems(line_number, row_id, item)
        if not problems:
            problems += check_row(line_number, self.cols, values, self.plan)
        if problems:
            self.messages += problems
            return
        self.changes.warnings += dates_outside(line_number, self.cols, values, item, self.period)
        change = RowChange(line_number, item, values)
        if row_id is None:
            self.changes.added.append(change)
        elif item is None:  # removed on the web since the download
            change.removed_on_web = True
            self.changes.conflicts.append(change)
        else:
            self._sort_changed_row(change)
        self.changes.lines.append(change)

    def _column(self, key: str) -> Column:
        return next(column for column in self.cols if column.key == key)

    def _parsed(self, line_number: int, cells) -> tuple[dict, list[str]]:
        values, problems = {}, []
        for column, raw in zip(self.cols, cells, strict=False):
            try:
                values[column.key] = _parse(column, raw, self.areas)
            except ValidationError as error:
                problems.append(where(line_number, column) + " ".join(error.messages))
        return values, problems

    def _row_id_problems(self, line_number: int, row_id: int, item) -> list[str]:
        problems = []
        if item is None and row_id not in (self.downloaded or {}):
            problems.append(
                where(line_number, self.cols[0])
                + _("no row of this plan has the id %(id)s.") % {"id": row_id}
            )
        elif row_id in self.seen_ids:
            problems.append(
                where(line_number, self.cols[0])
                + _("the row id %(id)s is used twice.") % {"id": row_id}
            )
        self.seen_ids.add(row_id)
        return problems

    def _sort_changed_row(self, change: RowChange) -> None:
        """A line of a stored row: its cells changed in the sheet, on the web, or both."""
        sheet_line = dict(change.values)
        downloaded = self.downloaded.get(change.item.pk) if self.downloaded is not None else None
        _merge(self.cols, change, downloaded)
        if change.values.get("status") and not may_be_proposed(change.item):
            # Marked proposed in the sheet, though follow-up has begun the row since.
            self.messages.append(
                where(change.line, self._column("status"))
                + _("the row has been followed up: it was adopted and cannot be proposed again.")
            )
            return
        if (change.differences or change.kept_from_web) and check_row(
            change.line, self.cols, change.values, self.plan
        ):
            # The sheet's cells and the web's newer ones do not fit together (say, the
            # dates): the user's changes to the row become conflicts, to choose.
            _all_in_conflict(self.cols, change, sheet_line)
        if change.differences:
            self.changes.changed.append(change)
        if change.conflicting:
            self.changes.conflicts.append(change)
        if change.kept_from_web:
            self.changes.kept_from_web.append(change)

    def read_missing_rows(self) -> None:
        """Stored rows without a line: added on the web since the download (kept), removed
        in the sheet, or, if changed on the web since, a conflict. A row on record (follow-up,
        published feedback to citizens: ActionItem.why_kept) cannot be removed either way."""
        downloaded = self.downloaded
        missing = [item for pk, item in self.stored.items() if pk not in self.seen_ids]
        on_record = _on_record(missing)
        for item in missing:
            if downloaded is not None and item.pk not in downloaded:
                self.changes.added_on_web.append(item)
                continue
            if downloaded is not None and downloaded[item.pk].version == item.version:
                self.changes.removed.append(item)
            else:
                self.changes.removal_conflicts.append(item)
            if item.pk in on_record:
                self.messages.append(
                    _(
                        "The row “%(activity)s” is missing from the sheet, but it has "
                        "follow-up entries or published feedback to citizens and cannot be "
                        "removed: put its line back."
                    )
                    % {"activity": item.activity[:60]}
                )


def _on_record(items) -> set[int]:
    """The ids of those rows that cannot be removed, in one query (none for no rows)."""
    if not items:
        return set()
    logged = ActionItem.objects.filter(pk__in=[item.pk for item in items]).on_record()
    return set(logged.values_list("pk", flat=True))


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


def _merge(cols, change: RowChange, downloaded: DownloadedRow | None) -> None:
    """Sort each cell where the sheet and the web differ: changed in the sheet only (a
    difference, written), changed on the web only (the web's value stays), or changed in
    both, or in a file that does not know its download (a conflict: the web's value stays
    unless the user takes the sheet's)."""
    for column in editable_columns(cols):
        web_value, sheet_value = current(column, change.item), change.values[column.key]
        web, sheet = canonical(column, web_value), canonical(column, sheet_value)
        if web == sheet:
            continue
        shown = (column.heading, _shown(column, web_value), _shown(column, sheet_value))
        as_downloaded = downloaded.fingerprints.get(column.key) if downloaded else None
        if as_downloaded == fingerprint(sheet):
            change.values[column.key] = web_value
            change.kept_from_web.append(shown)
        elif as_downloaded == fingerprint(web):
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
    for column in editable_columns(cols):
        web_value, sheet_value = current(column, change.item), sheet_line[column.key]
        if canonical(column, web_value) != canonical(column, sheet_value):
            change.sheet_values[column.key] = sheet_value
            change.values[column.key] = web_value


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
    if column.kind in ("bool", "proposed"):
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


def _shown(column: Column, value) -> str:
    """A cell's value as the preview shows it: as everywhere else (a party's column is text)."""
    if column.kind == "proposed":
        return str(YES if value else NO)
    return shown(None if column.kind == "party" else column.field, value)
