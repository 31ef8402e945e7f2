"""The demo's citizen promises (medborgarlöften): one for the current year for each demo
municipality that has a police party, made whenever the demo is loaded, so that the demo
has a promise in force whatever the day. **Invented** (exchange/demo/README.md says so):
no seed holds a medborgarlöfte.

Each is written as an exchange document and imported as the seed files are, signed by two
invented signatories, with a few promises grouped by who promises and one or two citizen
dialogues held the autumn before. Each promise's entries so far this year and its feedback
are in exchange/demo_promise_year.py, dated relative to the day the demo is loaded. Find
them with `demo_citizen_promises()`.
"""

import datetime

from django.utils.text import slugify

from agreements.models import Agreement, AgreementKind, AgreementStatus, Party
from organisations.models import Organisation

from .demo_promise_year import (
    KOMMUNPOLIS,
    MUNICIPALITY,
    POLICE,
    PROMISES,
    SAMORDNARE,
    TOGETHER,
    DemoPromise,
    day_so_far,
    signed_on,
)
from .export import organisation_key
from .importer import import_document

REFERENCE_PREFIX = "medborgarlofte-"

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
    signed = signed_on(year, today).isoformat()
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
                "signed_on": signed,
            },
            {
                "organisation": parties[0]["organisation"],
                "name": "Erik Demosson",
                "title": "Lokalpolisområdeschef",
                "place": name,
                "signed_on": signed,
            },
        ],
        "problem_picture": _dialogues(name, centrum, ort, year),
        "action_plans": [_plan(today, police, municipality, centrum, ort)],
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


def _plan(today, police, municipality, centrum, ort):
    promisers = {
        POLICE: [police],
        MUNICIPALITY: [municipality],
        TOGETHER: [police, municipality],
    }
    name = municipality.organisation.name
    rows = []
    for heading, promises in PROMISES.items():
        for promise in promises:
            row = _promise_row(heading, promise.text.format(centrum=centrum, ort=ort), promise)
            row["responsibilities"] = [
                {"organisation": organisation_key(party.organisation), "role": "promises"}
                for party in promisers[heading]
            ]
            row["follow_up_entries"] = _log(promise, today, name, [police, municipality])
            rows.append(row)
    return {
        # No title of its own: the document's title is the plan's.
        "layout": "promises_by_party",
        "items": rows,
    }


def _promise_row(heading, text, promise: DemoPromise):
    """A promise under its heading ("Polisen lovar att"), printed once per group; who
    promises is also its responsibilities (role promises)."""
    return {
        "group_heading": heading,
        "activity": text,
        "is_citizen_promise": True,
        "status": promise.status,
    }


def _log(promise: DemoPromise, today, name, parties) -> list[dict]:
    """The entries logged on the promise so far this year, each by the demo's kommunpolis
    or samordnare of the municipality (their names as the demo users have them)."""
    centrum, ort = PLACES.get(name, (f"{name} centrum", name))
    authors = {KOMMUNPOLIS: f"Kommunpolis {name}", SAMORDNARE: f"Samordnare {name}"}
    return [
        {
            "occurred_on": day_so_far(today.year, today, logged.share).isoformat(),
            "what_was_done": logged.text.format(centrum=centrum, ort=ort),
            "participants": [organisation_key(party.organisation) for party in parties],
            "status": logged.status,
            "author_name": authors[logged.by],
        }
        for logged in promise.log
    ]


def demo_feedback(promise: Agreement, today: datetime.date) -> list[tuple[str, datetime.date, str]]:
    """(the promise's text, written on, text) of each piece of feedback the demo gives on
    its citizen promise `promise`, in its municipality's words; none on another promise."""
    if not promise.reference.startswith(REFERENCE_PREFIX) or not promise.first_year:
        return []
    name = (
        Party.objects.filter(agreement=promise, organisation__kind="municipality")
        .values_list("organisation__name", flat=True)
        .first()
    )
    centrum, ort = PLACES.get(name, (f"{name} centrum", name))
    return [
        (
            each.text.format(centrum=centrum, ort=ort),
            day_so_far(promise.first_year, today, feedback.share),
            feedback.text.format(centrum=centrum, ort=ort),
        )
        for promises in PROMISES.values()
        for each in promises
        for feedback in each.feedback
    ]
