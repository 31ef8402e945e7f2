"""An invitation's account form (docs/sign-in.md, "Invitations") sent twice at once, and a
user name taken by someone else between the form's check and its save."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from helpers import at_once
from test_invitations import STRONG, invited

from organisations import invitations
from organisations.forms import InvitedAccountForm
from organisations.models import Membership, MembershipRole, Organisation


@pytest.fixture
def strangnas(db):
    return Organisation.objects.get(kommunkod="0486")


NINA = {
    "first_name": "Nina",
    "last_name": "Ny",
    "username": "nina.ny",
    "password1": STRONG,
    "password2": STRONG,
}


def test_the_account_form_sent_three_times_at_once_makes_one_user(
    demo_loaded_again, transactional_db, client, personas, strangnas
):
    """A double (or triple) click on the form that makes the invited person's account: the
    sends take turns on the invitation, one makes the user, the others find the link used
    (before, one of them failed with a 500 on the user name taken meanwhile)."""
    client.force_login(personas.org_admin)
    link = invited(client, strangnas, "nina.ny@example.org", MembershipRole.READER)
    answers = at_once(*(lambda: Client().post(link, NINA) for _ in range(3)))
    assert sorted(answer.status_code for answer in answers) == [302, 410, 410]
    assert User.objects.filter(email="nina.ny@example.org").count() == 1
    assert Membership.objects.filter(user__username="nina.ny").count() == 1


def test_a_user_name_taken_meanwhile_is_named_by_the_field(
    client, personas, strangnas, monkeypatch
):
    """Someone else takes the chosen user name between the form's check and the save."""
    client.force_login(personas.org_admin)
    link = invited(client, strangnas, "nina.ny@example.org", MembershipRole.READER)
    save = InvitedAccountForm.save

    def taken_meanwhile(form):
        User.objects.create_user("nina.ny", "annan@example.org")
        return save(form)

    monkeypatch.setattr(InvitedAccountForm, "save", taken_meanwhile)
    page = client.post(link, NINA)
    assert page.status_code == 200 and "finns redan" in page.text
    assert not User.objects.filter(email="nina.ny@example.org").exists()
    assert not Membership.objects.filter(user__username="nina.ny").exists()
    assert invitations.find(invitations.hash_of(link.rstrip("/").rsplit("/", 1)[1]))  # still open
