"""How people sign in: an organisation's own identity providers (OpenID Connect and SAML
2.0, with the fields and checks of both), the e-mail domains that lead to them, and each
user's last sign-in."""

import textwrap

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisation import Organisation


class ProviderKind(models.TextChoices):
    OPENID_CONNECT = "openid_connect", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


def normalised_certificate(text: str) -> str:
    """A certificate as PEM, also when pasted as the bare base64 of a metadata file."""
    text = text.strip()
    if text and "-----BEGIN" not in text:
        body = "\n".join(textwrap.wrap("".join(text.split()), 64))
        text = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----"
    return text


def certificate_is_readable(pem: str) -> bool:
    try:
        x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return False
    return True


class IdentityProviderQuerySet(models.QuerySet):
    def for_address(self, address: str):
        """The provider that signs in the given e-mail address (by its domain), or None."""
        _name, at, domain = address.strip().rpartition("@")
        if not at or not domain:
            return None
        return (
            self.filter(domains__domain=domain.lower(), enabled=True)
            .select_related("organisation")
            .first()
        )


class IdentityProvider(models.Model):
    """An organisation's own identity provider, through which its staff sign in.

    Registered here, not in settings, so that each organisation can bring its own. django-
    allauth sees each one as an app of its OpenID Connect or SAML provider, `key` being the
    app's provider id (organisations.signin.ProviderAdapter.list_apps): the redirect address
    the organisation's IT department registers is /konto/sso/oidc/<key>/login/callback/, or
    for SAML the assertion consumer service /konto/sso/saml/<key>/acs/.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="identity_providers",
    )
    key = models.SlugField(
        _("key"),
        max_length=40,
        unique=True,
        help_text=_(
            "Short name in the redirect address, e.g. strangnas. Lowercase letters, "
            "digits and hyphens."
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=ProviderKind.choices, default=ProviderKind.OPENID_CONNECT
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=500,
        blank=True,
        help_text=_("The provider's address; its /.well-known/openid-configuration is read."),
    )
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    email_claim = models.CharField(
        _("e-mail claim"),
        max_length=100,
        default="email",
        help_text=_("The claim that holds the person's e-mail address (email, upn, …)."),
    )
    # SAML 2.0: the identity provider's entity id, and either its metadata address (read,
    # and kept for a few hours) or its sign-in address and signing certificate.
    saml_entity_id = models.CharField(
        _("SAML entity id"),
        max_length=500,
        blank=True,
        help_text=_("The identity provider's entity id (its issuer in SAML)."),
    )
    saml_metadata_url = models.URLField(
        _("SAML metadata address"),
        max_length=500,
        blank=True,
        help_text=_(
            "Where the identity provider's metadata is read. Leave empty to give the sign-in "
            "address and certificate instead."
        ),
    )
    saml_sso_url = models.URLField(
        _("SAML sign-in address"),
        max_length=500,
        blank=True,
        help_text=_("The identity provider's single sign-on address (HTTP-Redirect binding)."),
    )
    saml_certificate = models.TextField(
        _("SAML signing certificate"),
        blank=True,
        help_text=_("The certificate the identity provider signs its responses with (PEM)."),
    )
    saml_email_attribute = models.CharField(
        _("SAML e-mail attribute"),
        max_length=200,
        blank=True,
        default="urn:oid:0.9.2342.19200300.100.1.3",
        help_text=_(
            "The attribute that holds the person's e-mail address, e.g. "
            "urn:oid:0.9.2342.19200300.100.1.3 (mail) or "
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress."
        ),
    )
    domain_users_may_join = models.BooleanField(
        _("anyone in the domains may join as a reader"),
        default=False,
        help_text=_("Without this only people the organisation has added or invited get in."),
    )
    enabled = models.BooleanField(_("in use"), default=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["organisation__name", "key"]

    def __str__(self):
        return f"{self.organisation} ({self.key})"

    @property
    def is_saml(self) -> bool:
        return self.kind == ProviderKind.SAML

    @property
    def callback_path(self) -> str:
        """Where the provider sends the person back: the OpenID Connect redirect address, or
        SAML's assertion consumer service."""
        if self.is_saml:
            return reverse("saml_acs", kwargs={"organization_slug": self.key})
        return reverse("openid_connect_callback", kwargs={"provider_id": self.key})

    @property
    def saml_metadata_path(self) -> str:
        """Our service provider metadata for a SAML provider; its address is also our entity
        id there."""
        return reverse("saml_metadata", kwargs={"organization_slug": self.key})

    def clean(self):
        """What each kind needs, so that a provider saved in the admin can be used."""
        errors = {}
        required = _("Required for this kind of identity provider.")
        if self.is_saml:
            self.saml_certificate = normalised_certificate(self.saml_certificate)
            if not self.saml_entity_id.strip():
                errors["saml_entity_id"] = required
            if not self.saml_email_attribute.strip():
                errors["saml_email_attribute"] = required
            if not self.saml_metadata_url:
                if not self.saml_sso_url:
                    errors["saml_sso_url"] = _(
                        "Give the sign-in address, or the metadata address above."
                    )
                if not self.saml_certificate:
                    errors["saml_certificate"] = _(
                        "Give the signing certificate, or the metadata address above."
                    )
            if self.saml_certificate and not certificate_is_readable(self.saml_certificate):
                errors["saml_certificate"] = _(
                    "This is not an X.509 certificate in PEM form (-----BEGIN CERTIFICATE----- …)."
                )
        else:
            if not self.issuer:
                errors["issuer"] = required
            if not self.client_id.strip():
                errors["client_id"] = required
        if errors:
            raise ValidationError(errors)

    def serves(self, address: str) -> bool:
        domain = address.strip().rpartition("@")[2].lower()
        return any(d.domain == domain for d in self.domains.all())


class SignInDomain(models.Model):
    """An e-mail domain whose addresses sign in through one identity provider."""

    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.CASCADE,
        related_name="domains",
    )
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        help_text=_("The part after @, e.g. strangnas.se."),
    )

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain__regex=r"^[a-z0-9.-]+\.[a-z]{2,}$"),
                name="signindomain_lowercase_domain",
            )
        ]

    def __str__(self):
        return self.domain

    def clean(self):
        self.domain = self.domain.strip().lower()


class SignInMethod(models.TextChoices):
    PASSWORD = "password", _("password")
    PROVIDER = "provider", _("organisation's sign-in service")


class LastSignIn(models.Model):
    """When a user last signed in, and how: shown to the organisation's administrators so
    that they can see who still uses a password and who has not signed in for long."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="last_sign_in",
    )
    at = models.DateTimeField(_("signed in"))
    method = models.CharField(_("how"), max_length=16, choices=SignInMethod.choices)
    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("last sign-in")
        verbose_name_plural = _("last sign-ins")

    def __str__(self):
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} ({self.get_method_display()})"

    @classmethod
    def record(cls, user, *, provider_key: str | None = None) -> None:
        provider = None
        if provider_key:
            provider = IdentityProvider.objects.filter(key=provider_key).first()
        cls.objects.update_or_create(
            user=user,
            defaults={
                "at": timezone.now(),
                "method": SignInMethod.PROVIDER if provider_key else SignInMethod.PASSWORD,
                "provider": provider,
            },
        )
