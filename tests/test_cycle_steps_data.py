"""The five steps, continued from tests/test_cycle_steps.py: what Samverkan ticks by
itself, the JSON format, copies, the next period (start_steps_again) and the query count
of the agreement page."""

import copy
import datetime

import pytest
from cycle_steps import add_problems, panel, steps_of, tick_data, tick_url
from django.urls import reverse
from django.utils import translation
from helpers import count_queries, strangnas_draft

from actionplans.models import ActionItem
from agreements.models import (
    HOLDS_INTO_NEXT_PERIOD,
    STEP_ITEMS,
    Agreement,
    AgreementKind,
    AgreementStatus,
    CycleStep,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    SourceKind,
    StepItem,
    StepTick,
    start_steps_again,
)
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from followup.models import FollowUpReport
from followup.models.reports import ReportStatus
from signing.models import AgreementVersion


@pytest.fixture
def draft(demo):
    return strangnas_draft(demo)


# --- What Samverkan ticks by itself -----------------------------------------------------


def test_citizen_dialogues_are_ticked_once_one_is_held(draft):
    item = steps_of(draft).item(StepItem.CITIZEN_DIALOGUES)
    assert not item.done and item.looked_for
    picture = ProblemPicture.objects.get(agreement=draft)
    source = ProblemSource.objects.create(
        problem_picture=picture, position=40, kind=SourceKind.CITIZEN_DIALOGUE, title="Torgmöte"
    )
    item = steps_of(draft).item(StepItem.CITIZEN_DIALOGUES)
    assert not item.done and "lägg till datumet" in str(item.missing)
    ProblemSource.objects.filter(pk=source.pk).update(held_on=datetime.date(2025, 5, 14))
    ProblemSource.objects.create(
        problem_picture=picture,
        position=41,
        kind=SourceKind.CITIZEN_DIALOGUE,
        title="Dialog i Mariefred",
        held_on=datetime.date(2025, 9, 2),
    )
    with translation.override("sv"):
        item = steps_of(draft).item(StepItem.CITIZEN_DIALOGUES)
    assert item.by_samverkan and item.tick is None
    assert item.seen.on == datetime.date(2025, 9, 2)
    assert item.seen.text == "2 medborgardialoger genomförda, den senaste: Dialog i Mariefred"
    assert item.seen.url == draft.get_absolute_url() + "#problem-picture"
    assert not steps_of(draft).item(StepItem.STAFF_DIALOGUES).done


def test_problems_causes_and_measures_are_ticked_when_each_problem_has_them(draft):
    steps = steps_of(draft)
    assert steps.item(StepItem.JOINT_SITUATION_PICTURE).done  # Strängnäs' sources
    assert not steps.item(StepItem.PROBLEMS_PRIORITISED).done
    first, second = add_problems(draft, "Få vuxna ute på kvällarna", "")
    steps = steps_of(draft)
    assert steps.item(StepItem.PROBLEMS_PRIORITISED).done
    with translation.override("sv"):
        causes = steps_of(draft).item(StepItem.CAUSE_ANALYSIS)
    assert not causes.done and causes.missing == "1 problem saknar beskrivna troliga orsaker."
    ProblemItem.objects.filter(pk=second.pk).update(probable_causes="Dålig belysning")
    assert steps_of(draft).item(StepItem.CAUSE_ANALYSIS).done

    measures = steps_of(draft).item(StepItem.MEASURES_ON_CAUSES)
    assert not measures.done
    row = ActionItem.objects.filter(plan__agreement=draft).order_by("position").first()
    row.problem_items.add(first)
    assert not steps_of(draft).item(StepItem.MEASURES_ON_CAUSES).done
    row.problem_items.add(second)
    assert steps_of(draft).item(StepItem.MEASURES_ON_CAUSES).done


def test_a_signed_version_ticks_the_signing(draft):
    assert not steps_of(draft).item(StepItem.AGREEMENT_SIGNED).done
    AgreementVersion.objects.create(
        agreement=draft, number=1, snapshot={}, signed_on=datetime.date(2025, 12, 18)
    )
    item = steps_of(draft).item(StepItem.AGREEMENT_SIGNED)
    assert item.by_samverkan and item.seen.on == datetime.date(2025, 12, 18)
    assert item.seen.url == reverse("version_detail", args=[draft.pk, 1])


def test_one_imported_as_signed_counts_as_signed(demo):
    item = steps_of(demo["strangnas-2020"]).item(StepItem.AGREEMENT_SIGNED)
    assert item.by_samverkan and item.seen.on is None


def test_a_final_report_ticks_the_report_to_the_steering_group(draft):
    assert not steps_of(draft).item(StepItem.REPORTED).done
    report = FollowUpReport.objects.create(
        agreement=draft,
        title="Uppföljning 2026",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    assert not steps_of(draft).item(StepItem.REPORTED).done  # a draft report
    FollowUpReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.FINAL, finalised_on=datetime.date(2027, 1, 20)
    )
    item = steps_of(draft).item(StepItem.REPORTED)
    assert item.seen.on == datetime.date(2027, 1, 20)
    assert item.seen.url == reverse("report_detail", args=[draft.pk, report.pk])


def test_a_signed_citizen_promise_ticks_the_promises(draft):
    assert not steps_of(draft).item(StepItem.CITIZEN_PROMISES).done
    promise = Agreement.objects.create(
        reference="lofte-steg",
        title="Medborgarlöfte Strängnäs 2026",
        kind=AgreementKind.CITIZEN_PROMISE,
        part_of=draft,
        status=AgreementStatus.SIGNED,
        first_year=2026,
    )
    item = steps_of(draft).item(StepItem.CITIZEN_PROMISES)
    assert item.by_samverkan and item.seen.url == promise.get_absolute_url()


def test_goals_plans_follow_up_and_adoption_are_seen(demo):
    steps = steps_of(demo["strangnas-2020"])
    assert steps.item(StepItem.GOALS).by_samverkan
    assert steps.item(StepItem.PLANS_DRAWN_UP).by_samverkan
    assert steps.item(StepItem.FOLLOW_UP_PLANNED).by_samverkan
    adopted = steps.item(StepItem.PLANS_ADOPTED)  # the demo adopts Strängnäs' plan
    plan = demo["strangnas-2020"].action_plans.get()
    assert adopted.by_samverkan and adopted.seen.url.endswith(f"/handlingsplaner/{plan.pk}/")
    assert "Fastställd version 1" in adopted.seen.text or "version 1" in adopted.seen.text


def test_a_plan_not_adopted_leaves_the_item_open(draft):
    adopted = steps_of(draft).item(StepItem.PLANS_ADOPTED)  # a copy: its plans not adopted
    assert adopted.looked_for and not adopted.done
    assert "inte fastställd" in adopted.missing


def test_an_item_samverkan_does_not_see_may_still_be_ticked_by_hand(coordinator, draft):
    coordinator.post(tick_url(draft, "citizen_dialogues"), tick_data("citizen_dialogues"))
    item = steps_of(draft).item(StepItem.CITIZEN_DIALOGUES)
    assert item.done and not item.by_samverkan


def test_the_current_step_follows_from_the_ticks(coordinator, draft):
    assert steps_of(draft).current.step == CycleStep.INITIATE
    for item in STEP_ITEMS[CycleStep.INITIATE]:
        coordinator.post(tick_url(draft, item), tick_data(item))
    assert steps_of(draft).current.step == CycleStep.OWN_PREPARATIONS
    assert steps_of(draft).steps[0].is_done


# --- The JSON format, copies and the next period ----------------------------------------


def exported(agreement):
    return export_document(agreements_for_export([agreement.pk]))


def test_ticks_round_trip_through_json(demo):
    document = exported(demo["strangnas-2020"])
    ticks = document["agreements"][0]["step_ticks"]
    assert [tick["item"] for tick in ticks][:2] == ["decision_to_start", "roles"]
    roles = ticks[1]
    assert roles["ticked_by"] == "Samordnare Strängnäs"
    assert roles["ticked_on"] == "2019-05-20"

    renamed = copy.deepcopy(document)
    renamed["agreements"][0]["reference"] = "strangnas-2020-igen"
    (imported,) = import_document(renamed)
    assert exported(imported)["agreements"][0]["step_ticks"] == ticks
    with_section = [t for t in ticks if t["section"]]
    for tick in with_section:
        stored = imported.step_ticks.get(item=tick["item"])
        assert (
            stored.section.position
            == imported.sections.order_by("position")[tick["section"] - 1].position
        )


def test_a_file_without_ticks_imports_and_exports_without_them(draft):
    document = exported(draft)
    assert "step_ticks" not in document["agreements"][0]
    document["agreements"][0]["reference"] = "utan-bockar"
    (imported,) = import_document(document)
    assert not imported.step_ticks.exists()


@pytest.mark.parametrize(
    ("tick", "message"),
    [
        ({"item": "roles", "ticked_on": "2020-01-01", "section": 99}, "det finns inget avsnitt 99"),
        ({"item": "no_such_item", "ticked_on": "2020-01-01"}, "step_ticks"),
        ({"item": "roles", "ticked_on": "2120-01-01"}, "step_ticks[0].ticked_on"),
    ],
)
def test_bad_ticks_in_a_file_are_refused_and_nothing_is_imported(draft, tick, message):
    document = exported(draft)
    document["agreements"][0].update(reference="med-fel", step_ticks=[tick])
    with translation.override("sv"), pytest.raises(DocumentError) as refused:
        import_document(document)
    assert message in " ".join(refused.value.messages)
    assert not Agreement.objects.filter(reference="med-fel").exists()


def test_a_tick_twice_in_a_file_is_refused(draft):
    document = exported(draft)
    twice = [{"item": "roles", "ticked_on": "2020-01-01"}] * 2
    document["agreements"][0].update(reference="dubbel", step_ticks=twice)
    with translation.override("sv"), pytest.raises(DocumentError) as refused:
        import_document(document)
    assert "roles är bockad mer än en gång" in " ".join(refused.value.messages)


def test_a_copy_leaves_the_ticks_behind(demo):
    assert demo["strangnas-2020"].step_ticks.exists()
    assert not copy_agreement(demo["strangnas-2020"]).step_ticks.exists()


def test_the_steps_start_again_for_the_next_period_with_what_still_holds(coordinator, demo):
    previous = demo["strangnas-2020"]
    assert previous.cycle_step != CycleStep.INITIATE
    new = copy_agreement(previous, title="Samverkan i Strängnäs 2026–2029")
    carried = start_steps_again(previous, new)
    assert sorted(tick.item for tick in carried) == sorted(HOLDS_INTO_NEXT_PERIOD)
    roles = new.step_ticks.get(item="roles")
    before = previous.step_ticks.get(item="roles")
    assert roles.carried_from == previous
    assert (roles.ticked_on, roles.ticked_by, roles.evidence) == (
        before.ticked_on,
        before.ticked_by,
        before.evidence,
    )
    assert not new.step_ticks.filter(item="decision_to_start").exists()
    assert Agreement.objects.get(pk=new.pk).cycle_step == CycleStep.INITIATE
    steps = steps_of(new)
    assert steps.current.step == CycleStep.INITIATE
    assert [state.item for state in steps.steps[0].left] == [StepItem.DECISION_TO_START]
    # Twice carries nothing more; a tick the new period has already is kept.
    assert start_steps_again(previous, new) == []
    assert new.step_ticks.count() == 3
    page = panel(coordinator.get(new.get_absolute_url()).text)
    assert f'gäller sedan <a href="{previous.get_absolute_url()}">{previous.title}</a>' in page


# --- Queries ------------------------------------------------------------------------------------


def test_the_agreement_page_runs_as_many_queries_with_every_item_ticked(coordinator, draft):
    """A tick, a problem and a dialogue cost the same as every item ticked, a dozen
    problems and a dozen dialogues."""
    url = draft.get_absolute_url()
    section = draft.sections.exclude(heading="").first()

    def tick(item):
        StepTick.objects.create(
            agreement=draft,
            item=item,
            ticked_on=datetime.date(2025, 1, 1),
            ticked_by_name="Ann",
            section=section,
            carried_from=draft,
        )

    def dialogue(picture, n):
        ProblemSource.objects.create(
            problem_picture=picture,
            position=60 + n,
            kind=SourceKind.CITIZEN_DIALOGUE,
            title=f"Dialog {n}",
            held_on=datetime.date(2025, 2, 1 + n),
        )

    tick(StepItem.ROLES)
    picture = add_problems(draft, "Orsak")[0].area.problem_picture
    dialogue(picture, 0)
    few = count_queries(coordinator, url)
    for item in StepItem.values:
        if item != StepItem.ROLES:
            tick(item)
    ProblemItem.objects.bulk_create(
        ProblemItem(area=picture.areas.get(position=50), position=n, text="P", probable_causes="O")
        for n in range(2, 14)
    )
    for n in range(1, 13):
        dialogue(picture, n)
    assert count_queries(coordinator, url) == few
