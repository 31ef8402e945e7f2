"""Who may manage which organisation's users: its organisation administrators, and the
administrators (superusers) for every organisation. Another organisation does not exist
for an organisation administrator (404)."""

from django.http import Http404

from .models import MembershipRole, Organisation


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
