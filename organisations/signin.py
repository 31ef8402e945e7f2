"""Sign-in through an organisation's own identity provider (django-allauth, docs/sign-in.md).

The login page asks for the user name or e-mail address. An address whose domain belongs to
an organisation's IdentityProvider is sent to that provider (home-realm discovery); anything
else goes on to the password. django-allauth does the OpenID Connect part (state, PKCE,
the token and the ID token) and, on python3-saml, the SAML 2.0 part (the signed response,
its audience, times and InResponseTo); the adapters here decide who gets in:

- a person already connected to the provider signs in as the user they were connected to;
- a person whose address (in one of the provider's domains) belongs to an active user who is
  a member of the provider's organisation is connected to that user, keeping their roles;
- anyone else with an address in the provider's domains joins as a reader of the
  organisation, but only where the organisation allows it (domain_users_may_join);
- everyone else is refused: signing in through a provider never creates rights by itself.
"""

import logging
import secrets

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_provider_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml import utils as saml_utils
from allauth.socialaccount.providers.saml import views as saml_views
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from . import invitations
from .models import (
    IdentityProvider,
    Membership,
    MembershipRole,
    ProviderKind,
    normalised_certificate,
)

logger = logging.getLogger(__name__)

OPENID_CONNECT = "openid_connect"
SAML = "saml"
# Django's own backend: a person signed in through a provider is a plain Django user.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def app_for(provider: IdentityProvider) -> SocialApp:
    """The provider as django-allauth's app: built on the fly, never stored, so that the
    IdentityProvider row is the only place its settings and secret live."""
    if provider.is_saml:
        return saml_app_for(provider)
    return SocialApp(
        provider=OPENID_CONNECT,
        provider_id=provider.key,
        name=provider.organisation.name,
        client_id=provider.client_id,
        secret=provider.client_secret,
        settings={
            "server_url": provider.issuer,
            # PKCE as well as the state: a stolen code is of no use on its own.
            "oauth_pkce_enabled": True,
            # The e-mail claim is read from the ID token and the user info together.
            "fetch_userinfo": True,
        },
    )


def saml_app_for(provider: IdentityProvider) -> SocialApp:
    """A SAML provider as allauth's app; its client id is the key in allauth's SAML
    addresses (/konto/sso/saml/<key>/acs/)."""
    if provider.saml_metadata_url:
        idp = {
            "entity_id": provider.saml_entity_id,
            "metadata_url": provider.saml_metadata_url,
            "metadata_request_timeout": settings.SOCIALACCOUNT_REQUESTS_TIMEOUT,
        }
    else:
        idp = {
            "entity_id": provider.saml_entity_id,
            "sso_url": provider.saml_sso_url,
            "x509cert": provider.saml_certificate,
        }
    return SocialApp(
        provider=SAML,
        provider_id=provider.key,
        name=provider.organisation.name,
        client_id=provider.key,
        settings={
            "idp": idp,
            # Our entity id is our metadata address at SITE_URL, as the admin shows it,
            # whatever host a request came in by.
            "sp": {"entity_id": settings.SITE_URL + provider.saml_metadata_path},
            "attribute_mapping": {"uid": [], "email": [provider.saml_email_attribute]},
            "advanced": {
                # Only sign-ins we started: each response must answer our request, once.
                "reject_idp_initiated_sso": True,
                "strict": True,
                "want_assertion_signed": False,
                "want_message_signed": False,
                # python3-saml checks our own addresses too, and would refuse a host with
                # no dot in it (localhost on a developer's machine, the tests' testserver).
                "allow_single_label_domains": True,
            },
        },
    )


def saml_idp_from_metadata(xml: str, entity_id: str) -> dict:
    """The identity provider's fields read from its metadata (pasted in the admin)."""
    try:
        read = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None)
    except Exception as error:  # lxml's and python3-saml's own errors alike
        raise ValueError(_("This is not SAML metadata (XML).")) from error
    idp = read.get("idp") or {}
    sso_url = (idp.get("singleSignOnService") or {}).get("url")
    certificate = idp.get("x509cert") or (idp.get("x509certMulti") or {}).get("signing", [""])[0]
    if not sso_url or not certificate:
        raise ValueError(
            _("The metadata has no identity provider with a sign-in address and certificate.")
        )
    return {
        "saml_entity_id": idp.get("entityId", entity_id),
        "saml_sso_url": sso_url,
        "saml_certificate": normalised_certificate(certificate),
    }


def start_provider_sign_in(request, provider: IdentityProvider, address: str, next_url: str):
    """Send the browser to the provider; None when the provider does not answer."""
    allauth_provider = get_provider_adapter(request).get_provider(request, provider.key)
    if provider.is_saml:
        return start_saml_sign_in(request, provider, allauth_provider, next_url)
    # allauth sends no nonce: ours goes in the request and in the stashed state, and the ID
    # token must bring it back (ProviderAdapter.check_nonce).
    nonce = secrets.token_urlsafe(32)
    auth_params = {**allauth_provider.get_auth_params(), "login_hint": address, "nonce": nonce}
    try:
        return allauth_provider.redirect(
            request,
            process="login",
            next_url=next_url or None,
            auth_params=auth_params,
            nonce=nonce,
        )
    except (requests.RequestException, ValueError, KeyError):
        # Discovery failed: the provider is down, answers with an error or not with JSON.
        logger.warning("Identity provider %s did not answer", provider.key, exc_info=True)
        return None


def start_saml_sign_in(request, provider, allauth_provider, next_url):
    """The SAML request, for the HTTP-Redirect binding; its id is the state allauth keeps
    for the answer. Where the provider is given by its metadata address, the metadata is
    read first (and kept a few hours): that is where a provider that is down shows."""
    idp = allauth_provider.app.settings["idp"]
    if idp.get("metadata_url"):
        try:
            metadata = saml_utils.fetch_metadata_url_config(idp)
        except Exception:  # python3-saml's own errors are bare Exceptions; urllib's OSErrors
            logger.warning("SAML identity provider %s did not answer", provider.key, exc_info=True)
            return None
        if "idp" not in metadata:
            logger.warning("SAML metadata of %s names no such entity", provider.key)
            return None
    return allauth_provider.redirect(request, process="login", next_url=next_url or None)


def finish_saml_sign_in(request, organization_slug):
    """allauth's end of a SAML sign-in, where a response that answers no request of this
    browser's (replayed, or from a sign-in started elsewhere) gets our page for a failed
    sign-in rather than a bare 403: allauth's state for it is used once, or was never here."""
    try:
        return saml_views.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        logger.warning("SAML response for %s answers no request of ours", organization_slug)
        return render(request, "socialaccount/authentication_error.html", status=401)


def claims_of(sociallogin) -> dict:
    """The ID token's claims with the user info's on top (the user info is fresher)."""
    extra = sociallogin.account.extra_data or {}
    return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}


def address_of(provider: IdentityProvider, sociallogin) -> str:
    """The e-mail address the provider vouches for: a claim, or a SAML attribute."""
    if provider.is_saml:
        values = (sociallogin.account.extra_data or {}).get(provider.saml_email_attribute)
        value = values[0] if isinstance(values, list) and values else values
    else:
        value = claims_of(sociallogin).get(provider.email_claim)
    return str(value or "").strip()


def refuse(request, provider: IdentityProvider | None, reason: str):
    logger.info("Sign-in through %s refused: %s", provider and provider.key, reason)
    context = {"provider": provider, "reason": reason}
    raise ImmediateHttpResponse(
        render(request, "registration/provider_refused.html", context, status=403)
    )


def refuse_invitation(request, reason):
    request.session.pop(invitations.SESSION_KEY, None)
    logger.info("Invitation refused: %s", reason)
    context = {"reason": reason}
    raise ImmediateHttpResponse(
        render(request, "registration/invitation_unusable.html", context, status=403)
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """No one signs up: people are added, invited, or join through their domain."""
        return False

    def login(self, request, user):
        # allauth would pick the first backend with get_user, django-axes' own, which
        # finds no one; Django's model backend is the one that knows our users.
        if not hasattr(user, "backend"):
            user.backend = MODEL_BACKEND
        super().login(request, user)

    def get_login_stages(self):
        """No second factor at a provider's sign-in (the provider has its own); where one is
        required, SecondFactorMiddleware asks for the code (organisations.second_factor)."""
        return [stage for stage in super().get_login_stages() if "allauth.mfa" not in stage]


class ProviderAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """The organisations' providers in use, as allauth's apps (none from settings)."""
        providers = IdentityProvider.objects.filter(enabled=True).select_related("organisation")
        if provider == OPENID_CONNECT:
            providers = providers.filter(kind=ProviderKind.OPENID_CONNECT)
        elif provider == SAML:
            providers = providers.filter(kind=ProviderKind.SAML)
        elif provider:
            providers = providers.filter(key=provider)
        if client_id and provider == SAML:
            # allauth's SAML addresses name the app by its client id, our key.
            providers = providers.filter(key=client_id)
        elif client_id:
            providers = providers.filter(client_id=client_id)
        return [app_for(p) for p in providers]

    def provider_of(self, sociallogin) -> IdentityProvider | None:
        return (
            IdentityProvider.objects.filter(key=sociallogin.account.provider, enabled=True)
            .select_related("organisation")
            .prefetch_related("domains")
            .first()
        )

    def pre_social_login(self, request, sociallogin):
        provider = self.provider_of(sociallogin)
        if provider is None:
            refuse(request, None, "provider not registered")
        if sociallogin.state.get("process") != "login":
            # Only signing in: no connecting of further accounts to a signed-in user.
            refuse(request, provider, "not a sign-in")
        if not provider.is_saml:  # SAML's answer is bound to our request by InResponseTo
            self.check_nonce(request, sociallogin)
        if request.session.get(invitations.SESSION_KEY):
            return self.accept_invitation(request, sociallogin, provider)
        if sociallogin.is_existing:
            return
        address = address_of(provider, sociallogin)
        self.check_vouched_for(request, sociallogin, provider, address)
        members = list(
            get_user_model()
            .objects.filter(
                email__iexact=address,
                is_active=True,
                memberships__organisation=provider.organisation,
            )
            .distinct()[:2]
        )
        if len(members) == 1:
            # The organisation's own provider vouches for an address in its own domain.
            sociallogin.connect(request, members[0])
            return
        if len(members) > 1:
            refuse(request, provider, "several users have the address")
        if not provider.domain_users_may_join:
            refuse(request, provider, "not a member and the domain may not join")
        if get_user_model().objects.filter(email__iexact=address).exists():
            # Someone else's account already has the address: no second one beside it.
            refuse(request, provider, "the address belongs to a user outside the organisation")
        sociallogin.user.email = address.lower()

    def check_vouched_for(self, request, sociallogin, provider, address):
        """The provider vouches only for addresses in its own domains, and not for one it
        says it has not verified: anything else is refused, with or without an invitation."""
        if not address or not provider.serves(address):
            refuse(request, provider, "address outside the provider's domains")
        if claims_of(sociallogin).get("email_verified") is False:
            refuse(request, provider, "address not verified by the provider")

    def check_nonce(self, request, sociallogin):
        """The ID token must carry the nonce this browser's sign-in was started with: an ID
        token made for another sign-in (stolen, or injected with another's code) is refused
        as a failed sign-in. A sign-in not started by us (allauth's own login address) has
        no nonce in its state and is refused too."""
        expected = sociallogin.state.get("nonce")
        claimed = ((sociallogin.account.extra_data or {}).get("id_token") or {}).get("nonce")
        if not expected or not claimed or not secrets.compare_digest(expected, str(claimed)):
            response = render_authentication_error(
                request, sociallogin.provider, extra_context={"reason": "nonce"}
            )
            raise ImmediateHttpResponse(response)

    def accept_invitation(self, request, sociallogin, provider):
        """The person came from an invitation's link (organisations.invitations): the
        provider must vouch for the invited address; then the invitation is accepted for
        the user connected to the provider, or the one with the address, or a new one
        (save_user). Anything else is refused and nothing is made."""
        try:
            invitation = invitations.find(request.session[invitations.SESSION_KEY])
        except invitations.InvitationUnusable as error:
            refuse_invitation(request, error.reason)
        address = address_of(provider, sociallogin).lower()
        if invitation.organisation_id != provider.organisation_id or address != invitation.email:
            refuse_invitation(request, invitations.WRONG_ADDRESS)
        self.check_vouched_for(request, sociallogin, provider, address)
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            users = list(get_user_model().objects.filter(email__iexact=address)[:2])
            if len(users) > 1:
                refuse(request, provider, "several users have the address")
            if not users:
                sociallogin.user.email = address
                return  # a new user: save_user accepts the invitation
            user = users[0]
        try:
            with transaction.atomic():
                if not sociallogin.is_existing:
                    sociallogin.connect(request, user)
                invitations.accept(invitation, user)
        except invitations.InvitationUnusable as error:
            refuse_invitation(request, error.reason)
        del request.session[invitations.SESSION_KEY]
        invitations.welcome(request, invitation)

    def is_open_for_signup(self, request, sociallogin):
        """Only a person pre_social_login let through unconnected gets a new account."""
        if request.session.get(invitations.SESSION_KEY):
            return True
        provider = self.provider_of(sociallogin)
        return bool(provider and provider.domain_users_may_join)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # allauth makes a unique user name from the name and address; the provider's own
        # user name could clash with a local one.
        user.username = ""
        return user

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        token_hash = request.session.pop(invitations.SESSION_KEY, None)
        if token_hash:
            try:
                invitation = invitations.find(token_hash)
                invitations.accept(invitation, user)
            except invitations.InvitationUnusable as error:
                refuse_invitation(request, error.reason)  # undoes the new user too
            invitations.welcome(request, invitation)
            return user
        provider = self.provider_of(sociallogin)
        Membership.objects.create(
            user=user, organisation=provider.organisation, role=MembershipRole.READER
        )
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        logger.warning(
            "Sign-in through %s failed: %s",
            getattr(provider, "sub_id", provider),
            error,
            exc_info=exception,
        )
