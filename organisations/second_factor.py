"""Two-factor sign-in for local accounts (issue 18, docs/sign-in.md): a code from an
authenticator app (TOTP), or one of ten recovery codes, each usable once.

allauth.mfa keeps the authenticators (its `Authenticator` rows, the secret encrypted) and
checks the codes; the pages are ours (organisations.second_factor_views), since our password
login is Django's LoginView and runs none of allauth's login stages.

Who must have it: administrators (staff, superusers) and organisation administrators before
the admin or the members pages; everyone with a password in an organisation that requires it
(`Organisation.second_factor_required`) before any page. Everyone else may turn it on.
A session has passed the second factor when the code was given in it (`PASSED` holds the
user's id); SecondFactorMiddleware sends a session that has not to the set-up page, or to
the code page where the user has an authenticator already.
"""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .models import Membership, MembershipRole, Organisation

# The session's keys: whose second factor it saw, the sign-in waiting for a code, the
# secret being set up, and what the organisations ask of the user (noted at login).
PASSED = "second_factor_passed"
PENDING = "second_factor_pending"
NEW_KEY = "second_factor_new_key"
REQUIRED_EVERYWHERE = "second_factor_required_everywhere"

# A sign-in waits this long for its code; after this many wrong codes it starts again.
PENDING_SECONDS = 5 * 60
PENDING_ATTEMPTS = 3

# Pages an administrator reaches only after the second factor (the admin's are all of its
# namespace): the organisation administrator's.
ADMINISTRATION_PAGES = {"members", "member_create", "member_edit", "member_remove"}
# Pages open to a session that still owes its second factor.
OPEN_PAGES = {
    "second_factor",
    "second_factor_setup",
    "second_factor_code",
    "login",
    "logout",
    "accessibility",
    "set_language",
    "favicon",
}


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def required_for_administration(user) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=MembershipRole.ORGANISATION_ADMIN).exists()


def required_by_organisation(user) -> bool:
    """A local account (one with a password) of an organisation that asks it of everyone."""
    return (
        user.has_usable_password()
        and Organisation.objects.filter(
            memberships__user=user, second_factor_required=True
        ).exists()
    )


def note_requirements(request, user) -> None:
    """At login: what the organisations ask, kept in the session so that pages need no
    query for it (a new requirement applies from the next sign-in)."""
    request.session[REQUIRED_EVERYWHERE] = required_by_organisation(user)


def passed(request) -> bool:
    return request.session.get(PASSED) == request.user.pk


def mark_passed(request, user) -> None:
    request.session[PASSED] = user.pk


def check_code(user, code: str) -> bool:
    """A code from the user's app, or one of their unused recovery codes (then used up)."""
    code = "".join(code.split())
    if not code:
        return False
    for authenticator in Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


def new_secret(request) -> str:
    """The secret being set up: the same one until it is confirmed by a code."""
    if not request.session.get(NEW_KEY):
        request.session[NEW_KEY] = generate_totp_secret()
    return request.session[NEW_KEY]


def activate(request, user, code: str) -> bool:
    """Turns the second factor on when the code matches the secret being set up, with ten
    new recovery codes; the session has passed it."""
    secret = request.session.get(NEW_KEY, "")
    if not secret or not validate_totp_code(secret, "".join(code.split())):
        return False
    Authenticator.objects.filter(user=user).delete()
    # The code that turned it on is used, as a sign-in's code is (allauth marks the codes
    # its authenticator validates): it cannot sign in again within its minute.
    TOTP.activate(user, secret).validate_code(code)
    RecoveryCodes.activate(user)
    del request.session[NEW_KEY]
    mark_passed(request, user)
    return True


def deactivate(user) -> None:
    Authenticator.objects.filter(user=user).delete()


def unused_recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    return authenticator.wrap().get_unused_codes() if authenticator else []


def new_recovery_codes(user) -> list[str]:
    Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
    return RecoveryCodes.activate(user).get_unused_codes()


def wait_for_code(request, user, redirect_to: str) -> None:
    """A password was right and the user has a second factor: not logged in until the code."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": redirect_to,
        "since": int(time.time()),
        "attempts": 0,
    }


def pending_user(request):
    """The user whose password was right and who owes a code, or None (none, or too old)."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def safe_next(request, default: str) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SecondFactorMiddleware:
    """Sends a session that owes a second factor to set it up, or to give the code, before
    the pages that require it (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or passed(request):
            return None
        match = request.resolver_match
        if match is None or match.url_name in OPEN_PAGES:
            return None
        if REQUIRED_EVERYWHERE not in request.session:
            note_requirements(request, user)
        if request.session[REQUIRED_EVERYWHERE]:
            owed = True
        elif match.app_name == "admin" or match.url_name in ADMINISTRATION_PAGES:
            owed = required_for_administration(user)
        else:
            owed = False
        if not owed:
            return None
        page = "second_factor_code" if has_second_factor(user) else "second_factor_setup"
        return redirect(reverse(page) + "?" + urlencode({"next": request.get_full_path()}))
