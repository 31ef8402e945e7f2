"""The demo is alive on whatever day it is loaded (exchange/demo_current.py): beside the
seeds, an agreement of the current period for each, with rows due and overdue, entries of
the last weeks by the kommunpolis and the samordnare and a report due soon; loading again
the same day changes nothing, loading on a later day adds the next period once it is due."""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.models import ActionItem
from agreements.access import visible_agreements
from agreements.models import Agreement, AgreementKind, Signatory
from exchange.demo import load_demo
from exchange.demo_current import demo_current_agreements
from exchange.demo_period_texts import SeedTextChanged, reword_period
from exchange.export import agreements_for_export, export_document
from exchange.next_period import YEARS_IN_TEXT
from followup.models import FollowUpEntry, Indicator
from followup.todo import agreements_in_force, follow_up_lists
from pages.period_texts import worded_texts

SEEDS = ["harnosand-2012", "sandviken-2015", "sollentuna-2023", "strangnas-2020", "timra-2017"]
MUNICIPALITIES = [
    "harnosand",
    "sandviken",
    "sigtuna",
    "sollentuna",
    "strangnas",
    "timra",
    "upplands-vasby",
]
DAY = datetime.date(2026, 12, 1)


def to_do(username, today):
    user = get_user_model().objects.get(username=username)
    return follow_up_lists(agreements_in_force(visible_agreements(user), today), today)


def test_each_seed_has_a_signed_next_period_in_force_today(db):
    today = timezone.localdate()
    current = {a.reference.split("-")[1]: a for a in demo_current_agreements()}
    assert sorted(current) == [seed.split("-")[0] for seed in SEEDS]
    # Not linked as the seeds' next periods: Nästa period can still be tried on a seed.
    assert not Agreement.objects.filter(follows__reference__in=SEEDS).exists()
    for agreement in current.values():
        assert agreement.kind == AgreementKind.COOPERATION_AGREEMENT
        assert agreement.is_in_force(today)
        assert agreement.signatories.count() == agreement.parties.count()
        assert agreement.action_plans.exists()
        assert all(plan.items.exists() for plan in agreement.action_plans.all())
    strangnas = current["strangnas"]
    years = f"{strangnas.first_year}–{strangnas.last_year}"
    assert (
        strangnas.title
        == f"Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun {years}"
    )
    # The seeds stay the records they are: Strängnäs' rows are carried over, not moved.
    assert all(row.carried_from for row in strangnas.action_plans.get().items.all())
    assert demo_current_agreements().filter(reference="strangnas-2020").count() == 0


@pytest.mark.parametrize("role", ["samordnare", "kommunpolis", "lasare"])
def test_every_demo_role_has_rows_due_or_overdue_and_a_report_due(db, role):
    today = timezone.localdate()
    for municipality in MUNICIPALITIES:
        lists = to_do(f"{role}.{municipality}", today)
        current = [each for each in lists if each.agreement.reference.startswith("aktuell-")]
        assert len(current) == 1, municipality
        (work,) = current
        assert work.overdue and work.due_soon, municipality
        assert all(row.deadline < today for row in work.overdue)
        assert all(today <= row.deadline <= today + datetime.timedelta(14) for row in work.due_soon)
        assert [report.is_overdue(today) for report in work.reports] == [False]


def test_strangnas_kommunpolis_has_entries_of_the_last_weeks(db):
    today = timezone.localdate()
    entries = FollowUpEntry.objects.filter(
        item__plan__agreement__reference__startswith="aktuell-strangnas",
        author__username="kommunpolis.strangnas",
    )
    assert entries.count() >= 2
    assert all(today - datetime.timedelta(28) <= e.occurred_on <= today for e in entries)
    by_coordinator = FollowUpEntry.objects.filter(author__username="samordnare.strangnas")
    assert by_coordinator.filter(occurred_on__gt=today - datetime.timedelta(28)).exists()


def test_nothing_that_should_be_past_is_dated_after_today(db):
    today = timezone.localdate()
    current = demo_current_agreements()
    assert not FollowUpEntry.objects.filter(
        item__plan__agreement__in=current, occurred_on__gt=today
    ).exists()
    assert not Signatory.objects.filter(agreement__in=current, signed_on__gt=today).exists()
    for agreement in current:
        start, end = agreement.counted_period()
        assert start <= today <= end
        assert all(tick.ticked_on <= today for tick in agreement.step_ticks.all())


def snapshot():
    return export_document(agreements_for_export()), FollowUpEntry.objects.count()


def test_loading_twice_on_one_day_changes_nothing(db):
    load_demo(today=DAY)
    before = snapshot()
    load_demo(today=DAY)
    assert snapshot() == before


@pytest.mark.parametrize("day", [DAY, datetime.date(2027, 1, 4), datetime.date(2031, 7, 15)])
def test_loaded_on_a_fixed_day_and_400_days_later_there_is_work_in_force(db, day):
    later = day + datetime.timedelta(days=400)
    load_demo(today=day)
    periods = demo_current_agreements().count()
    load_demo(today=later)
    load_demo(today=later)  # and again the same day: nothing more
    for today in (day, later):
        for municipality in MUNICIPALITIES:
            lists = to_do(f"kommunpolis.{municipality}", today)
            current = [w for w in lists if w.agreement.reference.startswith("aktuell-")]
            # The period of that day, and only it: earlier ones have ended.
            (work,) = current
            assert work.overdue or work.due_soon
    # A period more for each seed whose period had ended by then, none for the others.
    assert demo_current_agreements().count() in (periods, periods + len(SEEDS))
    for reference in SEEDS:
        name = reference.split("-")[0]
        row = [demo_current_agreements().get(reference__contains=name, follows__isnull=True)]
        while (after := Agreement.objects.filter(follows=row[-1]).first()) is not None:
            row.append(after)
        assert row[-1].is_in_force(later)
        assert all(
            earlier.counted_period()[1] < after.counted_period()[0]
            for earlier, after in itertools.pairwise(row)
        )


def test_the_current_periods_show_whole_chains_and_one_gap(db):
    """Kedjan in the demo: each current period's invented problems have causes and rows
    that address them, and the problem no row addresses is listed as a gap."""
    from pages.chain import build_chain

    load_demo(today=DAY)
    coordinator = get_user_model().objects.get(username="samordnare.strangnas")
    agreement = demo_current_agreements().get(reference__contains="strangnas")
    chain = build_chain(coordinator, agreement, DAY)
    problems = [problem for area in chain.areas for problem in area.problems]
    addressed = [p for p in problems if any(group.rows for group in p.activities)]
    assert len(addressed) >= 2
    assert all(p.problem.probable_causes for p in problems)
    gaps = [gap.text for kind in chain.gap_kinds for gap in kind.gaps]
    assert "Våld i nära relationer anmäls sällan" in gaps
    load_demo(today=DAY)
    assert agreement.problem_picture.areas.get().items.count() == len(problems)


def test_invented_rows_sit_under_the_agreements_focus_areas(db):
    """The plan page groups rows by focus area. Sollentuna's seed has focus areas and no
    rows, so its current period's rows are invented: each under one of its areas, not in
    a group of their own. (Rows carried from a seed keep the seed's, none or some.)"""
    load_demo(today=DAY)
    agreement = demo_current_agreements().get(reference__contains="sollentuna")
    areas = set(agreement.focus_areas.all())
    rows = ActionItem.objects.filter(plan__agreement=agreement).select_related("focus_area")
    assert areas and rows
    assert {row.focus_area for row in rows} == areas


# Years the seeds' texts name as history, kept as they are: Rikspolisstyrelsen's plan of
# 2008, the police reform of 2015, Sandviken's "VISION 2025".
HISTORY = {2008, 2015, 2025}


def years_named(agreement) -> set[int]:
    years = set()
    for _where, text, _url in worded_texts(agreement):
        for match in YEARS_IN_TEXT.finditer(text or ""):
            years.update(range(int(match[1]), int(match[2] or match[1]) + 1))
    return years


def test_a_current_agreement_names_its_own_period_not_the_seeds(db):
    """What its print says of its period is the period it is signed for (2026–2027 here,
    2028–2029 for the one after it); the figures it cites are of the three years before;
    the seeds' own dates are nowhere, not even after a period that followed another."""
    load_demo(today=DAY)
    load_demo(today=DAY + datetime.timedelta(days=400))
    for first in (2026, 2028):
        current = demo_current_agreements().filter(first_year=first)
        assert current.count() == len(SEEDS)
        for agreement in current:
            allowed = HISTORY | set(range(first - 3, first + 2))
            assert years_named(agreement) <= allowed, agreement.reference
        strangnas = current.get(reference__contains="strangnas")
        texts = "\n".join(text for _where, text, _url in worded_texts(strangnas))
        assert f"Samverkansöverenskommelsen gäller {first}-01-01 - {first + 1}-12-31" in texts
        assert f"Handlingsplan {first}–{first + 1}" in texts
        harnosand = current.get(reference__contains="harnosand")
        assert harnosand.validity_note == f"Överenskommelsen gäller för {first} och {first + 1}"


def test_a_seed_text_the_demo_rewords_is_still_in_the_seed():
    """A seed's words changed without the table: loading fails instead of printing stale
    dates in an agreement signed for today's period."""
    agreement = {"sections": [{"body": "Samverkansöverenskommelsen gäller 2019-12-20"}]}
    with pytest.raises(SeedTextChanged, match="Handlingsplan 2020-2023"):
        reword_period(agreement, "strangnas-2020", None, range(2026, 2028))


def _day_after_the_current_period(today):
    """The first day of the next invented period: it begins that very day."""
    current = demo_current_agreements().get(reference__contains="strangnas", follows__isnull=True)
    return current.counted_period()[1] + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "day",
    [
        lambda today: today,
        lambda today: today + datetime.timedelta(days=400),
        _day_after_the_current_period,
    ],
    ids=["today", "400 days later", "the day a period begins"],
)
def test_every_goal_in_force_has_measured_values_moving_to_its_target(db, day):
    """A measurable goal's chart is not empty on the follow-up page, in the report or its
    PDF: every goal of an agreement in force on the day the demo is loaded has values,
    none after that day nor before its baseline, each nearer its target."""
    day = day(timezone.localdate())
    load_demo(today=day)
    in_force = [a for a in Agreement.objects.all() if a.is_in_force(day)]
    goals = Indicator.objects.filter(agreement__in=in_force).select_related("agreement")
    assert goals.filter(agreement__reference__contains="strangnas").exists()
    for goal in goals:
        values = list(goal.measurements.order_by("measured_on"))
        assert values, goal.agreement.reference
        if not goal.agreement.reference.startswith("aktuell-"):
            continue  # a seed's goal keeps what its own period measured
        start = goal.agreement.counted_period()[0]
        assert goal.baseline_on < start <= values[0].measured_on
        assert values[-1].measured_on <= day
        steps = [goal.baseline, *(value.value for value in values)]
        assert all(
            abs(goal.target - b) <= abs(goal.target - a) for a, b in itertools.pairwise(steps)
        )
        assert steps[0] != steps[-1] or len(values) == 1
