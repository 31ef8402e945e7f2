"""Kedjan (/overenskommelser/<id>/kedja/): each problem with its causes, focus areas,
activities per party, promises, follow-up and indicators; the gaps counted and listed; the
links back from a row of the plan and its follow-up page; and a fixed number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import count_queries

from actionplans.models import ActionItem, ActionPlan, ItemStatus, Responsibility
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    FocusArea,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
)
from followup.models import FollowUpEntry, Indicator, Measurement
from pages.chain import follow_up_period


def chain_url(agreement) -> str:
    return reverse("agreement_chain", args=[agreement.pk])


def problems(agreement, *texts, causes=""):
    picture = ProblemPicture.objects.get_or_create(agreement=agreement)[0]
    area = ProblemArea.objects.create(
        problem_picture=picture, position=90 + picture.areas.count(), title="Otrygghet i centrum"
    )
    return [
        ProblemItem.objects.create(area=area, position=n, text=text, probable_causes=causes)
        for n, text in enumerate(texts, start=1)
    ]


@pytest.fixture
def strangnas(demo):
    return demo["strangnas-2020"]


def test_everyone_who_sees_the_agreement_reads_its_chain_and_outsiders_get_404(
    client, personas, strangnas
):
    url = chain_url(strangnas)
    assert client.get(url).status_code == 302  # to the login
    for persona in (personas.reader, personas.kommunpolis, personas.coordinator):
        client.force_login(persona)
        assert client.get(url).status_code == 200
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405


def test_the_agreement_page_links_to_its_chain(client, personas, strangnas):
    client.force_login(personas.reader)
    assert chain_url(strangnas) in client.get(strangnas.get_absolute_url()).text


def test_a_problem_reads_top_to_bottom_from_causes_to_the_indicators_latest_value(
    client, personas, strangnas
):
    (problem,) = problems(strangnas, "Skadegörelse vid resecentrum", causes="Få vuxna ute")
    area = FocusArea.objects.get(agreement=strangnas, position=1)
    FocusArea.objects.filter(pk=area.pk).update(goals="Färre anmälda skadegörelsebrott")
    row = strangnas.action_plans.get().items.order_by("position").first()
    ActionItem.objects.filter(pk=row.pk).update(focus_area=area)
    row.problem_items.add(problem)
    FollowUpEntry.objects.create(
        item=row, occurred_on=datetime.date(2023, 3, 1), what_was_done="Vandring med skolan"
    )
    indicator = Indicator.objects.create(
        agreement=strangnas, item=row, position=50, name="Anmälda skadegörelser", unit="st"
    )
    Measurement.objects.create(indicator=indicator, measured_on="2023-04-30", value=14)
    client.force_login(personas.reader)

    page = client.get(chain_url(strangnas)).text
    chained = page[page.index(f'id="problem-{problem.pk}"') :]
    chained = chained[: chained.index("</article>")]
    words = [
        "Skadegörelse vid resecentrum",
        "Troliga orsaker",
        "Få vuxna ute",
        area.title,
        "Färre anmälda skadegörelsebrott",
        "Kommun + Polis",  # the parties responsible for the row, as the agreement labels them
        row.activity,
        "2023-03-01",
        "Vandring med skolan",
        "Anmälda skadegörelser",
        "14 st",
    ]
    positions = [chained.find(word) for word in words]
    assert -1 not in positions, [w for w, p in zip(words, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "Lucka: inget problem" not in chained  # the problem is addressed


def test_a_citizen_promise_under_the_agreement_answers_its_problem(client, user, demo):
    sollentuna = demo["sollentuna-2023"]
    promise = Agreement.objects.get(part_of=sollentuna, reference__contains="sollentuna")
    (problem,) = problems(sollentuna, "Otrygghet på Sollentuna station")
    promised = promise.action_plans.get().items.order_by("position").first()
    promised.problem_items.add(problem)
    client.force_login(user("samordnare.sollentuna"))

    page = client.get(chain_url(sollentuna)).text
    chained = page[page.index(f'id="problem-{problem.pk}"') :]
    chained = chained[: chained.index("</article>")]
    assert promised.activity in chained and promise.title in chained
    assert f'href="#problem-{problem.pk}"' not in page  # answered: not a gap


GAP_KINDS = ("unaddressed", "untied", "unmeasured", "unlogged")


def gap_anchors(page: str, kind: str) -> list[str]:
    """The anchors the gap list of one kind links to, in order."""
    start = page.find(f'id="luckor-{kind}"')
    if start == -1:
        return []
    listed = page[start : page.index("</ul>", start)]
    return re.findall(r'href="#([\w-]+)"', listed)


def test_the_gaps_are_counted_listed_and_flagged_where_they_are(client, personas, strangnas):
    lonely, addressed = problems(strangnas, "Ingen gör något åt mig", "Åtgärdas")
    rows = list(strangnas.action_plans.get().items.order_by("position"))
    rows[0].problem_items.add(addressed)
    cancelled = rows[1]
    ActionItem.objects.filter(pk=cancelled.pk).update(status=ItemStatus.CANCELLED)
    client.force_login(personas.reader)

    page = client.get(chain_url(strangnas)).text
    assert gap_anchors(page, "unaddressed") == [f"problem-{lonely.pk}"]
    untied = gap_anchors(page, "untied")
    assert f"rad-{rows[0].pk}" not in untied and f"rad-{cancelled.pk}" not in untied
    assert len(untied) == len(rows) - 2
    # Each gap's anchor is on the page, so the link lands.
    for kind in GAP_KINDS:
        for anchor in gap_anchors(page, kind):
            assert f'id="{anchor}"' in page
    total = sum(len(gap_anchors(page, kind)) for kind in GAP_KINDS)
    assert f"{total} luckor i kedjan" in page


def test_the_follow_up_period_is_the_current_year_within_the_agreements_period(strangnas):
    today = datetime.date(2026, 12, 1)
    Agreement.objects.filter(pk=strangnas.pk).update(
        valid_from=datetime.date(2026, 3, 1), valid_until=datetime.date(2029, 2, 28)
    )
    strangnas.refresh_from_db()
    period = follow_up_period(strangnas, today)
    assert (period.start, period.end) == (datetime.date(2026, 3, 1), datetime.date(2026, 12, 31))
    later = follow_up_period(strangnas, datetime.date(2029, 1, 10))
    assert (later.start, later.end) == (datetime.date(2029, 1, 1), datetime.date(2029, 2, 28))
    ended = follow_up_period(strangnas, datetime.date(2031, 5, 5))
    assert (ended.start, ended.end) == (datetime.date(2029, 1, 1), datetime.date(2029, 2, 28))
    assert follow_up_period(strangnas, datetime.date(2026, 1, 5)) is None  # not begun


def test_an_entry_in_the_period_closes_the_rows_follow_up_gap(client, personas, strangnas):
    row = strangnas.action_plans.get().items.get(status=ItemStatus.DELAYED)
    client.force_login(personas.reader)
    assert f"rad-{row.pk}" in gap_anchors(client.get(chain_url(strangnas)).text, "unlogged")
    # The demo agreement ended 2023-06-01: its period is its last year, until that day.
    FollowUpEntry.objects.create(item=row, occurred_on="2023-05-31", what_was_done="Klart snart")
    assert f"rad-{row.pk}" not in gap_anchors(client.get(chain_url(strangnas)).text, "unlogged")


def grow(agreement, size: int):
    """`size` problems, each with two rows (one per party) that address it, a follow-up
    entry on each row, an indicator with a measurement on each row, and a promise of a
    citizen promise under the agreement that answers it."""
    plan = agreement.action_plans.get()
    parties = list(agreement.parties.all())
    area = FocusArea.objects.filter(agreement=agreement).first()
    promise = Agreement.objects.create(
        reference=f"lofte-{size}",
        title=f"Medborgarlöfte {size}",
        kind=AgreementKind.CITIZEN_PROMISE,
        part_of=agreement,
        status=AgreementStatus.SIGNED,
        first_year=2023,
    )
    for party in parties:
        promise.parties.create(organisation=party.organisation, position=party.position)
    promise_plan = ActionPlan.objects.create(agreement=promise, position=1)
    start = plan.items.count() + 100
    for n, problem in enumerate(problems(agreement, *(f"Problem {n}" for n in range(size)))):
        for m, party in enumerate(parties):
            row = ActionItem.objects.create(
                plan=plan, position=start + 2 * n + m, activity=f"Insats {n}.{m}", focus_area=area
            )
            Responsibility.objects.create(item=row, position=1, organisation=party.organisation)
            row.problem_items.add(problem)
            FollowUpEntry.objects.create(item=row, occurred_on="2023-02-01", what_was_done="Ja")
            indicator = Indicator.objects.create(
                agreement=agreement, item=row, position=start + 2 * n + m, name=f"Mått {n}.{m}"
            )
            Measurement.objects.create(indicator=indicator, measured_on="2023-03-01", value=n)
        promised = ActionItem.objects.create(
            plan=promise_plan, position=n + 1, activity=f"Löfte {n}", is_citizen_promise=True
        )
        promised.problem_items.add(problem)


def test_the_chain_runs_as_many_queries_for_many_problems_and_rows_as_for_few(
    client, personas, demo
):
    client.force_login(personas.reader)
    strangnas = demo["strangnas-2020"]
    grow(strangnas, 1)
    few = count_queries(client, chain_url(strangnas))
    grow(strangnas, 15)
    page = client.get(chain_url(strangnas)).text
    assert "Problem 14" in page and "Löfte 14" in page and "Mått 14.1" in page
    # Session, user, the agreement (with the visibility check) and its parties; the
    # problems, overall goals, focus areas, rows, their responsibilities, their problems,
    # their entries, the indicators with their latest values.
    assert count_queries(client, chain_url(strangnas)) == few == 12


def test_a_plan_row_and_its_follow_up_page_show_its_problems_and_indicators(
    client, personas, strangnas
):
    (problem,) = problems(strangnas, "Inbrott i förråd")
    plan = strangnas.action_plans.get()
    row = plan.items.order_by("position").first()
    row.problem_items.add(problem)
    area = FocusArea.objects.get(agreement=strangnas, position=1)
    ActionItem.objects.filter(pk=row.pk).update(focus_area=area)
    own = Indicator.objects.create(agreement=strangnas, item=row, position=60, name="Antal inbrott")
    of_area = Indicator.objects.get(agreement=strangnas, focus_area=area)
    client.force_login(personas.kommunpolis)
    links = [
        f'{chain_url(strangnas)}#problem-{problem.pk}">Inbrott i förråd</a>',
        f'{reverse("indicator_detail", args=[strangnas.pk, own.pk])}">Antal inbrott</a>',
        f'{reverse("indicator_detail", args=[strangnas.pk, of_area.pk])}">{of_area.name}</a>',
    ]

    plan_page = client.get(reverse("plan_detail", args=[strangnas.pk, plan.pk])).text
    shown = plan_page[plan_page.index(f'id="rad-{row.pk}"') :]
    shown = shown[: shown.index("</tr>")]
    assert all(link in shown for link in links)
    assert "Åtgärdar" in shown and "Mäts av" in shown
    second = plan.items.order_by("position")[1]
    other = plan_page[plan_page.index(f'id="rad-{second.pk}"') :]
    assert "Åtgärdar" not in other[: other.index("</tr>")]  # a row that addresses none

    follow_up = client.get(reverse("entry_create", args=[strangnas.pk, plan.pk, row.pk])).text
    assert all(link in follow_up for link in links)
    assert f"{chain_url(strangnas)}#rad-{row.pk}" in follow_up


# --- Every gap of the demo agreements, worked out here apart from pages/chain.py --------

OPEN = {"not_started", "in_progress", "delayed"}


def expected_gaps(agreement, today) -> dict[str, list[str]]:
    """The demo agreement's gaps as anchors, from the rules in docs/follow-up.md, by plain
    loops over the objects."""
    own_rows = list(ActionItem.objects.filter(plan__agreement=agreement))
    problem_items = list(ProblemItem.objects.filter(area__problem_picture__agreement=agreement))
    under = Agreement.objects.filter(part_of=agreement)
    rows_answering = list(ActionItem.objects.filter(plan__agreement__in=under)) + own_rows
    gaps = {"unaddressed": [], "untied": [], "unmeasured": [], "unlogged": []}
    for problem in problem_items:
        if not any(
            row.status != "cancelled" and problem in row.problem_items.all()
            for row in rows_answering
        ):
            gaps["unaddressed"].append(f"problem-{problem.pk}")
    indicators = list(Indicator.objects.filter(agreement=agreement))
    first, last = agreement.counted_period()
    if agreement.renewal_rule in ("calendar_year", "until_further_notice"):
        last = None
    year = today.year if last is None or last >= today else last.year
    start = max(d for d in (datetime.date(year, 1, 1), first) if d)
    end = min(d for d in (datetime.date(year, 12, 31), last) if d)
    for row in own_rows:
        if row.status == "cancelled":
            continue
        ties = [p for p in row.problem_items.all() if p in problem_items]
        if not ties and row.focus_area_id is None:
            gaps["untied"].append(f"rad-{row.pk}")
        entries = FollowUpEntry.objects.filter(item=row, corrections__isnull=True)
        logged = [e for e in entries if start <= e.occurred_on <= end]
        if row.status in OPEN and not logged and not (first and first > today):
            gaps["unlogged"].append(f"rad-{row.pk}")
    for goal in agreement.overall_goals.all():
        if not [i for i in indicators if i.focus_area_id is None and i.item_id is None]:
            gaps["unmeasured"].append(f"mal-{goal.pk}")
    for area in agreement.focus_areas.all():
        measured = [
            i
            for i in indicators
            if i.focus_area_id == area.pk or (i.item_id and i.item.focus_area_id == area.pk)
        ]
        if area.goals.strip() and not measured:
            gaps["unmeasured"].append(f"fokusomrade-{area.pk}")
    return gaps


def test_the_chain_page_shows_every_gap_of_the_demo_agreements(client, personas, demo):
    client.force_login(personas.admin)
    today = timezone.localdate()
    seen = 0
    for agreement in Agreement.objects.order_by("reference"):
        page = client.get(chain_url(agreement)).text
        expected = expected_gaps(agreement, today)
        for kind, anchors in expected.items():
            assert sorted(gap_anchors(page, kind)) == sorted(anchors), (agreement, kind)
            assert all(f'id="{anchor}"' in page for anchor in anchors)
        total = sum(len(anchors) for anchors in expected.values())
        assert re.search(rf"<h2 id=\"luckor-h\">{total} luck(a|or) i kedjan</h2>", page)
        seen += total
    assert seen > 50  # the demo has gaps of every kind to show
