"""Organisations that make agreements, and the people who work for them (memberships)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
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

    def may_have_role(self, role: str) -> bool:
        """Whether its members may have the role: a municipal police officer only in the
        police (the role edits the plans of the municipalities the officer works with)."""
        return role != MembershipRole.POLICE_OFFICER or self.is_police

    def role_choices(self, choices) -> list[tuple[str, str]]:
        """A role field's `choices` without the roles its members may not have."""
        return [(role, label) for role, label in choices if not role or self.may_have_role(role)]

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

    def clean(self):
        super().clean()
        if self.organisation_id and not self.organisation.may_have_role(self.role):
            raise ValidationError({"role": ONLY_IN_THE_POLICE})

    def remove(self) -> bool:
        """Ta bort: the membership goes (the user and what they did stay, the history keeps
        it); False when it was gone already (two posts at once: the second waits for the
        first's commit, then finds none)."""
        with transaction.atomic():
            if not type(self).objects.select_for_update().filter(pk=self.pk).exists():
                return False
            self.delete()
        return True

    @classmethod
    def removed_from(cls, organisation, pk) -> str | None:
        """The name of the user whose membership `pk` of the organisation was removed (its
        history keeps it), to say so when it is asked to be removed again; "" when the
        user is gone too; None when there was no such membership."""
        removed = (
            cls.history.filter(organisation_id=organisation.pk, id=pk, history_type="-")
            .order_by("-history_id")
            .first()
        )
        if removed is None:
            return None
        user = get_user_model().objects.filter(pk=removed.user_id).first()
        return "" if user is None else (user.get_full_name() or user.get_username())


ONLY_IN_THE_POLICE = _("Only a member of a police organisation is a municipal police officer.")
