"""Ansvarig person on a plan's row offers only those who may log follow-up on the plan: its
coordinators and kommunpoliser by the rule of agreements/access.py, not the readers nor the
organisation administrators of the row's organisations. A person named before stays
selectable, so an old row still saves."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from helpers import row_data

from actionplans.models import ActionItem, ActionPlan
from agreements.access import editing_rights_in, plan_editor_ids
from agreements.models import Agreement
from organisations.models import Membership, MembershipRole, Organisation

REFUSED = "Välj en samordnare eller kommunpolis i någon av radens ansvariga organisationer"


@pytest.fixture
def row(db):
    """The first row of Strängnäs' plan in force, naming Strängnäs and the police, with
    no one named."""
    row = ActionItem.objects.filter(plan__agreement__reference__startswith="aktuell-strangnas")
    row = row.select_related("plan__agreement").order_by("plan__position", "position").first()
    ActionItem.objects.filter(pk=row.pk).update(responsible_person=None)
    row.refresh_from_db()
    return row


def edit_url(row):
    return reverse("row_edit", args=[row.plan.agreement_id, row.plan_id, row.pk])


def offered(client, row) -> str:
    return client.get(edit_url(row)).text


def test_the_plans_editors_are_the_people_editing_rights_lets_change_it(db):
    """plan_editor_ids is the rule of editing_rights as a query, for every demo plan and
    every demo user who is no administrator."""
    plans = list(ActionPlan.objects.select_related("agreement"))
    agreement_ids = list(Agreement.objects.values_list("pk", flat=True))
    editors = {
        plan.pk: set(plan_editor_ids(plan).values_list("user_id", flat=True)) for plan in plans
    }
    for user in get_user_model().objects.filter(is_superuser=False):
        rights = editing_rights_in(user, agreement_ids)
        for plan in plans:
            may = rights[plan.agreement_id].may_change_plan(plan)
            assert (user.pk in editors[plan.pk]) == may, (user.username, plan.pk)


def test_readers_and_organisation_administrators_are_not_offered(client, personas, row):
    client.force_login(personas.coordinator)
    form = offered(client, row)
    for person in (personas.coordinator, personas.kommunpolis):
        assert f'<option value="{person.pk}"' in form
    for person in (personas.reader, personas.org_admin):
        assert f'<option value="{person.pk}"' not in form
        response = client.post(edit_url(row), row_data(row, responsible_person=person.pk))
        assert REFUSED in response.text
        row.refresh_from_db()
        assert row.responsible_person_id is None


def test_a_kommunpolis_of_another_municipality_is_not_offered_on_its_plan(client, personas):
    """Sigtuna's plan in Sollentuna's agreement: the police area's kommunpolis working with
    Sollentuna is a member of the row's police but logs on Sollentuna's plan, not Sigtuna's;
    one for the whole unit logs on both."""
    row = (
        ActionItem.objects.filter(
            plan__agreement__reference__startswith="aktuell-sollentuna",
            plan__municipality__name="Sigtuna",
        )
        .order_by("position")
        .first()
    )
    police = Organisation.objects.get(name="Lokalpolisområde Sollentuna")
    sollentuna = Organisation.objects.get(name="Sollentuna", kind="municipality")
    users = get_user_model().objects
    elsewhere = users.create_user("kommunpolis.annan", first_name="Annan")
    everywhere = users.create_user("kommunpolis.hela", first_name="Hela")
    Membership.objects.create(
        user=elsewhere,
        organisation=police,
        role=MembershipRole.POLICE_OFFICER,
        works_with=sollentuna,
    )
    Membership.objects.create(
        user=everywhere, organisation=police, role=MembershipRole.POLICE_OFFICER
    )
    assert list(row.eligible_people().filter(pk__in=[elsewhere.pk, everywhere.pk])) == [everywhere]


def test_the_person_named_before_stays_selectable(client, personas, row):
    """A row that named the reader (before this rule) still saves, the reader kept; once
    changed to someone else, the reader is no longer offered."""
    reader = personas.reader
    ActionItem.objects.filter(pk=row.pk).update(responsible_person=reader)
    row.refresh_from_db()
    client.force_login(personas.coordinator)
    assert f'<option value="{reader.pk}" selected' in offered(client, row)
    response = client.post(
        edit_url(row), row_data(row, activity="Ändrad", responsible_person=reader.pk)
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.activity, row.responsible_person) == ("Ändrad", reader)
    coordinator = personas.coordinator
    response = client.post(edit_url(row), row_data(row, responsible_person=coordinator.pk))
    assert response.status_code == 302
    row.refresh_from_db()
    assert f'<option value="{reader.pk}"' not in offered(client, row)
