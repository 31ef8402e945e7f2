"""Användare: an organisation administrator adds the organisation's users, changes their
roles and removes them from the organisation; nothing outside their own organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samverkan.sent_once import made_before, save_once
from samverkan.versioning import EditConflict

from .access import (
    check_manages_some,
    get_managed_organisation,
    get_others_membership,
    managed_organisations,
)
from .forms import InvitationForm, MembershipForm, NewMemberForm
from .invitations import VALID_DAYS
from .models import Membership


@login_required
@require_GET
def my_organisations(request):
    """The organisations the user manages; with one, straight to its users."""
    organisations = list(managed_organisations(request.user).order_by("name")[:2])
    check_manages_some(organisations)
    if len(organisations) == 1 and not request.user.is_superuser:
        return redirect("members", organisations[0].pk)
    return redirect("admin:organisations_organisation_changelist")


@login_required
@require_GET
def members(request, pk):
    organisation = get_managed_organisation(request.user, pk)
    return members_page(request, organisation, InvitationForm(organisation=organisation))


def members_page(request, organisation, invitation_form, status=200):
    """The members, the open invitations and the form to invite (bound where it failed)."""
    memberships = organisation.memberships.select_related(
        "user", "works_with", "user__last_sign_in__provider__organisation"
    ).order_by("user__last_name", "user__first_name", "user__username")
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "invitations": organisation.invitations.open().select_related("invited_by"),
        "invitation_form": invitation_form,
        "invitation_days": VALID_DAYS,
    }
    return render(request, "organisations/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    organisation = get_managed_organisation(request.user, pk)
    form = NewMemberForm(request.POST or None, organisation=organisation)
    membership = made_before(request)  # sent again: the user name is taken by now, by it
    if membership is None and form.is_valid():
        membership = save_once(request, form, form.save)
    if membership is not None:
        messages.success(
            request, _("%(name)s was added.") % {"name": membership.user.get_full_name()}
        )
        return redirect("members", organisation.pk)
    return render(
        request, "organisations/member_form.html", {"organisation": organisation, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk, membership_pk):
    organisation = get_managed_organisation(request.user, pk)
    membership = get_others_membership(request.user, organisation, membership_pk)
    if "cancel" in request.POST:  # Behåll den sparade versionen
        return redirect("members", organisation.pk)
    form = MembershipForm(request.POST or None, instance=membership)
    context = {"organisation": organisation, "membership": membership}
    if form.is_valid():
        try:
            form.save_checked()
            messages.success(
                request,
                _("%(name)s's role was changed.") % {"name": membership.user.get_full_name()},
            )
            return redirect("members", organisation.pk)
        except EditConflict:
            form, context["differences"] = form.conflict_with(
                lambda data: MembershipForm(
                    data, instance=get_others_membership(request.user, organisation, membership_pk)
                )
            )
            context["conflict"] = True
    context["form"] = form
    return render(request, "organisations/member_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, pk, membership_pk):
    """Asks first (GET), removes on POST. A second Ta bort (a double click, a page left
    open) finds the member gone: back to the members, saying so."""
    organisation = get_managed_organisation(request.user, pk)
    try:
        membership = get_others_membership(request.user, organisation, membership_pk)
    except Http404:
        return _removed_already(request, organisation, membership_pk)
    if request.method == "POST":
        if not membership.remove():
            return _removed_already(request, organisation, membership_pk)
        messages.success(
            request,
            _("%(name)s no longer belongs to %(organisation)s.")
            % {"name": membership.user.get_full_name(), "organisation": organisation.name},
        )
        return redirect("members", organisation.pk)
    context = {"organisation": organisation, "membership": membership}
    return render(request, "organisations/member_remove.html", context)


def _removed_already(request, organisation, membership_pk):
    """The members' page with a notice, for a membership of this organisation removed
    before; 404 for one it never had."""
    name = Membership.removed_from(organisation, membership_pk)
    if name is None:
        raise Http404
    if name:
        notice = _("%(name)s was removed from %(organisation)s already.")
    else:
        notice = _("The user was removed from %(organisation)s already.")
    messages.info(request, notice % {"name": name, "organisation": organisation.name})
    return redirect("members", organisation.pk)
