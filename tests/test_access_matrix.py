"""Every URL of the project, walked as anonymous, as an outsider, as a reader and as an
editor (coordinator and kommunpolis) of a party."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from helpers import pdf_text
from openpyxl import load_workbook

from agreements.models import Agreement, AgreementStatus
from agreements.printing import agreement_pdf
from followup.models import FollowUpReport
from signing.lifecycle import printed_snapshot
from signing.models import AgreementVersion, PrintJob, PrintJobStatus

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
}
# Reached with a signed token instead of a login (tests/test_calendar.py).
TOKEN_URLS = {"calendar_feed"}
# Pages about an organisation rather than an agreement, walked in tests/test_organisations.py.
ORGANISATION_URLS = {"my_organisations", "members", "member_create", "member_edit", "member_remove"}
# Views that only answer POST; the others are walked with GET.
POST_ONLY = {"logout", "row_move", "agreement_copy", "part_move", "revise", "undo_ready"}
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
        "report_pk": lambda: (
            FollowUpReport.objects.get_or_create(
                agreement=agreement,
                title="Uppföljning 2022",
                defaults={"period_start": date(2022, 1, 1), "period_end": date(2022, 12, 31)},
            )[0].pk
        ),
    }
    names = re.findall(r"<(?:int|slug):(\w+)>", route)
    unknown = set(names) - set(objects)
    assert not unknown, f"teach the walk which object {unknown} names"
    return {name: objects[name]() for name in names}


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


def walked_print_job(agreement):
    job = PrintJob(
        agreement=agreement,
        requested_by=agreement.parties.first().organisation.memberships.first().user,
        status=PrintJobStatus.READY,
        filename="utskrift.pdf",
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
    if name not in TOKEN_URLS and name not in ORGANISATION_URLS
]


@pytest.mark.parametrize(("name", "route"), WALKED, ids=[name for name, _ in WALKED])
def test_every_url_as_anonymous_outsider_reader_and_editor(client, user, demo, name, route):
    agreement = demo["strangnas-2020"]
    # A draft, so that every page that changes an agreement is open to its editors.
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    url = reverse(name, kwargs=url_kwargs(route, agreement))
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

    client.force_login(user("samordnare.timra"))
    outsider = visit(url)
    if "<int:pk>" in route:
        assert outsider.status_code == 404
    else:
        assert outsider.status_code == 200
        assert agreement.title not in outsider.text

    client.force_login(user("lasare.strangnas"))
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


def test_administrators_see_and_change_every_agreement(client, user, demo):
    admin = user("admin")
    assert admin.is_superuser
    client.force_login(admin)
    for agreement in demo.values():
        assert client.get(agreement.get_absolute_url()).status_code == 200
        for plan in agreement.action_plans.all():
            first = plan.items.order_by("position").first()
            if first:
                url = reverse("row_edit", args=[agreement.pk, plan.pk, first.pk])
                assert client.get(url).status_code == 200


def test_readers_see_no_editing_controls(client, user, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    client.force_login(user("lasare.strangnas"))
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    assert "Redigera" not in page and "Lägg till rad" not in page
    client.force_login(user("samordnare.strangnas"))
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    assert "Redigera" in page and "Lägg till rad" in page
