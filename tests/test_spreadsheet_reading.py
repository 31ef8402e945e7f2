"""Reading an uploaded sheet: the rows missing from it are checked for follow-up entries
in one query, however many they are."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from actionplans.spreadsheet import SheetError, plan_to_workbook, read_workbook
from followup.models import FollowUpEntry

FOLLOW_UP_TABLE = FollowUpEntry._meta.db_table


def plan_of(agreement):
    plan = agreement.action_plans.order_by("position").first()
    return plan, list(agreement.parties.all()), list(plan.items.order_by("position"))


def without_lines(content: bytes, count: int) -> bytes:
    """The workbook with its last `count` lines of rows deleted."""
    book = load_workbook(BytesIO(content))
    sheet = book.worksheets[0]
    sheet.delete_rows(sheet.max_row - count + 1, count)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def reading_queries(agreement, removed: int):
    plan, parties, items = plan_of(agreement)
    content = without_lines(plan_to_workbook(agreement, plan, parties, items), removed)
    focus_areas = list(agreement.focus_areas.all())
    with CaptureQueriesContext(connection) as queries:
        try:
            changes = read_workbook(plan, parties, items, focus_areas, content)
        except SheetError as error:
            changes = error
    follow_up = [query for query in queries if FOLLOW_UP_TABLE in query["sql"]]
    return len(follow_up), changes


@pytest.mark.parametrize("reference", ["harnosand-2012", "strangnas-2020"])
def test_rows_missing_from_the_sheet_are_checked_for_follow_up_in_one_query(demo, reference):
    agreement = demo[reference]
    _, _, items = plan_of(agreement)
    assert len(items) > 3
    assert reading_queries(agreement, 1)[0] == 1
    assert reading_queries(agreement, len(items) - 1)[0] == 1


def test_a_removed_row_with_follow_up_is_still_refused_among_many(demo):
    agreement = demo["strangnas-2020"]
    _, _, items = plan_of(agreement)
    logged = [item for item in items[1:] if item.follow_up_entries.exists()]
    assert logged
    _, error = reading_queries(agreement, len(items) - 1)
    assert isinstance(error, SheetError)
    refused = [
        message for message in error.messages if "follow-up" in message or "uppfölj" in message
    ]
    assert len(refused) == len(logged)
