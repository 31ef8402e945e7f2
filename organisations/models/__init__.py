"""Organisations and their people in `organisation.py`; how people sign in (identity
providers, their domains, the last sign-ins) in `sign_in.py`; invitations in `invitation.py`."""

from .invitation import (
    Invitation,
    InvitationQuerySet,
)
from .organisation import (
    POLICE_KINDS,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationQuerySet,
)
from .sign_in import (
    IdentityProvider,
    IdentityProviderQuerySet,
    LastSignIn,
    ProviderKind,
    SignInDomain,
    SignInMethod,
    certificate_is_readable,
    normalised_certificate,
)

__all__ = [
    "POLICE_KINDS",
    "IdentityProvider",
    "IdentityProviderQuerySet",
    "Invitation",
    "InvitationQuerySet",
    "LastSignIn",
    "Membership",
    "MembershipRole",
    "Organisation",
    "OrganisationKind",
    "OrganisationQuerySet",
    "ProviderKind",
    "SignInDomain",
    "SignInMethod",
    "certificate_is_readable",
    "normalised_certificate",
]
