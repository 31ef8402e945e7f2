"""The action plan page: rows edited in place, by HTMX and by plain forms, with no lost
updates and a fixed number of queries however long the plan is. Over 400 lines in one module
because every test drives the same page through the same fixtures and row helpers."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import remove_follow_up_entries, row_data

from actionplans.models import ActionItem, Responsibility
from agreements.models import Agreement, AgreementStatus
from audit.seals import seal_pending

HTMX = {"HX-Request": "true"}


@pytest.fixture
def strangnas(demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    return agreement, plan


def url(name, plan, item=None):
    args = [plan.agreement_id, plan.pk] + ([item.pk] if item else [])
    return reverse(name, args=args)


def first_row(plan) -> ActionItem:
    return plan.items.order_by("position").first()


def order(plan) -> list[str]:
    return list(plan.items.order_by("position").values_list("activity", flat=True))


def test_the_plan_page_shows_the_plans_own_columns_and_the_row_buttons(coordinator, strangnas):
    agreement, plan = strangnas
    page = coordinator.get(url("plan_detail", plan)).text
    for column in ("Vad", "Kommun", "Polis", "Kommunikation"):
        assert f'<th scope="col">{column}</th>' in page
    for name in ("Redigera", "Flytta upp", "Flytta ned", "Ta bort", "Lägg till rad"):
        assert f">{name}</button>" in page
    assert "SIG Sociala insatsgrupper" in page and agreement.title in page


def test_harnosand_plan_has_goal_activity_when_responsible(client, user, demo):
    client.force_login(user("samordnare.harnosand"))
    plan = demo["harnosand-2012"].action_plans.get()
    page = client.get(url("plan_detail", plan)).text
    for column in ("Mål", "Aktivitet", "När", "Ansvarig"):
        assert f'<th scope="col">{column}</th>' in page


def test_redigera_by_htmx_returns_only_the_rows_form(coordinator, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    response = coordinator.get(url("row_edit", plan, item), headers=HTMX)
    assert response.status_code == 200
    assert "<!doctype" not in response.text and "<html" not in response.text
    assert f'id="rad-{item.pk}"' in response.text
    assert 'name="activity"' in response.text and 'name="version"' in response.text
    assert ">Spara</button>" in response.text and ">Avbryt</button>" in response.text
    assert "data-escape-cancels" in response.text


def test_redigera_without_javascript_is_the_whole_page_with_the_row_as_a_form(
    coordinator, strangnas
):
    _agreement, plan = strangnas
    item = first_row(plan)
    page = coordinator.get(url("row_edit", plan, item)).text
    assert page.startswith("<!doctype html>")
    assert page.count('name="activity"') == 1
    assert f'action="{url("row_edit", plan, item)}"' in page


def test_spara_by_plain_post_saves_and_returns_to_the_row(coordinator, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    response = coordinator.post(url("row_edit", plan, item), row_data(item, activity="Nytt namn"))
    assert response.status_code == 302
    assert response.url == url("plan_detail", plan) + f"#rad-{item.pk}"
    item.refresh_from_db()
    assert item.activity == "Nytt namn" and item.version == 2


def test_spara_by_htmx_returns_the_row_with_focus_on_redigera(coordinator, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    response = coordinator.post(
        url("row_edit", plan, item), row_data(item, activity="Nytt namn"), headers=HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert re.search(r"<th scope=\"row\"[^>]*>Nytt namn<p class=\"row-status\">", response.text)
    assert re.search(r"autofocus>Redigera</button>", response.text)


def test_avbryt_saves_nothing(coordinator, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    data = row_data(item, activity="Ska inte sparas", cancel="1")
    response = coordinator.post(url("row_edit", plan, item), data, headers=HTMX)
    assert item.activity in response.text and "Ska inte sparas" not in response.text
    item.refresh_from_db()
    assert item.activity != "Ska inte sparas" and item.version == 1


def test_a_party_cell_is_saved_as_that_partys_words(coordinator, strangnas):
    agreement, plan = strangnas
    item = first_row(plan)
    municipality = agreement.parties.get(label="Kommun")
    police = agreement.parties.get(label="Polis")
    police_before = list(
        item.responsibilities.filter(organisation=police.organisation).values_list("pk", flat=True)
    )
    data = row_data(item, **{f"party_{municipality.pk}": "Fritidsgårdarna leder"})
    coordinator.post(url("row_edit", plan, item), data)
    cells = Responsibility.objects.filter(item=item, organisation=municipality.organisation)
    assert [cell.description for cell in cells] == ["Fritidsgårdarna leder"]
    # The unchanged police cell keeps its rows as they were.
    assert police_before == list(
        item.responsibilities.filter(organisation=police.organisation).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_missing_activity_is_told_in_swedish_next_to_the_field_and_input_is_kept(
    coordinator, strangnas, headers
):
    _agreement, plan = strangnas
    item = first_row(plan)
    data = row_data(item, activity="", communication="Mitt nya förslag")
    response = coordinator.post(url("row_edit", plan, item), data, headers=headers)
    assert response.status_code == 200
    text = response.text
    textarea = re.search(r'<textarea name="activity"[^>]*>', text).group()
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="id_activity_error"' in textarea
    assert '<p class="field-error" id="id_activity_error">Detta fält måste fyllas i.</p>' in text
    assert "Mitt nya förslag" in text
    item.refresh_from_db()
    assert item.communication != "Mitt nya förslag" and item.version == 1


def test_an_end_before_the_start_is_refused_in_swedish(coordinator, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    data = row_data(item, starts_on="2021-05-01", ends_on="2021-04-01")
    response = coordinator.post(url("row_edit", plan, item), data, headers=HTMX)
    assert "Slutdatumet kan inte vara före startdatumet." in response.text
    item.refresh_from_db()
    assert item.starts_on is None


def test_two_editors_of_the_same_row_never_overwrite_each_other(personas, strangnas):
    """Both open the row at version 1. The first save wins; the second is shown both
    versions and may then save over the first knowingly, or keep it."""
    _agreement, plan = strangnas
    item = first_row(plan)
    first, second = Client(), Client()
    first.force_login(personas.coordinator)
    second.force_login(personas.kommunpolis)
    opened = row_data(item)
    assert 'name="version" value="1"' in second.get(url("row_edit", plan, item)).text

    first.post(url("row_edit", plan, item), {**opened, "activity": "Första versionen"})
    conflict = second.post(
        url("row_edit", plan, item), {**opened, "activity": "Andra versionen"}, headers=HTMX
    )
    item.refresh_from_db()
    assert item.activity == "Första versionen" and item.version == 2
    assert "Någon annan har ändrat raden sedan du öppnade den" in conflict.text
    assert "Första versionen" in conflict.text and "Andra versionen" in conflict.text
    assert 'name="version" value="2"' in conflict.text
    assert ">Spara min version</button>" in conflict.text
    assert ">Behåll den sparade versionen</button>" in conflict.text

    kept = second.post(
        url("row_edit", plan, item), {**opened, "version": 2, "cancel": "1"}, headers=HTMX
    )
    assert "Första versionen" in kept.text
    second.post(url("row_edit", plan, item), {**opened, "version": 2, "activity": "Andra"})
    item.refresh_from_db()
    assert item.activity == "Andra" and item.version == 3


def test_after_a_conflict_my_version_keeps_what_the_other_editor_changed_elsewhere(
    personas, strangnas
):
    """The first editor renames the row; the second, who opened it before, changes only its
    communication. The conflict sets only the second's change against the stored row, so
    Spara min version keeps both."""
    _agreement, plan = strangnas
    item = first_row(plan)
    first, second = Client(), Client()
    first.force_login(personas.coordinator)
    second.force_login(personas.kommunpolis)
    opened = row_data(item)
    # What the browser posts: each field with the value the form was opened with.
    opened.update({f"initial-{name}": value for name, value in row_data(item).items()})
    del opened["initial-version"]
    first.post(url("row_edit", plan, item), {**opened, "activity": "Nytt namn"})
    conflict = second.post(
        url("row_edit", plan, item), {**opened, "communication": "Kommunikatören"}, headers=HTMX
    ).text
    compared = conflict.split('<table class="compare">')[1].split("</table>")[0]
    assert "Kommunikatören" in compared and "Nytt namn" not in compared
    proposal = re.search(r'<textarea name="activity"[^>]*>\s*([^<]*)</textarea>', conflict)
    assert proposal.group(1).strip() == "Nytt namn"
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', conflict))
    mine = {**opened, **form, "activity": "Nytt namn", "communication": "Kommunikatören"}
    second.post(url("row_edit", plan, item), mine)
    item.refresh_from_db()
    assert (item.activity, item.communication, item.version) == ("Nytt namn", "Kommunikatören", 3)


def test_a_conflict_without_javascript_is_the_whole_page_with_both_versions(personas, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    client = Client()
    client.force_login(personas.coordinator)
    stale = row_data(item)
    ActionItem.objects.filter(pk=item.pk).update(activity="Ändrad av någon", version=5)
    page = client.post(url("row_edit", plan, item), {**stale, "activity": "Min text"}).text
    assert page.startswith("<!doctype html>")
    assert "Ändrad av någon" in page and "Min text" in page
    assert ActionItem.objects.get(pk=item.pk).activity == "Ändrad av någon"


def test_lagg_till_rad_adds_a_row_at_the_end_of_its_focus_area(coordinator, strangnas):
    agreement, plan = strangnas
    area = agreement.focus_areas.order_by("position").first()
    create = url("row_create", plan) + f"?fokusomrade={area.pk}"
    form = coordinator.get(create, headers=HTMX).text
    assert "<html" not in form and 'name="activity"' in form
    assert f'<option value="{area.pk}" selected>' in form
    item = ActionItem(plan=plan, activity="Nattvandring", version=1, focus_area=area)
    response = coordinator.post(create, row_data(item, activity="Nattvandring"), headers=HTMX)
    assert "Nattvandring" in response.text and "autofocus>Redigera" in response.text
    created = plan.items.get(activity="Nattvandring")
    assert created.focus_area == area
    assert created.position == max(plan.items.values_list("position", flat=True))


def test_a_new_row_with_errors_is_not_created(coordinator, strangnas):
    _agreement, plan = strangnas
    before = plan.items.count()
    data = row_data(ActionItem(plan=plan, activity=""), when_text="x" * 301)
    response = coordinator.post(url("row_create", plan), data)
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.text
    assert "Säkerställ att detta värde har som mest 300 tecken (den har 301)." in response.text
    assert plan.items.count() == before


def unlogged_row(plan) -> ActionItem:
    return plan.items.filter(follow_up_entries__isnull=True).order_by("position").first()


def test_ta_bort_asks_first_then_removes_the_row(coordinator, strangnas):
    _agreement, plan = strangnas
    item = unlogged_row(plan)
    confirm = coordinator.get(url("row_delete", plan, item), headers=HTMX).text
    assert "Ta bort raden?" in confirm and item.activity in confirm
    assert ">Ta bort</button>" in confirm and ">Avbryt</button>" in confirm
    assert ActionItem.objects.filter(pk=item.pk).exists()
    group = coordinator.post(url("row_delete", plan, item), headers=HTMX).text
    assert "Raden togs bort." in group and f'id="rad-{item.pk}"' not in group
    assert not ActionItem.objects.filter(pk=item.pk).exists()


def test_ta_bort_without_javascript_confirms_on_the_page_and_redirects(coordinator, strangnas):
    _agreement, plan = strangnas
    item = unlogged_row(plan)
    page = coordinator.get(url("row_delete", plan, item)).text
    assert page.startswith("<!doctype html>") and "Ta bort raden?" in page
    response = coordinator.post(url("row_delete", plan, item))
    assert response.status_code == 302
    assert "Raden togs bort." in coordinator.get(response.url).text
    assert not ActionItem.objects.filter(pk=item.pk).exists()


def test_a_row_with_follow_up_entries_is_kept_with_a_clear_message(coordinator, strangnas):
    _agreement, plan = strangnas
    item = plan.items.filter(follow_up_entries__isnull=False).first()
    confirm = coordinator.get(url("row_delete", plan, item), headers=HTMX).text
    assert "Raden kan inte tas bort:" in confirm and ">Ta bort</button>" not in confirm
    group = coordinator.post(url("row_delete", plan, item), headers=HTMX).text
    assert "Raden kan inte tas bort: den har uppföljningar" in group
    assert ActionItem.objects.filter(pk=item.pk).exists()


def test_flytta_upp_and_ned_trade_places_within_the_group(coordinator, strangnas):
    _agreement, plan = strangnas
    first, second, *_rest = order(plan)
    item = plan.items.get(activity=first)
    response = coordinator.post(url("row_move", plan, item), {"direction": "down"}, headers=HTMX)
    assert order(plan)[:2] == [second, first]
    # The moved row's Flytta ned keeps the focus, so a keyboard user can go on moving it.
    assert re.search(
        rf'id="rad-{item.pk}".*?value="down" class="button small" autofocus>Flytta ned',
        response.text,
        re.S,
    )
    coordinator.post(url("row_move", plan, item), {"direction": "up"})
    assert order(plan)[:2] == [first, second]
    edge = coordinator.post(url("row_move", plan, item), {"direction": "up"}, headers=HTMX)
    assert "Raden står redan först." in edge.text
    assert order(plan)[:2] == [first, second]
    positions = list(plan.items.values_list("position", flat=True))
    assert len(positions) == len(set(positions))


def test_readers_may_not_change_rows(client, personas, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    client.force_login(personas.reader)
    assert client.post(url("row_edit", plan, item), row_data(item, activity="X")).status_code == 403
    assert client.post(url("row_delete", plan, item)).status_code == 403
    assert client.post(url("row_move", plan, item), {"direction": "down"}).status_code == 403
    assert client.post(url("row_create", plan), row_data(item)).status_code == 403
    item.refresh_from_db()
    assert item.activity != "X"


def test_outsiders_do_not_find_the_rows(client, user, strangnas):
    _agreement, plan = strangnas
    item = first_row(plan)
    client.force_login(user("samordnare.harnosand"))
    assert client.post(url("row_edit", plan, item), row_data(item)).status_code == 404
    assert client.get(url("plan_detail", plan)).status_code == 404


def test_a_row_is_found_only_under_its_own_agreement_and_plan(coordinator, demo, strangnas):
    _agreement, plan = strangnas
    other = demo["harnosand-2012"].action_plans.get()
    stranger = first_row(other)
    wrong = reverse("row_edit", args=[plan.agreement_id, plan.pk, stranger.pk])
    assert coordinator.get(wrong).status_code == 404


def test_a_terminated_agreements_plan_is_read_only(coordinator, strangnas):
    agreement, plan = strangnas
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.TERMINATED)
    item = first_row(plan)
    assert coordinator.post(url("row_edit", plan, item), row_data(item)).status_code == 403
    assert "Redigera" not in coordinator.get(url("plan_detail", plan)).text


def add_rows(plan, count):
    start = plan.items.count()
    areas = list(plan.agreement.focus_areas.all())
    ActionItem.objects.bulk_create(
        ActionItem(
            plan=plan,
            position=start + n,
            activity=f"Aktivitet {n}",
            focus_area=areas[n % len(areas)],
        )
        for n in range(1, count + 1)
    )


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = action()
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


@pytest.mark.parametrize("reference", ["strangnas-2020", "harnosand-2012"])
def test_the_plan_page_and_a_row_save_run_as_many_queries_for_500_rows_as_for_5(
    coordinator, user, personas, demo, reference
):
    coordinator.force_login(personas.admin)
    plan = demo[reference].action_plans.get()
    remove_follow_up_entries()
    ActionItem.objects.filter(pk__in=plan.items.order_by("position").values("pk")[5:]).delete()
    item = first_row(plan)

    def page():
        return coordinator.get(url("plan_detail", plan))

    def save(headers):
        item.refresh_from_db()
        fields = {"goal": "", "responsible_text": ""} if reference.startswith("h") else {}
        data = row_data(item, activity=f"Sparad {item.version}", **fields)
        return lambda: coordinator.post(url("row_edit", plan, item), data, headers=headers)

    seal_pending()  # the set-up's deleted rows' history, as its commit would seal it
    few = [queries(page), queries(save({})), queries(save(HTMX))]
    add_rows(plan, 495)
    assert plan.items.count() == 500
    many = [queries(page), queries(save({})), queries(save(HTMX))]
    assert many == few
    # The page: session, user, the plan with its agreement (in one query with the
    # visibility check), the agreement's parties and focus areas, rows, responsibilities,
    # the rows' links to problems and indicators, each once (an administrator's rights
    # need none), and the user's visit recorded (one upsert: which entries are new to
    # them). A plain save: the same reads up to the agreement's focus areas, the row with
    # its responsibilities, then in one transaction the conditional UPDATE, its history
    # and the history's seal (tests/test_row_save.py lists them); by HTMX also the row as
    # shown, in three queries.
    assert few == [9, 16, 19]


def test_a_coordinator_creates_an_action_plan_for_an_agreement_without_one(client, user, demo):
    agreement = demo["timra-2017"]
    assert not agreement.action_plans.exists()
    client.force_login(user("samordnare.timra"))
    create = reverse("plan_create", args=[agreement.pk])
    assert "Ny handlingsplan" in client.get(create).text
    refused = client.post(create, {"title": "", "layout": ""})
    assert "Detta fält måste fyllas i." in refused.text
    response = client.post(
        create,
        {
            "title": "Handlingsplan 2017",
            "layout": "activity_parties_communication",
            "starts_on": "2017-01-01",
            "ends_on": "2016-12-31",
        },
    )
    assert "Slutdatumet kan inte vara före startdatumet." in response.text
    response = client.post(
        create, {"title": "Handlingsplan 2017", "layout": "activity_parties_communication"}
    )
    plan = agreement.action_plans.get()
    assert response.status_code == 302 and response.url == url("plan_detail", plan)
    page = client.get(response.url).text
    assert "Handlingsplan 2017" in page and ">Lägg till rad</button>" in page


def test_a_plan_for_a_municipality_must_name_a_party(client, user, demo):
    agreement = demo["sollentuna-2023"]
    plan = agreement.action_plans.order_by("position").first()
    client.force_login(user("samordnare.sollentuna"))
    form = client.get(url("plan_edit", plan), headers=HTMX).text
    municipalities = re.findall(r'<option value="(\d+)"', form.split('name="municipality"')[1])
    parties = {str(p.organisation_id) for p in agreement.parties.all()}
    assert municipalities and set(municipalities) <= parties


def test_the_plans_details_are_edited_in_place(coordinator, strangnas):
    _agreement, plan = strangnas
    form = coordinator.get(url("plan_edit", plan), headers=HTMX).text
    assert "<html" not in form and 'name="title"' in form and "Redigera uppgifter" in form
    data = {"title": "Ny rubrik", "layout": "goal_activity_when_responsible", "version": 1}
    response = coordinator.post(url("plan_edit", plan), data, headers=HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == url("plan_detail", plan)
    page = coordinator.get(url("plan_detail", plan)).text
    assert "Ny rubrik" in page and '<th scope="col">Mål</th>' in page
    cancelled = coordinator.post(url("plan_edit", plan), {"cancel": "1"}, headers=HTMX).text
    assert "Ny rubrik" in cancelled and 'name="title"' not in cancelled


def test_a_plan_with_follow_up_entries_is_not_deleted(coordinator, strangnas):
    agreement, plan = strangnas
    page = coordinator.get(url("plan_delete", plan)).text
    assert "Planen kan inte tas bort" in page and ">Ta bort handlingsplanen</button>" not in page
    assert coordinator.post(url("plan_delete", plan)).status_code == 200
    assert agreement.action_plans.filter(pk=plan.pk).exists()


def test_deleting_a_plan_asks_first_and_takes_its_rows(coordinator, strangnas):
    agreement, plan = strangnas
    remove_follow_up_entries()
    rows = plan.items.count()
    page = coordinator.get(url("plan_delete", plan)).text
    assert f"Planen och dess {rows} rader tas bort." in page
    assert ActionItem.objects.filter(plan=plan).count() == rows
    response = coordinator.post(url("plan_delete", plan))
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    assert not agreement.action_plans.exists()
    assert not ActionItem.objects.filter(plan_id=plan.pk).exists()


@pytest.mark.parametrize(
    "reference",
    ["harnosand-2012", "sandviken-2015", "sollentuna-2023", "strangnas-2020", "timra-2017"],
)
def test_every_seed_plan_page_opens_even_without_rows(client, personas, demo, reference):
    """Sollentuna's three plans have no rows yet: each shows its focus areas, ready."""
    client.force_login(personas.admin)
    for plan in demo[reference].action_plans.all():
        response = client.get(reverse("plan_detail", args=[plan.agreement_id, plan.pk]))
        assert response.status_code == 200
        assert plan.title in response.text
