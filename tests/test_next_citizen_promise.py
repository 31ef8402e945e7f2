"""Nytt medborgarlöfte för <år>: next period's citizen promise started as a draft from this
one, with the promises not yet kept carried over and marked, and this period's citizen
dialogues listed as dialogues to hold; once only, by editors only, as plain POST and HTMX;
the JSON format carries the marks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Agreement, AgreementKind, AgreementStatus, SourceKind
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document

HTMX = {"HX-Request": "true"}
STATUSES = [
    ItemStatus.DONE,
    ItemStatus.IN_PROGRESS,
    ItemStatus.CANCELLED,
    ItemStatus.NOT_STARTED,
    ItemStatus.DELAYED,
]


@pytest.fixture
def promise(demo):
    """Strängnäs' signed citizen promise for 2025 under its cooperation agreement: five rows, one
    in each status, and a citizen dialogue held beside the other sources."""
    agreement = copy_agreement(demo["strangnas-2020"], title="Medborgarlöfte Strängnäs 2025")
    agreement.kind = AgreementKind.CITIZEN_PROMISE
    agreement.part_of = demo["strangnas-2020"]
    agreement.valid_from = agreement.valid_until = None
    agreement.first_year = 2025
    agreement.status = AgreementStatus.SIGNED  # only a signed promise is followed
    agreement.full_clean()
    agreement.save()
    plan = agreement.action_plans.get()
    plan.title = "Löften 2025"
    plan.save()
    rows = list(plan.items.order_by("position"))
    for row, status in zip(rows, STATUSES, strict=False):
        row.status = status
        row.due_on = datetime.date(2025, 10, 1)
        row.save()
    plan.items.filter(position__gt=len(STATUSES)).delete()
    agreement.problem_picture.sources.create(
        position=99,
        kind=SourceKind.CITIZEN_DIALOGUE,
        title="Trygghetsvandring i Mariefred",
        place="Mariefred",
        held_on=datetime.date(2024, 10, 3),
        people_reached=40,
    )
    return agreement


def start(client, agreement, **headers):
    return client.post(reverse("next_citizen_promise", args=[agreement.pk]), headers=headers)


def test_a_draft_for_the_next_year_carries_the_promises_not_yet_kept(coordinator, promise):
    before = list(promise.action_plans.get().items.order_by("position"))
    response = start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    assert response.status_code == 302
    assert response.url == reverse("draft_editor", args=[draft.pk])
    assert draft.title == "Medborgarlöfte Strängnäs 2026"
    assert (draft.kind, draft.status) == (AgreementKind.CITIZEN_PROMISE, AgreementStatus.DRAFT)
    assert (draft.first_year, draft.last_year, draft.part_of) == (2026, None, promise.part_of)
    assert sorted(draft.parties.values_list("organisation", flat=True)) == sorted(
        promise.parties.values_list("organisation", flat=True)
    )
    plan = draft.action_plans.get()
    assert plan.title == "Löften 2026"
    carried = list(plan.items.order_by("position"))
    unfinished = [row for row in before if row.status not in ("done", "cancelled")]
    assert [row.activity for row in carried] == [row.activity for row in unfinished]
    assert [row.carried_from for row in carried] == unfinished
    assert {row.carried_from_period for row in carried} == {"2025"}
    assert {row.due_on for row in carried} == {datetime.date(2026, 10, 1)}
    assert {row.status for row in carried} == {ItemStatus.NOT_STARTED}


def test_the_citizen_dialogues_are_listed_as_dialogues_to_hold(coordinator, promise):
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    dialogue = draft.problem_picture.sources.get(kind=SourceKind.CITIZEN_DIALOGUE)
    assert (dialogue.title, dialogue.place) == ("Trygghetsvandring i Mariefred", "Mariefred")
    assert (dialogue.held_on, dialogue.people_reached) == (None, None)
    editor = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert (
        'Trygghetsvandring i Mariefred</strong> <span class="note">'
        "(medborgardialog, Mariefred, att hålla)" in editor
    )
    # The (signed) promise it came from lists the dialogue as held, on its page.
    before = coordinator.get(promise.get_absolute_url()).text
    assert "(medborgardialog, 2024-10-03, Mariefred, 40 personer nådda)" in before


def test_the_carried_mark_shows_on_the_plan_page_and_in_the_draft_editor(coordinator, promise):
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    plan = draft.action_plans.get()
    page = coordinator.get(reverse("plan_detail", args=[draft.pk, plan.pk])).text
    assert page.count("Överförd från 2025") == 3
    editor = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert "Överförda löften" in editor and editor.count("Överförd från 2025") == 3
    first_plan = promise.action_plans.get()
    before = coordinator.get(reverse("plan_detail", args=[promise.pk, first_plan.pk])).text
    assert "Överförd från" not in before


def test_starting_it_twice_gives_one_draft_and_points_to_it(coordinator, promise):
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    agreements = Agreement.objects.count()
    again = start(coordinator, promise, **HTMX)
    assert again["HX-Redirect"] == reverse("draft_editor", args=[draft.pk])
    assert Agreement.objects.count() == agreements
    page = coordinator.get(again["HX-Redirect"]).text
    assert "Nästa medborgarlöfte är redan påbörjat: Medborgarlöfte Strängnäs 2026." in page


def test_htmx_gets_a_client_redirect_to_the_new_draft(client, personas, promise):
    client.force_login(personas.kommunpolis)
    response = start(client, promise, **HTMX)
    draft = Agreement.objects.get(follows=promise)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("draft_editor", args=[draft.pk])


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("reader", 403)])
def test_only_editors_start_it(client, personas, promise, persona, status):
    client.force_login(getattr(personas, persona))
    assert start(client, promise).status_code == status
    assert not Agreement.objects.filter(follows=promise).exists()


def test_it_is_a_post(coordinator, promise):
    response = coordinator.get(reverse("next_citizen_promise", args=[promise.pk]))
    assert response.status_code == 405


def test_the_agreement_page_offers_it_until_it_is_started_then_links_both_ways(
    coordinator, demo, promise
):
    page = coordinator.get(promise.get_absolute_url()).text
    assert "Nytt medborgarlöfte för 2026" in page
    assert (
        "Nytt medborgarlöfte" not in coordinator.get(demo["strangnas-2020"].get_absolute_url()).text
    )
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    page = coordinator.get(promise.get_absolute_url()).text
    assert "Nytt medborgarlöfte för" not in page
    assert f'Nästa medborgarlöfte: <a href="{draft.get_absolute_url()}">' in page
    assert f'Fortsätter: <a href="{promise.get_absolute_url()}">' in (
        coordinator.get(draft.get_absolute_url()).text
    )


def test_the_agreement_page_is_not_lazy_about_its_neighbours(coordinator, promise):
    """RAISE_ON_LAZY_FETCH is on in tests: the page loads what it shows."""
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    assert coordinator.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_draft_promise_is_not_followed_and_does_not_offer_it(coordinator, promise, headers):
    """A draft's period is changed in its editor: a next promise of a draft would be a
    draft offering the button again, a chain of drafts."""
    Agreement.objects.filter(pk=promise.pk).update(
        status=AgreementStatus.DRAFT, signed_version=None
    )
    agreements = Agreement.objects.count()
    response = start(coordinator, promise, **headers)
    target = response["HX-Redirect"] if headers else response.url
    assert target == promise.get_absolute_url()
    assert Agreement.objects.count() == agreements
    assert not Agreement.objects.filter(follows=promise).exists()
    page = coordinator.get(target).text
    assert "Bara ett underskrivet medborgarlöfte följs av nästa års" in page
    assert "Nytt medborgarlöfte för" not in page


def test_a_cooperation_agreement_is_not_followed_by_a_promise(coordinator, demo):
    response = start(coordinator, demo["strangnas-2020"])
    assert response.status_code == 302
    assert response.url == demo["strangnas-2020"].get_absolute_url()
    assert not Agreement.objects.filter(follows=demo["strangnas-2020"]).exists()
    page = coordinator.get(response.url).text
    assert "Bara ett medborgarlöfte följs av nästa års medborgarlöfte." in page


@pytest.mark.parametrize(
    ("period", "expected", "title", "moved_due"),
    [
        # Years: as many years right after.
        (
            {"first_year": 2024, "last_year": 2025},
            {"first_year": 2026, "last_year": 2027},
            "Medborgarlöfte Strängnäs 2026–2027",
            datetime.date(2027, 10, 1),
        ),
        # Exact dates: the same dates a whole year later.
        (
            {"valid_from": datetime.date(2025, 3, 1), "valid_until": datetime.date(2026, 2, 28)},
            {"valid_from": datetime.date(2026, 3, 1), "valid_until": datetime.date(2027, 2, 28)},
            "Medborgarlöfte Strängnäs 2026–2027",
            datetime.date(2026, 10, 1),
        ),
        # A length from signing: the same length, from its own signing.
        (
            {"length_years": 2},
            {"length_years": 2, "first_year": None, "valid_from": None},
            "Medborgarlöfte Strängnäs {next_year}",  # the year after the one it is signed in
            datetime.date(2027, 10, 1),
        ),
    ],
)
def test_a_period_of_several_years_is_followed_by_one_as_long(
    coordinator, promise, period, expected, title, moved_due
):
    promise.first_year = None
    promise.title = "Medborgarlöfte Strängnäs"
    for name, value in period.items():
        setattr(promise, name, value)
    promise.full_clean()
    promise.save()
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    assert {name: getattr(draft, name) for name in expected} == expected
    assert draft.title == title.format(next_year=timezone.localdate().year + 1)
    assert set(
        ActionItem.objects.filter(plan__agreement=draft).values_list("due_on", flat=True)
    ) == {moved_due}


def test_json_carries_the_carried_mark_and_the_promise_it_follows(coordinator, promise):
    start(coordinator, promise)
    draft = Agreement.objects.get(follows=promise)
    document = export_document(agreements_for_export([draft.pk]))
    (data,) = document["agreements"]
    assert data["follows"] == promise.reference
    assert {row.get("carried_from_period") for row in data["action_plans"][0]["items"]} == {"2025"}
    # The original keeps its one next promise: a second one naming it is refused in Swedish.
    data["reference"] = "medborgarlofte-strangnas-2026-igen"
    with pytest.raises(DocumentError) as refused:
        import_document(document)
    assert "följs redan av ett annat medborgarlöfte" in str(refused.value.messages)
    # Once the draft is gone, the file brings it back as it was.
    draft.delete()
    (imported,) = import_document(document)
    assert imported.follows == promise
    rows = ActionItem.objects.filter(plan__agreement=imported)
    assert set(rows.values_list("carried_from_period", flat=True)) == {"2025"}
    # A copy of the draft is a new promise of its own: it continues none.
    assert copy_agreement(imported).follows is None
