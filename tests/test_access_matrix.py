"""Every URL of the project, walked as anonymous, as an outsider, as a reader and as an
editor (coordinator and kommunpolis) of a party; and every URL that changes a plan, walked
in the Sollentuna agreement of three municipalities as each kind of user
(docs/editing.md, "Who may change what"). Over 400 lines in one module because the walk
over every URL and the table of who may do what are one matrix, read in one place."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from helpers import pdf_text
from openpyxl import load_workbook

from actionplans.models import ActionItem, ActionPlan
from agreements.access import editable_agreements, editing_rights
from agreements.models import Agreement, AgreementStatus, Party
from followup.attachments import CheckedFile
from followup.models import Attachment, FollowUpEntry, FollowUpReport, PublicFeedback
from organisations.models import Membership, MembershipRole, Organisation, OrganisationKind
from organisations.names import name_slug, police_area_slug
from prevention.models import PreventionPlan, SituationReport
from printing.documents import agreement_pdf
from printing.models import PrintJob, PrintJobStatus
from signing.lifecycle import printed_snapshot
from signing.models import AgreementVersion

PUBLIC = {"login", "logout", "accessibility", "healthz"}


def project_patterns(patterns=None, prefix=""):
    """(name, route) of every named URL outside Django's own admin and i18n views."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or str(pattern.pattern).startswith("i18n"):
                continue
            yield from project_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, prefix + str(pattern.pattern)


PATTERNS = sorted(project_patterns())

# Pages every member of a party may read; every other page of an agreement changes it.
READ_ONLY = {
    "overview",
    "agreement_list",
    "agreement_detail",
    "plan_detail",
    "plan_compare_adopted",
    "follow_up",
    "indicator_detail",
    "report_detail",
    "report_pdf",
    "agreement_print",
    "plan_print",
    "print_job",
    "print_job_pdf",
    "version_detail",
    "version_pdf",
    "version_scan",
    "compare_versions",
    "plan_xlsx",
    "calendar",
    "agreement_history",
    "row_history",
    "agreement_chain",
    "search",
    "attachment_download",
}
# A page's query string in the walk: the search shows the walked agreement's party.
WALK_QUERIES = {"search": "?q=Eskilstuna"}
# Reached with a signed token instead of a login (tests/test_calendar.py).
TOKEN_URLS = {"calendar_feed"}
# Pages about an organisation rather than an agreement, walked in tests/test_organisations.py.
ORGANISATION_URLS = {"my_organisations", "members", "member_create", "member_edit", "member_remove"}
# Invitations: the members page's and the e-mailed link's, walked in tests/test_invitations.py.
ORGANISATION_URLS |= {"invitation_create", "invitation_withdraw", "invitation"}
# A citizen promise's publishing (its editors) and the public pages without login (anyone),
# walked in tests/test_citizen_pages.py and tests/test_citizen_mail.py.
CITIZEN_URLS = {
    "citizen_publication",
    "citizen_publish",
    "citizen_unpublish",
    "citizen_feedback_publish",
    "citizen_feedback_unpublish",
    "citizen_feedback_delete",
    "citizen_municipalities",
    "citizen_municipality",
    "citizen_feed",
    "citizen_subscribe",
    "citizen_signed_pdf",
    "citizen_confirm",
    "citizen_unsubscribe",
}
# A municipality's page with the law's items and a police area's page: about an
# organisation, seen by its partners too, walked in tests/test_law_items.py.
LAW_URLS = {
    "municipality_page",
    "situation_report_create",
    "situation_report_detail",
    "situation_report_document",
    "situation_report_edit",
    "prevention_plan_create",
    "prevention_plan_edit",
    "coordination_edit",
    "police_area_page",
}
# Mina uppgifter: the user's rows in agreements in force, of no one agreement, walked in
# tests/test_my_tasks.py (anonymous, outsider, reader, kommunpolis).
MY_TASKS_URLS = {"my_tasks"}
# One's own account (password change and reset), walked in tests/test_accounts.py.
ACCOUNT_URLS = {
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Two-factor sign-in, one's own, walked in tests/test_second_factor.py.
SECOND_FACTOR_URLS = {
    name for name, route in PATTERNS if route.startswith(("konto/tvastegs", "konto/kod"))
}
# django-allauth's sign-in pages under konto/sso/ (providers, their errors, the second
# factor): tests/test_sign_in.py checks them.
SIGN_IN_URLS = {name for name, route in PATTERNS if route.startswith("konto/sso/")}
# /favicon.ico: a redirect to the static icon, the same for everyone, logged in or not:
# tests/test_favicon.py checks it.
ICON_URLS = {"favicon"}
# Views that only answer POST; the others are walked with GET.
POST_ONLY = {
    "logout",
    "row_move",
    "agreement_copy",
    "next_citizen_promise",
    "next_period",
    "plan_next_period",
    "draft_old_texts",
    "part_move",
    "revise",
    "undo_ready",
    "version_pdf_retry",
    "step_untick",
    "entry_seen",
}
# Of those, a form that, posted empty, is answered with its errors on the page (400).
POST_FORMS = {"undo_ready"}
EDITORS = ("samordnare.strangnas", "kommunpolis.strangnas")


def page_text(response) -> str:
    if response.status_code == 302:
        return response.url
    if response["Content-Type"].startswith("text/calendar"):
        return response.text.replace("\r\n ", "")  # unfolded lines
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        return xlsx_text(response.content)
    if response["Content-Type"] != "application/pdf":
        return response.text
    return pdf_text(b"".join(response) if response.streaming else response.content)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(BytesIO(content), read_only=True)
    cells = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]
    # The workbook names its plan and agreement in its properties.
    properties = [book.properties.title, book.properties.subject]
    return " ".join(str(value) for value in [*properties, *cells] if value)


def url_kwargs(route, agreement):
    """The route's arguments, each naming an object of the walked agreement."""
    plan = agreement.action_plans.order_by("position").first()
    objects = {
        "pk": lambda: agreement.pk,
        "plan_pk": lambda: plan.pk,
        "item_pk": lambda: plan.items.order_by("position").first().pk,
        "kind": lambda: "avsnitt",  # a part of a draft: its sections
        "part_pk": lambda: agreement.sections.order_by("position").first().pk,
        "cadence_pk": lambda: agreement.cadences.first().pk,
        "indicator_pk": lambda: agreement.indicators.first().pk,
        "number": lambda: walked_version(agreement).number,
        "job_pk": lambda: walked_print_job(agreement).pk,
        # The public pages' municipality, a piece of feedback to citizens on the first row,
        # and a subscription link's token that was never issued.
        "kommun": lambda: name_slug(
            agreement.parties.get(
                organisation__kind=OrganisationKind.MUNICIPALITY
            ).organisation.name
        ),
        "feedback_pk": lambda: (
            PublicFeedback.objects.create(
                item=plan.items.order_by("position").first(),
                written_on=date(2026, 1, 15),
                text="Återkoppling till invånarna.",
            ).pk
        ),
        "token": lambda: "x" * 40,
        # An entry neither walking editor wrote, for Markera som sedd (by both in turn).
        "entry_pk": lambda: (
            FollowUpEntry.objects.create(
                item=plan.items.order_by("position").first(),
                occurred_on=date(2022, 5, 1),
                what_was_done="Möte i BRÅ.",
                status="in_progress",
                author_name="Samverkan",
            ).pk
        ),
        # The law's items of the agreement's municipality and its police area.
        "omrade": lambda: police_area_slug(
            Organisation.objects.get(
                kind=OrganisationKind.POLICE_AREA, municipalities=_municipality(agreement)
            ).name
        ),
        "situation_report_pk": lambda: (
            SituationReport.objects.filter(municipality=_municipality(agreement)).first().pk
        ),
        "prevention_plan_pk": lambda: (
            PreventionPlan.objects.filter(municipality=_municipality(agreement)).first().pk
        ),
        "item": lambda: "staff_dialogues",  # an item of the five steps, left in the demo
        # A PDF attached to an entry of the walked agreement's first row.
        "attachment_pk": lambda: walked_attachment(agreement, plan).pk,
        "report_pk": lambda: (
            FollowUpReport.objects.get_or_create(
                agreement=agreement,
                title="Uppföljning 2022",
                defaults={"period_start": date(2022, 1, 1), "period_end": date(2022, 12, 31)},
            )[0].pk
        ),
    }
    names = re.findall(r"<(?:int|slug|str):(\w+)>", route)
    unknown = set(names) - set(objects)
    assert not unknown, f"teach the walk which object {unknown} names"
    return {name: objects[name]() for name in names}


def _municipality(agreement):
    return agreement.parties.get(organisation__kind=OrganisationKind.MUNICIPALITY).organisation


def walked_version(agreement):
    """Version 1 of the walked agreement, signed, with its PDF and scan."""
    content = agreement_pdf(agreement)
    version = AgreementVersion(
        agreement=agreement,
        number=1,
        snapshot=printed_snapshot(agreement),
        signed_on=date(2020, 1, 1),
        signatures=[],
    )
    version.pdf.save("v1.pdf", ContentFile(content), save=False)
    version.signed_scan.save("v1-underskriven.pdf", ContentFile(content), save=False)
    version.save()
    return version


def walked_attachment(agreement, plan):
    entry = FollowUpEntry.objects.create(
        item=plan.items.order_by("position").first(),
        occurred_on=date(2022, 6, 1),
        what_was_done="Trygghetsvandring.",
        status="in_progress",
    )
    checked = CheckedFile("protokoll.pdf", "application/pdf", agreement_pdf(agreement))
    return Attachment.add(checked, user=None, entry=entry)


def walked_print_job(agreement):
    job = PrintJob(
        agreement=agreement,
        requested_by=agreement.parties.first().organisation.memberships.first().user,
        status=PrintJobStatus.READY,
        filename="utskrift.pdf",
        content_hash="0" * 64,
    )
    job.pdf.save("utskrift.pdf", ContentFile(agreement_pdf(agreement)), save=False)
    job.save()
    return job


def test_the_walk_finds_the_pages():
    assert {
        "overview",
        "agreement_list",
        "agreement_detail",
        "login",
        "accessibility",
        "plan_detail",
        "row_edit",
        "row_create",
        "row_delete",
        "row_move",
        "agreement_create",
        "agreement_copy",
        "draft_editor",
        "part_edit",
    } <= {name for name, _route in PATTERNS}


WALKED = [
    (name, route)
    for name, route in PATTERNS
    if name
    not in TOKEN_URLS
    | ORGANISATION_URLS
    | ACCOUNT_URLS
    | SIGN_IN_URLS
    | SECOND_FACTOR_URLS
    | CITIZEN_URLS
    | LAW_URLS
    | MY_TASKS_URLS
    | ICON_URLS
]


@pytest.mark.parametrize(("name", "route"), WALKED, ids=[name for name, _ in WALKED])
def test_every_url_as_anonymous_outsider_reader_and_editor(
    client, user, personas, demo, name, route
):
    agreement = demo["strangnas-2020"]
    # A draft, so that every page that changes an agreement is open to its editors.
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    url = reverse(name, kwargs=url_kwargs(route, agreement)) + WALK_QUERIES.get(name, "")
    visit = client.post if name in POST_ONLY else client.get
    if name == "logout":
        assert visit(url).status_code == 302
        return

    anonymous = visit(url)
    if name in PUBLIC:
        assert anonymous.status_code == 200
    else:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login"))

    client.force_login(personas.outsider)
    outsider = visit(url)
    if "<int:pk>" in route:
        assert outsider.status_code == 404
    else:
        assert outsider.status_code == 200
        assert agreement.title not in outsider.text

    client.force_login(personas.reader)
    reader = visit(url)
    if name in READ_ONLY or name in PUBLIC:
        assert reader.status_code == 200
        if name not in PUBLIC:
            assert agreement.title in page_text(reader)
    else:
        assert reader.status_code == 403

    for editor in EDITORS:
        client.force_login(user(editor))
        response = visit(url)
        expected = (400 if name in POST_FORMS else 302) if name in POST_ONLY else 200
        assert response.status_code == expected, editor
        if expected != 302 and name not in PUBLIC:
            assert agreement.title in page_text(response), editor


def test_administrators_see_and_change_every_agreement(client, personas, demo):
    admin = personas.admin
    assert admin.is_superuser
    client.force_login(admin)
    for agreement in demo.values():
        assert client.get(agreement.get_absolute_url()).status_code == 200
        for plan in agreement.action_plans.all():
            first = plan.items.order_by("position").first()
            if first:
                url = reverse("row_edit", args=[agreement.pk, plan.pk, first.pk])
                assert client.get(url).status_code == 200


def test_readers_see_no_editing_controls(client, personas, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(personas.reader)
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    assert "Redigera" not in page and "Lägg till rad" not in page
    client.force_login(personas.coordinator)
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    assert "Redigera" in page and "Lägg till rad" in page


# --- Who may change which plan in an agreement of several municipalities (docs/editing.md)

# Every URL that changes one plan: those under a plan that are not read-only, so a changing
# URL added later is walked here too.
PLAN_CHANGING = sorted(
    name for name, route in PATTERNS if "<int:plan_pk>" in route and name not in READ_ONLY
)


@pytest.fixture
def sollentuna(demo):
    """The Sollentuna agreement (Sollentuna, Upplands Väsby, Sigtuna and their police area,
    one plan per municipality), with a row in each plan and a plan shared by all."""
    agreement = demo["sollentuna-2023"]
    plans = {plan.municipality.name: plan for plan in agreement.action_plans.all()}
    for plan in plans.values():
        ActionItem.objects.create(plan=plan, position=1, activity=f"Trygghetsvandring {plan}")
    plans["shared"] = ActionPlan.objects.create(
        agreement=agreement, position=99, title="Gemensam plan för hela området"
    )
    ActionItem.objects.create(plan=plans["shared"], position=1, activity="Gemensam aktivitet")
    return agreement, plans


def plan_urls(agreement, plan):
    """Every changing URL of the plan, by name."""
    item = plan.items.get()
    kwargs = {"pk": agreement.pk, "plan_pk": plan.pk, "item_pk": item.pk}
    return {
        name: reverse(name, kwargs={k: v for k, v in kwargs.items() if f"<int:{k}>" in route})
        for name, route in PATTERNS
        if name in PLAN_CHANGING
    }


def visit(client, name, url):
    return client.post(url) if name in POST_ONLY else client.get(url)


def test_the_plan_walk_finds_every_changing_url():
    assert {
        "plan_edit",
        "plan_delete",
        "plan_upload",
        "plan_adopt",
        "row_create",
        "row_edit",
        "row_delete",
        "row_move",
        "entry_create",
    } <= set(PLAN_CHANGING)


@pytest.mark.parametrize("editor", ["samordnare.sigtuna", "kommunpolis.sigtuna"])
def test_a_municipality_changes_its_own_plan_and_not_anothers(client, user, sollentuna, editor):
    agreement, plans = sollentuna
    client.force_login(user(editor))
    for name, url in plan_urls(agreement, plans["Upplands Väsby"]).items():
        assert visit(client, name, url).status_code == 403, name
    for plan in (plans["Sigtuna"], plans["shared"]):
        for name, url in plan_urls(agreement, plan).items():
            assert visit(client, name, url).status_code == (302 if name in POST_ONLY else 200), (
                name,
                plan,
            )
    # Every plan of the agreement is read, and its shared parts are changed.
    for plan in plans.values():
        assert client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).status_code == 200
    assert client.get(reverse("report_create", args=[agreement.pk])).status_code == 200


def test_a_sigtuna_coordinator_cannot_rename_upplands_vasbys_plan(client, user, sollentuna):
    agreement, plans = sollentuna
    vasby, sigtuna = plans["Upplands Väsby"], plans["Sigtuna"]
    client.force_login(user("samordnare.sigtuna"))
    data = {
        "title": "Omdöpt",
        "layout": vasby.layout,
        "municipality": vasby.municipality_id,
        "version": vasby.version,
    }
    assert client.post(reverse("plan_edit", args=[agreement.pk, vasby.pk]), data).status_code == 403
    vasby.refresh_from_db()
    assert vasby.title == "Åtgärdsplan för Upplands Väsby kommun"
    # Nor make their own plan Upplands Väsby's, nor add a plan in Upplands Väsby's name.
    url = reverse("plan_edit", args=[agreement.pk, sigtuna.pk])
    response = client.post(url, {**data, "title": "Sigtunas plan"})
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    sigtuna.refresh_from_db()
    assert (sigtuna.title, sigtuna.municipality.name) == (
        "Åtgärdsplan för Sigtuna kommun",
        "Sigtuna",
    )
    choices = client.get(reverse("plan_create", args=[agreement.pk])).context["form"]
    assert [str(m) for m in choices.fields["municipality"].queryset] == ["Sigtuna"]
    response = client.post(
        url,
        {
            **data,
            "title": "Sigtunas plan",
            "municipality": sigtuna.municipality_id,
            "version": sigtuna.version,
        },
    )
    assert response.status_code == 302
    sigtuna.refresh_from_db()
    assert sigtuna.title == "Sigtunas plan"


def test_a_kommunpolis_for_the_whole_unit_and_an_administrator_change_every_plan(
    client, user, personas, sollentuna
):
    agreement, plans = sollentuna
    officer = get_user_model().objects.create(username="kommunpolis.hela-omradet")
    police = agreement.parties.get(organisation__kind="police_area").organisation
    Membership.objects.create(user=officer, organisation=police, role=MembershipRole.POLICE_OFFICER)
    for who in (officer, personas.admin):
        client.force_login(who)
        for plan in plans.values():
            url = reverse("row_edit", args=[agreement.pk, plan.pk, plan.items.get().pk])
            assert client.get(url).status_code == 200, (who, plan)


def test_another_partys_coordinator_changes_the_shared_parts_only(client, user, sollentuna):
    """A räddningstjänst that is party: its coordinator changes the agreement's shared
    parts and shared plans, and reads the municipalities' plans."""
    agreement, plans = sollentuna
    rescue = Organisation.objects.create(
        name="Storstockholms brandförsvar", kind=OrganisationKind.RESCUE_SERVICE
    )
    Party.objects.create(agreement=agreement, organisation=rescue, position=99)
    coordinator = get_user_model().objects.create(username="samordnare.brandforsvar")
    Membership.objects.create(
        user=coordinator, organisation=rescue, role=MembershipRole.COORDINATOR
    )
    client.force_login(coordinator)
    for name, url in plan_urls(agreement, plans["shared"]).items():
        assert visit(client, name, url).status_code == (302 if name in POST_ONLY else 200), name
    for municipality in ("Sollentuna", "Sigtuna", "Upplands Väsby"):
        for name, url in plan_urls(agreement, plans[municipality]).items():
            assert visit(client, name, url).status_code == 403, (name, municipality)
    assert client.get(reverse("report_create", args=[agreement.pk])).status_code == 200


def test_a_kommunpolis_of_a_party_working_elsewhere_only_reads(client, user, sollentuna):
    agreement, plans = sollentuna
    Membership.objects.filter(user__username="kommunpolis.sigtuna").update(
        works_with=Organisation.objects.get(name="Strängnäs")
    )
    client.force_login(user("kommunpolis.sigtuna"))
    for plan in plans.values():
        assert client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).status_code == 200
        for name, url in plan_urls(agreement, plan).items():
            assert visit(client, name, url).status_code == 403, (name, plan)
    assert client.get(reverse("report_create", args=[agreement.pk])).status_code == 403


@pytest.mark.parametrize("username", ["samordnare.timra", "lasare.sigtuna"])
def test_outsiders_and_readers_change_no_plan(client, user, sollentuna, username):
    agreement, plans = sollentuna
    client.force_login(user(username))
    expected = 404 if username == "samordnare.timra" else 403
    for plan in plans.values():
        for name, url in plan_urls(agreement, plan).items():
            assert visit(client, name, url).status_code == expected, (name, plan)


def test_the_plan_page_offers_changes_only_to_who_may_make_them(client, user, sollentuna):
    agreement, plans = sollentuna
    client.force_login(user("samordnare.sigtuna"))
    controls = ("Redigera", "Lägg till rad", "Ladda upp från Excel", "Logga uppföljning")
    vasby = client.get(reverse("plan_detail", args=[agreement.pk, plans["Upplands Väsby"].pk]))
    assert "Trygghetsvandring" in vasby.text
    assert not [control for control in controls if control in vasby.text]
    own = client.get(reverse("plan_detail", args=[agreement.pk, plans["Sigtuna"].pk])).text
    assert all(control in own for control in controls)


def test_the_to_do_list_offers_logging_only_on_plans_the_user_may_change(client, user, sollentuna):
    agreement, plans = sollentuna
    # In force today whatever the day the test runs, with every row overdue.
    today = timezone.localdate()
    Agreement.objects.filter(pk=agreement.pk).update(valid_until=today + timedelta(days=365))
    ActionItem.objects.filter(plan__agreement=agreement).update(due_on=today - timedelta(days=7))
    rows = {name: plan.items.get() for name, plan in plans.items()}
    client.force_login(user("kommunpolis.sigtuna"))
    for url in (reverse("overview"), reverse("follow_up", args=[agreement.pk])):
        page = client.get(url).text
        for name, row in rows.items():
            log = reverse("entry_create", args=[agreement.pk, row.plan_id, row.pk])
            assert (log in page) == (name in ("Sigtuna", "shared")), (url, name)
        vasby = rows["Upplands Väsby"]
        assert (
            reverse("plan_detail", args=[agreement.pk, vasby.plan_id]) + f"#rad-{vasby.pk}" in page
        )


@pytest.mark.parametrize(
    "username",
    [
        "samordnare.sigtuna",
        "kommunpolis.sigtuna",
        "kommunpolis.strangnas",
        "lasare.sollentuna",
        "orgadmin.sigtuna",
        "admin",
    ],
)
def test_the_queryset_of_editable_agreements_follows_the_same_rule(user, demo, username):
    """`editable_agreements` (a queryset, for lists) and `editing_rights` (per agreement)
    say the same, also for a kommunpolis moved to a municipality that is no party."""
    who = user(username)
    for works_with in (None, "Strängnäs", "Sigtuna"):
        if username.startswith("kommunpolis"):
            Membership.objects.filter(user=who).update(
                works_with=works_with and Organisation.objects.get(name=works_with)
            )
        expected = {a.pk for a in demo.values() if editing_rights(who, a).shared}
        assert set(editable_agreements(who).values_list("pk", flat=True)) == expected


def test_a_municipality_with_its_own_plan_stays_a_party_of_the_draft(client, user, sollentuna):
    """Removing Upplands Väsby from the draft (or replacing it by another organisation)
    would take its plan from its own editors: refused, with the reason."""
    agreement, plans = sollentuna
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    vasby = agreement.parties.get(organisation__name="Upplands Väsby")
    client.force_login(user("samordnare.sigtuna"))
    delete = reverse("part_delete", args=[agreement.pk, "part", vasby.pk])
    response = client.post(delete, follow=True)
    assert "Åtgärdsplan för Upplands Väsby kommun" in response.text
    assert agreement.parties.filter(pk=vasby.pk).exists()
    edit = reverse("part_edit", args=[agreement.pk, "part", vasby.pk])
    timra = Organisation.objects.get(name="Timrå")
    response = client.post(edit, {"organisation": timra.pk, "role": vasby.role, "label": ""})
    assert "organisation" in response.context["form"].errors
    vasby.refresh_from_db()
    assert vasby.organisation.name == "Upplands Väsby"
    # Once its plan is shared, the party may go.
    ActionPlan.objects.filter(pk=plans["Upplands Väsby"].pk).update(municipality=None)
    assert client.post(delete).status_code == 302
    assert not agreement.parties.filter(pk=vasby.pk).exists()


def test_a_kommunpolis_new_draft_has_their_municipality_as_party(client, user, demo):
    """Else the kommunpolis, who edits the agreements of the municipality they work with,
    could not edit the draft they just started."""
    client.force_login(user("kommunpolis.sigtuna"))
    police = Organisation.objects.get(name="Lokalpolisområde Sollentuna")
    data = {"title": "Trygg i Sigtuna 2027", "organisation": police.pk}
    response = client.post(reverse("agreement_create"), data)
    agreement = Agreement.objects.get(title="Trygg i Sigtuna 2027")
    parties = [party.organisation.name for party in agreement.parties.order_by("position")]
    assert parties == ["Lokalpolisområde Sollentuna", "Sigtuna"]
    assert client.get(response.url).status_code == 200
