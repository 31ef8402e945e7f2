"""Invitations: an organisation administrator invites an e-mail address to the organisation
with a role; the person accepts by signing in through the organisation's own provider, or,
where it has none, by setting a password of ours (docs/sign-in.md, "Invitations").

- The link holds a random token (32 bytes); only its SHA-256 is stored. The token is made by
  the background worker when it sends the e-mail, so no token waits in the task queue, and
  each e-mail's link replaces the one before.
- A link works for VALID_DAYS days. Inviting an address that has an open invitation renews
  that one (a new link, a new expiry) instead of making a second.
- Accepting claims the invitation with one conditional UPDATE, so that a double click or two
  tabs make one membership: the second finds it used.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from samverkan.saving import saved_without_save

from .models import IdentityProvider, Invitation, Membership

VALID_DAYS = 7
SESSION_KEY = "invitation_token_hash"


class InvitationUnusable(Exception):
    """The link cannot be used: `reason` says why, in words for the person."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


UNKNOWN = _(
    "This invitation link is not valid. Check that the whole link from the e-mail was used."
)
EXPIRED = _("This invitation has expired. Ask your organisation administrator to invite you again.")
WITHDRAWN = _("This invitation has been withdrawn by the organisation administrator.")
USED = _("This invitation has already been used. Log in as usual.")
WRONG_ADDRESS = _(
    "You signed in with another e-mail address than the one invited. Sign in with the "
    "invited address, or ask your organisation administrator to invite the address you use."
)


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(organisation, email: str, role: str, invited_by) -> tuple[Invitation, bool]:
    """Invite the address (renewing an open invitation of it) and queue the e-mail.
    Returns the invitation and whether it was renewed."""
    now = timezone.now()
    expires = now + datetime.timedelta(days=VALID_DAYS)
    with transaction.atomic():
        invitation = (
            Invitation.objects.open()
            .select_for_update()
            .filter(organisation=organisation, email__iexact=email)
            .first()
        )
        renewed = invitation is not None
        if invitation is None:
            invitation = Invitation(organisation=organisation, email=email.lower())
        invitation.role = role
        invitation.invited_by = invited_by
        invitation.created_at = now
        invitation.expires_at = expires
        # A placeholder nobody holds the token of; the e-mail's link replaces it.
        invitation.token_hash = hash_of(secrets.token_urlsafe(32))
        invitation.save()
        send_invitation.enqueue(invitation.pk, translation.get_language())
    return invitation, renewed


@task
def send_invitation(invitation_id: int, language: str) -> None:
    """The invitation e-mail, with a new token whose hash replaces the stored one."""
    invitation = (
        Invitation.objects.open()
        .filter(pk=invitation_id)
        .select_related("organisation", "invited_by")
        .first()
    )
    if invitation is None:
        return  # withdrawn or accepted before the worker came to it
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_of(token)
    invitation.save(update_fields=["token_hash"])
    context = {
        "invitation": invitation,
        "url": settings.SITE_URL.rstrip("/") + reverse("invitation", args=[token]),
        "days": VALID_DAYS,
    }
    with translation.override(language):
        subject = render_to_string("registration/invitation_subject.txt", context)
        body = render_to_string("registration/invitation_email.txt", context)
    EmailMessage(" ".join(subject.split()), body, to=[invitation.email]).send()


def welcome(request, invitation: Invitation) -> None:
    organisation = invitation.organisation.name
    message = _("Welcome! You are now a user of %(organisation)s.")
    messages.success(request, message % {"organisation": organisation})


def withdraw(invitation: Invitation) -> None:
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])


def find(token_hash: str) -> Invitation:
    """The invitation of a link, if it can still be accepted; else InvitationUnusable."""
    invitation = (
        Invitation.objects.filter(token_hash=token_hash).select_related("organisation").first()
    )
    if invitation is None:
        raise InvitationUnusable(UNKNOWN)
    check_usable(invitation)
    return invitation


def check_usable(invitation: Invitation) -> None:
    if invitation.withdrawn_at:
        raise InvitationUnusable(WITHDRAWN)
    if invitation.accepted_at:
        raise InvitationUnusable(USED)
    if invitation.is_expired:
        raise InvitationUnusable(EXPIRED)


def hold(invitation: Invitation) -> None:
    """Lock the invitation for the transaction that accepts it, and check it again: two
    sends of the same form at once (a double click) take turns here, and the second finds
    it used before it makes a user of its own."""
    held = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_usable(held)


def provider_of(invitation: Invitation) -> IdentityProvider | None:
    """The organisation's provider in use, through which the invitation is accepted."""
    return (
        IdentityProvider.objects.filter(organisation=invitation.organisation_id, enabled=True)
        .order_by("pk")
        .first()
    )


def accept(invitation: Invitation, user) -> Membership:
    """Claim the invitation for `user` and give them the membership with the invited role.
    Called inside the transaction that made or found the user: InvitationUnusable undoes it."""
    now = timezone.now()
    claimed = (
        Invitation.objects.open()
        .filter(pk=invitation.pk, expires_at__gt=now)
        .update(accepted_at=now, accepted_by=user)
    )
    if not claimed:
        invitation.refresh_from_db()
        check_usable(invitation)
        raise InvitationUnusable(USED)
    invitation.accepted_at, invitation.accepted_by = now, user
    saved_without_save(invitation, ["accepted_at", "accepted_by"])
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation_id=invitation.organisation_id, defaults={"role": invitation.role}
    )
    return membership
