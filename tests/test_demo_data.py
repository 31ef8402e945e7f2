"""`load_demo` holds every seed agreement completely, and running it twice changes nothing."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actionplans.models import ActionItem, PlanLayout
from agreements.models import Agreement, RenewalRule
from exchange.demo_current import demo_current_agreements
from exchange.demo_promises import demo_citizen_promises
from exchange.export import agreements_for_export, export_document
from organisations.models import Membership, MembershipRole

SEEDS = Path(__file__).resolve().parent / "seeds"

# What each seed text has, counted by hand from tests/seeds/ (copies of shared/seeds).
# Sections: every heading of the text, plus the unheaded text that opens Timrå and
# Härnösand and the text that goes on after an embedded block (Strängnäs, Sollentuna).
EXPECTED = {
    "timra-2017": {
        "seed": "000_f6fbe1f095a35cfa.txt",
        "headings": [
            "Bakgrund",
            "Syfte",
            "Genomförande – hur har vi identifierat aktuella fokusområden?",
            "Överenskommelse",
            "Uppföljning",
            "Information",
        ],
        "sections": 7,
        "problem_items": 6,  # Otrygghet 1, Polisens organisationsförändring 2, Droger 1, Trafik 2
        "focus_areas": 0,
        "plans": [],
        "signatories": 2,
    },
    "sandviken-2015": {
        "seed": "001_7345417047b7bf7d.txt",
        "headings": [
            "Bakgrund",
            "Syfte",
            "Gemensamt åtagande inom överenskommelsen",
            "Organisation",
            "Avtalstid",
        ],
        "sections": 5,
        "problem_items": 0,
        "focus_areas": 0,
        "plans": [],
        "signatories": 2,
    },
    "strangnas-2020": {
        "seed": "002_3aee49ffd436fc94.txt",
        "headings": [
            "Bakgrund",
            "Trygghetskapande och brottsförebyggande arbetet",
            "Överenskommelse om gemensamt brottsförebyggande och trygghetsskapande arbete",
            "Uppföljning",
            "Kommunikationsstrategi",
            "Tid",
        ],
        "sections": 7,
        "problem_items": 0,
        "focus_areas": 4,  # three brottsförebyggande inriktningar, one trygghetsskapande
        "plans": [10],  # SIG … Kommunikation, trygghet
        "signatories": 2,
    },
    "harnosand-2012": {
        "seed": "003_2346ae36119ab7d4.txt",
        "headings": [
            "Bakgrund",
            "Överenskommelse",
            "Gemensam problembild",
            "Handlingsplan",
            "Tidsplan och översyn",
            "Prioriterade områden för att minska brottsligheten och öka tryggheten",
            "Kontaktinformation",
        ],
        "sections": 8,
        "problem_items": 0,
        "focus_areas": 5,
        "plans": [19],  # 8 + 4 + 2 + 3 + 2 rows in the five areas
        "signatories": 2,
    },
    "sollentuna-2023": {
        "seed": "004_81362cb8f65adcee.txt",
        "headings": [
            "Samverkansöverenskommelse",
            "Övergripande inriktning och målsättning",
            "Insatser",
            "Uppföljning av överenskommelsen",
            "Struktur för samverkan",
            "Giltighetstid",
        ],
        "sections": 7,
        "problem_items": 0,
        "focus_areas": 4,
        "plans": [0, 0, 0],  # one empty åtgärdsplan per municipality
        "signatories": 0,
    },
}

# Words of a seed that live in structured fields rather than text: the month of
# Strängnäs's "20 december 2019" is the signing date, and Härnösand's column headings
# "Aktivitet" and "Ansvarig" are the plan's layout.
WORDS_IN_STRUCTURED_FIELDS = {
    "strangnas-2020": {"december"},
    "harnosand-2012": {"aktivitet", "ansvarig"},
}


def words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[\w¹²³§%&+?]+", text)}


def strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def test_all_five_seed_agreements_are_loaded(demo):
    # Beside them, this year's citizen promises (tests/test_demo_citizen_promises.py) and
    # each seed's invented current period (tests/test_demo_current.py).
    invented = set(demo_citizen_promises().values_list("reference", flat=True))
    invented |= set(demo_current_agreements().values_list("reference", flat=True))
    assert sorted(set(demo) - invented) == sorted(EXPECTED)


@pytest.mark.parametrize("reference", EXPECTED)
def test_demo_agreement_has_what_its_seed_text_has(demo, reference):
    expected = EXPECTED[reference]
    agreement = Agreement.objects.get(reference=reference)
    sections = list(agreement.sections.all())
    assert len(sections) == expected["sections"]
    assert [section.heading for section in sections if section.heading] == expected["headings"]
    problem_items = (
        sum(area.items.count() for area in agreement.problem_picture.areas.all())
        if hasattr(agreement, "problem_picture")
        else 0
    )
    assert problem_items == expected["problem_items"]
    assert agreement.focus_areas.count() == expected["focus_areas"]
    assert [plan.items.count() for plan in agreement.action_plans.all()] == expected["plans"]
    assert agreement.signatories.count() == expected["signatories"]


@pytest.mark.parametrize("reference", EXPECTED)
def test_every_word_of_the_seed_is_in_the_demo_agreement(demo, reference):
    seed_text = (SEEDS / EXPECTED[reference]["seed"]).read_text(encoding="utf-8")
    seed_text = re.sub(r"</?i>", "", seed_text)
    document = export_document(agreements_for_export([demo[reference].pk]))
    held = set().union(*(words(text) for text in strings(document)))
    missing = words(seed_text) - held - WORDS_IN_STRUCTURED_FIELDS.get(reference, set())
    assert not missing


def test_strangnas_rows_give_each_partys_role_in_its_own_column(demo):
    plan = demo["strangnas-2020"].action_plans.get()
    assert plan.layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION
    sig = plan.items.get(position=1)
    assert sig.activity == "SIG Sociala insatsgrupper"
    assert sig.communication == "Polis och kommun"
    kommun, polis = sig.responsibilities.select_related("organisation")
    assert (kommun.organisation.kommunkod, kommun.unit, kommun.role, kommun.description) == (
        "0486",
        "Socialtjänsten",
        "coordinates",
        "Socialtjänsten är samordnande",
    )
    assert (polis.organisation.name, polis.role, polis.description) == (
        "Lokalpolisområde Eskilstuna",
        "participates",
        "Deltagande",
    )
    labels = [party.label for party in demo["strangnas-2020"].parties.all()]
    assert labels == ["Kommun", "Polis"]


def test_harnosand_keeps_when_texts_and_the_row_that_continues_the_goal_above(demo):
    plan = demo["harnosand-2012"].action_plans.get()
    assert plan.layout == PlanLayout.GOAL_ACTIVITY_WHEN_RESPONSIBLE
    items = list(plan.items.select_related("focus_area"))
    assert [item.focus_area.position for item in items] == [1] * 8 + [2] * 4 + [3] * 2 + [4] * 3 + [
        5
    ] * 2
    krog = ActionItem.objects.get(plan=plan, goal="Aktiv krog tillsyn inne och ute")
    assert krog.when_text == "Kontinuerligt varje fredag och lördag"
    assert krog.recurrence == "weekly"
    autumn = ActionItem.objects.get(plan=plan, when_text="Under höstterminen 2012")
    assert autumn.responsible_text == (
        "Kommunen i samverkan med polis, räddningstjänst, socialtjänst och handels"
    )
    helpers = [r.unit for r in autumn.responsibilities.all() if r.organisation_id is None]
    assert helpers == ["Räddningstjänsten", "Handels"]
    last = items[-1]
    assert last.goal == "" and last.continues_goal_above
    assert last.when_text == "Under projektiden"
    assert "² Lagen om vård av missbrukare" in last.focus_area.footnotes


def test_sollentuna_has_four_parties_and_an_empty_plan_per_municipality(demo):
    agreement = demo["sollentuna-2023"]
    assert agreement.parties.count() == 4
    assert agreement.renewal_rule == RenewalRule.EXTENDABLE
    assert agreement.extension_max_years == 4
    plans = list(agreement.action_plans.select_related("municipality"))
    assert [plan.municipality.name for plan in plans] == ["Sollentuna", "Upplands Väsby", "Sigtuna"]


def test_sandviken_renews_per_calendar_year_and_was_signed_in_sandviken(demo):
    agreement = demo["sandviken-2015"]
    assert agreement.renewal_rule == RenewalRule.CALENDAR_YEAR
    assert str(agreement.valid_until) == "2015-12-31"
    assert {(s.place, str(s.signed_on)) for s in agreement.signatories.all()} == {
        ("Sandviken", "2015-01-15")
    }


def test_demo_users_exist_for_every_municipality_with_the_demo_password(demo):
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password("samverkan-demo")
    slugs = ["timra", "sandviken", "strangnas", "harnosand", "sollentuna", "upplands-vasby"]
    slugs.append("sigtuna")
    for slug in slugs:
        for role in ["samordnare", "kommunpolis", "lasare", "orgadmin"]:
            # Hashing is slow by design: the same stored hash means the same password.
            assert users.get(username=f"{role}.{slug}").password == admin.password
    assert users.count() == 1 + 4 * len(slugs)


def test_kommunpolis_is_a_member_of_the_police_unit_working_with_the_municipality(demo):
    membership = Membership.objects.get(user__username="kommunpolis.upplands-vasby")
    assert membership.organisation.name == "Lokalpolisområde Sollentuna"
    assert membership.role == MembershipRole.POLICE_OFFICER
    assert membership.works_with.name == "Upplands Väsby"
    coordinator = Membership.objects.get(user__username="samordnare.strangnas")
    assert (coordinator.organisation.kommunkod, coordinator.role) == ("0486", "coordinator")


def test_load_demo_takes_another_password(demo):
    call_command("load_demo", password="annat-losenord-1", stdout=StringIO())
    assert (
        get_user_model().objects.get(username="samordnare.timra").check_password("annat-losenord-1")
    )


def test_running_load_demo_twice_leaves_the_same_data(demo):
    def snapshot():
        return (
            export_document(agreements_for_export()),
            sorted(get_user_model().objects.values_list("username", flat=True)),
            sorted(Membership.objects.values_list("user__username", "organisation__name", "role")),
        )

    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == before
    assert "strangnas-2020" in out.getvalue()
