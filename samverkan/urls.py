from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from organisations import accounts
from organisations.forms import LoginForm

from .health import healthz

urlpatterns = [
    path("", include("agreements.urls")),
    path("", include("actionplans.urls")),
    path("", include("followup.urls")),
    path("", include("signing.urls")),
    path("", include("printing.urls")),
    path("", include("audit.urls")),
    path("", include("organisations.urls")),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # Accounts: change your password; reset a forgotten one by e-mail.
    path("konto/losenord/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "konto/losenord/bytt/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "konto/aterstall-losenord/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "konto/aterstall-losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/aterstall-losenord/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/aterstall-losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "tillganglighet/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Django's set_language view: POST language=en|sv chooses the language (a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
]

handler500 = "samverkan.errors.server_error"
