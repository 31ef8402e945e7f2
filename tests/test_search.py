"""Sök (/sok/): one search over agreements, parties, sections, plan rows and follow-up
entries, limited to what the user may see, each hit saying where it is and linking there;
a bounded number of queries; bad input answered in Swedish. On both databases, and the
Swedish stemming and ranking on PostgreSQL only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import count_queries

from actionplans.models import ActionItem
from agreements.models import Party, Section
from followup.models import FollowUpEntry
from pages.search import KINDS, search
from pages.search_matching import START, STOP, marked_html

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Swedish full-text search is PostgreSQL's"
)
SEARCH = reverse("search")


def hits(response, kind_key):
    """(link text, href, where, snippet) of the hits of one kind on the page."""
    html = response.text
    group = re.search(
        rf'<section class="hit-group" aria-labelledby="traffar-{kind_key}">(.*?)</section>',
        html,
        re.S,
    )
    if group is None:
        return []
    return [
        (title, href, where, snippet)
        for href, title, where, snippet in re.findall(
            r'<li class="hit">\s*<a href="([^"]*)">([^<]*)</a>\s*'
            r'<p class="hit-where">(.*?)</p>\s*(?:<p class="hit-snippet">(.*?)</p>)?',
            group.group(1),
            re.S,
        )
    ]


@pytest.fixture
def strangnas(demo):
    return demo["strangnas-2020"]


@pytest.fixture
def planted(strangnas):
    """A word no demo text holds, in a section, a row and an entry of Strängnäs' agreement."""
    plan = strangnas.action_plans.get()
    section = Section.objects.create(
        agreement=strangnas,
        position=99,
        heading="Övergångsställen",
        body="Fler zebrakorsningar vid skolorna i Mariefred.",
    )
    row = ActionItem.objects.create(
        plan=plan,
        position=99,
        activity="Markera zebrakorsningen vid Åkervägen",
        goal="Tryggare skolväg",
        when_text="Sportlovsveckan",
    )
    entry = FollowUpEntry.objects.create(
        item=row,
        occurred_on=datetime.date(2022, 9, 1),
        what_was_done="Zebrakorsningen målades om.",
        effect="Färre barn springer över vägen.",
        status="in_progress",
    )
    return section, row, entry


def test_a_party_is_found_by_its_organisations_name(client, personas, strangnas):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "Eskilstuna"})
    assert response.status_code == 200
    found = hits(response, "parter")
    assert (
        "Lokalpolisområde Eskilstuna",
        strangnas.get_absolute_url(),
        f"{strangnas.title} › Parter",
        "Lokalpolisområde <mark>Eskilstuna</mark> · Polis",
    ) in found


@pytest.mark.parametrize("text", ["eskilst", "ESKILSTUNA", "Lokalpolisområde Eskilst"])
def test_the_beginning_of_a_word_and_any_case_find_it(client, personas, strangnas, text):
    client.force_login(personas.coordinator)
    titles = [hit[0] for hit in hits(client.get(SEARCH, {"q": text}), "parter")]
    assert "Lokalpolisområde Eskilstuna" in titles


def test_swedish_capitals_find_small_letters(client, personas, planted):
    """SQLite's LIKE and a PostgreSQL database of the C locale fold only A–Z."""
    _section, row, _entry = planted
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "ÖVERGÅNGSSTÄLLEN"})
    assert [hit[0] for hit in hits(response, "avsnitt")] == ["Övergångsställen"]
    response = client.get(SEARCH, {"q": "åkervägen"})
    assert [hit[0] for hit in hits(response, "rader")] == [row.activity]


def test_each_kind_of_hit_says_where_it_is_and_links_there(client, personas, strangnas, planted):
    _section, row, entry = planted
    plan = row.plan
    client.force_login(personas.reader)
    response = client.get(SEARCH, {"q": "zebrakorsningen"})
    assert hits(response, "rader") == [
        (
            row.activity,
            reverse("plan_detail", args=[strangnas.pk, plan.pk]) + f"#rad-{row.pk}",
            f"{strangnas.title} › {plan.title}",
            "Markera <mark>zebrakorsningen</mark> vid Åkervägen · Tryggare skolväg · "
            "Sportlovsveckan",
        )
    ]
    [(title, href, where, snippet)] = hits(response, "uppfoljning")
    assert title == "Uppföljning 2022-09-01"
    assert href == (reverse("follow_up", args=[strangnas.pk]) + f"?rad={row.pk}#post-{entry.pk}")
    assert where == f"{strangnas.title} › {plan.title} › {row.activity}"
    assert snippet.startswith("<mark>Zebrakorsningen</mark> målades om.")
    # The anchors are there on the pages linked to.
    assert f'id="post-{entry.pk}"' in client.get(href).text
    assert f'id="rad-{row.pk}"' in client.get(hits(response, "rader")[0][1]).text

    response = client.get(SEARCH, {"q": "zebrakorsningar"})
    [(title, href, where, snippet)] = hits(response, "avsnitt")
    assert (title, where) == ("Övergångsställen", strangnas.title)
    assert href == f"{strangnas.get_absolute_url()}#avsnitt-99"
    assert 'id="avsnitt-99"' in client.get(href).text
    assert "<mark>zebrakorsningar</mark>" in snippet

    response = client.get(SEARCH, {"q": "strangnas-2020"})
    assert hits(response, "overenskommelser")[0][:2] == (
        strangnas.title,
        strangnas.get_absolute_url(),
    )


def test_a_row_is_found_by_its_goal_and_its_when(client, personas, planted):
    _section, row, _entry = planted
    client.force_login(personas.kommunpolis)
    for text in ("Tryggare skolväg", "sportlovsveckan"):
        assert [hit[0] for hit in hits(client.get(SEARCH, {"q": text}), "rader")] == [
            row.activity
        ], text


def test_an_entry_is_found_by_its_effect(client, personas, planted):
    client.force_login(personas.kommunpolis)
    response = client.get(SEARCH, {"q": "springer"})
    assert [hit[0] for hit in hits(response, "uppfoljning")] == ["Uppföljning 2022-09-01"]


def test_all_words_must_be_found_and_a_minus_leaves_one_out(client, personas, planted):
    client.force_login(personas.coordinator)
    assert hits(client.get(SEARCH, {"q": "zebrakorsningen Åkervägen"}), "rader")
    assert not hits(client.get(SEARCH, {"q": "zebrakorsningen Strängnäsvägen"}), "rader")
    assert not hits(client.get(SEARCH, {"q": "zebrakorsningen -Åkervägen"}), "rader")
    assert hits(client.get(SEARCH, {"q": "zebrakorsningen -Strängnäsvägen"}), "rader")


def test_outsiders_never_see_anothers_hits(client, personas, strangnas, planted):
    client.force_login(personas.outsider)
    for text in ("Eskilstuna", "zebrakorsningen", "zebrakorsningar", "Strängnäs"):
        response = client.get(SEARCH, {"q": text})
        assert response.status_code == 200
        assert strangnas.title not in response.text, text
        assert "Lokalpolisområde Eskilstuna" not in response.text, text
        assert f"0 träffar för ”{text}”" in response.text, text
    # Their own agreement is found.
    response = client.get(SEARCH, {"q": "Medelpad"})
    assert "Polisen (Lokalpolisområde Medelpad)" in [hit[0] for hit in hits(response, "parter")]


def test_administrators_find_in_every_agreement(client, personas, demo):
    client.force_login(personas.admin)
    where = [hit[2] for hit in hits(client.get(SEARCH, {"q": "Lokalpolisområde"}), "parter")]
    assert len(where) == 5  # the first five of many


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(SEARCH, {"q": "Eskilstuna"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Skriv vad du söker efter."),
        ("   ", "Skriv vad du söker efter."),
        ("- -- ---", "Skriv minst ett ord eller en siffra att söka efter."),
        ("-polisen", "Skriv minst ett ord eller en siffra att söka efter."),
        ("?!&|:*()<>'\\", "Skriv minst ett ord eller en siffra att söka efter."),
        ("polis\x00", "Null-tecken är inte tillåtna."),
        ("x" * 201, "Säkerställ att detta värde har som mest 200 tecken (den har 201)."),
    ],
)
def test_an_empty_long_or_malformed_search_gets_a_swedish_message(client, personas, text, message):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    assert f'<p class="field-error" id="id_q_error">{message}</p>' in response.text
    assert 'id="traffar"' not in response.text


@pytest.mark.parametrize(
    "text",
    ['"lokal polis', "polis or", "or", "polis & !", "a:* | b", "'; drop table x; --", "½ x²"],
)
def test_query_syntax_is_searched_for_never_an_error(client, personas, text):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200


def test_the_search_page_without_a_search_shows_the_form_only(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert 'name="q"' in response.text
    assert "field-error" not in response.text
    assert 'id="traffar"' not in response.text


def test_a_search_nothing_matches_says_so(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "xyzzyqwerty"})
    assert "0 träffar för ”xyzzyqwerty”" in response.text
    assert "Inget som du får se matchar." in response.text


def test_stored_text_is_escaped_in_hits_and_snippets(client, personas, strangnas):
    hostile = f'Zebra <script>alert("x")</script> {STOP}{START}<img src=x onerror=alert(1)>'
    Section.objects.create(agreement=strangnas, position=98, heading=hostile, body=hostile)
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "zebra"})
    [(title, _href, _where, snippet)] = hits(response, "avsnitt")
    assert "<script>" not in response.text
    assert "<img src=x" not in response.text
    assert title.startswith("Zebra &lt;script&gt;alert(")
    assert snippet.count("<mark>") == snippet.count("</mark>") >= 1
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_marks_stay_whole_whatever_the_text_holds():
    assert marked_html(f"a{START}b{STOP}c") == "a<mark>b</mark>c"
    assert marked_html(f"{STOP}a{START}{START}b") == "a<mark>b</mark>"
    assert marked_html(f"<b>{START}&{STOP}") == "&lt;b&gt;<mark>&amp;</mark>"


def test_one_query_per_kind_however_many_hits(client, personas, strangnas):
    client.force_login(personas.coordinator)
    base = count_queries(client, SEARCH)
    plan = strangnas.action_plans.get()
    assert count_queries(client, f"{SEARCH}?q=zebra") == base + len(KINDS)
    for position in range(100, 130):
        row = ActionItem.objects.create(plan=plan, position=position, activity=f"Zebra {position}")
        FollowUpEntry.objects.create(
            item=row, occurred_on=datetime.date(2022, 1, 1), what_was_done="Zebra", status="done"
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "zebra"})
    assert len(queries) == base + len(KINDS)
    assert len(hits(response, "rader")) == 5
    # One kind, page by page: one query.
    assert count_queries(client, f"{SEARCH}?q=zebra&typ=rader&sida=2") == base + 1


def test_more_hits_of_a_kind_are_shown_page_by_page(client, personas, strangnas):
    plan = strangnas.action_plans.get()
    for position in range(100, 125):
        ActionItem.objects.create(plan=plan, position=position, activity=f"Zebra {position}")
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "zebra"})
    assert len(hits(response, "rader")) == 5
    assert '<a href="?q=zebra&amp;typ=rader">Visa alla 25 träffar bland planrader</a>' in (
        response.text
    )
    first = client.get(SEARCH, {"q": "zebra", "typ": "rader"})
    assert len(hits(first, "rader")) == 20
    assert "25 träffar, sida 1 av 2" in first.text
    assert 'href="?q=zebra&amp;typ=rader&amp;sida=2">Nästa sida</a>' in first.text
    second = client.get(SEARCH, {"q": "zebra", "typ": "rader", "sida": "2"})
    assert len(hits(second, "rader")) == 5
    assert {hit[0] for hit in hits(first, "rader")}.isdisjoint(
        hit[0] for hit in hits(second, "rader")
    )
    # Other kinds are not searched on a page of one kind.
    assert 'id="traffar-avsnitt"' not in first.text


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "\x00", "51"])
def test_a_page_number_that_makes_no_sense_shows_the_first(client, personas, page):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "polisen", "typ": "avsnitt", "sida": page})
    assert response.status_code == 200
    assert "sida 1 av" in response.text


def test_an_unknown_kind_shows_every_kind(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(SEARCH, {"q": "Eskilstuna", "typ": "<script>"})
    assert hits(response, "parter")


def test_every_page_has_the_search_field_in_its_header_but_the_search_page(client, personas):
    client.force_login(personas.coordinator)
    overview = client.get(reverse("overview")).text
    field = '<form class="site-search" role="search" aria-label="Sök" method="get" action="/sok/">'
    assert field in overview
    assert 'class="site-search"' not in client.get(SEARCH).text


@postgresql_only
def test_swedish_stemming_finds_other_forms_of_a_word(client, personas, planted):
    client.force_login(personas.coordinator)
    # "zebrakorsningarna" and "zebrakorsningen" share their stem.
    response = client.get(SEARCH, {"q": "zebrakorsningarna"})
    assert [hit[0] for hit in hits(response, "rader")] == [planted[1].activity]
    assert len(hits(response, "uppfoljning")) == 1
    # "skola" finds "skolorna", which a search for the letters would not.
    response = client.get(SEARCH, {"q": "skola", "typ": "avsnitt"})
    assert "Övergångsställen" in [hit[0] for hit in hits(response, "avsnitt")]


@postgresql_only
def test_a_phrase_and_or_work_as_websearch(client, personas, planted):
    client.force_login(personas.coordinator)
    phrase = '"markera zebrakorsningen"'
    found = [hit[0] for hit in hits(client.get(SEARCH, {"q": phrase}), "rader")]
    assert found == [planted[1].activity]
    assert not hits(client.get(SEARCH, {"q": '"zebrakorsningen markera"'}), "rader")
    found = hits(client.get(SEARCH, {"q": "Åkervägen or Övergångsställen"}), "avsnitt")
    assert [hit[0] for hit in found] == ["Övergångsställen"]


@postgresql_only
def test_a_heading_ranks_above_a_body(client, personas, strangnas):
    Section.objects.create(
        agreement=strangnas, position=97, heading="Annat", body="Om gatubelysningen i parken."
    )
    Section.objects.create(agreement=strangnas, position=98, heading="Gatubelysning", body="Text.")
    client.force_login(personas.coordinator)
    titles = [hit[0] for hit in hits(client.get(SEARCH, {"q": "gatubelysning"}), "avsnitt")]
    assert titles == ["Gatubelysning", "Annat"]


def test_the_search_reads_the_agreements_a_user_sees_through_access(personas, strangnas):
    """The search asks agreements/access.py: a party added gives the outsider the hits."""
    outsider = personas.outsider
    assert search(outsider, "Eskilstuna").total == 0
    timra = outsider.memberships.first().organisation
    Party.objects.create(agreement=strangnas, organisation=timra, position=9)
    assert search(outsider, "Eskilstuna").total >= 1
