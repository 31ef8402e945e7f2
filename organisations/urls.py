from allauth.account import views as allauth_views
from allauth.socialaccount import views as socialaccount_views
from allauth.urls import build_provider_urlpatterns
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from . import accounts, invitation_views, second_factor_views, signin, views

members = "organisationer/<int:pk>/anvandare/"

# django-allauth's part of signing in, under konto/sso/: the providers' redirect addresses
# (oidc/<key>/login/callback/) and their error pages. Its own password login and sign-up
# are not offered: their names lead to our login page. Nor are its second-factor pages:
# ours (konto/tvastegs/, konto/kod/) keep the rule that an administrator cannot turn it off.
allauth_urlpatterns = [
    path(
        "login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="account_login",
    ),
    path("signup/", RedirectView.as_view(pattern_name="login"), name="account_signup"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path(
        "3rdparty/login/cancelled/",
        socialaccount_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path(
        "3rdparty/login/error/", socialaccount_views.login_error, name="socialaccount_login_error"
    ),
    # allauth asks here for what auto sign-up lacks; ProviderAdapter has refused before.
    path(
        "3rdparty/signup/", RedirectView.as_view(pattern_name="login"), name="socialaccount_signup"
    ),
    # Before allauth's own: a SAML response that answers no request of ours gets our page.
    path(
        "saml/<str:organization_slug>/acs/finish/",
        signin.finish_saml_sign_in,
        name="saml_finish_acs",
    ),
    *build_provider_urlpatterns(),
]

urlpatterns = [
    path("organisationer/", views.my_organisations, name="my_organisations"),
    path(members, views.members, name="members"),
    path(members + "ny/", views.member_create, name="member_create"),
    path(members + "<int:membership_pk>/", views.member_edit, name="member_edit"),
    path(members + "<int:membership_pk>/ta-bort/", views.member_remove, name="member_remove"),
    path(members + "inbjudan/", invitation_views.invitation_create, name="invitation_create"),
    path(
        members + "inbjudan/<int:invitation_pk>/dra-tillbaka/",
        invitation_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    # The e-mailed link of an invitation: the token is the key, no login needed.
    path("konto/inbjudan/<str:token>/", invitation_views.invitation, name="invitation"),
    # Accounts: log in and out, change your password, reset a forgotten one by e-mail.
    path(
        "konto/logga-in/",
        accounts.SignInView.as_view(),
        name="login",
    ),
    path("konto/sso/", include(allauth_urlpatterns)),
    # Two-factor sign-in: your own page, its set-up, and the code after the password.
    path("konto/tvastegs/", second_factor_views.overview, name="second_factor"),
    path("konto/tvastegs/aktivera/", second_factor_views.set_up, name="second_factor_setup"),
    path("konto/tvastegs/stang-av/", second_factor_views.turn_off, name="second_factor_off"),
    path(
        "konto/tvastegs/nya-koder/",
        second_factor_views.new_codes,
        name="second_factor_new_codes",
    ),
    path("konto/kod/", second_factor_views.code, name="second_factor_code"),
    # The admin's own login would skip the code: ours serves it.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
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
