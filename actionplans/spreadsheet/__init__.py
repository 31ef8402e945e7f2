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

What is not in the sheet stays as it is: the row's status (from follow-up; the sheet shows it
but reads back only whether a row not yet begun is proposed or adopted, as the row form
does), the problems it addresses, and each responsibility's unit and role (see
ActionItem.set_party_text).
"""

from .changes import PlanChangedMeanwhile, PlanChanges, apply
from .layout import SheetError, columns
from .reading import read_workbook
from .writing import plan_to_workbook

__all__ = [
    "PlanChangedMeanwhile",
    "PlanChanges",
    "SheetError",
    "apply",
    "columns",
    "plan_to_workbook",
    "read_workbook",
]
