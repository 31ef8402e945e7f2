"""Real agreements vary more than the five seeds; the model takes them as written.

One agreement that holds every variation the foundation issue names, imported and exported
again without loss."""

import json
from io import StringIO

from django.core.management import call_command

from actionplans.models import ActionItem, PlanLayout, ResponsibilityRole
from agreements.models import Agreement, RenewalRule
from exchange.importer import import_document

POLICE = {
    "kind": "police_area",
    "name": "Lokalpolisområde Medelpad",
    "parent": {
        "kind": "police_region",
        "name": "Polisregion Nord",
        "parent": {"kind": "police_authority", "name": "Polismyndigheten"},
    },
}
SUNDSVALL = {"kind": "municipality", "name": "Sundsvall", "kommunkod": "2281"}
TIMRA = {"kind": "municipality", "name": "Timrå", "kommunkod": "2262"}
REGION = {"kind": "region", "name": "Region Västernorrland"}
HOUSING = {"kind": "housing_company", "name": "Mitthem AB"}

VARIATIONS = {
    "format_version": 1,
    "agreements": [
        {
            "reference": "medborgarlofte-medelpad",
            "title": "Medborgarlöfte för Sundsvall och Timrå",
            "status": "active",
            "cycle_step": 5,
            # Open-ended: runs until the next promise replaces it.
            "valid_from": "2024-07-01",
            "valid_until": None,
            "renewal_rule": "until_further_notice",
            "validity_note": "Gäller tills nästa medborgarlöfte har tecknats",
            # Four parties: a region's committee with a municipality, police and a region.
            "parties": [
                {"organisation": SUNDSVALL, "label": "Sundsvall"},
                {"organisation": TIMRA, "label": "Timrå"},
                {"organisation": POLICE, "label": "Polisen"},
                {"organisation": REGION, "role": "participant", "label": "Regionen"},
            ],
            # Several signatories for one party.
            "signatories": [
                {"organisation": SUNDSVALL, "name": "A. Andersson", "title": "KSO"},
                {"organisation": SUNDSVALL, "name": "B. Berg", "title": "Kommundirektör"},
                {"organisation": POLICE, "name": "C. Ceder", "title": "LPO-chef"},
            ],
            "problem_picture": {
                "sources": [
                    {
                        "kind": "citizen_dialogue",
                        "title": "Medborgardialog på torget",
                        "held_on": "2024-03-14",
                        "place": "Stora torget, Sundsvall",
                        "people_reached": 212,
                    },
                    {"kind": "staff_dialogue", "title": "Dialog med fältassistenter"},
                ],
                "areas": [
                    {
                        "title": "Otrygghet",
                        "items": [
                            {
                                "text": "Narkotikahandel vid resecentrum",
                                "probable_causes": "Dålig belysning; få vuxna i rörelse",
                            }
                        ],
                    }
                ],
            },
            "focus_areas": [{"title": "Trygg offentlig miljö", "category": "safety"}],
            "action_plans": [
                {
                    "title": "Medborgarlöfte 2024/2025",
                    "layout": "promises_by_party",
                    # July to June.
                    "period_text": "juli 2024 – juni 2025",
                    "starts_on": "2024-07-01",
                    "ends_on": "2025-06-30",
                    "items": [
                        {
                            # Polisen lovar, with a unit inside the party.
                            "focus_area": 1,
                            "activity": "Mobila poliskontoret står vid resecentrum "
                            "minst 40 tillfällen",
                            "recurrence": "tertial",
                            "is_citizen_promise": True,
                            "nature": "situational",
                            "term": "short",
                            "problem_items": ["1.1"],
                            "responsibilities": [
                                {
                                    "organisation": POLICE,
                                    "unit": "Mobila poliskontoret",
                                    "role": "promises",
                                }
                            ],
                        },
                        {
                            # Tillsammans lovar: two parties jointly.
                            "activity": "Trygghetsvandringar varje termin",
                            "is_citizen_promise": True,
                            "nature": "social",
                            "term": "long",
                            "responsibilities": [
                                {"organisation": SUNDSVALL, "role": "promises"},
                                {"organisation": POLICE, "role": "promises"},
                            ],
                        },
                        {
                            # A helper that is not a party, and one named only as a function.
                            "activity": "Belysning ses över",
                            "responsibilities": [
                                {"organisation": SUNDSVALL, "role": "responsible"},
                                {"organisation": HOUSING, "role": "cooperates"},
                                {"unit": "Föreningen Nattvandrarna", "role": "participates"},
                            ],
                        },
                        # No responsible party at all.
                        {"activity": "Information i sociala medier"},
                    ],
                }
            ],
        }
    ],
}


def test_an_agreement_with_every_variation_is_held_as_written(db):
    (agreement,) = import_document(json.loads(json.dumps(VARIATIONS)))
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.valid_until is None
    assert agreement.renewal_rule == RenewalRule.UNTIL_FURTHER_NOTICE
    assert agreement.parties.count() == 4
    assert agreement.signatories.filter(party__organisation__kommunkod="2281").count() == 2
    plan = agreement.action_plans.get()
    assert plan.layout == PlanLayout.PROMISES_BY_PARTY
    assert (str(plan.starts_on), str(plan.ends_on)) == ("2024-07-01", "2025-06-30")
    mobile, together, lighting, nobody = ActionItem.objects.filter(plan=plan)
    (unit,) = mobile.responsibilities.all()
    assert (unit.unit, unit.role) == ("Mobila poliskontoret", ResponsibilityRole.PROMISES)
    assert "minst 40 tillfällen" in mobile.activity
    assert mobile.recurrence == "tertial" and mobile.is_citizen_promise
    assert mobile.problem_items.get().probable_causes.startswith("Dålig belysning")
    assert together.responsibilities.filter(role="promises").count() == 2
    assert (
        not lighting.responsibilities.filter(organisation__name="Mitthem AB")
        .get()
        .organisation.parties.exists()
    )
    assert lighting.responsibilities.get(organisation=None).unit == "Föreningen Nattvandrarna"
    assert nobody.responsibilities.count() == 0
    dialogue = agreement.problem_picture.sources.get(kind="citizen_dialogue")
    assert (dialogue.place, dialogue.people_reached) == ("Stora torget, Sundsvall", 212)


def test_the_variations_survive_export_and_import(db):
    (agreement,) = import_document(json.loads(json.dumps(VARIATIONS)))
    out = StringIO()
    call_command("export_agreement", str(agreement.pk), stdout=out)
    first = json.loads(out.getvalue())
    agreement.delete()
    (again,) = import_document(first)
    out = StringIO()
    call_command("export_agreement", str(again.pk), stdout=out)
    assert json.loads(out.getvalue()) == first
