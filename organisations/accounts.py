"""Your own account: change your password, or reset a forgotten one by e-mail.

Django's views and forms with our templates and words. Two things differ from Django's:
the password validators' messages stand next to the new password (Django puts them under
the confirmation), and the link in the reset e-mail starts with SITE_URL, the address users
know, rather than whatever host the request came in on.

The reset form answers the same, and as fast, for an address nobody has as for a user's
address, so it tells no one who has an account: the background worker sends the e-mail.
Setting a new password through a valid reset link also ends a django-axes lockout of that
user name: the person has shown that they read the user's e-mail, and the old password, the
one being guessed, no longer works.

A logged-in session ends after SESSION_IDLE_MINUTES without a request (IdleSessionMiddleware).
"""

import time

import axes.utils
from allauth.account import signals as allauth_signals
from django import forms
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, user_logged_in
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from . import second_factor, signin
from .forms import AddressForm, LoginForm
from .models import IdentityProvider, LastSignIn

EMAIL_MAX_LENGTH = 254

NEW_PASSWORD_HELP = _(
    "At least 8 characters. Not only digits, not a common password and not like your name "
    "or e-mail address."
)


class NewPasswordMixin:
    """Labels and help of our own, and the validators' messages by the new password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = NEW_PASSWORD_HELP
        self.fields["new_password2"].label = _("The new password again")
        self.fields["new_password2"].help_text = ""

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data


class ChangePasswordForm(NewPasswordMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Your current password")


class ResetPasswordForm(NewPasswordMixin, auth_forms.SetPasswordForm):
    pass


class RequestResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("The address your account has in Samverkan."),
    )

    def save(self, **kwargs):
        """The e-mail goes out from the background worker: the answer takes no longer for
        an address that has an account (an SMTP round trip) than for one that has not."""
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_link.enqueue(user.pk, translation.get_language())


@task
def send_password_reset_link(user_id: int, language: str) -> None:
    """The reset e-mail, its link made here so that no token waits in the task queue."""
    user = get_user_model().objects.get(pk=user_id)
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.txt", context)
    address = getattr(user, user.get_email_field_name())
    EmailMessage(" ".join(subject.split()), body, to=[address]).send()


class SignInView(auth_views.LoginView):
    """Log in in two steps: first the address (or user name). One in a domain with its own
    identity provider goes to that provider (home-realm discovery, organisations.signin);
    anything else is asked its password next, and checked as a password login, django-axes'
    lockout and all. A post with both at once (a password manager's) is one step."""

    authentication_form = LoginForm

    def password_given(self) -> bool:
        return self.request.method == "POST" and "password" in self.request.POST

    def get_form_class(self):
        return LoginForm if self.password_given() else AddressForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["asks_password"] = "password" in context["form"].fields
        return context

    def form_valid(self, form):
        """A right password logs in, unless the user has a second factor: then its code."""
        user = form.get_user()
        if second_factor.has_second_factor(user):
            second_factor.wait_for_code(self.request, user, self.get_success_url())
            return redirect("second_factor_code")
        return super().form_valid(form)

    def post(self, request, *args, **kwargs):
        address = request.POST.get("username", "").strip()
        provider = None
        if "@" in address and len(address) <= EMAIL_MAX_LENGTH:
            provider = IdentityProvider.objects.for_address(address)
        if provider is None and self.password_given():
            return super().post(request, *args, **kwargs)
        if provider is None:
            form = self.get_form()  # AddressForm: no password was given
            if form.is_valid():  # the second step: the password, the address kept
                form = LoginForm(request, initial={"username": form.cleaned_data["username"]})
            return self.render_to_response(self.get_context_data(form=form))
        response = signin.start_provider_sign_in(
            request, provider, address, self.get_redirect_url()
        )
        if response is not None and not response.has_header("Location"):
            return response  # allauth's own error page
        if response is not None:
            # Not the redirect itself: the login page's Content-Security-Policy (form-action
            # 'self') would stop a form post redirected to another site. A page of ours
            # forwards the browser instead (a meta refresh, and a link where that is off).
            context = {"provider": provider, "provider_url": response["Location"]}
            return render(request, "registration/provider_redirect.html", context)
        # An unbound form: the password is not checked, nor counted by django-axes.
        form = AddressForm(request, initial={"username": address})
        provider_error = _(
            "%(organisation)s's sign-in service is not answering just now, so you cannot "
            "sign in through it. Try again in a few minutes; if it goes on, contact your "
            "organisation's IT support."
        ) % {"organisation": provider.organisation.name}
        context = self.get_context_data(form=form, provider_error=provider_error)
        return self.render_to_response(context, status=503)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RequestResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        axes.utils.reset(username=self.user.get_username())
        return response


class IdleSessionMiddleware:
    """A logged-in session ends after SESSION_IDLE_MINUTES without a request.

    The session row and cookie expire SESSION_COOKIE_AGE (= the idle limit) after the session
    was last saved, and Django stops reading an expired row. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) would write the row for each page and each HTMX swap; here
    it is saved again only when the last save is more than REFRESH_SECONDS old, so a session
    ends between the idle limit and a minute before it.
    """

    REFRESH_SECONDS = 60
    SAVED_AT = "_idle_saved_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Only a logged-in session: an anonymous visitor gets no session row from this.
        if session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - session.get(self.SAVED_AT, 0) >= self.REFRESH_SECONDS:
                session[self.SAVED_AT] = now  # marks it modified: saved with a new expiry
        return response


@receiver(user_logged_in)
def note_the_save_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: the first minute after it needs no second write."""
    request.session[IdleSessionMiddleware.SAVED_AT] = int(time.time())


@receiver(user_logged_in)
def note_second_factor_requirements(sender, request, user, **kwargs):
    if request is not None:
        second_factor.note_requirements(request, user)


@receiver(user_logged_in)
def note_a_sign_in(sender, request, user, **kwargs):
    """The last sign-in and how, for the members page: a password, until allauth's own
    signal (sent after Django's, with its `sociallogin`) says it was a provider."""
    LastSignIn.record(user)


@receiver(allauth_signals.user_logged_in)
def note_a_sign_in_through_a_provider(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        LastSignIn.record(user, provider_key=sociallogin.account.provider)
