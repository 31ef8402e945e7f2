"""What the sheet does to help whoever edits it in Excel: drop-down lists of the allowed
values (focus areas, the choices, yes and no), and dates outside the plan's period marked
(a warning when one is typed, a coloured cell when one is there); and on upload, the same
dates told in the preview as a warning, never refused (a row may well run past the period).

The lists are on a hidden sheet of their own, since a list written into the validation
itself may hold only 255 characters and no commas, and focus areas have long titles."""

import datetime

from django.utils.translation import gettext as _
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .layout import CHOICES, NO, YES, Column, where

LISTS_SHEET = "samverkan-lists"
# Lines below the plan's rows that get the lists too, for rows added in Excel.
ROOM_FOR_NEW_ROWS = 500
OUTSIDE_FILL = PatternFill("solid", fgColor="FCE4C4")


def plan_period(plan) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates the plan's rows are expected within: the plan's own period where it has
    one (a yearly plan its year), else its agreement's."""
    start, end = plan.counted_period()
    if start or end:
        return start, end
    return plan.agreement.counted_period()


def allowed_values(column: Column, focus_areas) -> list[str]:
    """The values a column's drop-down list offers; none for free text."""
    if column.kind == "focus_area":
        return [area.title for area in focus_areas]
    if column.kind in ("bool", "proposed"):
        return [str(YES), str(NO)]
    if column.kind == "choice":
        return [str(label) for value, label in CHOICES[column.key].choices if value]
    return []


def add_guides(book, sheet, cols, focus_areas, period, lines: int) -> None:
    """The drop-down lists and the period's date checks on the plan's sheet, for its
    `lines` rows and room for more."""
    last = lines + 1 + ROOM_FOR_NEW_ROWS
    lists = None
    for number, column in enumerate(cols, start=1):
        letter = get_column_letter(number)
        cells = f"{letter}2:{letter}{last}"
        values = allowed_values(column, focus_areas)
        if values:
            lists = lists or _lists_sheet(book)
            source = _write_list(lists, values)
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Choose from the list"),
                error=_("Choose one of the values in the list."),
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.kind == "date" and any(period):
            _check_dates(sheet, letter, cells, period)


def _lists_sheet(book):
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    return lists


def _write_list(lists, values) -> str:
    """The values in the lists sheet's next column; the range a validation refers to."""
    number = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
    letter = get_column_letter(number)
    for line, value in enumerate(values, start=1):
        cell = lists.cell(line, number)
        cell.value = value
        cell.data_type = "s"  # text, even if it looks like a formula
    return f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${len(values)}"


def _check_dates(sheet, letter, cells, period) -> None:
    start, end = period
    condition, message = _date_condition(f"{letter}2", start, end)
    validation = DataValidation(
        type="date",
        operator={(True, True): "between", (True, False): "greaterThanOrEqual"}.get(
            (bool(start), bool(end)), "lessThanOrEqual"
        ),
        formula1=_excel_date(start or end),
        formula2=_excel_date(end) if start and end else None,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",  # Excel asks, and keeps the date if the user says so
        errorTitle=_("Outside the plan's period"),
        error=message,
    )
    validation.add(cells)
    sheet.add_data_validation(validation)
    rule = FormulaRule(formula=[f"AND(ISNUMBER({letter}2),{condition})"], fill=OUTSIDE_FILL)
    sheet.conditional_formatting.add(cells, rule)


def _date_condition(cell, start, end) -> tuple[str, str]:
    """The Excel condition for a date outside the period, and what the warning says."""
    outside = []
    if start:
        outside.append(f"{cell}<{_excel_date(start)}")
    if end:
        outside.append(f"{cell}>{_excel_date(end)}")
    return f"OR({','.join(outside)})", period_warning(start, end)


def _excel_date(day: datetime.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def period_warning(start, end) -> str:
    return _("The date is outside the plan's period (%(period)s). Is it right?") % {
        "period": period_text(start, end)
    }


def period_text(start, end) -> str:
    return f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"


def dates_outside(line: int, cols, values, item, period) -> list[str]:
    """Warnings (not refusals) for the line's dates outside the period, those new or
    changed in the sheet; `item` is the stored row, None for a new one."""
    start, end = period
    if not (start or end):
        return []
    warnings = []
    for column in cols:
        day = values.get(column.key) if column.kind == "date" else None
        if day is None or (item is not None and getattr(item, column.key) == day):
            continue
        if (start and day < start) or (end and day > end):
            warnings.append(
                where(line, column)
                + _("%(date)s is outside the plan's period (%(period)s).")
                % {"date": day.isoformat(), "period": period_text(start, end)}
            )
    return warnings
