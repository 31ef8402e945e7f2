"""No lost update in any form that edits an existing object.

Two editors open the same form; A saves one value, then B saves another over the version
both opened. B is shown the conflict (as an HTMX fragment and as a whole page) and nothing
of A's is lost; B's "Spara min version" then saves knowingly. One case per form: the forms
are listed in docs/editing.md. Rows and sections have their own tests in
test_plan_editing.py and test_draft_editing.py.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from agreements.drafting import AgreementFactsForm
from agreements.models import Agreement, AgreementStatus, ProblemPicture
from exchange.copying import copy_agreement
from followup.models import FollowUpReport, Indicator
from organisations.models import Membership

HTMX = {"HX-Request": "true"}


@dataclass
class Case:
    url: str
    username: str
    instance: object  # the object the form edits
    field: str
    mine: str  # B's value; A saves "A:s text" (or `theirs`)
    fragment: bool = True  # the view answers HTMX with a fragment
    theirs: str = "A:s text"


def report_answers(demo, user):
    report = FollowUpReport.objects.create(
        agreement=demo["strangnas-2020"],
        title="Uppföljning 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    url = reverse("report_detail", args=[report.agreement_id, report.pk])
    return Case(url, "samordnare.strangnas", report, "cooperation", "B:s svar")


def agreement_facts(demo, user):
    draft = copy_agreement(demo["strangnas-2020"])
    url = reverse("draft_facts", args=[draft.pk])
    return Case(url, "samordnare.strangnas", draft, "title", "B:s titel")


def problem_picture(demo, user):
    draft = copy_agreement(demo["timra-2017"])
    url = reverse("draft_picture", args=[draft.pk])
    return Case(url, "samordnare.timra", draft.problem_picture, "summary", "B:s sammanfattning")


def draft_part(kind, field, parts, municipality="timra", original="timra-2017"):
    def case(demo, user):
        draft = copy_agreement(demo[original])
        part = parts(draft).order_by("pk").first()
        url = reverse("part_edit", args=[draft.pk, kind, part.pk])
        return Case(url, f"samordnare.{municipality}", part, field, f"B:s {kind}")

    return case


def plan_facts(demo, user):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    url = reverse("plan_edit", args=[agreement.pk, plan.pk])
    return Case(url, "samordnare.strangnas", plan, "title", "B:s plan")


def measurable_goal(demo, user):
    agreement = demo["strangnas-2020"]
    indicator = Indicator.objects.create(
        agreement=agreement, position=99, name="Antal trygghetsvandringar", unit="st"
    )
    url = reverse("indicator_edit", args=[agreement.pk, indicator.pk])
    return Case(url, "samordnare.strangnas", indicator, "name", "B:s mål", fragment=False)


def membership_role(demo, user):
    reader = Membership.objects.get(user__username="lasare.strangnas")
    url = reverse("member_edit", args=[reader.organisation_id, reader.pk])
    return Case(
        url,
        "orgadmin.strangnas",
        reader,
        "role",
        "organisation_admin",
        fragment=False,
        theirs="coordinator",
    )


CASES = {
    "report answers": report_answers,
    "agreement facts": agreement_facts,
    "problem picture": problem_picture,
    "party": draft_part("part", "label", lambda draft: draft.parties.all()),
    "focus area": draft_part(
        "fokusomrade",
        "title",
        lambda draft: draft.focus_areas.all(),
        municipality="strangnas",
        original="strangnas-2020",
    ),
    "source": draft_part("kalla", "title", lambda draft: draft.problem_picture.sources.all()),
    "problem area": draft_part("omrade", "title", lambda draft: draft.problem_picture.areas.all()),
    "problem": draft_part(
        "problem", "text", lambda draft: draft.problem_picture.areas.first().items.all()
    ),
    "plan facts": plan_facts,
    "measurable goal": measurable_goal,
    "membership": membership_role,
}


def as_posted(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def opened_form(client, url, fragment) -> dict:
    """What the browser posts back for the form as opened: each field's value, and for
    each the value it was opened with (show_hidden_initial)."""
    response = client.get(url, headers=HTMX if fragment else {})
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for bound in form:
        data[bound.html_name] = as_posted(bound.value())
        if bound.field.show_hidden_initial:
            data[bound.html_initial_name] = as_posted(bound.value())
    return data


def stored(case):
    return getattr(type(case.instance).objects.get(pk=case.instance.pk), case.field)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("name", CASES)
def test_the_second_save_over_the_same_version_is_shown_the_conflict(user, demo, name, htmx):
    case = CASES[name](demo, user)
    editor_a, editor_b = Client(), Client()
    editor_a.force_login(user(case.username))
    editor_b.force_login(user(case.username))
    opened_by_a = opened_form(editor_a, case.url, case.fragment)
    opened_by_b = opened_form(editor_b, case.url, case.fragment)

    saved = editor_a.post(case.url, {**opened_by_a, case.field: case.theirs})
    assert saved.status_code in (302, 204) or 'role="status"' in saved.text
    assert stored(case) == case.theirs

    headers = HTMX if htmx else {}
    conflict = editor_b.post(case.url, {**opened_by_b, case.field: case.mine}, headers=headers)
    assert conflict.status_code == 200
    page = conflict.text
    assert "Spara min version" in page and "Behåll den sparade versionen" in page
    assert ("<html" not in page) == (htmx and case.fragment)
    assert page.count('name="version"') == 1  # the stored version, once
    compared = page.split('<table class="compare">')[1].split("</table>")[0]
    if name != "membership":  # a role is shown by its name, not by its value
        assert case.theirs in compared and case.mine in compared
    assert stored(case) == case.theirs  # nothing of A's is lost

    # Spara min version: the form now carries the stored version and saves knowingly.
    form = conflict.context["form"]
    again = editor_b.post(case.url, dict(form.data.items()), headers=headers)
    assert again.status_code in (200, 204, 302)
    assert "Spara min version" not in again.text
    assert stored(case) == case.mine


@pytest.mark.parametrize("name", ["report answers", "agreement facts", "plan facts", "membership"])
def test_keeping_the_saved_version_writes_nothing(user, demo, name):
    case = CASES[name](demo, user)
    editor_a, editor_b = Client(), Client()
    editor_a.force_login(user(case.username))
    editor_b.force_login(user(case.username))
    opened_by_b = opened_form(editor_b, case.url, case.fragment)
    editor_a.post(
        case.url, {**opened_form(editor_a, case.url, case.fragment), case.field: case.theirs}
    )
    conflict = editor_b.post(case.url, {**opened_by_b, case.field: case.mine})
    kept = editor_b.post(case.url, {**dict(conflict.context["form"].data.items()), "cancel": "1"})
    assert kept.status_code in (200, 204, 302)
    assert stored(case) == case.theirs


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_answers_saved_after_the_report_was_made_final_are_shown_not_lost(user, demo, htmx):
    case = report_answers(demo, user)
    editor_a, editor_b = Client(), Client()
    editor_a.force_login(user(case.username))
    editor_b.force_login(user(case.username))
    opened_by_b = opened_form(editor_b, case.url, fragment=True)
    finalise = reverse("report_finalise", args=[case.instance.agreement_id, case.instance.pk])
    editor_a.post(finalise)
    answer = editor_b.post(
        case.url, {**opened_by_b, case.field: case.mine}, headers=HTMX if htmx else {}
    )
    assert answer.status_code == 200
    assert "Rapporten gjordes slutlig efter att du öppnade den" in answer.text
    assert case.mine in answer.text and 'name="cooperation"' not in answer.text
    assert stored(case) == ""


def test_two_editors_who_both_add_the_problem_picture_do_not_overwrite_each_other(personas, demo):
    draft = copy_agreement(demo["strangnas-2020"])
    ProblemPicture.objects.filter(agreement=draft).delete()
    url = reverse("draft_picture", args=[draft.pk])
    editor_a, editor_b = Client(), Client()
    editor_a.force_login(personas.coordinator)
    editor_b.force_login(personas.coordinator)
    opened_by_a = opened_form(editor_a, url, fragment=True)
    opened_by_b = opened_form(editor_b, url, fragment=True)
    editor_a.post(url, {**opened_by_a, "summary": "A:s text"})
    conflict = editor_b.post(url, {**opened_by_b, "summary": "B:s text"}, headers=HTMX).text
    assert "Spara min version" in conflict and "B:s text" in conflict
    assert ProblemPicture.objects.get(agreement=draft).summary == "A:s text"


def test_facts_saved_after_the_draft_was_made_ready_for_signature_are_not_written(
    user, demo, monkeypatch
):
    case = agreement_facts(demo, user)
    editor = Client()
    editor.force_login(user(case.username))
    opened = opened_form(editor, case.url, fragment=True)
    # Made ready between the form's checks and its write (what a second request can do).
    validate = AgreementFactsForm.is_valid

    def made_ready_meanwhile(form):
        valid = validate(form)
        Agreement.objects.filter(pk=case.instance.pk).update(status=AgreementStatus.READY)
        return valid

    monkeypatch.setattr(AgreementFactsForm, "is_valid", made_ready_meanwhile)
    answer = editor.post(case.url, {**opened, "title": "Sent ändrad titel"})
    assert answer.status_code == 403
    assert stored(case) != "Sent ändrad titel"
