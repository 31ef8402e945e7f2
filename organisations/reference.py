"""Public reference data: Sweden's 290 municipalities and the Police Authority's units.

The CSV files in data/ are copies of public sources; data/SOURCES.md says which and how
they were checked. Loading is idempotent: it updates what is there and adds what is not.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Organisation, OrganisationKind

DATA_DIR = Path(__file__).resolve().parent / "data"
POLICE_AUTHORITY = "Polismyndigheten"


@dataclass
class ReferenceCounts:
    municipalities: int
    police_regions: int
    police_areas: int


def _rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def region_name(region: str) -> str:
    return f"Polisregion {region}"


def area_name(area: str) -> str:
    return f"Lokalpolisområde {area}"


@transaction.atomic
def load_reference_data() -> ReferenceCounts:
    municipalities = {}
    for row in _rows("kommuner.csv"):
        municipality, _ = Organisation.objects.update_or_create(
            kommunkod=row["kommunkod"],
            defaults={
                "name": row["kommun"],
                "kind": OrganisationKind.MUNICIPALITY,
                "county_code": row["lanskod"],
                "county": row["lan"],
            },
        )
        municipalities[row["kommunkod"]] = municipality

    authority, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.POLICE_AUTHORITY, name=POLICE_AUTHORITY
    )
    regions, areas = {}, {}
    for row in _rows("polisregioner.csv"):
        region = regions.get(row["polisregion"])
        if region is None:
            region, _ = Organisation.objects.update_or_create(
                kind=OrganisationKind.POLICE_REGION,
                name=region_name(row["polisregion"]),
                defaults={"parent": authority},
            )
            regions[row["polisregion"]] = region
        area = None
        if row["lokalpolisomrade"]:
            area = areas.get(row["lokalpolisomrade"])
            if area is None:
                area, _ = Organisation.objects.update_or_create(
                    kind=OrganisationKind.POLICE_AREA,
                    name=area_name(row["lokalpolisomrade"]),
                    defaults={"parent": region},
                )
                areas[row["lokalpolisomrade"]] = area
        if row["kommunkod"]:
            municipality = municipalities[row["kommunkod"]]
            region.municipalities.add(municipality)
            if area is not None:
                area.municipalities.add(municipality)
    return ReferenceCounts(len(municipalities), len(regions), len(areas))
