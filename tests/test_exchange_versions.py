"""Format version 2 of the JSON format: the export writes it, the importer reads version 1
files exactly as before and refuses in them, in Swedish, what only version 2 has."""

import copy
import json

import pytest
from helpers import remove_follow_up_entries

from actionplans.models import ActionItem
from agreements.models import Agreement
from exchange.demo import demo_files
from exchange.export import FORMAT_VERSION, agreements_for_export, export_document
from exchange.importer import DocumentError, import_document, schema
from exchange.schema_errors import NEWEST_FORMAT_VERSION


def test_the_export_writes_the_newest_version_the_importer_reads():
    assert FORMAT_VERSION == NEWEST_FORMAT_VERSION == 2


def test_version_2_is_version_1_plus_optional_fields():
    """Nothing version 1 allows is refused by version 2: every field of version 1 is there,
    with every value it allowed, and nothing new is required."""
    old, new = schema(1)["$defs"], schema(2)["$defs"]
    for name, definition in old.items():
        assert name in new, name
        for field, spec in definition.get("properties", {}).items():
            assert field in new[name]["properties"], f"{name}.{field}"
            for value in spec.get("enum", []):
                assert value in new[name]["properties"][field].get("enum", [value])
        assert set(new[name].get("required", [])) <= set(definition.get("required", []))
    for value in old["item_status"]["enum"]:
        assert value in new["item_status"]["enum"]


def v1_document(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    document["format_version"] = 1
    for agreement in document["agreements"]:
        # What version 2 added is dropped; a version 1 file never had it.
        agreement.pop("overall_goals", None)
        agreement.pop("overall_goals_heading", None)
        agreement["reference"] += "-v1"  # the demo's own is loaded already
    return document


@pytest.mark.parametrize("path", demo_files(), ids=lambda path: path.stem)
def test_a_version_1_file_imports_as_before(db, path):
    document = v1_document(path)
    (agreement,) = import_document(document)
    exported = export_document(agreements_for_export([agreement.pk]))
    assert exported["format_version"] == 2
    (data,) = exported["agreements"]
    assert data["overall_goals"] == []
    for plan in data["action_plans"]:
        assert plan["renewal"] == ""
        assert plan.get("year") is None


def test_a_version_1_file_is_refused_what_only_version_2_has(db):
    document = v1_document(demo_files()[0])
    plan = document["agreements"][0].setdefault("action_plans", [])
    plan.append({"title": "Plan", "items": [{"activity": "Löfte", "status": "proposed"}]})
    with pytest.raises(DocumentError) as error:
        import_document(copy.deepcopy(document))
    assert any('okänt värde "proposed"' in message for message in error.value.messages)
    document["format_version"] = 2
    (agreement,) = import_document(document)
    assert ActionItem.objects.get(plan__agreement=agreement, activity="Löfte").status == (
        "proposed"
    )


def test_a_version_2_document_round_trips_a_proposed_row(demo):
    agreement = demo["strangnas-2020"]
    item = ActionItem.objects.filter(plan__agreement=agreement).order_by("position").first()
    remove_follow_up_entries()
    ActionItem.objects.filter(pk=item.pk).update(status="proposed")
    first = export_document(agreements_for_export([agreement.pk]))
    assert first["agreements"][0]["action_plans"][0]["items"][0]["status"] == "proposed"
    Agreement.objects.filter(pk=agreement.pk).delete()
    import_document(copy.deepcopy(first))
    again = Agreement.objects.get(reference="strangnas-2020")
    assert export_document(agreements_for_export([again.pk])) == first
