"""Nästa period on an action plan renewed each year: next year's plan in the same agreement,
the rows not finished carried over and linked, the finished ones left; once only, for
those who may change the plan; refused in Swedish beyond the agreement's period."""

import datetime

import pytest
from django.urls import reverse

from actionplans.models import ActionPlan, ItemStatus, PlanRenewal

HTMX = {"HX-Request": "true"}


@pytest.fixture
def yearly(demo):
    """Sollentuna's agreement (2023–2026): Sigtuna's plan renewed each year, for 2025, a
    row in each status."""
    agreement = demo["sollentuna-2023"]
    plan = agreement.action_plans.get(municipality__name="Sigtuna")
    plan.renewal, plan.year, plan.title = PlanRenewal.YEARLY, 2025, "Åtgärdsplan Sigtuna 2025"
    plan.starts_on = plan.ends_on = None
    plan.period_text = "2025"
    plan.full_clean()
    plan.save()
    for position, status in enumerate(ItemStatus.values, start=1):
        plan.items.create(
            position=position,
            activity=f"Aktivitet {status}",
            status=status,
            due_on=datetime.date(2025, 10, 1),
        )
    return plan


def start_plan(client, plan, **headers):
    url = reverse("plan_next_period", args=[plan.agreement_id, plan.pk])
    return client.post(url, headers=headers)


def test_next_years_plan_carries_the_rows_not_finished(client, user, yearly):
    client.force_login(user("samordnare.sigtuna"))
    response = start_plan(client, yearly)
    new = ActionPlan.objects.get(agreement=yearly.agreement, year=2026)
    assert response.url == reverse("plan_detail", args=[yearly.agreement_id, new.pk])
    assert (new.title, new.municipality, new.renewal) == (
        "Åtgärdsplan Sigtuna 2026",
        yearly.municipality,
        PlanRenewal.YEARLY,
    )
    old_rows = list(yearly.items.order_by("position"))
    unfinished = [row for row in old_rows if row.status not in ("done", "cancelled")]
    carried = list(new.items.order_by("position"))
    assert [row.carried_from for row in carried] == unfinished
    assert {row.carried_from_period for row in carried} == {"2025"}
    assert {row.due_on for row in carried} == {datetime.date(2026, 10, 1)}
    assert {row.status for row in carried} == {ItemStatus.PROPOSED, ItemStatus.NOT_STARTED}
    assert list(yearly.items.order_by("position")) == old_rows
    page = client.get(response.url).text
    assert "Nästa års plan är gjord." in page
    assert page.count("Överförd från 2025") == len(unfinished)


def test_next_years_plan_once_from_a_stale_page(client, user, yearly):
    client.force_login(user("samordnare.sigtuna"))
    assert (
        "Nästa period (2026)"
        in client.get(reverse("plan_detail", args=[yearly.agreement_id, yearly.pk])).text
    )
    start_plan(client, yearly)
    new = ActionPlan.objects.get(agreement=yearly.agreement, year=2026)
    plans = ActionPlan.objects.count()
    client.force_login(user("kommunpolis.sigtuna"))
    again = start_plan(client, yearly, **HTMX)
    assert again["HX-Redirect"] == reverse("plan_detail", args=[yearly.agreement_id, new.pk])
    assert ActionPlan.objects.count() == plans
    assert (
        "Nästa års plan är redan påbörjad: Åtgärdsplan Sigtuna 2026."
        in client.get(again["HX-Redirect"]).text
    )


def test_beyond_the_agreements_period_the_agreement_goes_first(client, user, yearly):
    yearly.year = 2026
    yearly.save()
    client.force_login(user("samordnare.sigtuna"))
    response = start_plan(client, yearly)
    assert response.url == reverse("plan_detail", args=[yearly.agreement_id, yearly.pk])
    assert not ActionPlan.objects.filter(agreement=yearly.agreement, year=2027).exists()
    assert (
        "slutar före 2027: ta överenskommelsen till nästa period" in client.get(response.url).text
    )


def test_a_plan_not_renewed_each_year_goes_with_its_agreement(client, user, demo):
    plan = demo["sollentuna-2023"].action_plans.get(municipality__name="Sigtuna")
    client.force_login(user("samordnare.sigtuna"))
    page = client.get(reverse("plan_detail", args=[plan.agreement_id, plan.pk])).text
    assert "Nästa period (" not in page
    response = start_plan(client, plan)
    assert "Bara en plan som förnyas varje år" in client.get(response.url).text
    assert demo["sollentuna-2023"].action_plans.count() == 3


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("samordnare.timra", 404),
        ("lasare.sigtuna", 403),
        ("samordnare.sollentuna", 403),  # another municipality's plan
    ],
)
def test_only_who_may_change_the_plan_makes_next_years(client, user, yearly, username, status):
    client.force_login(user(username))
    assert start_plan(client, yearly).status_code == status
    assert not ActionPlan.objects.filter(agreement=yearly.agreement, year=2026).exists()


def test_it_is_a_post(coordinator, demo, yearly):
    url = reverse("next_period", args=[demo["strangnas-2020"].pk])
    assert coordinator.get(url).status_code == 405
    url = reverse("plan_next_period", args=[yearly.agreement_id, yearly.pk])
    assert coordinator.get(url).status_code == 405
