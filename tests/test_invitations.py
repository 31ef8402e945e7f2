"""Invitations (docs/sign-in.md, "Invitations"): the organisation administrator invites an
address with a role on the members page; the e-mailed link is accepted by signing in through
the organisation's own provider (a real OpenID Connect server, tests/oidc/server.mjs), or by
choosing a password where the organisation has none. A link expired, withdrawn or used, or a
sign-in with another address, is answered in Swedish and makes nothing."""

import datetime
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from oidc_provider import (
    CALLBACK,
    free_port,
    register_provider,
    running_provider,
    sign_in_at_provider,
)

from organisations import invitations
from organisations.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
)

ACCOUNTS = {
    "nina": {"email": "Nina.Ny@strangnas.test", "email_verified": True, "name": "Nina Ny"},
    "annan": {"email": "annan@strangnas.test", "email_verified": True, "name": "Ann Annan"},
    "overifierad": {"email": "ulf@strangnas.test", "email_verified": False, "name": "Ulf Ny"},
}
STRONG = "Trygg-i-Strängnäs-2027!"


@pytest.fixture(scope="module")
def issuer():
    with running_provider(redirect_uris=[CALLBACK], accounts=ACCOUNTS) as address:
        yield address


@pytest.fixture
def strangnas(db):
    return Organisation.objects.get(kommunkod="0486")


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.org_admin)
    return client


def invite(client, organisation, email, role=MembershipRole.COORDINATOR, **kwargs):
    return client.post(
        reverse("invitation_create", args=[organisation.pk]),
        {"email": email, "role": role},
        **kwargs,
    )


def link_in(message) -> str:
    """The path of the invitation link in an e-mail."""
    return urlsplit(re.search(r"https?://\S+/konto/inbjudan/\S+/", message.body).group()).path


def invited(admin_client, organisation, email, role=MembershipRole.COORDINATOR) -> str:
    mail.outbox.clear()
    assert invite(admin_client, organisation, email, role).status_code == 302
    (message,) = mail.outbox
    assert message.to == [email.lower()]
    admin_client.logout()
    return link_in(message)


def accept_through_provider(client, link, login):
    """Open the link, press the button, sign in at the provider; our callback's answer."""
    assert "Logga in genom Strängnäs" in client.get(link).text
    forward = client.post(link)
    assert forward.status_code == 200, forward.content
    return client.get(sign_in_at_provider(forward.context["provider_url"], login))


def test_an_invited_person_signs_in_through_the_provider_and_gets_the_role(
    admin_client, strangnas, issuer, personas
):
    register_provider(issuer)
    link = invited(admin_client, strangnas, "nina.ny@strangnas.test")
    invitation = Invitation.objects.get(email="nina.ny@strangnas.test")
    # Only the token's hash is kept: the link's token is not in the database.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == invitations.hash_of(token) != token
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)

    response = accept_through_provider(admin_client, link, "nina")

    assert response.status_code == 302 and response.url == "/"
    user = User.objects.get(email="nina.ny@strangnas.test")
    assert admin_client.session[SESSION_KEY] == str(user.pk)
    assert not user.has_usable_password()
    assert user.socialaccount_set.get().provider == "strangnas"
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (strangnas, MembershipRole.COORDINATOR)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at
    assert invitation.invited_by == personas.org_admin
    # Accepted is audited as the invitation's change.
    assert list(
        invitation.history.order_by("history_id").values_list("history_type", flat=True)
    ) == ["+", "~", "~"]

    # The same link again: used.
    admin_client.logout()
    again = admin_client.get(link)
    assert again.status_code == 410 and "redan använts" in again.text


def test_signing_in_with_another_address_than_the_invited_one_makes_nothing(
    admin_client, strangnas, issuer
):
    register_provider(issuer)
    link = invited(admin_client, strangnas, "nina.ny@strangnas.test")
    users_before = User.objects.count()

    response = accept_through_provider(admin_client, link, "annan")

    assert response.status_code == 403
    assert "en annan e-postadress än den inbjudna" in response.text
    assert SESSION_KEY not in admin_client.session
    assert User.objects.count() == users_before
    assert Invitation.objects.get().accepted_at is None


def test_an_invited_address_the_provider_has_not_verified_makes_nothing(
    admin_client, strangnas, issuer
):
    """The invitation names the address, but the provider must still vouch for it."""
    register_provider(issuer)
    link = invited(admin_client, strangnas, "ulf@strangnas.test")
    users_before = User.objects.count()

    response = accept_through_provider(admin_client, link, "overifierad")

    assert response.status_code == 403
    assert SESSION_KEY not in admin_client.session
    assert User.objects.count() == users_before
    assert Invitation.objects.get().accepted_at is None


def test_an_invited_user_of_another_organisation_is_connected_and_joins(
    admin_client, strangnas, issuer
):
    register_provider(issuer)
    elsewhere = User.objects.get(username="samordnare.timra")
    elsewhere.email = "annan@strangnas.test"
    elsewhere.save()
    link = invited(admin_client, strangnas, "annan@strangnas.test", MembershipRole.READER)

    response = accept_through_provider(admin_client, link, "annan")

    assert response.status_code == 302
    assert admin_client.session[SESSION_KEY] == str(elsewhere.pk)
    assert elsewhere.memberships.get(organisation=strangnas).role == MembershipRole.READER
    assert elsewhere.memberships.count() == 2


def test_without_a_provider_the_invited_person_chooses_a_password(client, personas, strangnas):
    client.force_login(personas.org_admin)
    link = invited(client, strangnas, "nina.ny@example.org", MembershipRole.READER)
    page = client.get(link)
    assert "Välj ditt namn i Samverkan och ett lösenord" in page.text

    # Django's password validators, their messages by the field; nothing made.
    weak = client.post(
        link,
        {
            "first_name": "Nina",
            "last_name": "Ny",
            "username": "nina.ny",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    assert "Detta lösenord är enbart numeriskt" in weak.text
    assert not User.objects.filter(username="nina.ny").exists()

    data = {
        "first_name": "Nina",
        "last_name": "Ny",
        "username": "nina.ny",
        "password1": STRONG,
        "password2": STRONG,
    }
    response = client.post(link, data)
    assert response.status_code == 302 and response.url == "/"
    user = User.objects.get(username="nina.ny")
    assert user.email == "nina.ny@example.org" and user.check_password(STRONG)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert user.memberships.get().role == MembershipRole.READER

    # A double click: the second post finds the link used, and makes nothing more.
    client.logout()
    twice = client.post(link, {**data, "username": "nina.ny2"})
    assert twice.status_code == 410 and "redan använts" in twice.text
    assert not User.objects.filter(username="nina.ny2").exists()
    assert Membership.objects.filter(user__email="nina.ny@example.org").count() == 1


def test_accepting_twice_at_once_makes_one_membership(client, personas, strangnas):
    """Two tabs that both opened the link before either accepted: the second finds it used,
    and its new user is undone with it."""
    client.force_login(personas.org_admin)
    link = invited(client, strangnas, "nina.ny@example.org")
    invitation = invitations.find(invitations.hash_of(link.rstrip("/").rsplit("/", 1)[1]))
    first = User.objects.create_user("first", "nina.ny@example.org")
    invitations.accept(invitation, first)
    with pytest.raises(invitations.InvitationUnusable) as refused:
        invitations.accept(invitation, User.objects.create_user("second"))
    assert refused.value.reason == invitations.USED
    assert (
        Membership.objects.filter(
            organisation=strangnas, user__username__in=["first", "second"]
        ).count()
        == 1
    )


def test_a_signed_in_user_with_the_invited_address_joins_with_one_click(
    client, personas, strangnas
):
    client.force_login(personas.org_admin)
    elsewhere = User.objects.get(username="samordnare.timra")
    link = invited(client, strangnas, elsewhere.email)
    client.force_login(elsewhere)
    assert "Gå med i Strängnäs" in client.get(link).text
    response = client.post(link, {"join": "1"})
    assert response.status_code == 302
    assert elsewhere.memberships.get(organisation=strangnas).role == MembershipRole.COORDINATOR


def test_an_existing_account_is_asked_to_log_in_first(client, personas, strangnas):
    client.force_login(personas.org_admin)
    elsewhere = User.objects.get(username="samordnare.timra")
    link = invited(client, strangnas, elsewhere.email)
    page = client.get(link)
    assert "Du har redan ett konto" in page.text
    assert f"{reverse('login')}?next={link}" in page.text
    response = client.post(link, {"username": "x", "password1": STRONG, "password2": STRONG})
    assert response.status_code == 200
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize("state", ["expired", "withdrawn", "unknown"])
def test_a_link_expired_withdrawn_or_unknown_is_answered_in_swedish(
    client, personas, strangnas, state
):
    client.force_login(personas.org_admin)
    link = invited(client, strangnas, "nina.ny@example.org")
    invitation = Invitation.objects.get()
    expected = {
        "expired": "Inbjudan har gått ut",
        "withdrawn": "Inbjudan har dragits tillbaka",
        "unknown": "Inbjudningslänken är inte giltig",
    }[state]
    if state == "expired":
        invitation.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        invitation.save()
    elif state == "withdrawn":
        client.force_login(personas.org_admin)
        client.post(reverse("invitation_withdraw", args=[strangnas.pk, invitation.pk]))
        client.logout()
    else:
        link = link[:-3] + "xy/"
    users_before = User.objects.count()
    for response in (client.get(link), client.post(link, {"username": "nina.ny"})):
        assert response.status_code == (404 if state == "unknown" else 410)
        assert expected in response.text
    assert User.objects.count() == users_before
    assert Invitation.objects.get().accepted_at is None


def test_the_members_page_invites_lists_renews_and_withdraws(admin_client, strangnas):
    assert invite(admin_client, strangnas, "Nina.Ny@Example.org").status_code == 302
    page = admin_client.get(reverse("members", args=[strangnas.pk])).text
    assert "nina.ny@example.org" in page and "Dra tillbaka" in page
    first_link = link_in(mail.outbox[0])

    # Again: the same invitation renewed and sent again, the first link no longer works.
    response = invite(admin_client, strangnas, "nina.ny@example.org", MembershipRole.READER)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == MembershipRole.READER
    assert len(mail.outbox) == 2
    assert admin_client.get(first_link).status_code == 404
    assert admin_client.get(link_in(mail.outbox[1])).status_code == 200

    withdrawn = admin_client.post(
        reverse("invitation_withdraw", args=[strangnas.pk, invitation.pk])
    )
    assert withdrawn.status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_at
    listed = '<th scope="row">nina.ny@example.org</th>'
    assert listed not in admin_client.get(reverse("members", args=[strangnas.pk])).text
    # Invited anew after a withdrawal: a new invitation.
    invite(admin_client, strangnas, "nina.ny@example.org")
    assert Invitation.objects.count() == 2


def test_with_the_worker_down_an_invitation_waits_for_it_and_a_withdrawn_one_is_not_sent(
    admin_client, strangnas, settings, monkeypatch
):
    """The real queue: the members page answers at once, the e-mail goes when the worker
    runs, and the queue holds the invitation's id, never a token."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    mail.outbox.clear()
    for email in ("nina.ny@example.org", "olle.ek@example.org"):
        assert invite(admin_client, strangnas, email).status_code == 302
    assert mail.outbox == []  # the worker is down: nothing sent yet, nothing lost
    page = admin_client.get(reverse("members", args=[strangnas.pk])).text
    assert "nina.ny@example.org" in page and "olle.ek@example.org" in page
    withdrawn = Invitation.objects.get(email="olle.ek@example.org")
    admin_client.post(reverse("invitation_withdraw", args=[strangnas.pk, withdrawn.pk]))
    # A task's id is a random UUID: compared as sets, not in the order of their ids.
    queued = {tuple(task.args_kwargs["args"]) for task in DBTaskResult.objects.all()}
    assert queued == {(pk, "sv") for pk in Invitation.objects.values_list("pk", flat=True)}

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())

    (message,) = mail.outbox
    assert message.to == ["nina.ny@example.org"]
    assert Client().get(link_in(message)).status_code == 200


def test_a_bad_invitation_is_refused_next_to_the_field(admin_client, strangnas, personas):
    member = personas.coordinator
    for email, message in (
        (member.email.upper(), "Någon med den här adressen är redan användare här."),
        ("inte-en-adress", "Fyll i en giltig e-postadress."),
    ):
        response = invite(admin_client, strangnas, email)
        assert response.status_code == 400
        assert message in response.text
        assert 'id="id_email_error"' in response.text
    assert not Invitation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("username", ["samordnare.strangnas", "lasare.strangnas", "orgadmin.timra"])
def test_others_may_neither_invite_nor_withdraw(client, user, personas, strangnas, username):
    client.force_login(personas.org_admin)
    invite(client, strangnas, "nina.ny@example.org")
    invitation = Invitation.objects.get()
    client.force_login(user(username))
    assert invite(client, strangnas, "ulla@example.org").status_code == 404
    withdraw = reverse("invitation_withdraw", args=[strangnas.pk, invitation.pk])
    assert client.post(withdraw).status_code == 404
    assert invite(client, strangnas, "ulla@example.org", HTTP_HX_REQUEST="true").status_code == 404
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None
    assert Invitation.objects.count() == 1


def test_the_invitation_pages_ask_anonymous_visitors_to_log_in_and_take_only_posts(
    client, personas, strangnas
):
    for url in (
        reverse("invitation_create", args=[strangnas.pk]),
        reverse("invitation_withdraw", args=[strangnas.pk, 1]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(personas.org_admin)
    assert client.get(reverse("invitation_create", args=[strangnas.pk])).status_code == 405


def test_a_provider_that_is_down_is_named_and_the_invitation_kept(client, personas, strangnas):
    register_provider(f"http://127.0.0.1:{free_port()}")
    client.force_login(personas.org_admin)
    link = invited(client, strangnas, "nina.ny@strangnas.test")
    response = client.post(link)
    assert response.status_code == 503
    assert "Strängnäs inloggningstjänst svarar inte just nu" in response.text
    assert client.get(link).status_code == 200  # the link still works afterwards
