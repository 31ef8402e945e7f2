"""Every form that makes something makes it once (samverkan/sent_once.py): a double click,
or Skicka again after the answer was lost, sends the same form twice, and the second send
is answered with what the first made. Each case takes the key from the page as a user gets
it, so a template that leaves the key out fails here too."""

import re
from dataclasses import dataclass

import pytest
from citizen_promises import make_promise
from django.core import mail
from django.urls import reverse
from helpers import at_once, logged_in, row_data, strangnas_draft

from actionplans.models import ActionItem, ActionPlan
from agreements.models import Agreement, Section
from followup.models import FollowUpCadence, FollowUpReport, Indicator, PublicFeedback
from organisations.models import Invitation, Membership
from prevention.models import PreventionPlan, SituationReport
from samverkan.models import SentForm

KEY = re.compile(r'name="submission_key" value="([0-9a-f-]{36})"')
HTMX = {"HX-Request": "true"}


@dataclass
class Case:
    page: str  # where the form is shown
    url: str  # where it is sent
    data: dict
    made: object  # a queryset of what it makes
    username: str = "samordnare.strangnas"


def key_on(client, page) -> str:
    return KEY.search(client.get(page).text)[1]


def row_case(demo):
    plan = demo["strangnas-2020"].action_plans.get()
    url = reverse("row_create", args=[plan.agreement_id, plan.pk])
    data = row_data(ActionItem(plan=plan, version=0), activity="Trygghetsvandring i Mariefred")
    return Case(url, url, data, ActionItem.objects.filter(plan=plan))


def plan_case(demo):
    agreement = demo["strangnas-2020"]
    url = reverse("plan_create", args=[agreement.pk])
    data = {"title": "Handlingsplan 2027", "layout": "activity_parties_communication"}
    return Case(url, url, data, ActionPlan.objects.filter(agreement=agreement))


def section_case(demo):
    draft = strangnas_draft(demo)
    url = reverse("part_create", args=[draft.pk, "avsnitt"])
    data = {"heading": "Skolans roll", "body": "Varje år.", "embed": ""}
    return Case(url, url, data, Section.objects.filter(agreement=draft))


def agreement_case(demo):
    url = reverse("agreement_create")
    organisation = Membership.objects.get(user__username="samordnare.strangnas").organisation
    data = {"title": "Trygg i Strängnäs 2027", "organisation": organisation.pk}
    return Case(url, url, data, Agreement.objects.all())


def copy_case(demo):
    original = demo["strangnas-2020"]
    page = reverse("agreement_detail", args=[original.pk])
    url = reverse("agreement_copy", args=[original.pk])
    return Case(page, url, {}, Agreement.objects.all())


def cadence_case(demo):
    agreement = demo["strangnas-2020"]
    url = reverse("cadence_create", args=[agreement.pk])
    data = {"kind": "checkpoint", "frequency": "quarterly", "first_on": "2023-03-31"}
    return Case(url, url, data, FollowUpCadence.objects.filter(agreement=agreement))


def indicator_case(demo):
    agreement = demo["strangnas-2020"]
    url = reverse("indicator_create", args=[agreement.pk])
    data = {
        "name": "Andel trygga i centrum",
        "focus_area": agreement.focus_areas.first().pk,
        "unit": "procent",
        "direction": "increase",
        "baseline": "61",
        "baseline_on": "2021-12-31",
        "target": "75",
        "target_on": "2023-06-01",
    }
    return Case(url, url, data, Indicator.objects.filter(agreement=agreement))


def report_case(demo):
    agreement = demo["strangnas-2020"]
    url = reverse("report_create", args=[agreement.pk])
    data = {
        "title": "Uppföljning 2022",
        "period_start": "2022-01-01",
        "period_end": "2022-12-31",
        "recipients": "Kommunstyrelsen i Strängnäs, Polisledningen",
    }
    return Case(url, url, data, FollowUpReport.objects.filter(agreement=agreement))


def member_case(demo):
    organisation = Membership.objects.get(user__username="orgadmin.strangnas").organisation
    password = "Trygg-i-Strängnäs-2027!"
    data = {
        "username": "anna.svensson",
        "first_name": "Anna",
        "last_name": "Svensson",
        "email": "anna.svensson@strangnas.se",
        "role": "coordinator",
        "works_with": "",
        "password1": password,
        "password2": password,
    }
    url = reverse("member_create", args=[organisation.pk])
    made = Membership.objects.filter(organisation=organisation)
    return Case(url, url, data, made, username="orgadmin.strangnas")


def invitation_case(demo):
    organisation = Membership.objects.get(user__username="orgadmin.strangnas").organisation
    page = reverse("members", args=[organisation.pk])
    url = reverse("invitation_create", args=[organisation.pk])
    data = {"email": "nina.ny@example.org", "role": "coordinator"}
    made = Invitation.objects.filter(organisation=organisation)
    return Case(page, url, data, made, username="orgadmin.strangnas")


def feedback_case(demo):
    promise = make_promise(demo["strangnas-2020"], "Medborgarlöfte Strängnäs i år")
    row = promise.action_plans.get().items.order_by("position").first()
    url = reverse("citizen_publication", args=[promise.pk])
    data = {"item": row.pk, "written_on": "2026-06-01", "text": "Klotter sanerat."}
    return Case(url, url, data, PublicFeedback.objects.filter(item__plan__agreement=promise))


def situation_report_case(demo):
    url = reverse("situation_report_create", args=["strangnas"])
    data = {
        "title": "Lägesbild 2026",
        "adopted_on": "2026-10-01",
        "adopted_by": "Kommunstyrelsen",
        "crime_mapping": "Brotten i centrum.",
        "other_information": "Skolornas bild.",
        "analysis": "Kvällstid vid stationen.",
    }
    made = SituationReport.objects.filter(municipality__name="Strängnäs")
    return Case(url, url, data, made)


def prevention_plan_case(demo):
    url = reverse("prevention_plan_create", args=["strangnas"])
    data = {
        "title": "Åtgärdsplan 2027",
        "decided_on": "2026-11-01",
        "decided_by": "Kommunfullmäktige",
        "reference_number": "KS 2026/42",
        "next_review_on": "2027-11-01",
        "summary": "Trygghetsvandringar och belysning.",
    }
    made = PreventionPlan.objects.filter(municipality__name="Strängnäs")
    return Case(url, url, data, made)


CASES = [
    row_case,
    plan_case,
    section_case,
    agreement_case,
    copy_case,
    cadence_case,
    indicator_case,
    report_case,
    member_case,
    invitation_case,
    feedback_case,
    situation_report_case,
    prevention_plan_case,
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__.removesuffix("_case"))
def test_a_form_sent_twice_makes_one_thing_and_both_sends_get_the_same_answer(case, demo):
    case = case(demo)
    client = logged_in(case.username)
    before = case.made.count()
    mail.outbox.clear()
    sent = {**case.data, "submission_key": key_on(client, case.page)}
    first, again = client.post(case.url, sent), client.post(case.url, sent)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert case.made.count() == before + 1
    assert len(mail.outbox) <= 1  # an invitation is e-mailed once


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__.removesuffix("_case"))
def test_each_showing_of_a_form_is_a_new_form(case, demo):
    """A form shown anew after the first was sent (Lägg till once more) makes a second
    thing, even with the same words (two rows may say the same)."""
    if case is member_case:
        pytest.skip("a user name is taken once")
    case = case(demo)
    client = logged_in(case.username)
    before = case.made.count()
    for _time in range(2):
        sent = {**case.data, "submission_key": key_on(client, case.page)}
        assert client.post(case.url, sent).status_code == 302
    made = 1 if "inbjudan" in case.url else 2  # an open invitation is renewed, not doubled
    assert case.made.count() == before + made


def test_a_row_form_sent_again_in_place_gets_the_row_and_adds_nothing(demo):
    case = row_case(demo)
    client = logged_in(case.username)
    before = case.made.count()
    sent = {**case.data, "submission_key": key_on(client, case.page)}
    first = client.post(case.url, sent, headers=HTMX)
    again = client.post(case.url, sent, headers=HTMX)
    assert first.status_code == again.status_code == 200
    assert "Trygghetsvandring i Mariefred" in again.text and "<html" not in again.text
    assert case.made.count() == before + 1


@pytest.mark.parametrize("case", [situation_report_case, prevention_plan_case])
def test_a_law_item_sent_again_in_place_gets_its_card_and_adds_nothing(case, demo):
    case = case(demo)
    client = logged_in(case.username)
    before = case.made.count()
    sent = {**case.data, "submission_key": key_on(client, case.page)}
    first = client.post(case.url, sent, headers=HTMX)
    again = client.post(case.url, sent, headers=HTMX)
    assert first.status_code == again.status_code == 200
    assert case.data["title"] in again.text and "<html" not in again.text
    assert case.made.count() == before + 1


def test_the_same_key_with_other_words_is_another_row(demo):
    """A page left open after a save (the browser's back button) and filled in anew."""
    case = row_case(demo)
    client = logged_in(case.username)
    before = case.made.count()
    key = key_on(client, case.page)
    client.post(case.url, {**case.data, "submission_key": key})
    changed = {**case.data, "activity": "Nattvandring", "submission_key": key}
    client.post(case.url, changed)
    client.post(case.url, changed)  # itself sent twice: still one
    activities = case.made.values_list("activity", flat=True)
    assert case.made.count() == before + 2
    assert {"Trygghetsvandring i Mariefred", "Nattvandring"} <= set(activities)


def test_another_users_key_is_another_form(demo):
    case = row_case(demo)
    theirs = logged_in("samordnare.strangnas")
    key = key_on(theirs, case.page)
    theirs.post(case.url, {**case.data, "submission_key": key})
    before = case.made.count()
    mine = logged_in("kommunpolis.strangnas")
    assert mine.post(case.url, {**case.data, "submission_key": key}).status_code == 302
    assert case.made.count() == before + 1


@pytest.mark.parametrize("key", [None, "", "inte-en-nyckel", "0" * 5000])
def test_a_form_without_a_usable_key_saves_each_time(demo, key):
    """A page shown before forms had keys, or a hand-made post: saved as forms always
    were; a hidden field is nothing the user could correct."""
    case = row_case(demo)
    client = logged_in(case.username)
    before = case.made.count()
    sent = case.data if key is None else {**case.data, "submission_key": key}
    assert client.post(case.url, sent).status_code == 302
    assert client.post(case.url, sent).status_code == 302
    assert case.made.count() == before + 2
    assert not SentForm.objects.exists()


def test_a_form_whose_row_was_deleted_since_makes_it_anew(demo):
    case = row_case(demo)
    client = logged_in(case.username)
    sent = {**case.data, "submission_key": key_on(client, case.page)}
    client.post(case.url, sent)
    case.made.get(activity="Trygghetsvandring i Mariefred").delete()
    assert client.post(case.url, sent).status_code == 302
    assert case.made.filter(activity="Trygghetsvandring i Mariefred").count() == 1
    assert SentForm.objects.count() == 1


@pytest.mark.parametrize(
    "case", [row_case, agreement_case, feedback_case], ids=["row", "agreement", "feedback"]
)
def test_one_form_sent_twice_at_once_makes_one_thing(case, demo_loaded_again, transactional_db):
    demo = {agreement.reference: agreement for agreement in Agreement.objects.all()}
    case = case(demo)
    before = case.made.count()
    client = logged_in(case.username)
    sent = {**case.data, "submission_key": key_on(client, case.page)}
    taps = [client, logged_in(case.username)]  # two sends of one form
    answers = at_once(*(lambda tap=tap: tap.post(case.url, sent) for tap in taps))
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert case.made.count() == before + 1
