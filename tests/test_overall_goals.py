"""The agreement's overall goals as data: an ordered list, written in the draft editor,
kept in the history, printed under their own heading right before the action plans, and
carried by the JSON format (version 2)."""

import copy
import re

import pytest
from django.urls import reverse
from helpers import remove_follow_up_entries

from agreements.models import Agreement, OverallGoal
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from printing.documents import living_agreement_html

HTMX = {"HX-Request": "true"}
STRANGNAS_GOALS = [
    "Minska ungdomsbrottsligheten",
    "Minska droganvändningen",
    "Öka kommunikation om trygghet",
]


@pytest.fixture
def draft(demo):
    return copy_agreement(demo["strangnas-2020"])


def test_the_demo_carries_strangnas_goals_as_data_not_as_plan_text(demo):
    agreement = demo["strangnas-2020"]
    assert [goal.text for goal in agreement.overall_goals.all()] == STRANGNAS_GOALS
    assert agreement.overall_goals_heading == "Mål för perioden är"
    assert "Minska" not in agreement.action_plans.get().introduction


def test_the_print_has_the_goals_under_their_heading_right_before_the_plans(demo):
    html = living_agreement_html(demo["strangnas-2020"])
    main = html[html.index("<main>") : html.index("</main>")]
    goals = main.index('id="overgripande-mal"')
    assert main.index("<h2>Mål för perioden är</h2>") > goals
    assert goals < main.index('id="action-plans"')
    items = re.findall(r"<li>([^<]+)</li>", main[goals : main.index('id="action-plans"')])
    assert items == STRANGNAS_GOALS
    assert '<a href="#overgripande-mal">Mål för perioden är</a>' in html  # contents


def test_without_a_heading_of_its_own_the_print_says_overall_goals(demo, draft):
    draft.overall_goals.all().delete()
    OverallGoal.objects.create(agreement=draft, position=1, text="Ökad trygghet")
    Agreement.objects.filter(pk=draft.pk).update(overall_goals_heading="")
    html = living_agreement_html(Agreement.objects.get(pk=draft.pk))
    assert "<h2>Övergripande mål</h2>" in html


def test_an_agreement_without_goals_prints_no_heading_for_them(demo):
    html = living_agreement_html(demo["harnosand-2012"])
    assert "Övergripande mål" not in html and "overgripande-mal" not in html


def test_the_agreement_page_shows_the_goals(coordinator, demo):
    agreement = demo["strangnas-2020"]
    page = coordinator.get(reverse("agreement_detail", args=[agreement.pk])).text
    assert '<h2 id="overgripande-mal-h">Mål för perioden är</h2>' in page
    assert "<li>Minska droganvändningen</li>" in page


def test_goals_are_added_edited_moved_and_removed_in_the_draft_editor(coordinator, draft):
    page = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert 'id="overgripande-mal"' in page and "Lägg till övergripande mål" in page
    create = reverse("part_create", args=[draft.pk, "mal"])
    response = coordinator.post(create, {"text": "Färre bostadsinbrott"}, headers=HTMX)
    assert response.status_code == 200 and "Färre bostadsinbrott" in response.text
    added = draft.overall_goals.get(text="Färre bostadsinbrott")
    assert added.position == 4
    # A plain POST works too, and an empty goal is refused in Swedish.
    response = coordinator.post(create, {"text": ""})
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.text
    edit = reverse("part_edit", args=[draft.pk, "mal", added.pk])
    coordinator.post(edit, {"text": "Färre inbrott", "version": added.version})
    move = reverse("part_move", args=[draft.pk, "mal", added.pk])
    coordinator.post(move, {"direction": "up"})
    texts = list(draft.overall_goals.values_list("text", flat=True))
    assert texts == [*STRANGNAS_GOALS[:2], "Färre inbrott", STRANGNAS_GOALS[2]]
    coordinator.post(reverse("part_delete", args=[draft.pk, "mal", added.pk]))
    assert list(draft.overall_goals.values_list("text", flat=True)) == STRANGNAS_GOALS
    # The history keeps each change of a goal, with who made it.
    history = OverallGoal.history.filter(id=added.pk).order_by("history_id")
    assert history.first().history_type == "+"
    assert history.first().history_user_name
    assert history.last().history_type == "-"


def test_the_heading_is_edited_with_the_facts(coordinator, draft):
    url = reverse("draft_facts", args=[draft.pk])
    form = coordinator.get(url, headers=HTMX).text
    assert 'name="overall_goals_heading"' in form and "Rubrik för de övergripande målen" in form


def test_readers_and_outsiders_cannot_change_goals(client, personas, draft):
    goal = draft.overall_goals.first()
    edit = reverse("part_edit", args=[draft.pk, "mal", goal.pk])
    client.force_login(personas.reader)
    assert client.post(edit, {"text": "X", "version": goal.version}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(edit, {"text": "X", "version": goal.version}).status_code == 404
    goal.refresh_from_db()
    assert goal.text != "X"


def test_goals_round_trip_in_json_and_are_not_in_version_1(demo):
    agreement = demo["strangnas-2020"]
    remove_follow_up_entries()  # official records refuse deletion; the agreement goes below
    first = export_document(agreements_for_export([agreement.pk]))
    (data,) = first["agreements"]
    assert data["overall_goals"] == [{"text": text} for text in STRANGNAS_GOALS]
    assert data["overall_goals_heading"] == "Mål för perioden är"
    as_v1 = copy.deepcopy(first)
    as_v1["format_version"] = 1
    as_v1["agreements"][0]["reference"] = "strangnas-v1"
    with pytest.raises(DocumentError) as error:
        import_document(as_v1)
    assert any("okänt fält overall_goals" in message for message in error.value.messages)
    Agreement.objects.filter(pk=agreement.pk).delete()
    import_document(copy.deepcopy(first))
    again = Agreement.objects.get(reference="strangnas-2020")
    assert export_document(agreements_for_export([again.pk])) == first


def test_an_empty_goal_in_a_file_is_refused_in_swedish(demo):
    document = export_document(agreements_for_export([demo["strangnas-2020"].pk]))
    document["agreements"][0]["reference"] = "strangnas-tom"
    document["agreements"][0]["overall_goals"].append({"text": ""})
    with pytest.raises(DocumentError) as error:
        import_document(document)
    assert error.value.messages == [
        "Överenskommelse 1 (strangnas-tom): overall_goals[3].text: får inte vara tomt"
    ]


def test_the_comparison_of_versions_lists_the_goals_and_reads_older_snapshots():
    from signing.compare import PARTS, _overall_goals

    assert _overall_goals in [texts for _title, texts in PARTS]
    new = {"overall_goals": [{"text": "Minska brotten"}, {"text": "Öka tryggheten"}]}
    assert _overall_goals(new) == ["Minska brotten", "Öka tryggheten"]
    assert _overall_goals({}) == []  # frozen before format version 2
