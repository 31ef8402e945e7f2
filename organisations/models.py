"""Organisations that make agreements, and the people who work for them.

Over 400 lines: the identity providers, with the fields and checks of both their kinds
(OpenID Connect and SAML 2.0), and the last sign-ins stay beside the organisations and
memberships they sign people into; split them into a module of their own when they grow."""

import textwrap

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.versioning import Versioned


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    POLICE_AUTHORITY = "police_authority", _("police authority")
    POLICE_REGION = "police_region", _("police region")
    POLICE_AREA = "police_area", _("local police area")
    POLICE_DISTRICT = "police_district", _("community police district")
    REGION = "region", _("region")
    HOUSING_COMPANY = "housing_company", _("housing company")
    RESCUE_SERVICE = "rescue_service", _("rescue service")
    ASSOCIATION = "association", _("association")
    OTHER = "other", _("other organisation")


POLICE_KINDS = (
    OrganisationKind.POLICE_AUTHORITY,
    OrganisationKind.POLICE_REGION,
    OrganisationKind.POLICE_AREA,
    OrganisationKind.POLICE_DISTRICT,
)


class OrganisationQuerySet(models.QuerySet):
    def municipalities(self):
        return self.filter(kind=OrganisationKind.MUNICIPALITY)

    def police(self):
        return self.filter(kind__in=POLICE_KINDS)

    def get_by_natural_key(self, key: dict):
        """Find an organisation by the key the JSON format uses: kommunkod, else kind and name."""
        if key.get("kommunkod"):
            return self.get(kommunkod=key["kommunkod"])
        return self.get(kind=key["kind"], name=key["name"])


class Organisation(models.Model):
    """A municipality, a police unit at any level, or another body such as a housing company.

    Police units form a tree (authority → region → lokalpolisområde → närpolisområde) through
    `parent`. Which municipalities a police unit works in is `municipalities`: a large city
    is split over several lokalpolisområden, so this is many-to-many.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    kommunkod = models.CharField(
        _("municipality code"),
        max_length=4,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Four digits, as in SCB's list (e.g. 0486). Only for municipalities."),
    )
    county_code = models.CharField(_("county code"), max_length=2, blank=True)
    county = models.CharField(_("county"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    municipalities = models.ManyToManyField(
        "self",
        verbose_name=_("municipalities covered"),
        blank=True,
        symmetrical=False,
        related_name="police_units",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    second_factor_required = models.BooleanField(
        _("two-factor sign-in required"),
        default=False,
        help_text=_(
            "Everyone of the organisation who signs in with a password must also give a code "
            "from an authenticator app."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_kind_name"),
            # A municipality always has its kommunkod; nothing else has one.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=OrganisationKind.MUNICIPALITY,
                        kommunkod__isnull=False,
                        kommunkod__regex=r"^[0-9]{4}$",
                    )
                    | (~Q(kind=OrganisationKind.MUNICIPALITY) & Q(kommunkod__isnull=True))
                ),
                name="organisation_kommunkod_iff_municipality",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind == OrganisationKind.MUNICIPALITY

    @property
    def is_police(self) -> bool:
        return self.kind in POLICE_KINDS

    def natural_key(self) -> dict:
        if self.kommunkod:
            return {"kommunkod": self.kommunkod}
        return {"kind": self.kind, "name": self.name}


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    POLICE_OFFICER = "police_officer", _("municipal police officer")
    READER = "reader", _("reader")
    ORGANISATION_ADMIN = "organisation_admin", _("organisation administrator")


class Membership(Versioned):
    """A user's place in an organisation. What a user may see and change follows from it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=MembershipRole.choices)
    works_with = models.ForeignKey(
        Organisation,
        verbose_name=_("works with municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
        help_text=_("For a municipal police officer: the municipality they work with."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


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


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor withdrawn (an expired one is still open: inviting the
        address again renews it)."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


class Invitation(models.Model):
    """An organisation administrator's invitation of an e-mail address to the organisation,
    with a role. The e-mailed link holds a random token; only its SHA-256 is stored, so the
    database alone opens nothing (organisations.invitations)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    role = models.CharField(_("role"), max_length=32, choices=MembershipRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
