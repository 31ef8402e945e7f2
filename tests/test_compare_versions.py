"""Jämför versioner that a chief can trust (issue 17, point 7): each changed cell of a plan's
row under its column's name, the parties' cells in the same order on both sides, and only
what changed marked. Real versions: the Strängnäs draft is frozen, signed, revised and
edited through the row form before it is compared."""

import pytest
from django.urls import reverse
from helpers import make_ready, row_data, strangnas_draft

from signing import lifecycle
from signing.views import _signers


@pytest.fixture
def revised(demo, personas):
    """Strängnäs' agreement signed as version 1 and revised: version 2 is a draft."""
    agreement = strangnas_draft(demo)
    version = make_ready(agreement, personas.coordinator)
    version.refresh_from_db()
    signatures = [
        {**signer, "name": signer.get("name") or f"Person {number}", "signed_on": "2026-01-15"}
        for number, signer in enumerate(_signers(version))
    ]
    lifecycle.register_signature(
        version, signatures=signatures, scan=b"%PDF-1.4 scan", scan_name="s.pdf", user=None
    )
    return lifecycle.revise(agreement, None)


def row_with_both_parties(agreement):
    """A row where the municipality's cell comes before the police's."""
    plan = agreement.action_plans.get()
    municipality = agreement.parties.get(label="Kommun")
    police = agreement.parties.exclude(pk=municipality.pk).get(
        organisation__kind__startswith="police"
    )
    for item in plan.items.order_by("position"):
        whose = [r.organisation_id for r in item.responsibilities.order_by("position")]
        if whose[:1] == [municipality.organisation_id] and police.organisation_id in whose:
            return item, municipality, police
    raise AssertionError("No row with the municipality's cell before the police's")


def edit(client, item, **changes):
    url = reverse("row_edit", args=[item.plan.agreement_id, item.plan_id, item.pk])
    response = client.post(url, row_data(item, **changes))
    assert response.status_code == 302, response.context and response.context["form"].errors


def compared(client, agreement):
    response = client.get(reverse("compare_versions", args=[agreement.pk]))
    assert response.status_code == 200
    parts = {part.title: part for part in response.context["parts"]}
    return response.text, parts["Handlingsplanernas rader"]


def test_a_rewritten_party_cell_is_the_only_change_and_named_by_its_party(
    client, personas, revised
):
    """Rewriting the municipality's cell recreates its responsibility last on the row: the
    police's unchanged words must not be marked as changed (they were: "Polisen")."""
    item, municipality, police = row_with_both_parties(revised)
    police_text = item.party_text(police.organisation_id)
    client.force_login(personas.coordinator)
    edit(client, item, **{f"party_{municipality.pk}": ""})
    item.refresh_from_db()
    edit(client, item, **{f"party_{municipality.pk}": "Helt nya ord från kommunen"})
    whose = [r.organisation_id for r in item.responsibilities.order_by("position")]
    assert whose.index(police.organisation_id) < whose.index(municipality.organisation_id)
    page, rows = compared(client, revised)
    [change] = rows.changes
    assert change.kind == "changed"
    assert [cell.column for cell in change.cells] == [municipality.display_label]
    assert "Helt nya ord från kommunen" in change.cells[0].new
    assert police_text not in str(change.cells[0].old) + str(change.cells[0].new)
    for word in police_text.split():
        assert f"<ins>{word}" not in page and f"<del>{word}" not in page
    assert 'class="cell-name">Kommun</span>' in page


def test_each_changed_cell_is_named_by_its_column(client, personas, revised):
    item, _municipality, _police = row_with_both_parties(revised)
    client.force_login(personas.coordinator)
    edit(client, item, activity=item.activity + " Varje vecka.", when_text="Hösten 2027")
    _page, rows = compared(client, revised)
    [change] = rows.changes
    assert [cell.column for cell in change.cells] == ["Vad", "När"]
    assert (change.cells[1].old, change.cells[1].new) == (item.when_text, "Hösten 2027")
    assert "vecka.</ins>" in change.cells[0].new
    assert item.plan.title in change.row


def test_parties_cells_are_in_the_same_order_on_both_sides(revised):
    """A row whose two parties both changed: both sides list the cells alike."""
    item, municipality, police = row_with_both_parties(revised)
    old = lifecycle.printed_snapshot(revised)
    item.set_party_text(municipality.organisation_id, "Kommunens nya ord")
    item.set_party_text(police.organisation_id, "Polisens nya ord")
    from signing.compare import compare

    rows = compare(old, lifecycle.printed_snapshot(revised))[-1]
    [change] = rows.changes
    columns = [cell.column for cell in change.cells]
    assert columns == [municipality.display_label, police.display_label]
    assert all(cell.old and cell.new for cell in change.cells)


def test_an_added_row_shows_its_cells_by_column(client, personas, revised):
    from actionplans.models import ActionItem

    plan = revised.action_plans.get()
    ActionItem.objects.create(
        plan=plan, position=999, activity="Helt ny aktivitet", when_text="Maj"
    )
    client.force_login(personas.reader)
    page, rows = compared(client, revised)
    [change] = rows.changes
    assert change.kind == "added"
    assert [(cell.column, str(cell.new)) for cell in change.cells] == [
        ("Vad", "Helt ny aktivitet"),
        ("När", "Maj"),
    ]
    assert "(tillagt)" in page
