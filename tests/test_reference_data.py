"""The public reference data: 290 municipalities and the police units, loaded idempotently."""

import pytest

from organisations.models import Organisation, OrganisationKind
from organisations.reference import load_reference_data

pytestmark = pytest.mark.django_db


def test_all_290_municipalities_with_their_codes_and_counties(demo):
    municipalities = Organisation.objects.municipalities()
    assert municipalities.count() == 290
    assert municipalities.get(kommunkod="0114").name == "Upplands Väsby"
    assert municipalities.get(kommunkod="0980").county == "Gotlands län"


def test_police_regions_cover_every_municipality_and_known_areas_their_own(demo):
    regions = Organisation.objects.filter(kind=OrganisationKind.POLICE_REGION)
    assert regions.count() == 7
    assert sum(region.municipalities.count() for region in regions) == 290
    sollentuna = Organisation.objects.get(name="Lokalpolisområde Sollentuna")
    assert sollentuna.parent.name == "Polisregion Stockholm"
    assert sollentuna.parent.parent.name == "Polismyndigheten"
    assert sorted(sollentuna.municipalities.values_list("kommunkod", flat=True)) == [
        "0114",
        "0163",
        "0191",
    ]


def test_loading_again_changes_nothing(demo):
    before = list(Organisation.objects.order_by("pk").values())
    load_reference_data()
    assert list(Organisation.objects.order_by("pk").values()) == before
