"""Nästa period: next period's draft of a cooperation agreement and next year's plan of a
plan renewed each year. Dates moved on, the texts naming the period before pointed out
until fixed or dismissed, the rows not finished carried over and linked, the finished ones
listed and left behind, the cycle at its first step, citizen promises not copied; once only,
for those who may, as plain POST and HTMX, with Swedish messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from helpers import count_queries

from actionplans.models import ActionItem, ItemStatus
from agreements.models import (
    HOLDS_INTO_NEXT_PERIOD,
    Agreement,
    AgreementKind,
    AgreementStatus,
    CycleStep,
    OldPeriodTexts,
)
from agreements.next_period import next_period
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from exchange.next_period import renamed

HTMX = {"HX-Request": "true"}
TODAY = datetime.date(2026, 12, 1)


def start(client, agreement, **headers):
    return client.post(reverse("next_period", args=[agreement.pk]), headers=headers)


@pytest.fixture
def strangnas(demo):
    """Strängnäs' agreement 2019-12-20 – 2023-06-01 (printed "2020-2023"), its plan's rows
    done, in progress, delayed and not started; a section naming 2021 and one naming 2023,
    a year the next period shares."""
    agreement = demo["strangnas-2020"]
    section = agreement.sections.order_by("position").first()
    section.body += "\n\nUnder 2021 genomfördes en trygghetsmätning."
    section.save()
    agreement.sections.create(position=99, heading="Avslut", body="Planen följs upp 2023.")
    return agreement


def rows_of(agreement):
    return list(ActionItem.objects.filter(plan__agreement=agreement).order_by("position"))


def test_a_draft_for_the_next_period_carries_what_is_not_finished(coordinator, strangnas):
    before = rows_of(strangnas)
    response = start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    assert response.status_code == 302
    assert response.url == reverse("draft_editor", args=[draft.pk])
    assert (draft.kind, draft.status, draft.version) == (
        AgreementKind.COOPERATION_AGREEMENT,
        AgreementStatus.DRAFT,
        1,
    )
    # Four whole years later, the first that does not overlap 2019-12-20 – 2023-06-01.
    assert (draft.valid_from, draft.valid_until) == (
        datetime.date(2023, 12, 20),
        datetime.date(2027, 6, 1),
    )
    assert draft.cycle_step == CycleStep.values[0]
    # The title's and the plan's one period, written "2020-2023", named as the new one.
    assert (
        draft.title
        == "Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2023–2027"
    )
    assert (
        draft.action_plans.get().title == "Handlingsplan för Strängnäs kommun och polisen 2023–2027"
    )
    unfinished = [row for row in before if row.status not in ("done", "cancelled")]
    carried = rows_of(draft)
    assert len(unfinished) < len(before)
    assert [row.activity for row in carried] == [row.activity for row in unfinished]
    assert [row.carried_from for row in carried] == unfinished
    assert {row.carried_from_period for row in carried} == {"2019–2023"}
    for old, new in zip(unfinished, carried, strict=True):
        for name in ("starts_on", "ends_on", "due_on"):
            if getattr(old, name):
                assert getattr(new, name) == getattr(old, name).replace(
                    year=getattr(old, name).year + 4
                )
    # The finished rows stay where they were, with their follow-up.
    assert rows_of(strangnas) == before


def test_the_draft_editor_lists_what_was_carried_and_what_was_finished(coordinator, strangnas):
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    page = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert "Överförda rader" in page and "Överförda löften" not in page
    assert "raden den kom från" in page
    assert "Avslutade förra perioden" in page
    finished = [row for row in rows_of(strangnas) if row.status == ItemStatus.DONE]
    assert finished
    plan = strangnas.action_plans.get()
    for row in finished:
        assert f"{reverse('plan_detail', args=[strangnas.pk, plan.pk])}#rad-{row.pk}" in page


def test_texts_naming_the_period_before_are_pointed_out_until_fixed_or_dismissed(
    coordinator, strangnas
):
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    editor = reverse("draft_editor", args=[draft.pk])
    page = coordinator.get(editor).text
    assert "Dessa texter nämner 2019–2023" in page
    section = draft.sections.get(body__contains="Under 2021")
    edit_url = reverse("part_edit", args=[draft.pk, "avsnitt", section.pk])
    assert f'<a href="{edit_url}">' in page
    assert "Under 2021 genomfördes en trygghetsmätning." in page
    # 2023 is also the new period's: not pointed out.
    last = draft.sections.get(heading="Avslut")
    assert f'<a href="{reverse("part_edit", args=[draft.pk, "avsnitt", last.pk])}">' not in page
    # Fixed: it drops off the list.
    section.body = section.body.replace("Under 2021", "Under 2025")
    section.save()
    assert f'<a href="{edit_url}">' not in coordinator.get(editor).text
    # Dismissed: the list is gone, for everyone.
    response = coordinator.post(reverse("draft_old_texts", args=[draft.pk]))
    assert response.status_code == 302
    page = coordinator.get(response.url).text
    assert "Dessa texter nämner" not in page
    assert "Texterna som nämner perioden före pekas inte längre ut." in page
    notice = OldPeriodTexts.objects.get(agreement=draft)
    assert notice.dismissed_by.username == "samordnare.strangnas"


def test_citizen_promises_under_it_are_not_copied(coordinator, strangnas):
    promise = copy_agreement(strangnas, title="Medborgarlöfte Strängnäs 2022")
    promise.kind, promise.part_of = AgreementKind.CITIZEN_PROMISE, strangnas
    promise.save()
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    assert not Agreement.objects.filter(part_of=draft).exists()
    assert Agreement.objects.filter(part_of=strangnas).count() == 1


def test_the_steps_start_again_carrying_what_still_holds(coordinator, strangnas):
    held = set(
        strangnas.step_ticks.filter(item__in=HOLDS_INTO_NEXT_PERIOD).values_list("item", flat=True)
    )
    assert held, "the demo ticks step 1 of Strängnäs"
    assert strangnas.step_ticks.exclude(item__in=HOLDS_INTO_NEXT_PERIOD).exists()
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    assert set(draft.step_ticks.values_list("item", flat=True)) == held
    assert all(tick.carried_from == strangnas for tick in draft.step_ticks.all())
    assert draft.cycle_step == CycleStep.INITIATE


def test_twice_or_from_a_stale_page_leads_to_the_one_draft(client, personas, strangnas):
    client.force_login(personas.coordinator)
    stale = client.get(strangnas.get_absolute_url()).text
    assert "Nästa period (2023–2027)" in stale
    start(client, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    count = Agreement.objects.count()
    # The kommunpolis, from the page shown before the draft was started.
    client.force_login(personas.kommunpolis)
    again = start(client, strangnas, **HTMX)
    assert again["HX-Redirect"] == reverse("draft_editor", args=[draft.pk])
    assert Agreement.objects.count() == count
    page = client.get(again["HX-Redirect"]).text
    assert f"Nästa periods utkast är redan påbörjat: {draft.title}." in page
    # Its page now links to the draft, and the draft back to it.
    page = client.get(strangnas.get_absolute_url()).text
    assert "Nästa period (" not in page
    assert f'Nästa period: <a href="{draft.get_absolute_url()}">' in page
    assert f'Fortsätter: <a href="{strangnas.get_absolute_url()}">' in (
        client.get(draft.get_absolute_url()).text
    )
    # Once signed, the same button leads to its page.
    Agreement.objects.filter(pk=draft.pk).update(status=AgreementStatus.SIGNED)
    assert start(client, strangnas).url == draft.get_absolute_url()


def test_a_draft_is_not_taken_to_the_next_period(coordinator, strangnas):
    Agreement.objects.filter(pk=strangnas.pk).update(status=AgreementStatus.DRAFT)
    response = start(coordinator, strangnas)
    assert response.url == strangnas.get_absolute_url()
    assert not Agreement.objects.filter(follows=strangnas).exists()
    page = coordinator.get(response.url).text
    assert "Bara en underskriven överenskommelse tas till nästa period" in page
    assert "Nästa period (" not in page


def test_a_citizen_promise_has_its_own_next_promise(coordinator, strangnas):
    promise = copy_agreement(strangnas, title="Medborgarlöfte Strängnäs 2022")
    promise.kind = AgreementKind.CITIZEN_PROMISE
    promise.save()
    response = start(coordinator, promise)
    assert not Agreement.objects.filter(follows=promise).exists()
    page = coordinator.get(response.url).text
    assert "Ett medborgarlöfte följs av nästa års medborgarlöfte" in page
    assert "Nästa period (" not in page


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("reader", 403)])
def test_only_editors_start_it(client, personas, strangnas, persona, status):
    client.force_login(getattr(personas, persona))
    assert start(client, strangnas).status_code == status
    assert not Agreement.objects.filter(follows=strangnas).exists()
    if persona == "reader":
        assert "Nästa period (" not in client.get(strangnas.get_absolute_url()).text


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("reader", 403)])
def test_only_editors_dismiss_the_list(client, personas, coordinator, strangnas, persona, status):
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    client.force_login(getattr(personas, persona))
    assert client.post(reverse("draft_old_texts", args=[draft.pk])).status_code == status
    assert OldPeriodTexts.objects.get(agreement=draft).dismissed_at is None


def test_the_draft_editor_is_not_lazy(coordinator, strangnas):
    """RAISE_ON_LAZY_FETCH is on in tests: the editor loads what the new lists show."""
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    assert coordinator.get(reverse("draft_editor", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Överenskommelse 2020-2023", "Överenskommelse 2023–2027"),
        ("Plan 2020 – 2023", "Plan 2023–2027"),
        ("Plan för 2021", "Plan för 2023–2027"),
        # Two different spans, a year outside the period: left for the writer.
        ("Plan 2020 och 2022", "Plan 2020 och 2022"),
        ("Sedan 2015", "Sedan 2015"),
        ("Överenskommelse", "Överenskommelse 2023–2027"),
    ],
)
def test_only_an_unambiguous_period_is_renamed(text, expected):
    assert renamed(text, range(2019, 2024), "2023–2027") == expected


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)), 2),
        ((datetime.date(2025, 3, 1), datetime.date(2026, 2, 28)), 1),
        ((datetime.date(2025, 1, 1), datetime.date(2026, 2, 1)), 2),
    ],
)
def test_a_period_of_dates_is_followed_by_one_that_does_not_overlap(strangnas, dates, expected):
    strangnas.valid_from, strangnas.valid_until = dates
    period = next_period(strangnas, TODAY)
    assert period.years_later == expected
    assert period.valid_from > strangnas.valid_until


def test_json_carries_the_agreement_it_follows(coordinator, strangnas):
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    document = export_document(agreements_for_export([draft.pk]))
    (data,) = document["agreements"]
    assert data["follows"] == strangnas.reference
    data["reference"] = "strangnas-nasta-igen"
    with pytest.raises(DocumentError) as refused:
        import_document(document)
    assert "strangnas-2020 följs redan av en annan överenskommelse." in str(refused.value.messages)
    draft.delete()
    (imported,) = import_document(document)
    assert imported.follows == strangnas


def test_the_draft_editors_queries_do_not_grow_with_the_texts_pointed_out(coordinator, strangnas):
    start(coordinator, strangnas)
    draft = Agreement.objects.get(follows=strangnas)
    url = reverse("draft_editor", args=[draft.pk])
    few = count_queries(coordinator, url)
    plan = draft.action_plans.get()
    for number in range(5):
        draft.sections.create(position=100 + number, heading=f"Mål {2020 + number}", body="2021")
        plan.items.create(position=100 + number, activity=f"Aktivitet 2021 nr {number}")
    assert count_queries(coordinator, url) == few


def test_an_agreement_follows_only_one_of_its_own_kind(strangnas):
    promise = copy_agreement(strangnas, title="Medborgarlöfte Strängnäs 2022")
    promise.kind = AgreementKind.CITIZEN_PROMISE
    promise.save()
    draft = copy_agreement(strangnas)
    draft.follows = promise
    with pytest.raises(ValidationError) as refused:
        draft.full_clean()
    assert refused.value.message_dict["follows"] == [
        "En samverkansöverenskommelse kan bara fortsätta en tidigare samverkansöverenskommelse."
    ]
    draft.follows = draft
    with pytest.raises(ValidationError) as refused:
        draft.full_clean()
    assert refused.value.message_dict["follows"] == [
        "En överenskommelse kan inte fortsätta sig själv."
    ]
    draft.follows = strangnas
    draft.full_clean()


def test_the_excerpt_shows_whole_words_around_the_year():
    from pages.period_texts import _excerpt

    text = "Inledning " * 10 + "mätningen 2021 visade " + "Avslutning " * 10
    excerpt = _excerpt(text, {2021})
    assert excerpt.startswith("…Inledning ") and excerpt.endswith(" Avslutning…")
    assert "mätningen 2021 visade" in excerpt
    assert _excerpt("Plan 2021", {2021}) == "Plan 2021"
