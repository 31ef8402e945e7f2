"""Invitations (organisations.invitations): the organisation administrator invites and
withdraws on the members page; the invited person opens the e-mailed link and accepts by
signing in through the organisation's provider, or by making an account of ours where it has
none, or, already signed in with the invited address, by one click."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samverkan.sent_once import save_once

from . import invitations, signin
from .access import get_managed_organisation
from .forms import NAME_TAKEN, InvitationForm, InvitedAccountForm
from .invitations import InvitationUnusable
from .models import Invitation
from .views import members_page


@login_required
@require_POST
def invitation_create(request, pk):
    organisation = get_managed_organisation(request.user, pk)
    form = InvitationForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return members_page(request, organisation, form, status=400)
    invitation = save_once(request, form, lambda: _invite(organisation, form, request.user))
    if getattr(invitation, "renewed", False):
        message = _("The invitation to %(email)s was sent again, and is valid for %(days)s days.")
    else:
        message = _("An invitation was sent to %(email)s. It is valid for %(days)s days.")
    messages.success(request, message % {"email": invitation.email, "days": invitations.VALID_DAYS})
    return redirect("members", organisation.pk)


def _invite(organisation, form, invited_by):
    invitation, renewed = invitations.invite(
        organisation, form.cleaned_data["email"], form.cleaned_data["role"], invited_by
    )
    invitation.renewed = renewed  # for the message; a form sent again was not renewed
    return invitation


@login_required
@require_POST
def invitation_withdraw(request, pk, invitation_pk):
    organisation = get_managed_organisation(request.user, pk)
    invitation = get_object_or_404(
        Invitation.objects.open(), pk=invitation_pk, organisation=organisation
    )
    invitations.withdraw(invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("members", organisation.pk)


def unusable(request, reason, status=410):
    return render(
        request, "registration/invitation_unusable.html", {"reason": reason}, status=status
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The e-mailed link: the page that accepts the invitation."""
    token_hash = invitations.hash_of(token)
    try:
        invitation = invitations.find(token_hash)
    except InvitationUnusable as error:
        return unusable(request, error.reason, 404 if error.reason == invitations.UNKNOWN else 410)
    provider = invitations.provider_of(invitation)
    user = request.user
    signed_in_as_invited = user.is_authenticated and user.email.lower() == invitation.email
    has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    context = {
        "invitation": invitation,
        "provider": provider,
        "signed_in_as_invited": signed_in_as_invited,
        "has_account": has_account,
    }
    if request.method == "POST" and signed_in_as_invited and "join" in request.POST:
        return accept_and_go(request, invitation, lambda: user)
    if provider is not None:
        if request.method == "POST":
            return through_provider(request, invitation, provider, token_hash)
        return render(request, "registration/invitation.html", context)
    if has_account and not signed_in_as_invited:
        return render(request, "registration/invitation.html", context)
    form = InvitedAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            return accept_and_go(request, invitation, form.save)
        except IntegrityError:  # someone else took the user name meanwhile
            form.add_error("username", NAME_TAKEN)
    context["form"] = None if signed_in_as_invited else form
    return render(request, "registration/invitation.html", context)


def accept_and_go(request, invitation, get_user):
    """Accept for the user `get_user` finds or makes, in one transaction: a link used
    meanwhile (a double click, another tab) undoes it all."""
    try:
        with transaction.atomic():
            invitations.hold(invitation)
            user = get_user()
            invitations.accept(invitation, user)
    except InvitationUnusable as error:
        return unusable(request, error.reason)
    if request.user != user:
        login(request, user, backend=signin.MODEL_BACKEND)
    invitations.welcome(request, invitation)
    return redirect("/")


def through_provider(request, invitation, provider, token_hash):
    """Send the person to the provider; the invitation waits in the session, and the
    provider adapter accepts it once the provider vouches for the invited address."""
    request.session[invitations.SESSION_KEY] = token_hash
    response = signin.start_provider_sign_in(request, provider, invitation.email, "/")
    if response is None or not response.has_header("Location"):
        reason = _(
            "%(organisation)s's sign-in service is not answering just now. Try the link again "
            "in a few minutes."
        ) % {"organisation": provider.organisation.name}
        return unusable(request, reason, 503)
    context = {"provider": provider, "provider_url": response["Location"]}
    return render(request, "registration/provider_redirect.html", context)
