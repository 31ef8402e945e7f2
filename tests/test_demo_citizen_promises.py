"""The demo's citizen promises: one in force for the year of the day the demo is loaded,
for each demo municipality with a police party, invented, signed, with promises grouped by
who promises and citizen dialogues; loading again adds nothing, loading in a new year adds
that year's."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from actionplans.models import PlanLayout, ResponsibilityRole
from agreements.models import Agreement, AgreementKind, CurrentStatus, SourceKind
from exchange.demo import load_demo
from exchange.demo_current import demo_current_agreements
from exchange.demo_promises import PROMISES, demo_citizen_promises
from organisations.models import Membership, MembershipRole

# The demo's municipalities with a police party beside them in their seed agreement.
WITH_POLICE = [
    "Härnösand",
    "Sandviken",
    "Sigtuna",
    "Sollentuna",
    "Strängnäs",
    "Timrå",
    "Upplands Väsby",
]


def municipalities(promises):
    return Counter(
        party.organisation.name
        for promise in promises
        for party in promise.parties.select_related("organisation")
        if party.organisation.is_municipality
    )


def test_one_promise_in_force_this_year_per_municipality_with_police(db):
    today = timezone.localdate()
    promises = list(demo_citizen_promises())
    assert {promise.first_year for promise in promises} == {today.year}
    assert municipalities(promises) == Counter(WITH_POLICE)
    # The kommunpoliser of the demo are exactly those municipalities'.
    police_work_with = Membership.objects.filter(role=MembershipRole.POLICE_OFFICER).values_list(
        "works_with__name", flat=True
    )
    assert sorted(police_work_with) == WITH_POLICE
    for promise in promises:
        assert promise.kind == AgreementKind.CITIZEN_PROMISE
        assert promise.status_on(today) in (CurrentStatus.ACTIVE, CurrentStatus.EXPIRING)
    titles = sorted(promise.title for promise in promises)
    assert titles == [f"Medborgarlöfte {name} {today.year}" for name in WITH_POLICE]


def test_a_demo_promise_is_signed_promised_and_chosen_in_dialogues(db):
    promise = demo_citizen_promises().get(reference__contains="strangnas")
    assert promise.signatories.count() == 2
    assert {party.organisation.is_police for party in promise.parties.all()} == {True, False}
    (plan,) = promise.action_plans.all()
    assert plan.layout == PlanLayout.PROMISES_BY_PARTY
    rows = list(plan.items.prefetch_related("responsibilities__organisation"))
    assert len(rows) == sum(len(texts) for texts in PROMISES.values())
    assert all(row.is_citizen_promise for row in rows)
    promisers = [
        frozenset(
            "police" if r.organisation.is_police else "municipality"
            for r in row.responsibilities.all()
            if r.role == ResponsibilityRole.PROMISES
        )
        for row in rows
    ]
    # Grouped by who promises: the police's, the municipality's, then those made together.
    assert promisers == [
        {"police"},
        {"police"},
        {"municipality"},
        {"municipality"},
        {"police", "municipality"},
    ]
    dialogues = promise.problem_picture.sources.filter(kind=SourceKind.CITIZEN_DIALOGUE)
    assert dialogues.count() == 2
    assert all(d.held_on and d.place and d.people_reached for d in dialogues)


def test_a_promise_belongs_to_its_agreement_while_that_is_in_force(db, demo):
    year = timezone.localdate().year
    for promise in demo_citizen_promises().select_related("part_of"):
        (municipality,) = [
            p.organisation for p in promise.parties.all() if p.organisation.is_municipality
        ]
        seed = (
            Agreement.objects.filter(
                kind=AgreementKind.COOPERATION_AGREEMENT, parties__organisation=municipality
            )
            .exclude(pk__in=demo_current_agreements())
            .get()
        )
        in_force = Agreement.objects.filter(pk=seed.pk).valid_during(year).exists()
        assert promise.part_of == (seed if in_force else None)
    # Sandviken's agreement is renewed per calendar year: it holds every year.
    assert (
        demo_citizen_promises().get(reference__contains="sandviken").part_of
        == (demo["sandviken-2015"])
    )


def test_loading_again_adds_nothing_and_a_new_year_adds_its_promises(db):
    before = Agreement.objects.count()
    again = load_demo(today=timezone.localdate())
    assert Agreement.objects.count() == before
    assert len(again.citizen_promises) == len(WITH_POLICE)
    later = datetime.date(timezone.localdate().year + 3, 2, 1)
    result = load_demo(today=later)
    assert len(result.citizen_promises) == len(WITH_POLICE)
    # Besides, each of the five seeds gets its next current period, the one of today having
    # ended by then (tests/test_demo_current.py).
    assert Agreement.objects.count() == before + len(WITH_POLICE) + 5
    assert sum(a.is_in_force(later) for a in demo_current_agreements()) == 5
    new = demo_citizen_promises().filter(first_year=later.year)
    assert municipalities(new) == Counter(WITH_POLICE)
    assert all(promise.status_on(later) == CurrentStatus.ACTIVE for promise in new)
    # Signed by then, not after the day it was loaded.
    signed = [s.signed_on for promise in new for s in promise.signatories.all()]
    assert set(signed) == {datetime.date(later.year, 1, 20)}


@pytest.mark.parametrize("day", [datetime.date(2031, 1, 3), datetime.date(2031, 12, 30)])
def test_loaded_early_or_late_in_the_year_the_promises_are_in_force(db, day):
    load_demo(today=day)
    promises = demo_citizen_promises().filter(first_year=2031)
    assert promises.count() == len(WITH_POLICE)
    for promise in promises:
        assert promise.is_in_force(day)
        assert all(s.signed_on <= day for s in promise.signatories.all())
