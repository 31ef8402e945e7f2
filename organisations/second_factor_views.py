"""The second factor's pages: your own (turn it on or off, the recovery codes), and the code
asked after the password (organisations.second_factor has the rules)."""

import base64

import axes.handlers.proxy
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import second_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SetUpForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext_lazy(
            "The six digits the app shows for Samverkan after you have added it."
        )


@login_required
def overview(request):
    """Your own page: whether the second factor is on, and what you may do with it."""
    user = request.user
    active = second_factor.has_second_factor(user)
    required = second_factor.required_for_administration(
        user
    ) or second_factor.required_by_organisation(user)
    context = {
        "active": active,
        "required": required,
        "codes_left": len(second_factor.unused_recovery_codes(user)) if active else 0,
        "may_see_codes": active and second_factor.passed(request),
    }
    return render(request, "registration/second_factor.html", context)


@login_required
def set_up(request):
    user = request.user
    if second_factor.has_second_factor(user):
        return redirect("second_factor")
    secret = second_factor.new_secret(request)
    form = SetUpForm(request.POST or None)
    if form.is_valid():
        if second_factor.activate(request, user, form.cleaned_data["code"]):
            messages.success(request, _("Two-factor sign-in is on. Keep your recovery codes."))
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": second_factor.unused_recovery_codes(user), "next": _next(request)},
            )
        form.add_error("code", _("The code does not match. Check the app's clock and try again."))
    adapter = get_mfa_adapter()
    totp_url = adapter.build_totp_url(user, secret)
    svg = adapter.build_totp_svg(totp_url)
    context = {
        "form": form,
        "secret": secret,
        "qr_code": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        "next": _next(request),
    }
    return render(request, "registration/second_factor_setup.html", context)


def code(request):
    """The code after the password (a sign-in waiting for it), or asked again of a session
    that signed in without it before a page that requires it."""
    user = second_factor.pending_user(request)
    signed_in = user is None and request.user.is_authenticated
    if signed_in:
        user = request.user
    if user is None or not second_factor.has_second_factor(user):
        return redirect("login")
    credentials = {"username": user.get_username()}
    if not axes.handlers.proxy.AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(second_factor.PENDING, None)
        context = {"failure_limit": settings.AXES_FAILURE_LIMIT}
        return render(request, "registration/locked_out.html", context, status=429)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if second_factor.check_code(user, form.cleaned_data["code"]):
            return _signed_in(request, user, signed_in)
        # Counted by django-axes as a wrong password is.
        user_login_failed.send(__name__, credentials=credentials, request=request)
        if not signed_in:
            pending = request.session[second_factor.PENDING]
            pending["attempts"] += 1
            request.session.modified = True
            if pending["attempts"] >= second_factor.PENDING_ATTEMPTS:
                del request.session[second_factor.PENDING]
                messages.error(request, _("Too many wrong codes. Sign in again."))
                return redirect("login")
        form.add_error("code", _("The code is not right, or it has been used already."))
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/second_factor_code.html", context)


def _signed_in(request, user, signed_in):
    if signed_in:
        second_factor.mark_passed(request, user)
        return redirect(_next(request))
    pending = request.session.pop(second_factor.PENDING)
    login(request, user, backend=pending["backend"])
    second_factor.mark_passed(request, user)
    return redirect(pending["next"])  # checked by the login view


@login_required
@require_POST
def turn_off(request):
    """Only for one who need not have it, and only with a code (a session left open is
    not enough to remove it)."""
    user = request.user
    form = CodeForm(request.POST)
    required = second_factor.required_for_administration(
        user
    ) or second_factor.required_by_organisation(user)
    if required:
        messages.error(request, _("Your account must have two-factor sign-in."))
    elif form.is_valid() and second_factor.check_code(user, form.cleaned_data["code"]):
        second_factor.deactivate(user)
        messages.success(request, _("Two-factor sign-in is off."))
    else:
        messages.error(request, _("The code is not right, or it has been used already."))
    return redirect("second_factor")


@login_required
@require_POST
def new_codes(request):
    if not second_factor.has_second_factor(request.user) or not second_factor.passed(request):
        return redirect("second_factor")
    codes = second_factor.new_recovery_codes(request.user)
    return render(request, "registration/second_factor_codes.html", {"codes": codes, "next": ""})


def _next(request) -> str:
    return second_factor.safe_next(request, reverse("overview"))
