from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from samverkan.sent_once import SentOnce
from samverkan.versioning import VersionedForm

from .models import Membership, MembershipRole, Organisation, OrganisationKind

NAME_TAKEN = _("There is already a user with this user name.")


class MembershipForm(VersionedForm):
    """A member's role, and for a municipal police officer the municipality they work with."""

    class Meta:
        model = Membership
        fields = ["role", "works_with"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        role.choices = self.instance.organisation.role_choices(role.choices)
        self.fields["works_with"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") != MembershipRole.POLICE_OFFICER and cleaned.get("works_with"):
            self.add_error(
                "works_with", _("Only a municipal police officer works with a municipality.")
            )
        return cleaned


class NewMemberForm(SentOnce, SetPasswordMixin, MembershipForm):
    """A new user of the organisation: name, e-mail, user name, a first password (checked
    by Django's password validators) and their role."""

    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only, e.g. anna.svensson"),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password1, password2 = SetPasswordMixin.create_password_fields()

    field_order = [
        "first_name",
        "last_name",
        "email",
        "username",
        "role",
        "works_with",
        "password1",
        "password2",
    ]

    def __init__(self, *args, organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, instance=Membership(organisation=organisation), **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(NAME_TAKEN)
        return username

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        return cleaned

    def _new_user(self):
        """The user as typed, unsaved; a field that failed its own checks is left empty."""
        fields = ("username", "first_name", "last_name", "email")
        return get_user_model()(**{name: self.cleaned_data.get(name, "") for name in fields})

    def _post_clean(self):
        super()._post_clean()
        # The password must not resemble the user's name or e-mail.
        self.validate_password_for_user(self._new_user())

    @transaction.atomic
    def save(self, commit=True):
        user = self._new_user()
        user.set_password(self.cleaned_data["password1"])
        user.save()
        membership = super().save(commit=False)
        membership.user = user
        membership.save()
        return membership


# The login page's first field, the same in both its steps.
USERNAME_LABEL = _("User name or e-mail address")
USERNAME_HELP = _(
    "If your organisation signs you in itself, your work e-mail address is enough: "
    "you are sent on to its sign-in."
)


class LoginForm(AuthenticationForm):
    """Django's login form, with the user name's length checked before anyone is asked.

    Django sets the field's max_length after the field is made, so no validator checks it,
    and a name of any length reaches authenticate() and django-axes, whose record of the
    failed attempt then breaks on PostgreSQL (varchar 255): a 500 for a hostile form post.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
        field.label = USERNAME_LABEL
        field.help_text = USERNAME_HELP
        if not self.is_bound and self.initial.get("username"):
            # The second step: the address is known, the password is what is asked.
            field.widget.attrs.pop("autofocus", None)
            self.fields["password"].widget.attrs["autofocus"] = True


class AddressForm(forms.Form):
    """The login page's first step: who is signing in. An address whose organisation signs
    its people in itself goes on to it; anything else is asked its password next."""

    username = forms.CharField(
        label=USERNAME_LABEL,
        max_length=254,  # an e-mail address's longest
        help_text=USERNAME_HELP,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        """Takes the request first, as LoginForm does, so the view builds either alike."""
        super().__init__(*args, **kwargs)


class InvitationForm(SentOnce, forms.Form):
    """Invite an e-mail address to the organisation, with the role it gets."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)

    def __init__(self, *args, organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        role.choices = organisation.role_choices(role.choices)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.organisation.memberships.filter(user__email__iexact=email).exists():
            raise forms.ValidationError(_("Someone with this address is already a user here."))
        return email


class InvitedAccountForm(SetPasswordMixin, forms.Form):
    """An invited person's own account where the organisation has no sign-in service: their
    name, a user name and a password (Django's password validators); the address is the
    invited one."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    username = NewMemberForm.base_fields["username"]
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    clean_username = NewMemberForm.clean_username

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The validators' messages by the password, not under its repetition.
        self.validate_password_for_user(self._new_user(), "password1")
        return cleaned

    def _new_user(self):
        fields = ("username", "first_name", "last_name")
        values = {name: self.cleaned_data.get(name, "") for name in fields}
        return get_user_model()(email=self.email, **values)

    def save(self):
        user = self._new_user()
        user.set_password(self.cleaned_data["password1"])
        user.save()
        return user
