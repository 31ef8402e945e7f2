"""Who may manage which organisation's users: its organisation administrators, and the
administrators (superusers) for every organisation. Another organisation does not exist
for an organisation administrator (404)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, MembershipRole, Organisation


def managed_organisations(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.ORGANISATION_ADMIN
    )


def get_managed_organisation(user, pk):
    try:
        return managed_organisations(user).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def check_manages_some(organisations) -> None:
    """403 for one who manages no organisation (`managed_organisations`, fetched)."""
    if not organisations:
        raise PermissionDenied


def get_others_membership(user, organisation, membership_pk):
    """A membership of the managed organisation that is not the administrator's own (404
    for another organisation's): changing one's own role or leaving is asked of another
    administrator, so none locks themself out (403)."""
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    if membership.user_id == user.pk:
        raise PermissionDenied
    return membership
