"""JSON export and import: a lossless round trip, and bad documents refused whole."""

import copy
import json
from io import StringIO

import jsonschema
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from helpers import remove_follow_up_entries

from agreements.models import Agreement
from exchange.demo import demo_files
from exchange.demo_current import demo_current_agreements
from exchange.demo_promises import demo_citizen_promises
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document, schema
from followup.models import FollowUpEntry
from organisations.models import Membership, Organisation

SEED_REFERENCES = [
    "harnosand-2012",
    "sandviken-2015",
    "sollentuna-2023",
    "strangnas-2020",
    "timra-2017",
]


def export_command(*args) -> dict:
    out = StringIO()
    call_command("export_agreement", *args, stdout=out)
    return json.loads(out.getvalue())


def empty_the_database():
    """Remove every agreement, user and organisation, as on a new installation."""
    remove_follow_up_entries()
    Agreement.objects.all().delete()
    Membership.objects.all().delete()
    get_user_model().objects.all().delete()
    Organisation.objects.update(parent=None)
    Organisation.objects.all().delete()


def database_state() -> str:
    return json.dumps(export_document(agreements_for_export()), sort_keys=True) + str(
        sorted(Organisation.objects.values_list("kind", "name"))
    )


@pytest.mark.parametrize("version", [1, 2])
def test_the_schema_is_a_valid_json_schema(version):
    jsonschema.Draft202012Validator.check_schema(schema(version))
    assert schema(version)["properties"]["format_version"] == {"const": version}


@pytest.mark.parametrize("path", demo_files(), ids=lambda path: path.stem)
def test_every_demo_file_follows_the_schema_of_its_version(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema(document["format_version"]), format_checker=jsonschema.FormatChecker()
    )
    assert list(validator.iter_errors(document)) == []


def test_export_writes_the_documented_format(demo):
    document = export_command("--all")
    assert document["format_version"] == 2
    promises = list(demo_citizen_promises().values_list("reference", flat=True))
    assert len(promises) == 7  # this year's, one per demo municipality with police
    current = list(demo_current_agreements().values_list("reference", flat=True))
    assert len(current) == 5  # each seed's invented current period
    assert [agreement["reference"] for agreement in document["agreements"]] == sorted(
        SEED_REFERENCES + promises + current
    )
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(document)) == []
    assert '"id"' not in json.dumps(document)


def test_export_by_id_and_an_unknown_id(demo):
    document = export_command(str(demo["timra-2017"].pk))
    assert [agreement["reference"] for agreement in document["agreements"]] == ["timra-2017"]
    with pytest.raises(CommandError, match="999999"):
        export_command("999999")


def test_export_writes_ordinary_indented_json_that_imports_again(demo, tmp_path):
    """One token per line was what json.dump through the command's stdout gave."""
    agreement = demo["timra-2017"]
    out = StringIO()
    call_command("export_agreement", str(agreement.pk), stdout=out)
    data = export_document(agreements_for_export([agreement.pk]))
    assert out.getvalue() == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path = tmp_path / "timra.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    empty_the_database()
    call_command("import_agreement", str(path), stdout=StringIO())
    assert export_command("--all") == data


@pytest.mark.parametrize("reference", SEED_REFERENCES)
def test_round_trip_through_an_empty_database_gives_the_same_document(demo, reference):
    first = export_command(str(demo[reference].pk))
    empty_the_database()
    assert Organisation.objects.count() == 0
    imported = import_document(first)
    assert [agreement.reference for agreement in imported] == [reference]
    second = export_command("--all")
    assert second == first


def test_round_trip_keeps_follow_up_entries_indicators_and_reports(demo):
    """The seeds have no follow-up yet; give Strängnäs some so that every part travels."""
    document = export_command(str(demo["strangnas-2020"].pk))
    agreement = document["agreements"][0]
    police = agreement["parties"][1]["organisation"]
    item = agreement["action_plans"][0]["items"][0]
    item["problem_items"] = ["1.1"]
    item["status"] = "in_progress"  # a row's status is its latest entry's: kept consistent
    agreement["problem_picture"]["areas"] = [
        {"title": "Ungdomar", "items": [{"text": "Skadegörelse", "probable_causes": "Tristess"}]}
    ]
    item["follow_up_entries"] = [
        {
            "occurred_on": "2024-03-01",
            "what_was_done": "SIG-möte",
            "participants": [police],
            "participant_units": "Socialtjänsten",
            "effect": "",
            "status": "in_progress",
            "corrects": None,
            "author_name": "Kommunpolis Strängnäs",
        },
        {
            "occurred_on": "2024-03-02",
            "what_was_done": "SIG-möte med skolan",
            "participants": [],
            "participant_units": "",
            "effect": "Två ärenden",
            "status": "in_progress",
            "corrects": 1,
            "author_name": "Kommunpolis Strängnäs",
        },
    ]
    agreement["indicators"] = [
        {
            "focus_area": 1,
            "item": None,
            "name": "Anmälda skadegörelsebrott",
            "description": "",
            "unit": "brott",
            "direction": "decrease",
            "baseline": "120",
            "baseline_on": "2019-12-31",
            "target": "90",
            "target_on": "2023-06-01",
            "measurements": [{"measured_on": "2020-12-31", "value": "104.5", "note": ""}],
        },
        {
            "focus_area": None,
            "item": "1.1",
            "name": "SIG-möten",
            "description": "",
            "unit": "tillfällen",
            "direction": "increase",
            "baseline": None,
            "baseline_on": None,
            "target": "40",
            "target_on": None,
            "measurements": [],
        },
    ]
    agreement["follow_up_reports"] = [
        {
            "title": "Uppföljning 2020",
            "period_start": "2020-01-01",
            "period_end": "2020-12-31",
            "status": "final",
            "cooperation": "Väl",
            "implementation": "Enligt plan",
            "results": "Färre anmälningar",
            "summary": "Bra år",
            "recipients": "Kommunstyrelsen, polisledningen",
            "finalised_on": "2021-02-01",
            "snapshot": {"period_start": "2020-01-01", "groups": [], "counts": []},
        }
    ]
    agreement["follow_up_cadences"] = [
        {
            "kind": "checkpoint",
            "frequency": "quarterly",
            "first_on": "2020-03-31",
            "description": "",
        },
        {"kind": "report", "frequency": "yearly", "first_on": "2020-12-31", "description": "KS"},
    ]
    empty_the_database()
    import_document(document)
    assert FollowUpEntry.objects.get(
        what_was_done="SIG-möte med skolan"
    ).corrects.what_was_done == ("SIG-möte")
    assert export_command("--all") == document


def test_import_command_reports_what_it_created(demo, tmp_path):
    document = export_command(str(demo["timra-2017"].pk))
    document["agreements"][0]["reference"] = "timra-kopia"
    path = tmp_path / "timra.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = StringIO()
    call_command("import_agreement", str(path), stdout=out)
    assert Agreement.objects.get(reference="timra-kopia").sections.count() == 7
    assert "1 överenskommelse importerades." in out.getvalue()


# --- Bad documents: refused with a message naming the agreement and the field ------------


def base_document(demo) -> dict:
    document = export_command(str(demo["strangnas-2020"].pk))
    document["agreements"][0]["reference"] = "strangnas-ny"
    return document


def break_wrong_type(agreement):
    agreement["version"] = "två"
    return "version"


def break_impossible_date(agreement):
    agreement["valid_from"] = "2023-02-30"
    return "valid_from"


def break_unknown_organisation_kind(agreement):
    agreement["parties"][1]["organisation"]["kind"] = "militär"
    return "parties[1].organisation.kind"


def break_unknown_status(agreement):
    agreement["status"] = "halvklar"
    return "status"


def break_end_before_start(agreement):
    agreement["valid_until"] = "2019-01-01"
    return "valid_until"


def break_row_end_before_start(agreement):
    row = agreement["action_plans"][0]["items"][3]
    row["starts_on"], row["ends_on"] = "2021-05-01", "2021-04-01"
    return "action_plans[0].items[3].ends_on"


def break_missing_title(agreement):
    del agreement["title"]
    return "title"


def break_unknown_field(agreement):
    agreement["sections"][0]["rubrik"] = "Bakgrund"
    return "sections[0]"


def break_focus_area_that_does_not_exist(agreement):
    agreement["action_plans"][0]["items"][0]["focus_area"] = 9
    return "action_plans[0].items[0].focus_area"


def break_signatory_not_a_party(agreement):
    agreement["signatories"][0]["organisation"] = {
        "kind": "municipality",
        "name": "Timrå",
        "kommunkod": "2262",
    }
    return "signatories[0].organisation"


def break_kommunkod_missing(agreement):
    del agreement["parties"][0]["organisation"]["kommunkod"]
    return "parties[0].organisation.kommunkod"


def break_too_long_heading(agreement):
    agreement["sections"][1]["heading"] = "x" * 301
    return "sections[1].heading"


def break_reference_taken(agreement):
    agreement["reference"] = "timra-2017"
    return "reference"


def break_extendable_without_years(agreement):
    agreement["renewal_rule"] = "extendable"
    return "extension_max_years"


def break_responsibility_naming_no_one(agreement):
    agreement["action_plans"][0]["items"][2]["responsibilities"][0] = {"role": "responsible"}
    return "action_plans[0].items[2].responsibilities[0]"


def break_problem_picture_of_the_wrong_type(agreement):
    agreement["problem_picture"] = "se bilaga"
    return "problem_picture"


BREAKERS = [
    break_responsibility_naming_no_one,
    break_problem_picture_of_the_wrong_type,
    break_wrong_type,
    break_impossible_date,
    break_unknown_organisation_kind,
    break_unknown_status,
    break_end_before_start,
    break_row_end_before_start,
    break_missing_title,
    break_unknown_field,
    break_focus_area_that_does_not_exist,
    break_signatory_not_a_party,
    break_kommunkod_missing,
    break_too_long_heading,
    break_reference_taken,
    break_extendable_without_years,
]


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda breaker: breaker.__name__[6:])
def test_a_bad_document_is_refused_whole_with_agreement_and_field_named(demo, breaker):
    document = base_document(demo)
    good = copy.deepcopy(document["agreements"][0])
    good["reference"] = "ett-bra-avtal-forst"
    document["agreements"].insert(0, good)  # a good agreement first: it must not be written
    field = breaker(document["agreements"][1])
    before = database_state()
    with pytest.raises(DocumentError) as error:
        import_document(document)
    assert database_state() == before
    assert any(
        message.startswith("Överenskommelse 2 (") and f": {field}" in message
        for message in error.value.messages
    ), error.value.messages


def test_the_import_command_refuses_in_swedish_without_a_traceback(demo, tmp_path):
    document = base_document(demo)
    break_end_before_start(document["agreements"][0])
    path = tmp_path / "dålig.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_agreement", str(path), stdout=StringIO())
    message = str(error.value)
    assert message.startswith("Inget importerades.")
    assert "Överenskommelse 1 (strangnas-ny): valid_until:" in message
    assert "Traceback" not in message
    assert not Agreement.objects.filter(reference="strangnas-ny").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "är inte giltig JSON"),
        (
            '{"format_version": 3, "agreements": []}',
            "format_version: okänt värde 3; tillåtna värden: 1, 2",
        ),
        ('{"agreements": []}', "format_version: saknas"),
    ],
)
def test_a_file_that_is_not_our_format_is_refused(db, tmp_path, content, expected):
    path = tmp_path / "fil.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=expected):
        call_command("import_agreement", str(path), stdout=StringIO())
