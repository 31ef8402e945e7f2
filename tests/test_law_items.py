"""The law's items per municipality (law 2023:196; prevention/) and their pages: the
municipality's page /kommuner/<kommun>/ and the police area's /polisomraden/<omrade>/
(areas/). Who sees and changes what, the slugs, the due dates from the settings, the
forms with their Swedish messages, and the demo's states."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from test_access_matrix import LAW_URLS, PATTERNS, url_kwargs
from test_settings import settings_in_subprocess

from organisations.models import Organisation
from organisations.names import name_slug, police_area_slug
from prevention.models import PreventionPlan, SituationReport, add_months
from prevention.status import ItemState, law_status, state_by_date, with_law_items

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def status_of(name, today=None):
    municipality = with_law_items(Organisation.objects.filter(name=name)).get()
    return law_status(municipality, today or timezone.localdate())


# --- Slugs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Upplands Väsby", "upplands-vasby"),
        ("Österåker", "osteraker"),
        ("Malmö", "malmo"),
        ("Strängnäs", "strangnas"),
        # Written the same, so each with its kommunkod.
        ("Håbo", "habo-0305"),
        ("Habo", "habo-0643"),
    ],
)
def test_a_municipality_is_found_by_its_name_in_lower_case_ascii(client, user, name, slug):
    assert name_slug(name) == slug.removesuffix("-0305").removesuffix("-0643")
    client.force_login(user("admin"))
    response = client.get(f"/kommuner/{slug}/")
    assert response.status_code == 200
    assert response.context["overview"].municipality.name == name


def test_a_name_written_otherwise_is_not_found(client, user):
    client.force_login(user("admin"))
    for written in ("Sollentuna", "sollentuna-kommun", "osteraaker", "%C3%B6ster%C3%A5ker", "habo"):
        assert client.get(f"/kommuner/{written}/").status_code == 404, written


def test_the_police_area_is_found_by_its_own_name(client, user):
    assert police_area_slug("Lokalpolisområde Järva") == "jarva"
    client.force_login(user("admin"))
    assert client.get("/polisomraden/sollentuna/").status_code == 200
    assert client.get("/polisomraden/lokalpolisomrade-sollentuna/").status_code == 404


# --- Who sees and changes what -------------------------------------------------------------

SOLLENTUNA = "/kommuner/sollentuna/"
AREA = "/polisomraden/sollentuna/"


@pytest.mark.parametrize(
    ("username", "municipality_page", "area_page", "may_edit"),
    [
        ("samordnare.sollentuna", 200, 200, True),  # its coordinator
        ("orgadmin.sollentuna", 200, 200, True),  # its organisation administrator
        ("lasare.sollentuna", 200, 200, False),  # its reader
        ("kommunpolis.sollentuna", 200, 200, False),  # the area's, party to its agreement
        ("samordnare.sigtuna", 200, 200, False),  # a partner in the area's agreement
        ("samordnare.strangnas", 404, 404, False),  # elsewhere
        ("kommunpolis.timra", 404, 404, False),
        ("admin", 200, 200, True),
    ],
)
def test_who_sees_the_pages_and_changes_the_law_items(
    client, user, username, municipality_page, area_page, may_edit
):
    client.force_login(user(username))
    assert client.get(SOLLENTUNA).status_code == municipality_page
    assert client.get(AREA).status_code == area_page
    edit = client.get(SOLLENTUNA + "samordning/")
    post = client.post(SOLLENTUNA + "lagesbild/ny/", {"title": "X", "adopted_on": "2026-01-01"})
    if may_edit:
        assert edit.status_code == 200
        assert post.status_code == 302
        assert "Ny lägesbild" in client.get(SOLLENTUNA).text
    else:
        assert edit.status_code == post.status_code == (403 if municipality_page == 200 else 404)
        assert not SituationReport.objects.filter(title="X").exists()
        if municipality_page == 200:
            assert "Ny lägesbild" not in client.get(SOLLENTUNA).text


def test_another_municipalitys_member_may_not_see_its_page_without_a_shared_agreement(client, user):
    client.force_login(user("samordnare.sigtuna"))
    assert client.get("/kommuner/timra/").status_code == 404
    assert client.get("/kommuner/sigtuna/").status_code == 200


def test_the_police_area_is_reached_from_each_municipalitys_page(client, user):
    client.force_login(user("kommunpolis.sollentuna"))
    for kommun in ("sollentuna", "sigtuna", "upplands-vasby"):
        assert f'href="{AREA}"' in client.get(f"/kommuner/{kommun}/").text


LAW_WALKED = sorted((name, route) for name, route in PATTERNS if name in LAW_URLS)


@pytest.mark.parametrize(("name", "route"), LAW_WALKED, ids=[name for name, _ in LAW_WALKED])
def test_every_law_url_as_anonymous_outsider_reader_partner_and_coordinator(
    client, user, demo, name, route
):
    """Strängnäs' pages: anonymous to the login, an outsider 404, the reader and the
    kommunpolis read (403 on forms), the coordinator writes."""
    kwargs = url_kwargs(route, demo["strangnas-2020"])
    if name == "situation_report_document":
        report = SituationReport.objects.get(pk=kwargs["situation_report_pk"])
        report.document.save("lagesbild.pdf", ContentFile(b"%PDF-1.7 lagesbild"))
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 302
    reads = name in {
        "municipality_page",
        "situation_report_detail",
        "situation_report_document",
        "police_area_page",
    }
    for username, expected in [
        ("samordnare.timra", 404),
        ("lasare.strangnas", 200 if reads else 403),
        ("kommunpolis.strangnas", 200 if reads else 403),
        ("samordnare.strangnas", 200),
    ]:
        client.force_login(user(username))
        assert client.get(url).status_code == expected, username


# --- Due dates from the settings -----------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 24) == datetime.date(2028, 11, 15)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)


def test_a_lagesbild_is_due_by_the_setting(settings):
    report = SituationReport(adopted_on=datetime.date(2025, 3, 1))
    assert report.next_due_on == datetime.date(2027, 3, 1)  # default: every second year
    settings.LAW_SITUATION_REPORT_MONTHS = 12
    assert report.next_due_on == datetime.date(2026, 3, 1)


def test_a_plan_is_reviewed_on_its_own_date_else_by_the_setting(settings):
    plan = PreventionPlan(decided_on=datetime.date(2026, 2, 10))
    assert plan.review_due_on == datetime.date(2027, 2, 10)  # default: yearly
    settings.LAW_PREVENTION_PLAN_REVIEW_MONTHS = 6
    assert plan.review_due_on == datetime.date(2026, 8, 10)
    plan.next_review_on = datetime.date(2026, 12, 1)
    assert plan.review_due_on == datetime.date(2026, 12, 1)


def test_the_state_follows_the_due_date_and_the_notice_setting(settings):
    assert state_by_date(None, TODAY) == ItemState.MISSING
    assert state_by_date(TODAY - datetime.timedelta(days=1), TODAY) == ItemState.OVERDUE
    assert state_by_date(TODAY, TODAY) == ItemState.DUE
    assert state_by_date(TODAY + datetime.timedelta(days=90), TODAY) == ItemState.DUE
    assert state_by_date(TODAY + datetime.timedelta(days=91), TODAY) == ItemState.PRESENT
    settings.LAW_DUE_NOTICE_DAYS = 30
    assert state_by_date(TODAY + datetime.timedelta(days=31), TODAY) == ItemState.PRESENT


def test_the_newest_lagesbild_counts_and_the_earlier_are_kept():
    municipality = Organisation.objects.get(name="Timrå")
    status = status_of("Timrå", TODAY)
    older = status.situation_report.current
    newer = SituationReport.objects.create(
        municipality=municipality, title="Ny", adopted_on=TODAY - datetime.timedelta(days=10)
    )
    status = status_of("Timrå", TODAY)
    assert status.situation_report.current == newer
    assert status.situation_report.state == ItemState.PRESENT
    assert older in status.situation_report.earlier


def test_a_municipality_without_items_misses_all_three():
    status = status_of("Kiruna")
    assert [item.state for item in status.items] == [ItemState.MISSING] * 3


def test_the_demo_shows_every_state_in_sollentunas_police_area():
    sollentuna, vasby, sigtuna = (
        status_of(name) for name in ("Sollentuna", "Upplands Väsby", "Sigtuna")
    )
    assert [item.state for item in sollentuna.items] == [ItemState.PRESENT] * 3
    assert vasby.situation_report.state == ItemState.DUE
    assert vasby.prevention_plan.state == ItemState.OVERDUE
    assert sigtuna.situation_report.state == ItemState.OVERDUE
    assert sigtuna.prevention_plan.state == ItemState.DUE
    assert sigtuna.coordination.state == ItemState.MISSING


def test_the_pages_name_the_states(client, user):
    client.force_login(user("kommunpolis.sollentuna"))
    page = client.get(AREA).text
    for name in ("Sollentuna", "Upplands Väsby", "Sigtuna"):
        assert name in page
    assert "försenad" in page and "snart dags" in page and "saknas" in page
    vasby = client.get("/kommuner/upplands-vasby/").text
    assert "Åtgärdsplan</a>: skulle ha varit klar" in vasby


@pytest.mark.parametrize("value", ["0", "-3", "två", "1.5"])
def test_an_interval_that_is_not_a_whole_number_above_zero_stops_the_start(tmp_path, value):
    result = settings_in_subprocess(tmp_path, LAW_SITUATION_REPORT_MONTHS=value)
    assert result.returncode != 0
    assert "LAW_SITUATION_REPORT_MONTHS must be a whole number above 0" in result.stderr


def test_an_interval_is_read_from_the_environment(tmp_path):
    assert settings_in_subprocess(tmp_path, LAW_DUE_NOTICE_DAYS="30").returncode == 0
