"""Adopted plans (Fastställ): who may adopt, numbered versions that a second click or a race
cannot duplicate, what changed since adoption on the plan page, the comparison page, the
print's line and the history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import pdf_text

from actionplans import adoption as adoption_module
from actionplans.adoption import AdoptedMeanwhile, adopt
from actionplans.models import ActionItem, AdoptionFrozenError, PlanAdoption
from exchange.copying import copy_agreement
from printing.agreement_document import document_queryset
from printing.documents import agreement_pdf, plan_html, plan_pdf

TODAY = timezone.localdate


@pytest.fixture
def plan(demo):
    """Härnösand's plan (19 rows) in a copy of its agreement: the demo's own is adopted."""
    return copy_agreement(demo["harnosand-2012"]).action_plans.get()


def url(name, plan, **query):
    address = reverse(name, args=[plan.agreement_id, plan.pk])
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


def form(number, **fields):
    return {
        "adopted_on": "2026-03-14",
        "body": "Styrgruppen för BRÅ",
        "reference_number": "KS 2026/123",
        "number": str(number),
        **fields,
    }


def adopt_by(client, plan, number=1, **fields):
    return client.post(url("plan_adopt", plan), form(number, **fields))


@pytest.fixture
def harnosand(client, user):
    client.force_login(user("samordnare.harnosand"))
    return client


def test_a_coordinator_adopts_the_plan_as_version_1_and_the_page_says_so(harnosand, plan):
    page = harnosand.get(url("plan_detail", plan)).text
    assert "Ej fastställd" in page and ">Fastställ</a>" in page
    form_page = harnosand.get(url("plan_adopt", plan)).text
    assert 'name="number" value="1"' in form_page
    response = adopt_by(harnosand, plan)
    assert response.status_code == 302
    assert response.url == url("plan_detail", plan) + "#faststalld"
    adoption = plan.adoptions.get()
    assert (adoption.number, adoption.adopted_on, adoption.body) == (
        1,
        datetime.date(2026, 3, 14),
        "Styrgruppen för BRÅ",
    )
    assert len(adoption.snapshot["rows"]) == plan.items.count() == 19
    page = harnosand.get(url("plan_detail", plan)).text
    expected = "Fastställd version 1, 2026-03-14, Styrgruppen för BRÅ, dnr KS 2026/123"
    assert expected in page
    assert "Oförändrad sedan fastställelsen." in page and "Fastställ igen" in page
    assert "Jämför med fastställd version" in page


def test_adopting_again_makes_version_2(harnosand, plan):
    adopt_by(harnosand, plan)
    assert 'name="number" value="2"' in harnosand.get(url("plan_adopt", plan)).text
    adopt_by(
        harnosand, plan, 2, body="Kommunstyrelsen", reference_number="", adopted_on="2026-04-01"
    )
    assert list(plan.adoptions.values_list("number", flat=True)) == [1, 2]
    plan.refresh_from_db()
    assert plan.latest_adoption.number == 2
    page = harnosand.get(url("plan_detail", plan)).text
    assert "Fastställd version 2, 2026-04-01, Kommunstyrelsen" in page
    assert "dnr" not in page.split("Fastställd version 2")[1][:40]


def test_posting_twice_or_from_a_stale_page_makes_no_second_version_of_the_same_number(
    harnosand, plan
):
    assert adopt_by(harnosand, plan).status_code == 302
    again = adopt_by(harnosand, plan)  # the same form posted again: still says version 1
    assert again.status_code == 200
    assert "Planen fastställdes under tiden: Fastställd version 1" in again.text
    assert plan.adoptions.count() == 1
    without_number = harnosand.post(url("plan_adopt", plan), form(""))
    assert without_number.status_code == 200 and plan.adoptions.count() == 1


def test_the_unique_number_decides_a_race_the_check_before_it_did_not_see(plan, user, monkeypatch):
    """Two Fastställ read 'no version yet' at the same moment: the database refuses the
    second version 1, and the loser hears who won."""
    PlanAdoption.objects.create(
        plan=plan, number=1, adopted_on=TODAY(), body="Den andra", snapshot={}
    )
    stored = adoption_module.latest_adoption
    reads = []

    def read_before_the_other_insert(plan):
        reads.append(plan)
        return None if len(reads) == 1 else stored(plan)

    monkeypatch.setattr(adoption_module, "latest_adoption", read_before_the_other_insert)
    with pytest.raises(AdoptedMeanwhile) as meanwhile:
        adopt(
            plan,
            number=1,
            adopted_on=TODAY(),
            body="Styrgruppen",
            reference_number="",
            user=user("samordnare.harnosand"),
            focus_areas=plan.agreement.focus_areas.all(),
        )
    assert len(reads) == 2  # the insert was tried, and refused by the constraint
    assert meanwhile.value.latest.body == "Den andra"
    assert plan.adoptions.count() == 1


def test_bad_input_gets_swedish_messages_next_to_the_fields(harnosand, plan):
    response = adopt_by(harnosand, plan, adopted_on="14 mars", body="")
    assert response.status_code == 200
    assert "Fyll i ett giltigt datum." in response.text
    assert "Detta fält måste fyllas i." in response.text
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = adopt_by(harnosand, plan, adopted_on=future)
    assert "En plan kan inte fastställas en dag som ännu inte har kommit." in response.text
    response = adopt_by(harnosand, plan, adopted_on="0001-01-01")
    assert "Ange ett datum mellan 1990-01-01 och 2100-12-31." in response.text
    assert not plan.adoptions.exists()


def test_readers_get_403_and_outsiders_404_while_readers_may_compare(client, user, plan):
    adopt(
        plan,
        number=1,
        adopted_on=TODAY(),
        body="Styrgruppen",
        reference_number="",
        user=None,
        focus_areas=plan.agreement.focus_areas.all(),
    )
    client.force_login(user("lasare.harnosand"))
    assert client.get(url("plan_adopt", plan)).status_code == 403
    assert adopt_by(client, plan, 2).status_code == 403
    assert client.get(url("plan_compare_adopted", plan)).status_code == 200
    page = client.get(url("plan_detail", plan)).text
    assert "Fastställd version 1" in page and "Fastställ igen" not in page
    client.force_login(user("samordnare.strangnas"))
    assert client.get(url("plan_adopt", plan)).status_code == 404
    assert adopt_by(client, plan, 2).status_code == 404
    assert client.get(url("plan_compare_adopted", plan)).status_code == 404
    assert plan.adoptions.count() == 1


def test_an_adoption_never_changes_and_goes_only_with_its_plan(plan):
    adoption = adopt(
        plan,
        number=1,
        adopted_on=TODAY(),
        body="Styrgruppen",
        reference_number="",
        user=None,
        focus_areas=plan.agreement.focus_areas.all(),
    )
    adoption.body = "Någon annan"
    with pytest.raises(AdoptionFrozenError):
        adoption.save()
    with pytest.raises(AdoptionFrozenError):
        adoption.delete()
    with pytest.raises(AdoptionFrozenError):
        PlanAdoption.objects.filter(pk=adoption.pk).update(body="x")
    with pytest.raises(AdoptionFrozenError):
        PlanAdoption.objects.filter(pk=adoption.pk).delete()
    plan.items.all().delete()
    plan.delete()
    assert not PlanAdoption.objects.filter(pk=adoption.pk).exists()


def change_the_plan(plan):
    """One row rewritten, one new row, one removed; returns them."""
    rows = list(plan.items.order_by("position"))
    changed, removed = rows[0], rows[1]
    changed.when_text = "Varje vecka"
    changed.goal = "Ett nytt mål"
    changed.save()
    removed_activity = removed.activity
    removed.delete()
    added = ActionItem.objects.create(
        plan=plan, position=100, activity="En ny aktivitet", focus_area=changed.focus_area
    )
    return changed, added, removed_activity


def test_changes_since_adoption_are_marked_on_the_plan_page(harnosand, plan):
    adopt_by(harnosand, plan)
    changed, added, removed_activity = change_the_plan(plan)
    page = harnosand.get(url("plan_detail", plan)).text
    assert "Ändrad sedan fastställelsen" in page
    assert "1 ändrad rad" in page and "1 ny rad" in page and "1 borttagen rad" in page
    assert removed_activity[:40] in page.split("Rader borttagna sedan fastställelsen")[1]

    def row_html(item):
        return page.split(f'id="rad-{item.pk}"')[1].split("</tr>")[0]

    assert "Ändrad sedan fastställelsen" in row_html(changed)
    assert "Ny sedan fastställelsen" in row_html(added)
    untouched = plan.items.order_by("position")[2]
    assert "sedan fastställelsen" not in row_html(untouched)
    # A row shown again in place (Avbryt by HTMX) comes back with its mark.
    fragment = harnosand.post(
        reverse("row_edit", args=[plan.agreement_id, plan.pk, changed.pk]),
        {"cancel": "1"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in fragment.text and "Ändrad sedan fastställelsen" in fragment.text


def test_a_status_from_follow_up_is_not_a_change_of_the_plan(harnosand, plan):
    adopt_by(harnosand, plan)
    ActionItem.objects.filter(plan=plan).update(status="done")
    page = harnosand.get(url("plan_detail", plan)).text
    assert "Oförändrad sedan fastställelsen." in page


def test_the_comparison_names_the_changed_fields_and_marks_only_them(harnosand, plan):
    adopt_by(harnosand, plan)
    changed, _added, removed_activity = change_the_plan(plan)
    plan.period_text = "2012 – 2014"
    plan.save()
    page = harnosand.get(url("plan_compare_adopted", plan)).text
    assert "Fastställd version 1, 2026-03-14, Styrgruppen för BRÅ, dnr KS 2026/123" in page
    assert "Ändrad: Mål, När (fritext)" in page
    section = page.split("Ändrad: Mål")[1].split("</section>")[0]
    assert "<del" in section and "Varje vecka</ins>" in section and "Ett nytt mål</ins>" in section
    # The activity did not change: shown on both sides, not marked.
    assert f'<span class="keep-lines">{changed.activity[:30]}' in section
    assert section.count("<del") == 2
    assert "Ny sedan fastställelsen" in page and "En ny aktivitet" in page
    assert "Borttagen sedan fastställelsen" in page and removed_activity[:30] in page
    assert "Period (fritext)" in page and "2012 – 2014</ins>" in page


def test_an_earlier_version_is_compared_by_its_number(harnosand, plan):
    adopt_by(harnosand, plan)
    change_the_plan(plan)
    adopt_by(harnosand, plan, 2)
    latest = harnosand.get(url("plan_compare_adopted", plan)).text
    assert "Oförändrad sedan fastställelsen." in latest
    first = harnosand.get(url("plan_compare_adopted", plan, version=1)).text
    assert "1 ändrad rad" in first
    fragment = harnosand.get(
        url("plan_compare_adopted", plan, version=1), headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text and 'id="comparison"' in fragment.text
    assert harnosand.get(url("plan_compare_adopted", plan, version=7)).status_code == 404
    assert harnosand.get(url("plan_compare_adopted", plan, version="x")).status_code == 404


def test_a_plan_never_adopted_says_so_on_the_comparison_page(harnosand, plan):
    page = harnosand.get(url("plan_compare_adopted", plan)).text
    assert "Planen är inte fastställd" in page


def test_an_adoption_is_in_the_history(harnosand, plan):
    adopt_by(harnosand, plan)
    page = harnosand.get(reverse("agreement_history", args=[plan.agreement_id])).text
    assert "Styrgruppen för BRÅ" in page and "KS 2026/123" in page


def test_the_print_says_which_version_the_plan_is(harnosand, plan):
    agreement = plan.agreement
    assert "Ej fastställd" in pdf_text(plan_pdf(agreement, plan.pk))
    adopt_by(harnosand, plan)
    said = "Fastställd version 1, 2026-03-14, Styrgruppen för BRÅ, dnr KS 2026/123"
    assert said in pdf_text(plan_pdf(agreement, plan.pk))
    assert said in pdf_text(agreement_pdf(document_queryset().get(pk=agreement.pk)))
    change_the_plan(plan)
    text = pdf_text(plan_pdf(agreement, plan.pk))
    assert (
        "Ändrad efter fastställd version 1 (2026-03-14, Styrgruppen för BRÅ, dnr KS 2026/123)"
        in text
    )
    assert "Ej fastställd" not in text


def test_a_citizen_promise_not_adopted_prints_no_adoption_line(demo):
    promise = next(a for a in demo.values() if a.is_citizen_promise and a.action_plans.exists())
    plan = promise.action_plans.first()
    assert "fastställd" not in plan_html(promise, plan.pk).lower()


def test_the_demo_has_adopted_plans_one_changed_since(client, user, demo):
    client.force_login(user("samordnare.harnosand"))
    plan = demo["harnosand-2012"].action_plans.get()
    page = client.get(url("plan_detail", plan)).text
    assert "Fastställd version 2, 2012-09-05, Styrgruppen för BRÅ, dnr KS 2012/203" in page
    assert "Ändrad sedan fastställelsen" in page and "1 ändrad rad" in page
    compared = client.get(url("plan_compare_adopted", plan)).text
    assert "Under våren 2012</del>" in compared and "Under 2012</ins>" in compared
    client.force_login(user("samordnare.strangnas"))
    plan = demo["strangnas-2020"].action_plans.get()
    page = client.get(url("plan_detail", plan)).text
    assert "Fastställd version 1, 2020-02-12, Styrgruppen för BRÅ, dnr KS 2020/41" in page
    assert "Oförändrad sedan fastställelsen." in page
