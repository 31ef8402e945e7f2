"""Issue 16's done-when, as a coordinator goes through it in the product: the Strängnäs
agreement taken to the next period and back to signature, the product telling them step by
step what is done and what is missing. Every change here is made through the pages a
coordinator uses (Nästa period, the draft editor's parts, Problem som raden möter, Klar för
underskrift), not by writing to the models."""

import re

import pytest
from django.urls import reverse

from actionplans.models import ActionItem
from agreements.models import Agreement, CycleStep, Party, PartyRole, ProblemArea, StepItem
from signing import readiness


def missing_codes(agreement) -> set[str]:
    return {
        f.code.split(":")[0] for f in readiness.check_before_signing(agreement) if f.is_required
    }


def add_part(client, draft, kind, data, parent=None):
    url = reverse("part_create", args=[draft.pk, kind]) + (f"?i={parent}" if parent else "")
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:2000]


@pytest.mark.django_db
def test_strangnas_to_the_next_period_and_back_to_signature(coordinator, demo):
    strangnas = demo["strangnas-2020"]
    response = coordinator.post(reverse("next_period", args=[strangnas.pk]))
    draft = Agreement.objects.get(follows=strangnas)
    assert response.url == reverse("draft_editor", args=[draft.pk])

    # The steps start again: step 1, with what still holds carried from the period before.
    page = coordinator.get(draft.get_absolute_url()).text
    assert "De fem stegen" in page and "1. Initiera" in page
    assert draft.cycle_step == CycleStep.INITIATE
    assert draft.step_ticks.filter(item=StepItem.ROLES, carried_from=strangnas).exists()

    # Klar för underskrift refuses and says what is missing, with links to fix it.
    ready = reverse("make_ready", args=[draft.pk])
    page = coordinator.get(ready).text
    assert "saker saknas" in page
    before = missing_codes(draft)
    assert {"problems", "signatory"} <= before
    assert coordinator.post(ready, {}).status_code == 400
    assert not draft.versions.exists()  # nothing frozen

    # The coordinator writes what is missing, in the draft editor.
    coordinator.post(
        reverse("draft_picture", args=[draft.pk]),
        {"title": "Problembild 2024", "summary": "Gemensam lägesbild.", "version": 0},
    )
    add_part(coordinator, draft, "omrade", {"title": "Otrygghet", "version": 0})
    area = ProblemArea.objects.get(problem_picture__agreement=draft, title="Otrygghet")
    add_part(
        coordinator,
        draft,
        "problem",
        {"text": "Otrygghet i centrum kvällstid", "probable_causes": "Mörka stråk", "version": 0},
        parent=area.pk,
    )
    add_part(
        coordinator,
        draft,
        "avsnitt",
        {"heading": "Dokumentation", "body": "Arbetet dokumenteras i Samverkan.", "version": 0},
    )
    for party in Party.objects.filter(agreement=draft).exclude(role=PartyRole.PARTICIPANT):
        add_part(
            coordinator,
            draft,
            "underskrift",
            {
                "name": f"Chef {party.pk}",
                "title": "Chef",
                "party": party.pk,
                "place": "Strängnäs",
                "version": 0,
            },
        )
    for row in ActionItem.objects.filter(plan__agreement=draft).order_by("position")[:1]:
        problems = list(area.items.values_list("pk", flat=True))
        url = reverse("row_problems", args=[draft.pk, row.plan_id, row.pk])
        assert (
            coordinator.post(url, {"version": row.version, "problems": problems}).status_code == 302
        )
    for plan in draft.action_plans.filter(items__isnull=True):
        pytest.fail(f"the carried plan {plan} has no rows")

    # Now nothing required is missing; the warnings are confirmed and the version frozen.
    assert missing_codes(draft) == set(), missing_codes(draft)
    page = coordinator.get(ready).text
    listed = re.search(r'name="listed" value="([^"]*)"', page)
    data = {"seen": "on", "listed": listed.group(1)} if listed else {}
    response = coordinator.post(ready, data)
    assert response.status_code == 302, response.text[:2000]
    draft.refresh_from_db()
    assert draft.versions.filter(number=1).exists()
