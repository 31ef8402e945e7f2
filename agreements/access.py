"""Who may see and change which agreement.

Every view fetches agreements through these helpers. An agreement of another organisation
does not exist for the user (404); one the user may read but not change answers 403.
Coordinators and municipal police officers of a party edit; readers read; superusers
(the administrators) see and edit everything.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisations.models import MembershipRole

from .models import Agreement

EDITING_ROLES = (MembershipRole.COORDINATOR, MembershipRole.POLICE_OFFICER)


def visible_agreements(user):
    """The agreements the user's organisations are party to; every agreement for admins."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    return Agreement.objects.filter(
        pk__in=Agreement.objects.filter(parties__organisation__memberships__user=user).values("pk")
    )


def editable_agreements(user):
    """The agreements the user may change: as coordinator or kommunpolis of a party."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    return Agreement.objects.filter(
        pk__in=Agreement.objects.filter(
            parties__organisation__memberships__user=user,
            parties__organisation__memberships__role__in=EDITING_ROLES,
        ).values("pk")
    )


def may_edit(user, agreement) -> bool:
    return editable_agreements(user).filter(pk=agreement.pk).exists()


def get_agreement(user, pk, queryset=None):
    """The agreement if the user may see it, loaded with `queryset`; else 404."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(pk__in=visible_agreements(user).values("pk")).get(pk=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None


def get_agreement_for_editing(user, pk, queryset=None):
    """The agreement if the user may change it; 404 if they may not see it, else 403."""
    agreement = get_agreement(user, pk, queryset)
    if not may_edit(user, agreement):
        raise PermissionDenied
    return agreement
