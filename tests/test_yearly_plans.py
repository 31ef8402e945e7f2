"""A plan renewed each year inside a longer agreement (a yearly action plan or promises under
a four-year agreement): its own renewal rule and year, checked to lie within the
agreement's period, shown on the plan page and in the print, carried by JSON version 2."""

import copy
import datetime

import pytest
from django.urls import reverse
from helpers import remove_follow_up_entries

from actionplans.models import ActionPlan, PlanRenewal
from agreements.models import Agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from printing.documents import living_agreement_html

D = datetime.date


@pytest.fixture
def sollentuna(client, user, demo):
    """Sollentuna's agreement (2023-01-01 – 2026-12-31), its coordinator logged in."""
    client.force_login(user("samordnare.sollentuna"))
    return demo["sollentuna-2023"]


def plan_data(agreement, **changes) -> dict:
    municipality = agreement.parties.get(organisation__name="Sollentuna").organisation_id
    data = {
        "title": "Åtgärdsplan 2025",
        "layout": "goal_activity_when_responsible",
        "municipality": municipality,
        "period_text": "2025",
        "renewal": "yearly",
        "year": "2025",
    }
    return data | changes


def test_a_yearly_plan_is_created_and_shown_as_renewed_each_year(client, sollentuna):
    response = client.post(reverse("plan_create", args=[sollentuna.pk]), plan_data(sollentuna))
    plan = ActionPlan.objects.get(agreement=sollentuna, title="Åtgärdsplan 2025")
    assert response.url == reverse("plan_detail", args=[sollentuna.pk, plan.pk])
    assert (plan.renewal, plan.year) == (PlanRenewal.YEARLY, 2025)
    assert plan.counted_period() == (D(2025, 1, 1), D(2025, 12, 31))
    page = client.get(response.url).text
    assert "Förnyas varje år inom överenskommelsen; den här planen gäller 2025." in page
    # 2025 is over and the agreement still runs (the tests' today is in 2026).
    assert "Planens år är slut" in page
    print_html = living_agreement_html(sollentuna)
    assert "Förnyas varje år inom överenskommelsen; den här planen gäller 2025." in print_html


def test_this_years_plan_is_not_yet_due_for_renewal(sollentuna):
    plan = ActionPlan(agreement=sollentuna, renewal=PlanRenewal.YEARLY, year=2026)
    assert not plan.is_due_for_renewal(D(2026, 6, 1))
    assert plan.is_due_for_renewal(D(2027, 1, 2)) is False  # the agreement has ended by then
    plan.year = 2025
    assert plan.is_due_for_renewal(D(2026, 6, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"year": "2027"},
            "En plan som förnyas varje år ligger inom överenskommelsens period "
            "(2023-01-01 – 2026-12-31).",
        ),
        (
            {"starts_on": "2022-09-01", "ends_on": "2023-08-31"},
            "En plan som förnyas varje år ligger inom överenskommelsens period",
        ),
        (
            {"starts_on": "2024-01-01", "ends_on": "2025-06-30"},
            "En plan som förnyas varje år gäller högst ett år.",
        ),
        ({"renewal": "", "year": "2025"}, "Bara en plan som förnyas varje år har ett år."),
        ({"year": "1066"}, "Kontrollera att detta värde är större än eller lika med 1990."),
    ],
)
def test_a_yearly_plan_outside_its_agreement_is_refused_in_swedish(
    client, sollentuna, changes, message
):
    url = reverse("plan_create", args=[sollentuna.pk])
    response = client.post(url, plan_data(sollentuna, **changes))
    assert response.status_code == 200
    assert message in response.text
    assert not ActionPlan.objects.filter(agreement=sollentuna, title="Åtgärdsplan 2025").exists()


def test_a_school_year_plan_inside_the_agreement_is_accepted(client, sollentuna):
    data = plan_data(sollentuna, year="", starts_on="2024-08-15", ends_on="2025-06-15")
    client.post(reverse("plan_create", args=[sollentuna.pk]), data)
    plan = ActionPlan.objects.get(agreement=sollentuna, title="Åtgärdsplan 2025")
    assert plan.renewal_note == "Förnyas varje år inom överenskommelsen."


def test_a_plan_that_is_not_renewed_says_nothing_of_renewal(client, sollentuna):
    plan = sollentuna.action_plans.order_by("position").first()
    page = client.get(reverse("plan_detail", args=[sollentuna.pk, plan.pk])).text
    assert "Förnyas varje år" not in page and plan.renewal_note == ""


def test_a_yearly_plan_round_trips_in_json_and_is_not_in_version_1(demo):
    agreement = demo["sollentuna-2023"]
    plan = agreement.action_plans.order_by("position").first()
    ActionPlan.objects.filter(pk=plan.pk).update(
        renewal="yearly", year=2024, starts_on=None, ends_on=None
    )
    remove_follow_up_entries()
    first = export_document(agreements_for_export([agreement.pk]))
    exported = first["agreements"][0]["action_plans"][0]
    assert (exported["renewal"], exported["year"]) == ("yearly", 2024)
    as_v1 = copy.deepcopy(first)
    as_v1["format_version"] = 1
    as_v1["agreements"][0]["reference"] = "sollentuna-v1"
    with pytest.raises(DocumentError) as error:
        import_document(as_v1)
    assert any("okänt fält renewal, year" in message for message in error.value.messages)
    Agreement.objects.filter(pk=agreement.pk).delete()
    import_document(copy.deepcopy(first))
    again = Agreement.objects.get(reference="sollentuna-2023")
    assert export_document(agreements_for_export([again.pk])) == first


def test_a_file_with_a_yearly_plan_outside_its_agreement_is_refused_in_swedish(demo):
    document = export_document(agreements_for_export([demo["sollentuna-2023"].pk]))
    data = document["agreements"][0]
    data["reference"] = "sollentuna-ny"
    data["action_plans"][0].update(renewal="yearly", year=2030, starts_on=None, ends_on=None)
    with pytest.raises(DocumentError) as error:
        import_document(document)
    assert error.value.messages == [
        "Överenskommelse 1 (sollentuna-ny): action_plans[0].year: En plan som förnyas varje år "
        "ligger inom överenskommelsens period (2023-01-01 – 2026-12-31)."
    ]
