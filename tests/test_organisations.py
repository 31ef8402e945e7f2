"""Organisations and people: the reference data, and organisation administrators who manage
their own organisation's users and nothing else."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisations.models import (
    Invitation,
    LastSignIn,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)

ADMIN = "orgadmin.strangnas"
STRONG = "Trygg-i-Strängnäs-2027!"


@pytest.fixture
def strangnas(db):
    return Organisation.objects.get(kommunkod="0486")


@pytest.fixture
def timra(db):
    return Organisation.objects.get(kommunkod="2262")


def new_user(**changes):
    data = {
        "first_name": "Anna",
        "last_name": "Svensson",
        "email": "anna.svensson@strangnas.se",
        "username": "anna.svensson",
        "role": MembershipRole.COORDINATOR,
        "works_with": "",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(changes)
    return data


def test_all_municipalities_and_police_regions_are_there(db):
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    assert municipalities.count() == 290
    assert not municipalities.filter(county="").exists()
    assert Organisation.objects.filter(kind=OrganisationKind.POLICE_REGION).count() == 7


def test_an_organisation_administrator_adds_a_user_who_can_then_log_in(client, personas, strangnas):
    client.force_login(personas.org_admin)
    overview = client.get(reverse("overview")).text
    assert reverse("members", args=[strangnas.pk]) in overview
    listing = client.get(reverse("members", args=[strangnas.pk])).text
    assert "samordnare.strangnas" in listing and "lasare.strangnas" in listing
    response = client.post(reverse("member_create", args=[strangnas.pk]), new_user())
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="anna.svensson")
    assert membership.organisation == strangnas and membership.role == "coordinator"
    client.logout()
    logged_in = client.post(reverse("login"), {"username": "anna.svensson", "password": STRONG})
    assert logged_in.status_code == 302


def test_the_members_page_writes_dates_as_the_rest_of_the_app(client, user, personas, strangnas):
    """Year-month-day and the time, as everywhere else: Django's "M" capitalises the
    month's abbreviation ("2 Dec 2026", "2 Okt 2026"), which reads as English."""
    moment = timezone.make_aware(datetime.datetime(2026, 10, 2, 16, 5))
    LastSignIn.objects.create(user=user("lasare.strangnas"), at=moment, method="password")
    Invitation.objects.create(
        organisation=strangnas,
        email="nina.ny@strangnas.se",
        role=MembershipRole.COORDINATOR,
        created_at=moment,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        token_hash="a" * 64,
    )
    client.force_login(personas.org_admin)
    page = client.get(reverse("members", args=[strangnas.pk])).text
    assert page.count("2026-10-02</span> 16:05") == 2  # signed in, invited
    expires = timezone.localdate() + datetime.timedelta(days=7)
    assert f"gäller till {expires:%Y-%m-%d}" in page
    assert "Okt" not in page and "okt" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "password2", "för vanligt"),
        ({"password2": "annat-lösenord-2027"}, "password2", "stämmer inte överens"),
        (
            {"password1": "anna.svensson1", "password2": "anna.svensson1"},
            "password2",
            "för likt",
        ),
        ({"username": "samordnare.strangnas"}, "username", "finns redan"),
        ({"username": "anna svensson"}, "username", "Använd bara bokstäver"),
        ({"email": "inte-en-adress"}, "email", "giltig e-postadress"),
        ({"first_name": "x" * 151}, "first_name", "som mest 150 tecken"),
        ({"role": "reader", "works_with": "1"}, "works_with", "Bara en kommunpolis"),
    ],
)
def test_a_bad_new_user_is_refused_next_to_the_field_and_nothing_is_written(
    client, personas, strangnas, changes, field, message
):
    client.force_login(personas.org_admin)
    if changes.get("works_with"):
        changes["works_with"] = str(strangnas.pk)
    users_before = get_user_model().objects.count()
    page = client.post(reverse("member_create", args=[strangnas.pk]), new_user(**changes)).text
    error = page[page.index(f'id="id_{field}_error"') :][:300]
    assert message in error
    assert get_user_model().objects.count() == users_before


def test_an_organisation_administrator_changes_roles_and_removes_members(
    client, user, personas, strangnas
):
    client.force_login(personas.org_admin)
    reader = Membership.objects.get(user__username="lasare.strangnas", organisation=strangnas)
    edit = reverse("member_edit", args=[strangnas.pk, reader.pk])
    client.post(edit, {"role": "coordinator", "works_with": "", "version": reader.version})
    reader.refresh_from_db()
    assert reader.role == "coordinator"
    remove = reverse("member_remove", args=[strangnas.pk, reader.pk])
    assert "Ta bort en användare" in client.get(remove).text
    client.post(remove)
    assert not Membership.objects.filter(pk=reader.pk).exists()
    assert get_user_model().objects.filter(username="lasare.strangnas").exists()  # the user stays
    # Nobody locks themself out: their own membership is asked of another administrator.
    own = Membership.objects.get(user__username=ADMIN)
    assert client.post(reverse("member_remove", args=[strangnas.pk, own.pk])).status_code == 403


@pytest.mark.parametrize("again", ["post", "get"])
def test_a_member_removed_already_is_said_to_be_gone_not_a_404(client, personas, strangnas, again):
    """A second Ta bort (a double click, a confirmation page left open) finds the member
    gone: back to the members, saying so, as a second removal of an attachment does."""
    client.force_login(personas.org_admin)
    reader = Membership.objects.get(user__username="lasare.strangnas", organisation=strangnas)
    remove = reverse("member_remove", args=[strangnas.pk, reader.pk])
    members = reverse("members", args=[strangnas.pk])
    assert client.post(remove).url == members
    response = getattr(client, again)(remove)
    assert (response.status_code, response.url) == (302, members)
    name = reader.user.get_full_name()
    assert f"{name} var redan borttagen från {strangnas.name}." in client.get(members).text
    # The user deleted since: still a notice, without the name.
    reader.user.delete()
    response = client.post(remove, follow=True)
    assert f"Användaren var redan borttagen från {strangnas.name}." in response.text


def test_a_membership_never_had_or_removed_elsewhere_is_not_found(
    client, personas, strangnas, timra
):
    client.force_login(personas.org_admin)
    timra_member = Membership.objects.filter(organisation=timra).first()
    removed = timra_member.pk
    timra_member.delete()
    for pk in (removed, 10**9):
        assert client.post(reverse("member_remove", args=[strangnas.pk, pk])).status_code == 404


def test_an_organisation_administrator_sees_and_changes_nothing_of_another_organisation(
    client, personas, strangnas, timra
):
    client.force_login(personas.org_admin)
    timra_member = Membership.objects.filter(organisation=timra).first()
    role = timra_member.role
    assert client.get(reverse("members", args=[timra.pk])).status_code == 404
    for url in (
        reverse("member_create", args=[timra.pk]),
        reverse("member_edit", args=[timra.pk, timra_member.pk]),
        reverse("member_remove", args=[timra.pk, timra_member.pk]),
        # Another organisation's membership through one's own organisation's address.
        reverse("member_edit", args=[strangnas.pk, timra_member.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, new_user(role="organisation_admin")).status_code == 404
    timra_member.refresh_from_db()
    assert timra_member.role == role
    assert not get_user_model().objects.filter(username="anna.svensson").exists()


@pytest.mark.parametrize("username", ["samordnare.strangnas", "lasare.strangnas"])
def test_other_roles_may_not_manage_users(client, user, strangnas, username):
    client.force_login(user(username))
    assert client.get(reverse("members", args=[strangnas.pk])).status_code == 404
    assert client.get(reverse("my_organisations")).status_code == 403
    assert reverse("members", args=[strangnas.pk]) not in client.get(reverse("overview")).text


def test_every_organisation_page_asks_anonymous_visitors_to_log_in(client, strangnas):
    membership = strangnas.memberships.first()
    for url in (
        reverse("my_organisations"),
        reverse("members", args=[strangnas.pk]),
        reverse("member_create", args=[strangnas.pk]),
        reverse("member_edit", args=[strangnas.pk, membership.pk]),
        reverse("member_remove", args=[strangnas.pk, membership.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_administrator_completes_a_local_police_area_with_its_municipalities(client, personas):
    """Most municipalities' local police area is not known from the sources; administrators
    set it in the admin, and a big city may be covered by several areas."""
    area = Organisation.objects.filter(
        kind=OrganisationKind.POLICE_AREA, memberships__isnull=True
    ).first()
    stockholm = Organisation.objects.get(kommunkod="0180")
    solna = Organisation.objects.get(kommunkod="0184")
    client.force_login(personas.admin)
    url = reverse("admin:organisations_organisation_change", args=[area.pk])
    response = client.post(
        url,
        {
            "name": area.name,
            "kind": area.kind,
            "kommunkod": "",
            "county_code": area.county_code,
            "county": area.county,
            "parent": area.parent_id or "",
            "municipalities": [stockholm.pk, solna.pk],
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert set(area.municipalities.all()) == {stockholm, solna}
    assert area in stockholm.police_units.all()


def test_only_the_police_has_municipal_police_officers(client, personas, strangnas):
    """A municipality's administrator could make a member a kommunpolis working with no
    municipality, which reads as the whole police unit: that member then edited every
    municipality's plans in the municipality's agreements. The role is not offered outside
    the police, and is refused when sent anyway, in every form that gives a role."""
    client.force_login(personas.org_admin)
    police = MembershipRole.POLICE_OFFICER
    page = client.get(reverse("member_create", args=[strangnas.pk])).text
    assert f'value="{police}"' not in page
    assert f'value="{police}"' not in client.get(reverse("members", args=[strangnas.pk])).text

    refused = client.post(reverse("member_create", args=[strangnas.pk]), new_user(role=police))
    assert "Välj ett giltigt alternativ" in refused.text[refused.text.index('id="id_role_error"') :]
    assert not get_user_model().objects.filter(username="anna.svensson").exists()

    reader = Membership.objects.get(user__username="lasare.strangnas", organisation=strangnas)
    edit = reverse("member_edit", args=[strangnas.pk, reader.pk])
    client.post(edit, {"role": police, "works_with": "", "version": reader.version})
    reader.refresh_from_db()
    assert reader.role == MembershipRole.READER

    invited = client.post(
        reverse("invitation_create", args=[strangnas.pk]),
        {"email": "polis@strangnas.test", "role": police},
    )
    assert invited.status_code == 400 and not strangnas.invitations.exists()

    # The admin's forms check the model.
    with pytest.raises(ValidationError, match="polisorganisation"):
        Membership(user=reader.user, organisation=strangnas, role=police).clean()
    area = Organisation.objects.filter(kind=OrganisationKind.POLICE_AREA).first()
    Membership(user=reader.user, organisation=area, role=police).clean()


def test_kommunpolis_memberships_outside_the_police_become_coordinators(db, strangnas):
    """Migration organisations/0010 mends what the forms let through before."""
    migration = importlib.import_module(
        "organisations.migrations.0010_police_officers_only_in_the_police"
    )
    anna = get_user_model().objects.create(username="anna.svensson")
    made = Membership.objects.create(
        user=anna, organisation=strangnas, role=MembershipRole.POLICE_OFFICER
    )
    police = Organisation.objects.filter(kind=OrganisationKind.POLICE_AREA).first()
    officer = Membership.objects.create(
        user=anna, organisation=police, role=MembershipRole.POLICE_OFFICER, works_with=strangnas
    )
    migration.police_officers_only_in_the_police(apps, None)
    made.refresh_from_db()
    officer.refresh_from_db()
    assert (made.role, made.works_with) == (MembershipRole.COORDINATOR, None)
    assert (officer.role, officer.works_with) == (MembershipRole.POLICE_OFFICER, strangnas)
