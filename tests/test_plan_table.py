"""A plan and its rows are fetched through the agreement (404 when not the agreement's),
and the plan page's rows, built from values() rather than model instances, say what the
rows' model methods say."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import (
    ActionItem,
    ActionPlan,
    Responsibility,
    ResponsibilityRole,
    get_plan,
)
from organisations.models import Organisation


def test_a_plan_and_a_row_are_found_only_through_their_agreement(demo):
    strangnas, harnosand = demo["strangnas-2020"], demo["harnosand-2012"]
    plan = strangnas.action_plans.get()
    row = plan.items.first()
    assert ActionPlan.objects.get_for(strangnas, plan.pk) == plan
    assert ActionItem.objects.get_for(plan, row.pk) == row
    with pytest.raises(Http404):
        ActionPlan.objects.get_for(harnosand, plan.pk)
    with pytest.raises(Http404):
        ActionItem.objects.get_for(harnosand.action_plans.get(), row.pk)


def test_get_plan_finds_a_plan_only_through_an_agreement_the_user_sees(demo, personas):
    """One query asks both (agreements.access.get_of_agreement): the agreement must be one
    the user sees, and the plan must be that agreement's."""
    strangnas, harnosand = demo["strangnas-2020"], demo["harnosand-2012"]
    plan, elsewhere = strangnas.action_plans.get(), harnosand.action_plans.get()
    found = get_plan(personas.coordinator, strangnas.pk, plan.pk)
    assert found == plan and found.agreement == strangnas
    for user, agreement, asked in [
        (personas.coordinator, harnosand, elsewhere),  # not a party to Härnösand's
        (personas.coordinator, strangnas, elsewhere),  # not Strängnäs' plan
        (personas.outsider, strangnas, plan),
        (AnonymousUser(), strangnas, plan),
    ]:
        with pytest.raises(Http404):
            get_plan(user, agreement.pk, asked.pk)
    assert get_plan(personas.admin, harnosand.pk, elsewhere.pk) == elsewhere


@pytest.mark.parametrize("name", ["plan_xlsx", "plan_upload", "entry_create"])
def test_the_excel_and_follow_up_views_find_no_plan_of_another_agreement(
    client, personas, demo, name
):
    """Härnösand's plan under Strängnäs' address is not found, even by an administrator,
    who sees both agreements."""
    client.force_login(personas.admin)
    strangnas, harnosand = demo["strangnas-2020"], demo["harnosand-2012"]
    stranger = harnosand.action_plans.get()
    args = [strangnas.pk, stranger.pk]
    if name == "entry_create":
        args.append(stranger.items.first().pk)
    assert client.get(reverse(name, args=args)).status_code == 404


def test_the_page_shows_each_party_cell_as_the_row_reads_it(client, personas, demo):
    """Party cells come from values() on the page: the same words as
    ActionItem.party_text, also for a responsibility with no words of its own."""
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    row = plan.items.order_by("position").first()
    party = agreement.parties.order_by("position").first()
    Responsibility.objects.create(
        item=row,
        organisation_id=party.organisation_id,
        position=99,
        unit="Socialtjänsten",
        role=ResponsibilityRole.COORDINATES,
    )
    shown = {r["id"]: r for r in ActionItem.objects.filter(plan=plan).shown_in_table()}
    for item in ActionItem.objects.of_plan(plan):
        for each in agreement.parties.all():
            expected = item.party_text(each.organisation_id)
            assert shown[item.pk]["party_texts"].get(each.organisation_id, "") == expected
    words = ActionItem.objects.get_for(plan, row.pk).party_text(party.organisation_id)
    assert words.endswith("Socialtjänsten (samordnar)")
    client.force_login(personas.coordinator)
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    cells = re.search(rf'<tr id="rad-{row.pk}" class="plan-row">(.*?)</tr>', page, re.S).group(1)
    assert "Socialtjänsten (samordnar)" in cells
    assert cells.count("<button ") == 4  # Redigera, upp, ned, Ta bort


def test_the_names_of_organisations_come_from_the_parties_and_the_others_are_read(demo):
    """The plan page takes the organisations' names from the parties it has loaded instead
    of joining them into every responsibility; an organisation that is not a party (an
    imported row may name one) is still named, read in one query of its own."""
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    row = plan.items.order_by("position").first()
    stranger = Organisation.objects.exclude(parties__agreement=agreement).first()
    Responsibility.objects.create(item=row, organisation=stranger, position=98, unit="Enheten")
    parties = list(agreement.parties.select_related("organisation"))
    joined = ActionItem.objects.filter(plan=plan).shown_in_table()
    with CaptureQueriesContext(connection) as queries:
        named = ActionItem.objects.filter(plan=plan).shown_in_table(parties=parties)
    assert len(queries) == 3  # the rows, their responsibilities, the one other name
    assert named == joined
    (mine,) = [r for r in named if r["id"] == row.pk]
    assert (stranger.name, "Enheten", "", "") in mine["responsibilities"]
