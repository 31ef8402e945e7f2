"""The demo's citizen promises (medborgarlöften): one for the current year for each demo
municipality that has a police party, made whenever the demo is loaded, so that the demo
has a promise in force whatever the day. **Invented** (exchange/demo/README.md says so):
no seed holds a medborgarlöfte.

Each is written as an exchange document and imported as the seed files are, signed by two
invented signatories, with a few promises grouped by who promises and one or two citizen
dialogues held the autumn before. Find them with `demo_citizen_promises()`.
"""

import datetime

from django.utils.text import slugify

from agreements.models import Agreement, AgreementKind, AgreementStatus, Party
from organisations.models import Organisation

from .export import organisation_key
from .importer import import_document

REFERENCE_PREFIX = "medborgarlofte-"

# Who promises, in the document's words: the group heading of a plan laid out as promises.
POLICE, MUNICIPALITY, TOGETHER = (
    "Polisen lovar att",
    "Kommunen lovar att",
    "Tillsammans lovar vi att",
)

# Two places in each municipality that its promises and dialogues name.
PLACES = {
    "Härnösand": ("Härnösands centrum", "Älandsbro"),
    "Sandviken": ("Sandvikens centrum", "Järbo"),
    "Sigtuna": ("Märsta centrum", "Sigtuna stad"),
    "Sollentuna": ("Sollentuna centrum", "Häggvik"),
    "Strängnäs": ("Strängnäs centrum", "Mariefred"),
    "Timrå": ("Timrå centrum", "Sörberge"),
    "Upplands Väsby": ("Väsby centrum", "Runby"),
}

# The promises, by who promises; {centrum} and {ort} are the municipality's two places.
PROMISES = {
    POLICE: [
        "vara synliga i {centrum} fredags- och lördagskvällar och prata med dem som är ute",
        "hålla öppet polismöte i {ort} varje månad, där alla kan ställa frågor",
    ],
    MUNICIPALITY: [
        "laga trasig belysning i {centrum} inom en vecka från att den anmälts",
        "ha fältassistenter ute i {ort} på kvällar under skolloven",
    ],
    TOGETHER: [
        "göra en trygghetsvandring i {ort} med boende varje vår och höst",
    ],
}

# The first promise is under way; the others have not started.
FIRST_STATUS, OTHER_STATUS = "in_progress", "not_started"


def demo_citizen_promises():
    """The demo's citizen promises, every year's made so far."""
    return Agreement.objects.filter(
        kind=AgreementKind.CITIZEN_PROMISE, reference__startswith=REFERENCE_PREFIX
    )


def promise_reference(municipality: Organisation, year: int) -> str:
    return f"{REFERENCE_PREFIX}{slugify(municipality.name)}-{year}"


def load_demo_promises(seed_references: list[str], today: datetime.date) -> tuple[list, list]:
    """This year's promise for each municipality of the seed agreements that has a police
    party beside it, where it is missing: (created references, existing references)."""
    created, existing = [], []
    for municipality, police, agreement in _municipalities_with_police(seed_references):
        reference = promise_reference(municipality.organisation, today.year)
        if Agreement.objects.filter(reference=reference).exists():
            existing.append(reference)
            continue
        document = {
            "format_version": 2,
            "agreements": [_promise(reference, municipality, police, agreement, today)],
        }
        created += [promise.reference for promise in import_document(document)]
    return created, existing


def _municipalities_with_police(seed_references):
    """(municipality party, police party, agreement) for each municipality of the seed
    agreements with a police party, each municipality once, by name."""
    parties = (
        Party.objects.filter(agreement__reference__in=seed_references)
        .select_related("organisation__parent__parent__parent", "agreement")
        .order_by("agreement__reference", "position")
    )
    by_agreement = {}
    for party in parties:
        by_agreement.setdefault(party.agreement_id, []).append(party)
    found = {}
    for members in by_agreement.values():
        police = next((party for party in members if party.organisation.is_police), None)
        for party in members:
            if police and party.organisation.is_municipality:
                found.setdefault(party.organisation.name, (party, police, party.agreement))
    return [found[name] for name in sorted(found)]


def _promise(reference, municipality: Party, police: Party, agreement, today) -> dict:
    year = today.year
    name = municipality.organisation.name
    centrum, ort = PLACES.get(name, (f"{name} centrum", name))
    signed_on = min(datetime.date(year, 1, 20), today).isoformat()
    in_force = Agreement.objects.filter(pk=agreement.pk).valid_during(year).exists()
    parties = [
        {
            "organisation": organisation_key(police.organisation),
            "name": "Polisen",
            "role": "party",
            "label": "Polisen",
        },
        {
            "organisation": organisation_key(municipality.organisation),
            "name": municipality.shown_name,
            "role": "party",
            "label": "Kommunen",
        },
    ]
    return {
        "reference": reference,
        "title": f"Medborgarlöfte {name} {year}",
        "kind": AgreementKind.CITIZEN_PROMISE,
        # Under the municipality's agreement while that is in force (Sandviken's runs on,
        # Sollentuna's until 2026); the older seed agreements have ended.
        **({"part_of": agreement.reference} if in_force else {}),
        "status": AgreementStatus.SIGNED,
        "version": 1,
        "cycle_step": 4,
        "renewal_rule": "fixed_end",
        "first_year": year,
        "parties": parties,
        "sections": _sections(municipality.shown_name, year),
        "follow_up_arrangement": {
            "followed_up_by": "Kommunpolisen och kommunens trygghetssamordnare",
            "how_often": "Varje kvartal",
            "reported_to": "Kommunstyrelsen och lokalpolisområdets ledningsgrupp",
            "published": "På kommunens webbplats och under Medborgarlöften på Samverkan",
        },
        "signatories": [
            {
                "organisation": parties[1]["organisation"],
                "name": "Anna Demosson",
                "title": "Kommunstyrelsens ordförande",
                "place": name,
                "signed_on": signed_on,
            },
            {
                "organisation": parties[0]["organisation"],
                "name": "Erik Demosson",
                "title": "Lokalpolisområdeschef",
                "place": name,
                "signed_on": signed_on,
            },
        ],
        "problem_picture": _dialogues(name, centrum, ort, year),
        "action_plans": [_plan(year, police, municipality, centrum, ort)],
    }


def _sections(municipality_name, year):
    intro = (
        f"Polisen och {municipality_name} lovar invånarna att göra det här under {year}. "
        "Löftena bygger på vad invånarna berättade i medborgardialogerna i höstas och på "
        "den gemensamma lägesbilden."
    )
    # The promises right after the introduction; how they were chosen (the dialogues) and
    # how they are followed up are printed after it under the print's own headings.
    return [{"body": intro, "embed": "action_plans"}]


def _dialogues(name, centrum, ort, year):
    autumn = year - 1
    return {
        "title": "Medborgardialoger",
        "summary": "Löftena valdes efter de här medborgardialogerna.",
        "sources": [
            {
                "kind": "citizen_dialogue",
                "title": f"Trygghetsvandring i {ort}",
                "held_on": f"{autumn}-10-05",
                "place": ort,
                "people_reached": 35,
            },
            {
                "kind": "citizen_dialogue",
                "title": f"Medborgardialog på torget i {centrum}",
                "held_on": f"{autumn}-11-12",
                "place": centrum,
                "people_reached": 120,
            },
        ],
    }


def _plan(year, police, municipality, centrum, ort):
    promisers = {
        POLICE: [police],
        MUNICIPALITY: [municipality],
        TOGETHER: [police, municipality],
    }
    rows = []
    for heading, texts in PROMISES.items():
        for text in texts:
            rows.append(
                _promise_row(
                    heading,
                    text.format(centrum=centrum, ort=ort),
                    promisers[heading],
                    first=not rows,
                )
            )
    return {
        # No title of its own: the document's title is the plan's.
        "layout": "promises_by_party",
        "items": rows,
    }


def _promise_row(heading, text, promisers, first):
    """A promise under its heading ("Polisen lovar att"), printed once per group; who
    promises is also its responsibilities (role promises)."""
    return {
        "group_heading": heading,
        "activity": text,
        "is_citizen_promise": True,
        "status": FIRST_STATUS if first else OTHER_STATUS,
        "responsibilities": [
            {"organisation": organisation_key(party.organisation), "role": "promises"}
            for party in promisers
        ],
    }
