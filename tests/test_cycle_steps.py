"""The five steps of Brå, Polisen and SKR on the agreement's page: each step's done-when
list, ticked by its editors (who, when, evidence) or by Samverkan where it sees the thing
itself, what is left, the current step; kept in the history, carried by the JSON format,
started again for a next period."""

import copy
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from helpers import count_queries, strangnas_draft

from actionplans.models import ActionItem
from agreements.models import (
    HOLDS_INTO_NEXT_PERIOD,
    STEP_ITEMS,
    Agreement,
    AgreementKind,
    AgreementStatus,
    CycleStep,
    ProblemArea,
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
from pages.steps import cycle_steps, steps_queryset
from signing.models import AgreementVersion

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(demo):
    return strangnas_draft(demo)


def tick_url(agreement, item):
    return reverse("step_tick", args=[agreement.pk, item])


def untick_url(agreement, item):
    return reverse("step_untick", args=[agreement.pk, item])


def tick_data(item, day="2025-03-04", evidence="Beslut i KS 2025-03-04, § 12", section=""):
    prefix = f"bock-{item}"
    return {
        f"{prefix}-ticked_on": day,
        f"{prefix}-evidence": evidence,
        f"{prefix}-section": section,
    }


def panel(html: str) -> str:
    start = html.index('id="steg"')
    return html[start : html.index("</section>", start)]


def steps_of(agreement):
    return cycle_steps(steps_queryset().get(pk=agreement.pk))


# --- The steps and their lists ------------------------------------------------------------


def test_the_steps_have_bras_names_and_keep_their_values():
    with translation.override("sv"):
        labels = [str(label) for label in CycleStep.labels]
    assert labels == [
        "1. Initiera",
        "2. Egna förberedelser",
        "3. Gemensamma förberedelser",
        "4. Genomförande",
        "5. Uppföljning och återkoppling",
    ]
    assert CycleStep.values == [1, 2, 3, 4, 5]


def test_each_step_has_the_guidances_done_when_list():
    with translation.override("sv"):
        lists = {step: [str(item.label) for item in items] for step, items in STEP_ITEMS.items()}
    assert lists[CycleStep.INITIATE] == [
        "Ett gemensamt beslut att starta eller förnya arbetet",
        "Roller och ansvar är tydliga",
        "En gemensam organisation med namngivna personer",
        "En kommunikationsansvarig och en kommunikationsplan",
    ]
    assert [len(items) for items in STEP_ITEMS.values()] == [4, 3, 5, 7, 5]
    assert "Handlingsplanerna antagna av styrgruppen" in lists[CycleStep.IMPLEMENTATION]
    assert lists[CycleStep.FOLLOW_UP][-1] == "Medborgarna informerade"
    every = [item for items in STEP_ITEMS.values() for item in items]
    assert sorted(every) == sorted(StepItem.values)  # each item in exactly one list


# --- The panel on the agreement page --------------------------------------------------------


def test_the_page_shows_the_demo_ticks_what_is_left_and_the_current_step(coordinator, demo):
    page = coordinator.get(demo["strangnas-2020"].get_absolute_url()).text
    steps = panel(page)
    assert "De fem stegen" in steps
    # Step 1 is ticked in the demo; Strängnäs' problem picture lists no staff dialogue.
    assert "Aktuellt steg: <strong>2. Egna förberedelser</strong>" in steps
    assert "Bockad av Samordnare Strängnäs, 2019-04-20" in steps
    assert "Beslut i kommunstyrelsen och i lokalpolisområdets ledningsgrupp" in steps
    assert "Problembilden tar inte upp någon sådan dialog ännu." in steps
    # What Samverkan sees: the overall goals, the plan with its rows.
    assert "Bockad av Samverkan" in steps and "3 övergripande mål" in steps
    assert '<a href="#steg">2. Egna förberedelser</a>' in page  # the facts name the step


def test_a_reader_sees_the_steps_but_may_not_tick(client, personas, demo):
    agreement = demo["strangnas-2020"]
    client.force_login(personas.reader)
    steps = panel(client.get(agreement.get_absolute_url()).text)
    assert "Bockad av Samordnare Strängnäs" in steps
    assert "/steg/" not in steps and "Bocka av" not in steps
    before = StepTick.objects.count()
    assert (
        client.post(
            tick_url(agreement, "staff_dialogues"), tick_data("staff_dialogues")
        ).status_code
        == 403
    )
    tick = agreement.step_ticks.get(item="roles")
    data = {"tick": tick.pk, "version": tick.version}
    assert client.post(untick_url(agreement, "roles"), data).status_code == 403
    assert StepTick.objects.count() == before


def test_an_outsider_gets_404_and_anonymous_is_sent_to_log_in(client, personas, demo):
    agreement = demo["strangnas-2020"]
    url = tick_url(agreement, "staff_dialogues")
    assert client.post(url, tick_data("staff_dialogues")).url.startswith(reverse("login"))
    client.force_login(personas.outsider)
    assert client.post(url, tick_data("staff_dialogues")).status_code == 404
    assert client.get(url).status_code == 404
    assert not agreement.step_ticks.filter(item="staff_dialogues").exists()


def test_an_unknown_item_is_not_found(coordinator, draft):
    assert coordinator.post(tick_url(draft, "no_such_item"), {}).status_code == 404


# --- Ticking and unticking ----------------------------------------------------------------------


def test_an_editor_ticks_an_item_with_a_plain_post(coordinator, personas, draft):
    section = draft.sections.exclude(heading="").order_by("position").first()
    data = tick_data("decision_to_start", section=section.pk)
    response = coordinator.post(tick_url(draft, "decision_to_start"), data)
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url() + "#steg"
    tick = draft.step_ticks.get()
    assert tick.item == "decision_to_start"
    assert tick.ticked_on == datetime.date(2025, 3, 4)
    assert tick.ticked_by == personas.coordinator
    assert tick.ticked_by_name == "Samordnare Strängnäs"
    assert tick.evidence == "Beslut i KS 2025-03-04, § 12" and tick.section == section
    page = coordinator.get(response.url).text
    assert "Bockad: Ett gemensamt beslut att starta eller förnya arbetet." in page
    steps = panel(page)
    assert "Bockad av Samordnare Strängnäs, 2025-03-04: Beslut i KS 2025-03-04, § 12" in steps
    assert f'#avsnitt-{section.position}">{section.heading}</a>' in steps
    # Kept in the history, with who ticked.
    record = tick.history.get()
    assert record.history_type == "+" and record.history_user_name == "Samordnare Strängnäs"


def test_an_htmx_tick_answers_with_the_panel_only(client, personas, draft):
    client.force_login(personas.kommunpolis)
    response = client.post(tick_url(draft, "roles"), tick_data("roles"), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="steps" id="steg"')
    assert "<html" not in response.text
    assert 'role="status">Bockad: Roller och ansvar är tydliga.' in response.text
    assert draft.step_ticks.get().ticked_by == personas.kommunpolis


def test_the_tick_form_opens_on_its_own_address(coordinator, draft):
    page = coordinator.get(tick_url(draft, "roles")).text
    assert draft.title in page  # the whole agreement page
    fragment = coordinator.get(tick_url(draft, "roles"), headers=HTMX).text
    assert "<html" not in fragment
    assert 'id="steg-roles"' in fragment and '<details class="tick-form" open>' in fragment


@pytest.mark.parametrize(
    ("day", "evidence", "message"),
    [
        ("2999-01-01", "", "Ange ett datum mellan 1990-01-01 och 2100-12-31."),
        (
            (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "",
            "En punkt kan inte bockas av med ett datum som inte har kommit än.",
        ),
        ("inte ett datum", "", "Fyll i ett giltigt datum."),
        ("", "", "Detta fält måste fyllas i."),
        ("2025-01-01", "x" * 501, "Säkerställ att detta värde har som mest 500 tecken"),
    ],
)
def test_bad_input_is_refused_in_swedish_next_to_the_field(
    coordinator, draft, day, evidence, message
):
    for headers in ({}, HTMX):
        data = tick_data("roles", day=day, evidence=evidence)
        response = coordinator.post(tick_url(draft, "roles"), data, headers=headers)
        assert response.status_code == 200
        assert message in response.text
        assert 'class="field-error"' in response.text
    assert not draft.step_ticks.exists()


def test_a_section_of_another_agreement_is_refused(coordinator, demo, draft):
    other = demo["timra-2017"].sections.exclude(heading="").first()
    response = coordinator.post(tick_url(draft, "roles"), tick_data("roles", section=other.pk))
    assert "Välj ett giltigt alternativ" in response.text
    assert not draft.step_ticks.exists()


def test_ticking_an_item_someone_ticked_meanwhile_keeps_the_first_tick(client, personas, draft):
    client.force_login(personas.kommunpolis)
    client.post(tick_url(draft, "roles"), tick_data("roles", day="2025-01-10"))
    client.force_login(personas.coordinator)
    response = client.post(
        tick_url(draft, "roles"), tick_data("roles", day="2025-02-02"), headers=HTMX
    )
    assert (
        "Roller och ansvar är tydliga var redan bockad av Kommunpolis Strängnäs den 2025-01-10."
        in response.text
    )
    tick = draft.step_ticks.get()
    assert tick.ticked_by == personas.kommunpolis and tick.ticked_on.day == 10


def test_untick_takes_away_only_the_tick_that_was_seen(coordinator, personas, draft):
    coordinator.post(tick_url(draft, "roles"), tick_data("roles"))
    seen = draft.step_ticks.get()
    stale = {"tick": seen.pk, "version": seen.version}
    # Someone takes it away and ticks it again: the page seen shows the old tick.
    seen.delete()
    again = StepTick.objects.create(
        agreement=draft, item="roles", ticked_on=datetime.date(2025, 4, 1), ticked_by_name="Ann"
    )
    response = coordinator.post(untick_url(draft, "roles"), stale, headers=HTMX)
    assert "Bocken ändrades eller togs bort av någon annan" in response.text
    assert draft.step_ticks.get() == again
    # A version seen before a change is stale too.
    StepTick.objects.filter(pk=again.pk).update(version=2)
    coordinator.post(untick_url(draft, "roles"), {"tick": again.pk, "version": 1})
    assert draft.step_ticks.exists()

    response = coordinator.post(untick_url(draft, "roles"), {"tick": again.pk, "version": 2})
    assert response.status_code == 302
    assert not draft.step_ticks.exists()
    page = coordinator.get(response.url).text
    assert "Bocken är borttagen: Roller och ansvar är tydliga." in page
    removed = StepTick.history.filter(id=again.pk).order_by("history_date").last()
    assert removed.history_type == "-" and removed.history_user_name == "Samordnare Strängnäs"


def test_an_untick_without_its_tick_changes_nothing(coordinator, draft):
    coordinator.post(tick_url(draft, "roles"), tick_data("roles"))
    response = coordinator.post(untick_url(draft, "roles"), {"tick": "x"})
    assert response.status_code == 302
    assert draft.step_ticks.exists()


def test_the_history_page_shows_ticks(coordinator, draft):
    coordinator.post(tick_url(draft, "roles"), tick_data("roles", evidence="Roller i bilaga 2"))
    page = coordinator.get(reverse("agreement_history", args=[draft.pk])).text
    assert "Roller i bilaga 2" in page


# --- What Samverkan ticks by itself -----------------------------------------------------


def add_problems(agreement, *causes):
    picture, _ = ProblemPicture.objects.get_or_create(agreement=agreement)
    area = ProblemArea.objects.create(problem_picture=picture, position=50, title="Centrum")
    return [
        ProblemItem.objects.create(area=area, position=n, text=f"Problem {n}", probable_causes=c)
        for n, c in enumerate(causes, start=1)
    ]


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


def test_goals_plans_and_follow_up_are_seen_and_adoption_waits_for_its_hook(demo):
    steps = steps_of(demo["strangnas-2020"])
    assert steps.item(StepItem.GOALS).by_samverkan
    assert steps.item(StepItem.PLANS_DRAWN_UP).by_samverkan
    assert steps.item(StepItem.FOLLOW_UP_PLANNED).by_samverkan
    adopted = steps.item(StepItem.PLANS_ADOPTED)
    assert not adopted.done and not adopted.looked_for  # ticked by hand until PlanAdoption


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
