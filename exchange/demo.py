"""The demo: the five seed agreements, written by hand as JSON in demo/, this year's invented
citizen promises (demo_promises.py), their users, the ticks of their five steps
(demo_steps.py), and each seed's invented current period with work due (demo_current.py)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement, Party
from organisations.models import Membership, MembershipRole
from organisations.names import name_slug
from organisations.reference import load_reference_data
from prevention.demo import load_demo_law_items

from .demo_adoptions import load_demo_adoptions
from .demo_chain import tie_demo_problems
from .demo_current import demo_current_agreements, load_demo_current
from .demo_people import name_demo_responsible_people
from .demo_promises import load_demo_promises
from .demo_steps import tick_demo_steps
from .importer import import_document, load_file

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 (published in the README on purpose)


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    citizen_promises: list[str] = field(default_factory=list)  # this year's, invented


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


def user_slug(municipality_name: str) -> str:
    """'Upplands Väsby' → 'upplands-vasby': lower-case ASCII with hyphens."""
    return name_slug(municipality_name)


@transaction.atomic
def load_demo(password: str = DEMO_PASSWORD, today: datetime.date | None = None) -> DemoResult:
    """Load what is missing and leave what is there: running it twice gives the same data.
    Each time, the year of `today` gets its citizen promises (demo_promises.py) if it has
    none yet, so the demo has promises in force whatever the day it is loaded."""
    load_reference_data()
    result = DemoResult()
    references = []
    for path in demo_files():
        document = load_file(path)
        references += [data["reference"] for data in document["agreements"]]
        existing = set(
            Agreement.objects.filter(
                reference__in=[data["reference"] for data in document["agreements"]]
            ).values_list("reference", flat=True)
        )
        missing = [data for data in document["agreements"] if data["reference"] not in existing]
        result.existing += sorted(existing)
        if missing:
            created = import_document({**document, "agreements": missing})
            result.created += [agreement.reference for agreement in created]
    result.users = _demo_users(references, password)
    load_demo_law_items(_demo_municipalities(references), today or timezone.localdate())
    tick_demo_steps(references, today or timezone.localdate())
    load_demo_adoptions()
    created, existing = load_demo_promises(references, today or timezone.localdate())
    result.created += created
    result.existing += existing
    result.citizen_promises = created + existing
    result.created += load_demo_current(references, today or timezone.localdate())
    tie_demo_problems(demo_current_agreements())
    # After the current periods: their plans are the ones in force.
    name_demo_responsible_people(today or timezone.localdate())
    return result


def _demo_municipalities(references: list[str]) -> list[str]:
    """The names of the seed agreements' municipalities: the law's items are theirs."""
    return list(
        Party.objects.filter(
            agreement__reference__in=references, organisation__kind="municipality"
        ).values_list("organisation__name", flat=True)
    )


def _demo_users(references: list[str], password: str) -> list[str]:
    """A coordinator, a reader and a kommunpolis for each municipality of the demo."""
    parties_by_agreement = defaultdict(list)
    for party in Party.objects.filter(agreement__reference__in=references).select_related(
        "organisation"
    ):
        parties_by_agreement[party.agreement_id].append(party.organisation)
    municipalities, police_for = {}, {}
    for organisations in parties_by_agreement.values():
        police = next((org for org in organisations if org.is_police), None)
        for municipality in (org for org in organisations if org.is_municipality):
            municipalities[municipality.pk] = municipality
            if police is not None:
                police_for[municipality.pk] = police

    # One hash for every demo user: hashing is slow on purpose, and it is the same password.
    password_hash = make_password(password)
    usernames = [_user("admin", "Administratör", "", password_hash, superuser=True)]
    for municipality in sorted(municipalities.values(), key=lambda org: org.name):
        slug = user_slug(municipality.name)
        people = [
            (f"samordnare.{slug}", "Samordnare", municipality, MembershipRole.COORDINATOR, None),
            (f"lasare.{slug}", "Läsare", municipality, MembershipRole.READER, None),
            (
                f"orgadmin.{slug}",
                "Organisationsadministratör",
                municipality,
                MembershipRole.ORGANISATION_ADMIN,
                None,
            ),
        ]
        if municipality.pk in police_for:
            people.append(
                (
                    f"kommunpolis.{slug}",
                    "Kommunpolis",
                    police_for[municipality.pk],
                    MembershipRole.POLICE_OFFICER,
                    municipality,
                )
            )
        for username, first_name, organisation, role, works_with in people:
            usernames.append(_user(username, first_name, municipality.name, password_hash))
            Membership.objects.update_or_create(
                user=get_user_model().objects.get(username=username),
                organisation=organisation,
                defaults={"role": role, "works_with": works_with},
            )
    return usernames


def _user(username, first_name, last_name, password_hash, superuser=False) -> str:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = f"{username}@example.org"
    user.is_staff = superuser
    user.is_superuser = superuser
    user.password = password_hash
    user.save()
    return username
