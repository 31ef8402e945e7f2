"""Adopted plans in JSON format version 2: exported, imported again with their rows pointing
at the right rows, refused in Swedish when wrong, and dropped by a copy."""

import pytest
from django.utils import timezone
from test_exchange import empty_the_database, export_command
from test_plan_adoption import change_the_plan

from actionplans.adoption import adopt, changes_since, plan_state
from actionplans.models import ActionPlan, PlanAdoption
from exchange.copying import copy_agreement
from exchange.importer import DocumentError, import_document


def adopted(plan, number, body="Styrgruppen för BRÅ"):
    return adopt(
        plan,
        number=number,
        adopted_on=timezone.localdate(),
        body=body,
        reference_number=f"KS 2026/{number}",
        user=None,
        focus_areas=plan.agreement.focus_areas.all(),
    )


@pytest.fixture
def plan(demo):
    plan = copy_agreement(demo["harnosand-2012"]).action_plans.get()
    adopted(plan, 1)
    change_the_plan(plan)  # one row changed, one added, one removed
    adopted(plan, 2, body="Kommunstyrelsen")
    plan.items.order_by("position").first().delete()
    return plan


def what_changed(plan):
    plan = ActionPlan.objects.select_related("latest_adoption").get(pk=plan.pk)
    rows = plan_state(plan, plan.agreement.focus_areas.all())["rows"]
    changes = changes_since(plan.latest_adoption, plan, rows)
    return changes.changed_rows, changes.added_rows, [row.activity for row in changes.removed]


def test_export_writes_the_adoptions_with_rows_by_their_place(plan):
    (agreement,) = export_command(str(plan.agreement_id))["agreements"]
    first, second = agreement["action_plans"][0]["adoptions"]
    assert (first["number"], first["body"], first["reference_number"]) == (
        1,
        "Styrgruppen för BRÅ",
        "KS 2026/1",
    )
    assert second["body"] == "Kommunstyrelsen"
    assert len(first["rows"]) == 19 and len(second["rows"]) == 19
    # No database ids: each row as adopted names its row now by place, or null when gone.
    assert all("id" not in row for row in first["rows"] + second["rows"])
    assert second["rows"][0]["item"] is None  # deleted after version 2
    assert second["rows"][1]["item"] == "1.1"
    assert first["rows"][1]["item"] is None  # deleted before version 2


def test_round_trip_keeps_the_adoptions_and_what_changed_since(plan):
    before = what_changed(plan)
    assert before[0:2] == (0, 0) and len(before[2]) == 1
    document = export_command(str(plan.agreement_id))
    empty_the_database()
    (imported,) = import_document(document)
    assert export_command("--all") == document
    plan = imported.action_plans.get()
    assert list(plan.adoptions.values_list("number", flat=True)) == [1, 2]
    assert plan.latest_adoption.number == 2
    assert what_changed(plan) == before


def test_a_copy_has_no_adoptions(plan):
    copy = copy_agreement(plan.agreement)
    copied = copy.action_plans.get()
    assert copied.latest_adoption is None
    assert not PlanAdoption.objects.filter(plan=copied).exists()
    assert plan.adoptions.count() == 2


def test_a_document_without_adoptions_imports_a_plan_not_adopted(demo):
    document = export_command(str(demo["strangnas-2020"].pk))
    assert document["agreements"][0]["action_plans"][0].pop("adoptions")  # the demo's
    document["agreements"][0]["reference"] = "en-ny"
    (imported,) = import_document(document)
    assert imported.action_plans.get().latest_adoption is None


@pytest.mark.parametrize(
    ("break_it", "field", "message"),
    [
        (
            lambda adoptions: adoptions[1].update(number=1),
            "action_plans[0].adoptions[1].number",
            "två fastställelser av planen har nummer 1",
        ),
        (
            lambda adoptions: adoptions[0].update(adopted_on="2026-02-30"),
            "action_plans[0].adoptions[0].adopted_on",
            '"2026-02-30" är inte ett giltigt datum',
        ),
        (
            lambda adoptions: adoptions[0].update(body=""),
            "action_plans[0].adoptions[0].body",
            "får inte vara tomt",
        ),
    ],
    ids=["same-number", "impossible-day", "no-body"],
)
def test_bad_adoptions_are_refused_in_swedish(plan, break_it, field, message):
    document = export_command(str(plan.agreement_id))
    document["agreements"][0]["reference"] = "en-ny"
    break_it(document["agreements"][0]["action_plans"][0]["adoptions"])
    with pytest.raises(DocumentError) as error:
        import_document(document)
    assert any(f": {field}: " in text and message in text for text in error.value.messages), (
        error.value.messages
    )
    assert not PlanAdoption.objects.filter(plan__agreement__reference="en-ny").exists()
