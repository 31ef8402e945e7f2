"""Historik by save: one entry for each save (a row saved with a party's cell is one
entry, not one for the row and one for each responsibility), the role of a responsibility
shown, pages of 50 saves, and filters by who, kind of change and days (audit/saves.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import row_data

from actionplans.models import Responsibility, ResponsibilityRole


@pytest.fixture
def strangnas(demo):
    agreement = demo["strangnas-2020"]
    return agreement, agreement.action_plans.get()


def history_url(agreement, query=""):
    return reverse("agreement_history", args=[agreement.pk]) + query


def saves_on(response) -> list[str]:
    """The text of each entry (a save) on the page."""
    listing = response.text.split('<ol class="entries history">')[1].split("</ol>")[0]
    return re.findall(r"<li>(.*?)</li>", listing, re.S)


def cell_edit(client, agreement, plan, text, **changes):
    """Save a row with its Strängnäs cell changed to `text`, through the row form."""
    item = plan.items.filter(responsibilities__isnull=False).order_by("position").first()
    party = agreement.parties.get(organisation__name="Strängnäs")
    url = reverse("row_edit", args=[agreement.pk, plan.pk, item.pk])
    response = client.post(url, row_data(item, **{f"party_{party.pk}": text}, **changes))
    assert response.status_code == 302
    return item


def test_one_save_of_a_cell_is_one_entry(coordinator, strangnas):
    agreement, plan = strangnas
    # The save writes the row (its version moves) and the responsibility.
    cell_edit(coordinator, agreement, plan, "Socialtjänsten samordnar och följer upp")
    newest, before = saves_on(coordinator.get(history_url(agreement)))[:2]
    assert newest.count("<time") == 1 and newest.count("<strong>") == 1
    assert "<ins>Socialtjänsten samordnar och följer upp</ins>" in newest
    assert "Sparad utan ändringar" not in newest  # the row's version alone says nothing
    assert "samordnar och följer upp" not in before

    # A save of the row's activity and a cell: one entry naming both.
    cell_edit(coordinator, agreement, plan, "Socialtjänsten leder", activity="SIG varje vecka")
    newest = saves_on(coordinator.get(history_url(agreement)))[0]
    assert newest.count("<time") == 1 and newest.count("<strong>Ändrad</strong>") == 2
    assert "<ins>SIG varje vecka</ins>" in newest and "<ins>Socialtjänsten leder</ins>" in newest
    # The next entry is the demo's, written without a request: one record, one entry.
    assert saves_on(coordinator.get(history_url(agreement)))[1].count("<strong>") == 1


def test_the_role_of_a_responsibility_is_shown(coordinator, strangnas):
    agreement, plan = strangnas
    item = plan.items.filter(responsibilities__isnull=False).order_by("position").first()
    responsibility = item.responsibilities.filter(organisation__name="Strängnäs").first()
    Responsibility.objects.filter(pk=responsibility.pk).update(
        role=ResponsibilityRole.COOPERATES, description=""
    )
    cell_edit(coordinator, agreement, plan, "Socialtjänsten samverkar")
    newest = saves_on(coordinator.get(history_url(agreement)))[0]
    assert re.search(r"<q>Strängnäs[^<]* \(samverkar\)</q>", newest), newest


def test_pages_of_fifty_saves_and_filters(coordinator, strangnas, personas):
    agreement, plan = strangnas
    for number in range(3):
        cell_edit(coordinator, agreement, plan, f"Socialtjänsten, version {number}")
    page = coordinator.get(history_url(agreement))
    assert len(saves_on(page)) == 50
    assert "Sida 1 av" in page.text and "Äldre" in page.text

    mine = f"?vem={personas.coordinator.pk}"
    response = coordinator.get(history_url(agreement, mine))
    assert len(saves_on(response)) == 3
    assert "3 sparningar" in response.text
    created = coordinator.get(history_url(agreement, "?typ=%2B")).text
    assert re.search(r'href="\?typ=%2B&(amp;)?sida=2"', created)  # the next page keeps it

    changed = coordinator.get(history_url(agreement, "?typ=~")).text
    assert "<strong>Skapad</strong>" not in changed and "<strong>Ändrad</strong>" in changed
    today = coordinator.get(history_url(agreement, mine + "&fran=2020-01-01&till=2020-12-31"))
    assert saves_on(today) == [] and "Inga ändringar matchar" in today.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?vem=999999", "Välj ett giltigt alternativ"),
        ("?vem=%00", "Välj ett giltigt alternativ"),
        ("?typ=x", "Välj ett giltigt alternativ"),
        ("?fran=igår", "Fyll i ett giltigt datum"),
        ("?fran=2026-13-45", "Fyll i ett giltigt datum"),
        ("?fran=2026-05-01&till=2026-01-01", "Sista dagen kommer före den första"),
        ("?sida=x", None),
        ("?sida=-1", None),
    ],
)
def test_malformed_filters_are_named_not_a_500(coordinator, strangnas, query, message):
    agreement, _plan = strangnas
    response = coordinator.get(history_url(agreement, query))
    assert response.status_code == 200
    if message:
        assert message in response.text
        assert len(saves_on(response)) == 50  # the bad value filters nothing
    else:  # Django's Paginator: the first page, or the last for a number past it
        assert saves_on(response)


def test_the_history_page_reads_as_many_queries_for_many_saves_as_for_few(
    coordinator, strangnas, personas
):
    agreement, plan = strangnas
    mine = history_url(agreement, f"?vem={personas.coordinator.pk}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = coordinator.get(mine)
        assert response.status_code == 200
        return len(captured), len(saves_on(response))

    cell_edit(coordinator, agreement, plan, "Socialtjänsten; Fritid")
    few, shown = queries()
    assert shown == 1
    for number in range(12):
        cell_edit(coordinator, agreement, plan, f"Socialtjänsten {number}; Fritid {number}")
    many, shown = queries()
    assert shown == 13
    assert many == few


def test_a_created_records_fields_are_folded_and_a_changes_are_not(coordinator, strangnas):
    """A record created lists every field: folded under "Visa fälten (N)", so a page of
    saves stays short on a phone; a change shows its fields at once."""
    agreement, plan = strangnas
    cell_edit(coordinator, agreement, plan, "Socialtjänsten leder", activity="SIG varje vecka")
    saves = saves_on(coordinator.get(history_url(agreement, "?typ=%2B")))
    assert saves and all('<details class="created-fields">' in save for save in saves)
    assert re.search(r"<summary>Visa fälten \(\d+\)</summary>", saves[0])
    changed = saves_on(coordinator.get(history_url(agreement, "?typ=~")))[0]
    assert "<details" not in changed and "<ins>SIG varje vecka</ins>" in changed
