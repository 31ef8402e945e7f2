"""Who may see and change which agreement.

Every view fetches agreements through these helpers: an agreement of another organisation
does not exist for the user (404); a member who may only read is refused changes (403).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisations.models import MembershipRole

from .models import Agreement, AgreementStatus

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


def can_edit_plans(user, agreement) -> bool:
    """Coordinators and kommunpolis of a party edit its action plans, in any status."""
    if user.is_superuser:
        return True
    return agreement.parties.filter(
        organisation__memberships__user=user, organisation__memberships__role__in=EDITING_ROLES
    ).exists()


def can_edit_text(user, agreement) -> bool:
    """The agreement's own text is edited while it is a draft, by those who edit its plans."""
    return agreement.status == AgreementStatus.DRAFT and can_edit_plans(user, agreement)


def get_agreement(user, pk, queryset=None):
    """The agreement if the user may see it, loaded with `queryset`; else 404."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(pk__in=visible_agreements(user).values("pk")).get(pk=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None


def get_agreement_for_text_edit(user, pk):
    agreement = get_agreement(user, pk)
    if not can_edit_text(user, agreement):
        raise PermissionDenied
    return agreement
