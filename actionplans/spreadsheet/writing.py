"""Writing an action plan as an .xlsx file: the rows, a sheet of instructions, and a hidden
sheet with each row's version and cells as downloaded."""

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .guides import add_guides, plan_period
from .layout import (
    DOWNLOADED_SHEET,
    ID,
    canonical,
    cell_value,
    columns,
    current,
    editable_columns,
    fingerprint,
)


def plan_to_workbook(agreement, plan, parties, items) -> bytes:
    """The plan as an .xlsx file: the rows, a sheet of instructions, and a hidden sheet
    with each row's version and cells as downloaded."""
    book = Workbook()
    book.properties.title = plan.shown_title
    book.properties.subject = agreement.title
    book.properties.creator = "Samverkan"
    sheet = book.active
    sheet.title = _("Action plan")[:31]
    cols = columns(plan, parties)
    _append_as_text(sheet, [column.heading for column in cols])
    for item in items:
        _append_as_text(sheet, [cell_value(column, item) for column in cols])
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
    add_guides(book, sheet, cols, agreement.focus_areas.all(), plan_period(plan), len(items))
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


INSTRUCTIONS = [
    gettext_lazy("How to edit the action plan in Excel"),
    gettext_lazy("Change the text in the cells of the first sheet, one line per row."),
    gettext_lazy("Add a row: write a new line and leave the Row id empty."),
    gettext_lazy("Remove a row: delete its whole line. Rows with follow-up cannot be removed."),
    gettext_lazy("Move rows: put the lines in the order you want."),
    gettext_lazy("Do not change the Row id or the headings. Dates as YYYY-MM-DD."),
    gettext_lazy(
        "Proposed, not yet adopted: yes for a row that is only proposed, no once it is "
        "adopted. The status itself comes from follow-up and is not read back."
    ),
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


def _write_downloaded_rows(book, plan, cols, items) -> None:
    sheet = book.create_sheet(DOWNLOADED_SHEET)
    sheet.sheet_state = "veryHidden"  # not listed in Excel's Unhide: not for editing
    editable = editable_columns(cols)
    _append_as_text(sheet, ["plan", plan.pk])
    _append_as_text(sheet, [ID, "version", *(column.key for column in editable)])
    for item in items:
        fingerprints = [
            fingerprint(canonical(column, current(column, item))) for column in editable
        ]
        _append_as_text(sheet, [item.pk, item.version, *fingerprints])
