"""The demo's work in force on the day it is loaded: for each seed agreement, an agreement
of the current period with plan rows due in the coming weeks and some overdue, follow-up
entries of the last weeks by the kommunpolis and the samordnare, a written report due
soon and values measured for its measurable goals (exchange/demo_measurements.py), all
dated from the day `load_demo` runs. **Invented** (exchange/demo/README.md says so): the
seeds are historic records and stay as they are.

Each current agreement is the next period of the one before it in the seed's row of
periods (exchange/next_period.py: texts renamed, unfinished rows carried over and linked),
signed by invented signatories, for two calendar years from the year of the day it is made.
Loading again changes nothing while the latest period is in force; once it has ended, the
next period is added (dated from that day), so the earlier ones stay as history and none
pile up. Find them with `demo_current_agreements()`.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.models import (
    ActionItem,
    ActionPlan,
    PlanLayout,
    Responsibility,
    ResponsibilityRole,
)
from agreements.models import RUNS_ON, Agreement, CycleStep, OldPeriodTexts, RenewalRule
from agreements.next_period import next_period, period_years, years_label
from followup.models import FollowUpEntry
from organisations.names import name_slug

from .demo_measurements import measure_indicators
from .demo_period_texts import reword_period
from .demo_promises import PLACES
from .next_period import YEARS_IN_TEXT, renamed, start_following, years_of

REFERENCE_PREFIX = "aktuell-"
SIGNED_DAYS_BEFORE = 20  # signed a few weeks before its period begins
LEAD_DAYS = 56  # made early in a year, the period begins the year before (entries fit in)

# When each row of a plan is due, in days from the day the demo is loaded, in turn: some
# overdue, some due within two weeks (Att följa upp's DUE_SOON_DAYS), some later.
DUE_IN_DAYS = (-12, 5, 30, -26, 11, 45, 8, 75)

# Entries of the last weeks: (row of the plan, days ago, who wrote it, text, new status).
ENTRIES = (
    (
        0,
        24,
        "kommunpolis",
        "Planeringsmöte med kommunen: datum, platser och ansvar bestämda.",
        "in_progress",
    ),
    (
        0,
        4,
        "kommunpolis",
        "Första tillfället genomfört tillsammans med kommunen; ett "
        "tjugotal deltog. Fortsätter enligt planen.",
        "in_progress",
    ),
    (
        1,
        17,
        "samordnare",
        "Avstämning i arbetsgruppen; underlaget till lägesbilden är skickat till polisen.",
        "in_progress",
    ),
    (
        2,
        10,
        "kommunpolis",
        "Försenat: lokalen var inte bokad. Nytt datum bestäms på nästa möte i arbetsgruppen.",
        "delayed",
    ),
    (3, 2, "samordnare", "Inbjudan skickad till skolorna och fritidsgårdarna.", "in_progress"),
)

# Plans for the seeds that have none, and for Sollentuna's empty åtgärdsplaner: (goal,
# activity, when, who is responsible: "municipality" or "police"); {centrum} and {ort}
# are the municipality's two places (demo_promises.PLACES).
ROWS = (
    (
        "Ökad trygghet i centrum",
        "Trygghetsvandring i {centrum} med boende och fastighetsägare",
        "Vår och höst",
        "municipality",
    ),
    (
        "Färre unga som rekryteras till kriminalitet",
        "Samverkan kring unga i riskzon (SSPF): gemensamma möten med skola, socialtjänst och polis",
        "Varje månad",
        "municipality",
    ),
    (
        "Säkrare trafik vid skolorna",
        "Hastighetskontroller vid skolorna i {ort}",
        "Vid skolstarten",
        "police",
    ),
    ("Synlig polis", "Öppet möte med kommunpolisen i {ort}", "Varje kvartal", "police"),
    (
        "En gemensam lägesbild",
        "Lägesbilden uppdateras inför styrgruppens möte",
        "Inför varje styrgruppsmöte",
        "municipality",
    ),
)


def demo_current_agreements():
    """The demo's invented agreements of the current period, every period's made so far."""
    return Agreement.objects.filter(reference__startswith=REFERENCE_PREFIX)


def load_demo_current(seed_references: list[str], today: datetime.date) -> list[str]:
    """For each seed agreement, the period in force on `today` where its row of periods has
    none (see the module); the references of those made now."""
    made = []
    for reference in seed_references:
        latest = _latest_period(reference)
        if latest.reference != reference and latest.is_in_force(today):
            continue
        current = _start_current(latest, today, reference)
        if latest.reference == reference:
            # Not linked as the seed's next period: Nästa period can still be tried on the
            # seed. The invented periods after it follow each other.
            Agreement.objects.filter(pk=current.pk).update(follows=None)
        made.append(current.reference)
    return made


def _latest_period(seed_reference: str) -> Agreement:
    """The latest invented period of the seed's row, else the seed."""
    agreement = (
        demo_current_agreements()
        .filter(reference__startswith=_prefix(seed_reference), follows__isnull=True)
        .first()
    )
    if agreement is None:
        return Agreement.objects.get(reference=seed_reference)
    while (later := Agreement.objects.filter(follows=agreement).first()) is not None:
        agreement = later
    return agreement


def _prefix(seed_reference: str) -> str:
    """'strangnas-2020' → 'aktuell-strangnas-': the references of its invented periods."""
    return f"{REFERENCE_PREFIX}{seed_reference.rsplit('-', 1)[0]}-"


def _start_current(latest: Agreement, today: datetime.date, seed: str) -> Agreement:
    first_year = (today - datetime.timedelta(days=LEAD_DAYS)).year
    if latest.reference.startswith(REFERENCE_PREFIX):  # never overlapping the one before
        first_year = max(first_year, latest.counted_period()[1].year + 1)
    years = range(first_year, first_year + 2)
    label = years_label(years.start, years.stop - 1)
    before, named = period_years(latest, today), next_period(latest, today).label

    def current(data):
        _as_current(data, latest, years, label, years_of(before), years_of(named), today)
        # Its words naming the period, as the seed's writers would have put them.
        copied_from = None if latest.reference == seed else years_of(before)
        reword_period(data, seed=seed, before=copied_from, now=years)

    # Only the latest of its row is followed: `already` (one started before) cannot happen.
    agreement = start_following(latest, today, already="%(title)s", change=current)
    # Signed and running: the work of step 4 (start_following begins at step 1). Its
    # writers have read the texts naming earlier years and let the rest stand (figures
    # cited from the years before), as the draft editor asks them to.
    Agreement.objects.filter(pk=agreement.pk).update(cycle_step=CycleStep.IMPLEMENTATION)
    OldPeriodTexts.objects.filter(agreement=agreement).update(dismissed_at=timezone.now())
    _add_invented_rows(agreement, today)
    _log_entries(agreement, today)
    return agreement


def _as_current(data, latest, years, label, before, named, today):
    """The next period's document (exchange format) as the demo's signed current one."""
    start = datetime.date(years.start, 1, 1)
    end = datetime.date(years.stop - 1, 12, 31)
    data.update(
        reference=f"{_prefix(latest.reference.removeprefix(REFERENCE_PREFIX))}{years.start}",
        title=renamed(data["title"], named, label),
        subtitle=renamed(data.get("subtitle") or "", before, label, add=False),
        validity_note=renamed(data.get("validity_note") or "", named, label, add=False)
        if data.get("renewal_rule") not in RUNS_ON
        else "",
        valid_from=None,
        valid_until=None,
        first_year=years.start,
        last_year=years.stop - 1,
        length_years=None,
        status="signed",
        version=1,
        signatories=_signatories(data, min(start - datetime.timedelta(SIGNED_DAYS_BEFORE), today)),
    )
    if data.get("renewal_rule") in RUNS_ON:
        data["renewal_rule"] = RenewalRule.FIXED_END  # a period that ends, as the next follows
    shift = years.start - min(before)
    for cadence in data.get("follow_up_cadences", []):
        _date_cadence(cadence, start, today)
    if not any(c["kind"] == "report" for c in data.get("follow_up_cadences", [])):
        data.setdefault("follow_up_cadences", []).append(
            _date_cadence(
                {
                    "kind": "report",
                    "frequency": "yearly",
                    "description": "Skriftlig uppföljning till styrgruppen en gång om året",
                },
                start,
                today,
            )
        )
    measure_indicators(data, start, today)
    for plan in data.get("action_plans", []):
        plan["title"] = renamed(plan.get("title") or "", named, label, add=False)
        plan["period_text"] = renamed(plan.get("period_text") or "", named, label, add=False)
        plan.update(starts_on=start.isoformat(), ends_on=end.isoformat())
        for number, row in enumerate(plan["items"]):
            row["when_text"] = _years_moved(row.get("when_text") or "", before, shift)
            row.update(starts_on=None, ends_on=None, due_on=_due(number, today, start, end))


def _due(number: int, today, start, end) -> str:
    """The due date of a plan's row `number` (DUE_IN_DAYS), within the period."""
    return min(max(today + datetime.timedelta(DUE_IN_DAYS[number % 8]), start), end).isoformat()


def _signatories(data, signed_on):
    """One invented signatory for each party that signs (not one only taking part)."""
    return [
        {
            "organisation": party["organisation"],
            "name": "Erik Demosson" if _is_police(party["organisation"]) else "Anna Demosson",
            "title": "Lokalpolisområdeschef"
            if _is_police(party["organisation"])
            else "Kommunstyrelsens ordförande",
            "signed_on": signed_on.isoformat(),
        }
        for party in data["parties"]
        if party.get("role") != "participant"
    ]


def _date_cadence(cadence, start, today):
    """A checkpoint keeps its day of the year, from the period's first year; a written
    report is due for the period ending at the end of the month two weeks from today."""
    if cadence["kind"] == "report":
        soon = today + datetime.timedelta(days=14)
        first = (soon.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        cadence["first_on"] = (first - datetime.timedelta(days=1)).isoformat()
    else:
        day = datetime.date.fromisoformat(cadence["first_on"])
        if (day.month, day.day) == (2, 29):
            day = day.replace(day=28)
        cadence["first_on"] = day.replace(year=start.year).isoformat()
    return cadence


def _years_moved(text: str, years: range, shift: int) -> str:
    """'Under höstterminen 2012' in a row carried from 2012–2013 into 2026–2027 reads
    'Under höstterminen 2026': each year of the earlier period moved on as far as the
    period."""

    def moved(match):
        return "–".join(str(int(y) + shift) if int(y) in years else y for y in match.groups() if y)

    return YEARS_IN_TEXT.sub(moved, text)


def _add_invented_rows(agreement: Agreement, today: datetime.date) -> None:
    """A plan for an agreement without one, and rows for its plans without any (ROWS)."""
    start, end = agreement.counted_period()
    organisations = [p.organisation for p in agreement.parties.select_related("organisation")]
    police = next(org for org in organisations if org.is_police)
    first_municipality = next(org for org in organisations if org.is_municipality)
    if not agreement.action_plans.exists():
        ActionPlan.objects.create(
            agreement=agreement,
            position=1,
            title=f"Handlingsplan {agreement.period_as_written()}",
            layout=PlanLayout.GOAL_ACTIVITY_WHEN_RESPONSIBLE,
            starts_on=start,
            ends_on=end,
        )
    # Each row under one of the agreement's focus areas, in turn, as the seeds' rows are.
    areas = list(agreement.focus_areas.order_by("position")) or [None]
    for plan in agreement.action_plans.filter(items__isnull=True).select_related("municipality"):
        municipality = plan.municipality or first_municipality
        centrum, ort = PLACES.get(municipality.name, (f"{municipality.name} centrum",) * 2)
        who = {"municipality": municipality, "police": police}
        for number, (goal, activity, when, responsible) in enumerate(ROWS):
            row = ActionItem.objects.create(
                plan=plan,
                position=number + 1,
                focus_area=areas[number % len(areas)],
                goal=goal,
                activity=activity.format(centrum=centrum, ort=ort),
                when_text=when,
                due_on=_due(number, today, start, end),
            )
            other = "police" if responsible == "municipality" else "municipality"
            Responsibility.objects.bulk_create(
                [
                    Responsibility(
                        item=row,
                        position=1,
                        organisation=who[responsible],
                        role=ResponsibilityRole.RESPONSIBLE,
                    ),
                    Responsibility(
                        item=row,
                        position=2,
                        organisation=who[other],
                        role=ResponsibilityRole.COOPERATES,
                    ),
                ]
            )


def _is_police(organisation_key: dict) -> bool:
    return organisation_key["kind"].startswith("police")


def _log_entries(agreement: Agreement, today: datetime.date) -> None:
    """Entries of the last weeks on each plan's first rows, by the demo kommunpolis and
    samordnare of the plan's municipality (or the agreement's first), never before the
    period began."""
    start = agreement.counted_period()[0]
    parties = list(agreement.parties.select_related("organisation").order_by("position"))
    organisations = [party.organisation for party in parties]
    first_municipality = next(org for org in organisations if org.is_municipality)
    users = get_user_model().objects.in_bulk(field_name="username")
    for plan in agreement.action_plans.select_related("municipality").order_by("position"):
        municipality = plan.municipality or first_municipality
        police = next(org for org in organisations if org.is_police)
        rows = list(ActionItem.objects.filter(plan=plan).order_by("position"))
        for number, days_ago, role, text, status in ENTRIES:
            if number >= len(rows):
                continue
            author = users.get(f"{role}.{name_slug(municipality.name)}")
            entry = FollowUpEntry(
                item=rows[number],
                occurred_on=max(today - datetime.timedelta(days_ago), start),
                what_was_done=text,
                status=status,
                author=author,
                author_name=author.get_full_name() if author else "",
            )
            entry.save()
            entry.participants.set([municipality, police])
