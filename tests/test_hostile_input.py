"""Hostile input: markup, a file URL and 100 000 characters in every text field the project
has, shown escaped on every page and printed as plain text in the PDFs; and a value longer
than a form's field allows is refused next to the field, never a 500."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from helpers import pdf_text
from test_access_matrix import PATTERNS, SIGN_IN_URLS, url_kwargs

from actionplans.adoption import adopt
from actionplans.models import Responsibility
from agreements.models import (
    Agreement,
    AgreementStatus,
    FocusArea,
    OverallGoal,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
    StepItem,
    StepTick,
)
from followup.attachments import CheckedFile
from followup.models import (
    ActivityAssessment,
    Attachment,
    EntrySeen,
    FollowUpCadence,
    FollowUpEntry,
    FollowUpReport,
    Indicator,
    Measurement,
    PartyFulfilment,
    PublicFeedback,
)
from organisations.models import Organisation
from organisations.names import name_slug, police_area_slug
from prevention.models import CoordinatingFunction, PreventionPlan, SituationReport
from printing.documents import agreement_pdf, plan_pdf
from signing.models import AgreementEvent, EventKind

MARKUP = '<script>alert("xss")</script><img src=x onerror=alert(1)> url(file:///etc/passwd) '
LONG = MARKUP + "å" * 100_000
PROJECT_APPS = {"organisations", "agreements", "actionplans", "followup", "signing", "printing"}
PROJECT_APPS |= {"prevention"}
# Text no user types: codes from the reference data (checked by database constraints), the
# reference made from the title, and what the system itself writes.
NOT_TYPED = {
    ("Organisation", "kommunkod"),
    ("Organisation", "county_code"),
    ("Agreement", "reference"),
    ("SentReminder", "key"),
    ("AgreementVersion", "pdf_sha256"),
    ("AgreementVersion", "pdf_error"),
    ("AgreementVersion", "signed_scan_sha256"),
    ("PrintJob", "filename"),
    ("PrintJob", "error"),
    ("PrintJob", "content_hash"),
    ("PrintJob", "html"),
    ("PrintJob", "document"),
    ("WorkerHeartbeat", "worker_id"),
    ("WorkerHeartbeat", "hostname"),
    ("Attachment", "content_type"),
    ("Attachment", "sha256"),
    ("Invitation", "token_hash"),
}
# Sign-in settings: every text of these models is typed by administrators in the admin
# (its forms check them: tests/test_sign_in.py, tests/test_sign_in_saml.py) and no page of
# the product shows them besides the admin, which escapes what it shows.
ADMIN_ONLY_MODELS = {"IdentityProvider", "SignInDomain"}
# The address an organisation administrator invites (an e-mail field:
# tests/test_invitations.py).
NOT_TYPED |= {("Invitation", "email")}


def text_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and (model.__name__, f.name) not in NOT_TYPED
        and model.__name__ not in ADMIN_ONLY_MODELS
    ]


def every_text_field():
    return {
        (model.__name__, f.name)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for f in text_fields(model)
    }


def hostile_objects(agreement):
    """One object of every model with typed text, belonging to the agreement."""
    plan = agreement.action_plans.first()
    item = plan.items.order_by("position").first()
    party = agreement.parties.first()
    picture = ProblemPicture.objects.get_or_create(agreement=agreement)[0]
    source = ProblemSource.objects.create(problem_picture=picture, position=99, title="Källa")
    area = ProblemArea.objects.create(problem_picture=picture, position=99, title="Område")
    problem = ProblemItem.objects.create(area=area, position=1, text="Problem")
    focus_area = agreement.focus_areas.first() or FocusArea.objects.create(
        agreement=agreement, position=1, title="Fokus"
    )
    indicator = Indicator.objects.create(agreement=agreement, position=99, name="Mått")
    report = FollowUpReport.objects.create(
        agreement=agreement,
        title="Rapport",
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 12, 31),
    )
    return [
        agreement,
        party,
        party.organisation,
        agreement.sections.first(),
        Signatory.objects.create(agreement=agreement, party=party, position=99, name="Namn"),
        picture,
        source,
        area,
        problem,
        focus_area,
        plan,
        item,
        Responsibility.objects.create(
            item=item, position=99, organisation=party.organisation, description="Ansvar"
        ),
        entry := FollowUpEntry.objects.create(
            item=item, occurred_on=datetime.date(2022, 5, 1), what_was_done="Gjort"
        ),
        indicator,
        Measurement.objects.create(
            indicator=indicator, measured_on=datetime.date(2022, 6, 30), value=3
        ),
        report,
        FollowUpCadence.objects.filter(agreement=agreement).first(),
        AgreementEvent.objects.create(
            agreement=agreement,
            kind=EventKind.EXTENDED,
            happened_on=datetime.date(2022, 1, 1),
            version=1,
        ),
        agreement.overall_goals.first()
        or OverallGoal.objects.create(agreement=agreement, position=1, text="Mål"),
        PublicFeedback.objects.create(
            item=item, written_on=datetime.date(2022, 6, 1), text="Återkoppling"
        ),
        StepTick.objects.create(
            agreement=agreement,
            item=StepItem.CITIZENS_TOLD,  # one the demo leaves unticked
            ticked_on=datetime.date(2022, 6, 1),
            ticked_by_name="Namn",
            evidence="Underlag",
        ),
        PartyFulfilment.objects.create(report=report, party=party, rating="green"),
        ActivityAssessment.objects.create(report=report, item=item, process="done"),
        adopt(
            plan,
            number=plan.adoptions.count() + 1,
            adopted_on=datetime.date(2022, 2, 1),
            body="Styrgruppen",
            reference_number="KS 2022/1",
            user=None,
            focus_areas=agreement.focus_areas.all(),
        ),
        EntrySeen.objects.create(entry=entry, seen_by_name="Namn"),
        Attachment.add(
            CheckedFile("bilaga.pdf", "application/pdf", b"%PDF-1.4"), user=None, entry=entry
        ),
        *law_items(agreement),
    ]


def law_pages(agreement, situation_report):
    """The municipality's page, its lägesbild and its police area's page, by the names
    they have now (filled with hostile text or not)."""
    municipality = Organisation.objects.get(pk=situation_report.municipality_id)
    kommun = name_slug(municipality.name)
    area = Organisation.objects.get(kind="police_area", municipalities=municipality)
    return [
        reverse("municipality_page", args=[kommun]),
        reverse("situation_report_detail", args=[kommun, situation_report.pk]),
        reverse("police_area_page", args=[police_area_slug(area.name)]),
    ]


def law_items(agreement):
    """The law's three items of the agreement's municipality (the demo gives them)."""
    municipality = agreement.parties.get(organisation__kind="municipality").organisation
    return [
        SituationReport.objects.filter(municipality=municipality).first(),
        PreventionPlan.objects.filter(municipality=municipality).first(),
        CoordinatingFunction.objects.get(municipality=municipality),
    ]


def fill(objects, value):
    """Write `value` (cut to each field's length) into every typed text field, below the
    forms, as an attacker who got past them would: the pages must still be safe."""
    filled = set()
    for obj in objects:
        model = type(obj)
        values = {
            f.attname: value[: f.max_length] if f.max_length else value for f in text_fields(model)
        }
        if model is Organisation:
            values["name"] = values["name"][:150] + str(obj.pk)  # names are unique
        model._base_manager.filter(pk=obj.pk).update(**values)
        filled |= {(model.__name__, name) for name in values}
    return filled


def assert_escaped(html: str):
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.fixture
def hostile(demo):
    agreement = demo["strangnas-2020"]
    objects = hostile_objects(agreement)
    return agreement, objects


def test_every_typed_text_field_is_covered(hostile):
    _agreement, objects = hostile
    assert fill(objects, MARKUP) == every_text_field()


def test_pages_show_hostile_text_escaped(client, personas, hostile):
    agreement, objects = hostile
    fill(objects, LONG)
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    client.force_login(personas.admin)
    plan = agreement.action_plans.first()
    item = plan.items.order_by("position").first()
    report = FollowUpReport.objects.get(agreement=agreement, period_start="2022-01-01")
    indicator = objects[14]
    # The row addresses the problem and is measured by the indicator: the plan page, the
    # row's follow-up page and the chain show their hostile texts.
    item.problem_items.add(objects[8])
    Indicator.objects.filter(pk=indicator.pk).update(item=item)
    pages = [
        reverse("overview"),
        reverse("agreement_list"),
        reverse("agreement_detail", args=[agreement.pk]),
        reverse("draft_editor", args=[agreement.pk]),
        reverse("plan_detail", args=[agreement.pk, plan.pk]),
        reverse("follow_up", args=[agreement.pk]),
        reverse("indicator_detail", args=[agreement.pk, indicator.pk]),
        reverse("report_detail", args=[agreement.pk, report.pk]),
        reverse("entry_create", args=[agreement.pk, plan.pk, item.pk]),
        reverse("agreement_history", args=[agreement.pk]),
        reverse("row_history", args=[agreement.pk, item.pk]),
        reverse("validity", args=[agreement.pk]),
        reverse("agreement_chain", args=[agreement.pk]),
        reverse("plan_compare_adopted", args=[agreement.pk, plan.pk]),
        reverse("plan_adopt", args=[agreement.pk, plan.pk]),
        reverse("report_assessment", args=[agreement.pk, report.pk]),
        reverse("my_tasks"),
        *law_pages(agreement, objects[-3]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.text, url
        assert "<img src=x onerror" not in response.text, url
    for url in pages[2:8]:
        assert_escaped(client.get(url).text)
    # The search's hits and snippets (PostgreSQL's headline drops the tags, SQLite's keeps
    # them as text): escaped either way.
    found = client.get(reverse("search"), {"q": "alert"})
    assert found.status_code == 200
    assert "<mark>" in found.text
    assert "<script>alert" not in found.text
    assert "<img src=x onerror" not in found.text


def test_pdfs_print_hostile_text_as_text_and_fetch_nothing(hostile):
    agreement, objects = hostile
    fill(objects, MARKUP)
    agreement.refresh_from_db()
    plan = agreement.action_plans.first()
    for content in (agreement_pdf(agreement), plan_pdf(agreement, plan.pk)):
        text = pdf_text(content)
        assert '<script>alert("xss")</script>' in text  # printed, not run or dropped
        assert "url(file:///etc/passwd)" in text
        assert "root:x:0:0" not in text


def test_a_field_of_100_000_characters_prints(hostile):
    agreement, _objects = hostile
    section = agreement.sections.first()
    Section.objects.filter(pk=section.pk).update(body=LONG)
    text = pdf_text(agreement_pdf(Agreement.objects.get(pk=agreement.pk)))
    assert "å" * 1000 in text.replace("\n", "").replace(" ", "").replace("\u200b", "")


FORM_PAGES = [
    (name, route)
    for name, route in PATTERNS
    if name
    not in {
        "logout",
        "revise",
        "agreement_copy",
        "row_move",
        "part_move",
        "calendar_feed",
        "healthz",
        # Organisations' pages: tests/test_organisations.py refuses over-long values there.
        "my_organisations",
        "members",
        "member_create",
        "member_edit",
        "member_remove",
        # Its address carries a one-time token: tests/test_accounts.py walks it.
        "password_reset_confirm",
        # Invitations: tests/test_invitations.py (an e-mail field; a link's token).
        "invitation_create",
        "invitation_withdraw",
        "invitation",
    }
    # Sign-in through a provider (allauth's addresses): tests/test_sign_in*.py.
    and name not in SIGN_IN_URLS
]


@pytest.mark.parametrize(("name", "route"), FORM_PAGES, ids=[n for n, _ in FORM_PAGES])
def test_every_form_refuses_100_000_characters_next_to_the_field(
    client, personas, demo, name, route
):
    agreement = demo["strangnas-2020"]
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    client.force_login(personas.admin)
    url = reverse(name, kwargs=url_kwargs(route, agreement)) if "<" in route else reverse(name)
    page = client.get(url)
    form = page.context and page.context.get("form") if page.status_code == 200 else None
    if form is None or not hasattr(form, "fields"):
        pytest.skip("no form on this page")
    data = {}
    too_long = []
    for field_name, field in form.fields.items():
        key = form.add_prefix(field_name)
        initial = form.initial.get(field_name, field.initial)
        if hasattr(field, "max_length") or field.widget.input_type in ("text", "textarea"):
            data[key] = "x" * 100_001
            if getattr(field, "max_length", None):
                too_long.append(key)
        elif initial is not None:
            data[key] = initial.pk if hasattr(initial, "pk") else initial
    # The list's filter and the search are GET forms.
    is_get = name in ("agreement_list", "search")
    response = client.get(url, data) if is_get else client.post(url, data)
    assert response.status_code < 500
    if too_long and response.status_code == 200:
        assert "Säkerställ att detta värde har som mest" in response.text


def test_long_runs_get_break_opportunities_but_entities_tags_and_styles_stay_whole():
    from printing.engine import break_long_runs

    html = (
        '<style>p{src:url("' + "c" * 90 + '")}</style>'
        '<p title="' + "t" * 90 + '">' + "&lt;" * 40 + " kort " + "å" * 65 + "</p>"
    )
    broken = break_long_runs(html)
    assert '"' + "c" * 90 + '"' in broken and '"' + "t" * 90 + '"' in broken
    assert "&lt;" * 30 + "\u200b" + "&lt;" * 10 in broken  # an entity is one character
    assert " kort " + "å" * 30 + "\u200b" + "å" * 30 + "\u200b" + "å" * 5 + "</p>" in broken
