from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    IdentityProvider,
    Invitation,
    LastSignIn,
    Membership,
    Organisation,
    SignInDomain,
)
from .signin import saml_idp_from_metadata


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user", "works_with"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "kommunkod", "parent", "county"]
    list_filter = ["kind", "county", "second_factor_required"]
    search_fields = ["name", "kommunkod"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["municipalities"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "works_with"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "works_with"]
    list_select_related = ["user", "organisation", "works_with"]


class IdentityProviderForm(forms.ModelForm):
    """The client secret is never shown again once saved; left empty, it is kept. For SAML,
    the identity provider's metadata may be pasted instead of its fields."""

    saml_metadata_xml = forms.CharField(
        label=_("SAML metadata (XML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Paste the identity provider's metadata file to fill in its sign-in address and "
            "certificate (the entity id above picks the provider in a federation's file)."
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "organisation",
            "key",
            "kind",
            "issuer",
            "client_id",
            "client_secret",
            "email_claim",
            "saml_entity_id",
            "saml_metadata_url",
            "saml_sso_url",
            "saml_certificate",
            "saml_email_attribute",
            "domain_users_may_join",
            "enabled",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.client_secret:
            self.fields["client_secret"].help_text = _(
                "A secret is saved. Leave this empty to keep it, or enter a new one."
            )

    def clean_client_secret(self):
        return self.cleaned_data["client_secret"] or self.instance.client_secret

    def clean(self):
        cleaned = super().clean()
        xml = cleaned.get("saml_metadata_xml", "").strip()
        if xml:
            try:
                read = saml_idp_from_metadata(xml, cleaned.get("saml_entity_id", "").strip())
            except ValueError as error:
                self.add_error("saml_metadata_xml", str(error))
            else:
                cleaned.update(read)
                # The model's own checks (IdentityProvider.clean) see the values read.
                for name, value in read.items():
                    setattr(self.instance, name, value)
        return cleaned


class SignInDomainInline(admin.TabularInline):
    model = SignInDomain
    extra = 1


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """An organisation's own identity provider (docs/sign-in.md): what its IT department
    gives us, and the redirect address they register in return."""

    form = IdentityProviderForm
    list_display = ["organisation", "key", "kind", "issuer", "enabled", "domain_users_may_join"]
    list_filter = ["kind", "enabled"]
    search_fields = ["organisation__name", "key", "issuer", "domains__domain"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]
    readonly_fields = ["redirect_address", "saml_service_provider_metadata"]
    inlines = [SignInDomainInline]
    fieldsets = [
        (
            None,
            {"fields": ["organisation", "key", "kind", "domain_users_may_join", "enabled"]},
        ),
        (
            _("OpenID Connect"),
            {"fields": ["issuer", "client_id", "client_secret", "email_claim"]},
        ),
        (
            _("SAML 2.0"),
            {
                "fields": [
                    "saml_entity_id",
                    "saml_metadata_url",
                    "saml_metadata_xml",
                    "saml_sso_url",
                    "saml_certificate",
                    "saml_email_attribute",
                    "saml_service_provider_metadata",
                ]
            },
        ),
        (None, {"fields": ["redirect_address"]}),
    ]

    @admin.display(description=_("redirect address to register at the provider"))
    def redirect_address(self, provider):
        if not provider.key:
            return "–"
        return settings.SITE_URL + provider.callback_path

    @admin.display(description=_("our SAML metadata (also our entity id)"))
    def saml_service_provider_metadata(self, provider):
        if not provider.key or not provider.is_saml:
            return "–"
        return settings.SITE_URL + provider.saml_metadata_path


@admin.register(SignInDomain)
class SignInDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "provider"]
    search_fields = ["domain", "provider__organisation__name"]
    list_select_related = ["provider__organisation"]
    autocomplete_fields = ["provider"]


@admin.register(LastSignIn)
class LastSignInAdmin(admin.ModelAdmin):
    """Each user's last sign-in and how: written at sign-in, only read here."""

    list_display = ["user", "at", "method", "provider"]
    list_filter = ["method", "provider"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "provider__organisation"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations, made and withdrawn by organisation administrators on the members page
    (the e-mail's token is made there too): only read here."""

    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
