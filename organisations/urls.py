from django.contrib.auth import views as auth_views
from django.urls import path

from . import accounts, views
from .forms import LoginForm

members = "organisationer/<int:pk>/anvandare/"

urlpatterns = [
    path("organisationer/", views.my_organisations, name="my_organisations"),
    path(members, views.members, name="members"),
    path(members + "ny/", views.member_create, name="member_create"),
    path(members + "<int:membership_pk>/", views.member_edit, name="member_edit"),
    path(members + "<int:membership_pk>/ta-bort/", views.member_remove, name="member_remove"),
    # Accounts: log in and out, change your password, reset a forgotten one by e-mail.
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
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
]
