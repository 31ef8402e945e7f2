"""The Excel sheet carries whether a row is proposed (föreslagen, not yet adopted): written
as ja/nej, read back as the row form sets it, never making a row follow-up has begun
proposed again."""

import datetime

from helpers import remove_follow_up_entries
from test_spreadsheet import EDITOR, confirm, download, edited, upload

from actionplans.models import ActionItem, ItemStatus
from followup.models import FollowUpEntry

HEADING = "Föreslagen, ännu inte antagen"


def column_of(sheet, heading) -> int:
    headings = [cell.value for cell in sheet[1]]
    return headings.index(heading) + 1


def test_rows_are_proposed_and_adopted_in_the_sheet(client, user, demo):
    plan = demo["harnosand-2012"].action_plans.get()
    remove_follow_up_entries()
    ActionItem.objects.filter(plan=plan).update(status=ItemStatus.NOT_STARTED)
    first, second = plan.items.order_by("position")[:2]
    ActionItem.objects.filter(pk=second.pk).update(status=ItemStatus.PROPOSED)
    client.force_login(user(EDITOR))
    content = download(client, plan)

    def edit(sheet):
        proposed = column_of(sheet, HEADING)
        assert sheet.cell(row=2, column=proposed).value == "nej"
        assert sheet.cell(row=3, column=proposed).value == "ja"
        assert sheet.cell(row=3, column=proposed + 1).value == "föreslagen"  # status, shown
        sheet.cell(row=2, column=proposed).value = "ja"
        sheet.cell(row=3, column=proposed).value = "nej"
        line = [None] * sheet.max_column
        line[column_of(sheet, "Aktivitet") - 1] = "Ett nytt löfte"
        line[proposed - 1] = "ja"
        sheet.append(line)

    preview = upload(client, plan, edited(content, edit))
    changes = preview.context["changes"]
    assert (HEADING, "nej", "ja") in changes.changed[0].differences
    assert confirm(client, plan).status_code == 302
    statuses = dict(plan.items.values_list("pk", "status"))
    assert statuses[first.pk] == ItemStatus.PROPOSED
    assert statuses[second.pk] == ItemStatus.NOT_STARTED
    assert plan.items.get(activity="Ett nytt löfte").status == ItemStatus.PROPOSED
    # And out and back again: nothing changes.
    assert upload(client, plan, download(client, plan)).context["changes"].is_empty


def test_a_row_follow_up_has_begun_is_not_proposed_again(client, user, demo):
    plan = demo["harnosand-2012"].action_plans.get()
    item = plan.items.order_by("position").first()
    FollowUpEntry.objects.create(
        item=item, occurred_on=datetime.date(2012, 3, 1), what_was_done="Gjort", status="done"
    )
    client.force_login(user(EDITOR))

    def edit(sheet):
        sheet.cell(row=2, column=column_of(sheet, HEADING)).value = "ja"

    response = upload(client, plan, edited(download(client, plan), edit))
    assert "den är antagen och kan inte bli föreslagen igen" in response.text
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE


def test_a_proposed_cell_that_is_neither_yes_nor_no_is_refused(client, user, demo):
    plan = demo["harnosand-2012"].action_plans.get()
    client.force_login(user(EDITOR))

    def edit(sheet):
        sheet.cell(row=2, column=column_of(sheet, HEADING)).value = "kanske"

    response = upload(client, plan, edited(download(client, plan), edit))
    assert f"Rad 2, kolumn {HEADING}: " in response.text
