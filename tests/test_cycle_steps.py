"""The five steps of Brå, Polisen and SKR on the agreement's page: each step's done-when
list, ticked by its editors (who, when, evidence) or by Samverkan where it sees the thing
itself, what is left, the current step; kept in the history, carried by the JSON format,
started again for a next period."""

import datetime

import pytest
from cycle_steps import HTMX, panel, tick_data, tick_url, untick_url
from django.urls import reverse
from django.utils import timezone, translation
from helpers import strangnas_draft

from agreements.models import (
    STEP_ITEMS,
    CycleStep,
    StepItem,
    StepTick,
)


@pytest.fixture
def draft(demo):
    return strangnas_draft(demo)


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
            "tomorrow",  # worked out when the test runs, not when it is collected
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
    if day == "tomorrow":
        day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
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
