"""The demo's responsible people: on some police rows of every plan in force, the demo
kommunpolis is named the row's responsible person, so that their Mina uppgifter and their
reminders name them. Works on whatever plans are in force the day the demo is loaded;
a plan that names someone already is left as it is (so loading twice changes nothing)."""

import datetime

from django.db.models import Prefetch

from actionplans.models import OPEN_STATUSES, ActionItem, ActionPlan, Responsibility
from agreements.models import Agreement
from followup.my_tasks import plan_in_force
from followup.todo import in_force
from organisations.models import Membership, MembershipRole

ROWS_PER_PLAN = 2


def name_demo_responsible_people(today: datetime.date) -> int:
    """Name the demo kommunpolis on up to ROWS_PER_PLAN open police rows of each plan in
    force that names no one yet; returns how many rows were named."""
    officers = {}  # (police organisation, municipality) → the kommunpolis working there
    for membership in (
        Membership.objects.filter(
            role=MembershipRole.POLICE_OFFICER, user__username__startswith="kommunpolis."
        )
        .select_related("user")
        .order_by("user__username")
    ):
        officers.setdefault((membership.organisation_id, membership.works_with_id), membership.user)
    agreements = Agreement.objects.in_force_on(today).prefetch_related("parties__organisation")
    named = 0
    for agreement in agreements:
        if not in_force(agreement, today):
            continue
        municipalities = [
            p.organisation_id for p in agreement.parties.all() if p.organisation.is_municipality
        ]
        for plan in ActionPlan.objects.filter(agreement=agreement).order_by("position"):
            plan.agreement = agreement
            if (
                not plan_in_force(plan, today)
                or plan.items.filter(responsible_person__isnull=False).exists()
            ):
                continue
            for_municipalities = [plan.municipality_id] if plan.municipality_id else municipalities
            named += _name_on_plan(plan, officers, for_municipalities)
    return named


def _name_on_plan(plan, officers, municipalities) -> int:
    rows = (
        ActionItem.objects.filter(plan=plan, status__in=OPEN_STATUSES)
        .prefetch_related(
            Prefetch(
                "responsibilities", queryset=Responsibility.objects.select_related("organisation")
            )
        )
        .order_by("position")
    )
    named = 0
    for row in rows:
        officer = next(
            (
                officers[(r.organisation_id, municipality)]
                for r in row.responsibilities.all()
                if r.organisation is not None and r.organisation.is_police
                for municipality in municipalities
                if (r.organisation_id, municipality) in officers
            ),
            None,
        )
        if officer is None:
            continue
        row.responsible_person = officer
        row.save(update_fields=["responsible_person"])
        named += 1
        if named == ROWS_PER_PLAN:
            break
    return named
