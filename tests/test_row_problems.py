"""Problem som raden möter: an editor links a row to the prioritised problems it addresses,
on a page of its own reached from the row form; the links are what the chain and the check
before signing read. A stale page is refused, a problem of another agreement is not a
choice, readers get 403 and outsiders 404."""

import pytest
from django.urls import reverse
from helpers import strangnas_draft

from actionplans.models import ActionItem
from agreements.models import ProblemArea, ProblemItem, ProblemPicture
from signing import readiness


@pytest.fixture
def draft(demo):
    agreement = strangnas_draft(demo)
    picture, _ = ProblemPicture.objects.get_or_create(agreement=agreement)
    area = ProblemArea.objects.create(problem_picture=picture, position=90, title="Otrygghet")
    ProblemItem.objects.create(
        area=area, position=1, text="Otrygghet i centrum", probable_causes="Mörker"
    )
    ProblemItem.objects.create(
        area=area, position=2, text="Narkotika i skolan", probable_causes="Tillgång"
    )
    return agreement


def problems_of(agreement):
    return list(
        ProblemItem.objects.filter(area__problem_picture__agreement=agreement).order_by(
            "area__position", "position"
        )
    )


def row_of(agreement):
    return (
        ActionItem.objects.filter(plan__agreement=agreement)
        .order_by("plan__position", "position")
        .first()
    )


def url(row):
    return reverse("row_problems", args=[row.plan.agreement_id, row.plan_id, row.pk])


def test_the_row_form_links_to_the_page(coordinator, draft):
    row = row_of(draft)
    edit = reverse("row_edit", args=[draft.pk, row.plan_id, row.pk])
    assert url(row) in coordinator.get(edit).text


def test_an_editor_links_a_row_to_problems(coordinator, draft):
    row = row_of(draft)
    first, second = problems_of(draft)[-2:]
    page = coordinator.get(url(row))
    assert page.status_code == 200
    assert "Otrygghet i centrum" in page.text and "Narkotika i skolan" in page.text
    before = row.history.count()
    response = coordinator.post(
        url(row), {"version": row.version, "problems": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert {first, second} <= set(row.problem_items.all())
    assert row.history.count() == before + 1
    assert {first.pk, second.pk} <= {
        link.problemitem_id for link in row.history.first().problem_items.all()
    }


def test_linking_clears_the_check_before_signing(coordinator, draft):
    row = row_of(draft)
    problem = problems_of(draft)[-1]
    unaddressed = f"unaddressed:{problem.pk}"
    assert unaddressed in {finding.code for finding in readiness.check_before_signing(draft)}
    linked = [p.pk for p in row.problem_items.all()] + [problem.pk]
    coordinator.post(url(row), {"version": row.version, "problems": linked})
    assert unaddressed not in {finding.code for finding in readiness.check_before_signing(draft)}


def test_a_stale_page_is_refused_and_nothing_is_linked(coordinator, draft):
    row = row_of(draft)
    problem = problems_of(draft)[-1]
    stale = row.version
    ActionItem.objects.filter(pk=row.pk).update(version=stale + 1)  # someone saved meanwhile
    response = coordinator.post(url(row), {"version": stale, "problems": [problem.pk]}, follow=True)
    assert "ändrade raden" in response.text
    assert problem not in row.problem_items.all()


def test_a_problem_of_another_agreement_is_not_a_choice(coordinator, draft, demo):
    row = row_of(draft)
    other = ProblemItem.objects.exclude(area__problem_picture__agreement=draft).first()
    assert other is not None
    response = coordinator.post(url(row), {"version": row.version, "problems": [other.pk]})
    assert response.status_code == 200
    assert "giltigt val" in response.text or "Välj ett giltigt" in response.text
    assert other not in row.problem_items.all()


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, ""])
def test_malformed_values_get_a_message_not_a_500(coordinator, draft, value):
    row = row_of(draft)
    response = coordinator.post(url(row), {"version": value, "problems": [value]})
    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("reader", 403)])
def test_only_editors_link(client, personas, draft, persona, status):
    client.force_login(getattr(personas, persona))
    row = row_of(draft)
    assert client.get(url(row)).status_code == status
    assert client.post(url(row), {"version": row.version, "problems": []}).status_code == status
