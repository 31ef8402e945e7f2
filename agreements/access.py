"""Who may see and change which agreement.

Every view fetches agreements through these helpers: an agreement of another organisation
does not exist for the user (404).
"""

from django.http import Http404

from .models import Agreement


def visible_agreements(user):
    """The agreements the user's organisations are party to; every agreement for admins."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    return Agreement.objects.filter(
        pk__in=Agreement.objects.filter(parties__organisation__memberships__user=user).values("pk")
    )


def get_agreement(user, pk, queryset=None):
    """The agreement if the user may see it, loaded with `queryset`; else 404."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(pk__in=visible_agreements(user).values("pk")).get(pk=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None
