"""A medborgarlöfte as municipalities publish them (invented): a year's promises grouped
under who promises, two dialogues with citizens, how it is followed up, two signatures."""

import copy

STRANGNAS = {"kind": "municipality", "name": "Strängnäs", "kommunkod": "0486"}
POLICE = {
    "kind": "police_area",
    "name": "Lokalpolisområde Eskilstuna",
    "parent": {
        "kind": "police_region",
        "name": "Polisregion Öst",
        "parent": {"kind": "police_authority", "name": "Polismyndigheten"},
    },
}
HOUSING = {"kind": "housing_company", "name": "Strängnäs Bostads AB"}
RESCUE = {"kind": "rescue_service", "name": "Räddningstjänsten Mälardalen"}

TITLE = "Medborgarlöfte för Strängnäs 2026"


def promise(heading, activity, *, when="", helpers=(), promiser=POLICE):
    responsibilities = [{"organisation": promiser, "role": "promises"}] if promiser else []
    responsibilities += [{"organisation": who, "role": "participates"} for who in helpers]
    return {
        "group_heading": heading,
        "activity": activity,
        "when_text": when,
        "is_citizen_promise": True,
        "responsibilities": responsibilities,
    }


POLICE_PROMISE = "Polisen lovar att"
MUNICIPALITY_PROMISE = "Kommunen lovar att"
TOGETHER = "Tillsammans lovar vi att"

PROMISES = [
    promise(
        POLICE_PROMISE,
        "vara synliga i centrala Strängnäs och vid resecentrum fredag och lördag kväll",
        when="Varje helg",
    ),
    promise(
        POLICE_PROMISE, "genomföra minst tolv trafikkontroller vid skolorna", when="Terminsvis"
    ),
    promise(POLICE_PROMISE, "hålla öppet hus med kommunpolisen i Mariefred och Åkers styckebruk"),
    promise(
        MUNICIPALITY_PROMISE,
        "förbättra belysningen i gångtunnlarna vid Eldsundsviken",
        helpers=[HOUSING],
        promiser=STRANGNAS,
    ),
    promise(
        MUNICIPALITY_PROMISE,
        "anställa fältassistenter som rör sig där unga samlas kvällstid",
        promiser=STRANGNAS,
    ),
    promise(
        TOGETHER,
        "genomföra trygghetsvandringar i Finninge och Västerviks centrum",
        when="Vår och höst",
        helpers=[HOUSING, RESCUE],
        promiser=None,
    ),
    promise(
        TOGETHER,
        "berätta på kommunens webbplats och polisen.se vad som kommit ut av löftena",
        when="Varje tertial",
        promiser=None,
    ),
]

FOLLOW_UP = {
    "followed_up_by": "Kommunpolisen och kommunens trygghetssamordnare",
    "how_often": "Varje tertial",
    "reported_to": "Kommunstyrelsen och lokalpolisområdets ledningsgrupp",
    "published": "polisen.se och strangnas.se",
}


def citizen_promise() -> dict:
    return {
        "reference": "medborgarlofte-exempel-strangnas-2026",
        "title": TITLE,
        "kind": "citizen_promise",
        "status": "draft",
        "first_year": 2026,
        "renewal_rule": "fixed_end",
        "parties": [
            {"organisation": STRANGNAS, "name": "Strängnäs kommun", "label": "Kommunen"},
            {"organisation": POLICE, "name": "Polisen i Strängnäs", "label": "Polisen"},
        ],
        "sections": [
            {
                "heading": "Ett tryggare Strängnäs",
                "body": "Kommunen och polisen lovar invånarna i Strängnäs att arbeta med de "
                "frågor som invånarna själva pekat ut som viktigast för tryggheten. Löftena "
                "gäller under 2026 och följs upp varje tertial.\n\n"
                "Medborgarlöftet bygger på samverkansöverenskommelsen mellan kommunen och "
                "polisen och på de dialoger vi haft med invånarna under hösten.",
            }
        ],
        "signatories": [
            {"organisation": STRANGNAS, "name": "Anna Ek", "title": "Kommunstyrelsens ordförande"},
            {"organisation": POLICE, "name": "Bo Lind", "title": "Lokalpolisområdeschef"},
        ],
        "problem_picture": {
            "summary": "Löftena valdes utifrån vad invånarna sa i dialogerna och polisens "
            "och kommunens lägesbilder.",
            "sources": [
                {
                    "kind": "citizen_dialogue",
                    "title": "Trygghetsdialog på torget",
                    "held_on": "2025-09-13",
                    "place": "Stora torget, Strängnäs",
                    "people_reached": 214,
                },
                {
                    "kind": "citizen_dialogue",
                    "title": "Enkät och samtal med gymnasieelever",
                    "held_on": "2025-10-02",
                    "place": "Thomasgymnasiet",
                    "people_reached": 87,
                },
            ],
        },
        "follow_up_arrangement": dict(FOLLOW_UP),
        "action_plans": [
            {"title": "", "layout": "promises_by_party", "items": copy.deepcopy(PROMISES)}
        ],
    }


def document(*agreements) -> dict:
    return {"format_version": 2, "agreements": list(agreements) or [citizen_promise()]}
