"""Getting in and finding things: log in, Översikt, the agreement list and page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import (
    count_queries,
    demo_current_titles,
    demo_promise_titles,
    remove_follow_up_entries,
    without_demo_promises,
)

from actionplans.models import ActionItem
from agreements.models import OVER, Agreement
from exchange.copying import copy_agreement


def login(client, user, username):
    client.force_login(user(username))
    return client


def titles(response) -> list[str]:
    return re.findall(
        r'<th scope="row"><a href="/overenskommelser/\d+/">([^<]+)</a>', response.text
    )


def test_logging_in_with_the_demo_password_leads_to_the_overview(client, demo):
    response = client.post(
        reverse("login"), {"username": "samordnare.strangnas", "password": "samverkan-demo"}
    )
    assert response.status_code == 302 and response.url == reverse("overview")
    page = client.get(reverse("overview"))
    assert "Översikt" in page.text and "Dina överenskommelser" in page.text


def test_a_wrong_password_is_told_in_swedish_next_to_the_form(client, demo):
    response = client.post(
        reverse("login"), {"username": "samordnare.strangnas", "password": "fel"}
    )
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.text


def test_logging_out_is_a_post_and_leads_to_the_login_page(client, user, demo):
    login(client, user, "samordnare.strangnas")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("overview")).status_code == 302


@pytest.mark.parametrize(
    ("username", "expected", "promises_of"),
    [
        (
            "samordnare.strangnas",
            ["Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023"],
            ["Strängnäs"],
        ),
        # A kommunpolis of Lokalpolisområde Sollentuna reads its three municipalities' promises.
        (
            "kommunpolis.sigtuna",
            ["Samverkan för tryggare kommuner i lokalpolisområde Sollentuna"],
            ["Sollentuna", "Upplands Väsby", "Sigtuna"],
        ),
        (
            "lasare.timra",
            ["Samverkansöverenskommelse mellan Polisen och Timrå kommun 2017 - 2018"],
            ["Timrå"],
        ),
    ],
)
def test_the_overview_shows_only_the_users_agreements(
    client, user, demo, username, expected, promises_of
):
    login(client, user, username)
    # And the seed's invented current period (tests/test_demo_current.py).
    current = demo_current_titles(*promises_of)
    expected = sorted(expected + demo_promise_titles(*promises_of) + current)
    assert len(expected) == 1 + len(promises_of) + 1
    assert sorted(titles(client.get(reverse("overview")))) == expected


def test_the_overview_shows_status_period_days_left_and_parties(client, user, demo):
    login(client, user, "samordnare.sollentuna")
    page = client.get(reverse("overview")).text
    assert "2023-01-01 – 2026-12-31" in page
    assert "Lokalpolisområde Sollentuna, Sollentuna, Upplands Väsby, Sigtuna" in page
    days = demo["sollentuna-2023"].days_left()
    assert f'<td class="number" data-label="Dagar kvar">{days}</td>' in page


def test_an_administrator_sees_every_agreement(client, user, demo):
    login(client, user, "admin")
    shown = titles(client.get(reverse("agreement_list")))
    assert len(shown) == 5 + len(demo_promise_titles()) + len(demo_current_titles())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "active"}, ["sollentuna-2023", "sandviken-2015"]),
        ({"municipality": "Sigtuna"}, ["sollentuna-2023"]),
        ({"police_unit": "Lokalpolisområde Medelpad"}, ["timra-2017"]),
        ({"year": "2013"}, ["harnosand-2012"]),
        # Sandviken renews per calendar year until terminated: still in force, so listed
        # before Strängnäs' expired one.
        ({"year": "2022"}, ["sandviken-2015", "strangnas-2020"]),
        ({"q": "Kronobergsmodellen"}, ["harnosand-2012"]),
        ({"q": "medborgardialog Timrå"}, ["timra-2017"]),
        ({"q": "Fastighetsägarnätverk"}, ["strangnas-2020"]),
    ],
)
def test_the_list_filters_by_status_municipality_police_unit_year_and_text(
    client, user, demo, query, expected, monkeypatch
):
    from django.utils import timezone

    from organisations.models import Organisation

    # The status is computed from the day: on this one Sollentuna is not yet expiring.
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 6, 1))
    login(client, user, "admin")
    for key in ("municipality", "police_unit"):
        if key in query:
            query[key] = Organisation.objects.get(name=query[key]).pk
    response = client.get(reverse("agreement_list"), query)
    # The demo's citizen promises: tests/test_demo_citizen_promises.py.
    shown = without_demo_promises(titles(response))
    assert shown == [demo[reference].title for reference in expected]


def test_the_list_shows_agreements_in_force_and_drafts_before_those_whose_time_is_over(
    client, user, demo
):
    """Strängnäs' reader sees the agreement in force above the expired 2020–2023 one; a
    draft being written (no period yet) is at the top; for the administrator, every
    agreement in force, not yet in force or being written comes before every expired or
    terminated one, each part newest first."""
    draft = copy_agreement(demo["strangnas-2020"], title="Samverkan i Strängnäs, utkast")
    no_period = {"valid_from": None, "valid_until": None, "first_year": None, "last_year": None}
    Agreement.objects.filter(pk=draft.pk).update(length_years=None, **no_period)
    login(client, user, "lasare.strangnas")
    shown = titles(client.get(reverse("agreement_list")))
    current = demo_current_titles("Strängnäs")
    assert shown.index(current[0]) < shown.index(demo["strangnas-2020"].title)
    assert shown[0] == draft.title
    assert shown[-1] == demo["strangnas-2020"].title
    login(client, user, "admin")
    shown = titles(client.get(reverse("agreement_list")))
    today = timezone.localdate()
    by_title = {a.title: a for a in Agreement.objects.all()}
    over = [by_title[title].status_on(today) in OVER for title in shown]
    assert over == sorted(over) and any(over) and not all(over)
    for part in (False, True):
        starts = [
            by_title[title].counted_period()[0] or datetime.date.max
            for title, is_over in zip(shown, over, strict=True)
            if is_over == part
        ]
        years = [start.year for start in starts]
        assert years == sorted(years, reverse=True)


def test_the_order_holds_with_a_filter(client, user, demo):
    """Filtered to Strängnäs the same order; filtered to expired ones, newest first."""
    from organisations.models import Organisation

    login(client, user, "admin")
    strangnas = Organisation.objects.get(name="Strängnäs", kind="municipality").pk
    shown = titles(client.get(reverse("agreement_list"), {"municipality": strangnas}))
    assert shown[-1] == demo["strangnas-2020"].title
    expired = without_demo_promises(
        titles(client.get(reverse("agreement_list"), {"status": "expired"}))
    )
    assert expired == [demo[r].title for r in ("strangnas-2020", "timra-2017", "harnosand-2012")]


def test_an_htmx_filter_request_gets_only_the_results(client, user, demo):
    login(client, user, "admin")
    response = client.get(
        reverse("agreement_list"), {"status": "expired"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text
    assert len(titles(response)) == 3


def test_a_bad_filter_value_is_told_next_to_the_field(client, user, demo):
    login(client, user, "admin")
    response = client.get(reverse("agreement_list"), {"year": "tjugo"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.text and "Fyll i ett heltal." in response.text


def test_an_agreement_of_another_organisation_does_not_exist_for_the_user(client, user, demo):
    login(client, user, "samordnare.timra")
    response = client.get(demo["strangnas-2020"].get_absolute_url())
    assert response.status_code == 404


def position(page: str, text: str) -> int:
    index = page.find(text)
    assert index >= 0, text
    return index


def test_the_agreement_page_follows_the_printed_reading_order(client, user, demo):
    login(client, user, "samordnare.timra")
    page = client.get(demo["timra-2017"].get_absolute_url()).text
    # The problem picture stands inside "Genomförande", before "Överenskommelse".
    assert (
        position(page, '<h2 id="avsnitt-4-h">Genomförande')
        < position(page, "Lokala problembilder i Timrå kommun</h2>")
        < position(page, "Öppet missbruk och ordningsstörning i centrala Timrå")
        < position(page, '<h2 id="avsnitt-5-h">Överenskommelse</h2>')
        < position(page, "Josef Wiklund")
    )
    assert 'href="#problem-picture"' in page  # in the table of contents


def test_harnosand_signatures_follow_the_opening_text_and_rows_sit_under_their_area(
    client, user, demo
):
    login(client, user, "samordnare.harnosand")
    page = client.get(demo["harnosand-2012"].get_absolute_url()).text
    assert position(page, "Thomas Nyberg</strong>") < position(
        page, '<h2 id="avsnitt-2-h">Bakgrund'
    )
    assert (
        position(page, "1. Förebyggande arbete ungdomar</h3>")
        < position(page, "Kontaktuppgifter ska lämnas mellan polis och skola")
        < position(page, "2. Trygga medborgare i ett tryggt centrum</h3>")
        < position(page, "Kontinuerligt varje fredag och lördag")
        < position(page, "¹ Brottsförebyggande rådets Nationella trygghetsundersökning.")
    )


def test_strangnas_plan_shows_one_column_per_party(client, user, demo):
    login(client, user, "kommunpolis.strangnas")
    page = client.get(demo["strangnas-2020"].get_absolute_url()).text
    assert '<th scope="col">Kommun</th><th scope="col">Polis</th>' in page
    assert (
        "<td>Socialtjänsten är samordnande</td><td>Deltagande</td><td>Polis och kommun</td>" in page
    )


def add_rows(agreement, count):
    plan = agreement.action_plans.first()
    start = plan.items.count()
    focus_area = agreement.focus_areas.first()
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, position=start + n, activity=f"Aktivitet {n}", focus_area=focus_area)
        for n in range(1, count + 1)
    )


@pytest.mark.parametrize("reference", ["strangnas-2020", "harnosand-2012"])
def test_the_agreement_page_runs_as_many_queries_for_500_rows_as_for_5(
    client, user, demo, reference
):
    login(client, user, "admin")
    agreement = demo[reference]
    url = agreement.get_absolute_url()
    # session + user, the agreement (with the visibility check), parties, sections,
    # signatories, problem picture, its sources, areas, items, overall goals, focus areas,
    # plans, rows, responsibilities, frozen versions: each once, however many rows; the
    # five steps' ticks, and what Samverkan sees for them in one query (pages/steps_seen.py).
    few = count_queries(client, url)
    add_rows(agreement, 500)
    assert count_queries(client, url) == few
    assert few <= 18


def test_list_and_overview_run_as_many_queries_for_all_agreements_as_for_one(client, user, demo):
    login(client, user, "admin")
    everything = [count_queries(client, reverse(name)) for name in ("overview", "agreement_list")]
    remove_follow_up_entries()
    # Sandviken is in force (renewed per calendar year): its follow-up list is computed.
    Agreement.objects.exclude(pk=demo["sandviken-2015"].pk).delete()
    one = [count_queries(client, reverse(name)) for name in ("overview", "agreement_list")]
    assert everything[0] == one[0]
    assert everything[1] == one[1]


def test_the_accessibility_statement_is_public_and_linked_from_every_page(client, user, demo):
    assert "Tillgänglighetsredogörelse för Samverkan" in client.get(reverse("accessibility")).text
    assert f'href="{reverse("accessibility")}"' in client.get(reverse("login")).text
    login(client, user, "lasare.timra")
    assert f'href="{reverse("accessibility")}"' in client.get(reverse("overview")).text
