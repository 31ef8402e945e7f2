"""The forms of the law's items on the municipality's page: in place with HTMX and as plain
POSTs, Swedish messages next to the field for bad input, nothing half written, no silent
overwrite, their history; and the problem picture's choice of the lägesbild it was built on."""

import datetime
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from helpers import count_queries

from actionplans.models import ActionItem, ActionPlan, ItemStatus
from agreements.models import Agreement, AgreementKind, AgreementStatus, Party, ProblemPicture
from exchange.copying import copy_agreement
from exchange.export import export_document
from organisations.models import Membership, MembershipRole, Organisation, OrganisationKind
from prevention.models import CoordinatingFunction, PreventionPlan, SituationReport

pytestmark = pytest.mark.django_db

PAGE = "/kommuner/sollentuna/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def coordinator(client, user):
    client.force_login(user("samordnare.sollentuna"))
    return client


def report_data(**changes):
    return {
        "title": "Lägesbild 2026",
        "adopted_on": "2026-10-01",
        "adopted_by": "Kommunstyrelsen",
        "crime_mapping": "Brotten i centrum.",
        "other_information": "Skolornas bild.",
        "analysis": "Kvällstid vid stationen.",
        **changes,
    }


def test_a_new_lagesbild_as_a_plain_post_returns_to_the_page(coordinator):
    response = coordinator.post(PAGE + "lagesbild/ny/", report_data())
    assert response.status_code == 302
    assert response.url == PAGE + "#lagesbild"
    report = SituationReport.objects.get(title="Lägesbild 2026")
    assert report.municipality.name == "Sollentuna"
    assert report.missing_parts() == []
    page = coordinator.get(PAGE).text
    assert "Lägesbild 2026" in page
    assert "Kartläggning" in coordinator.get(PAGE + f"lagesbild/{report.pk}/").text


def test_with_htmx_the_form_and_then_the_card_come_in_place(coordinator):
    form = coordinator.get(PAGE + "lagesbild/ny/", **HTMX)
    assert "<html" not in form.text
    assert 'hx-post="/kommuner/sollentuna/lagesbild/ny/"' in form.text
    card = coordinator.post(PAGE + "lagesbild/ny/", report_data(), **HTMX)
    assert "<html" not in card.text
    assert 'id="lagesbild"' in card.text and "Lägesbild 2026" in card.text
    cancelled = coordinator.post(PAGE + "samordning/", {"cancel": "1"}, **HTMX)
    assert 'id="samordning"' in cancelled.text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (report_data(title=""), "title", "Detta fält måste fyllas i."),
        (report_data(adopted_on="2026-13-45"), "adopted_on", "Fyll i ett giltigt datum."),
        (report_data(adopted_on="0001-01-01"), "adopted_on", "Ange ett datum mellan"),
        (report_data(title="x" * 301), "title", "som mest 300 tecken"),
    ],
)
def test_a_bad_lagesbild_is_refused_in_swedish_next_to_the_field(coordinator, data, field, message):
    count = SituationReport.objects.count()
    response = coordinator.post(PAGE + "lagesbild/ny/", data, **HTMX)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    assert SituationReport.objects.count() == count


def test_a_plan_reviewed_before_its_decision_is_refused(coordinator):
    plan = PreventionPlan.objects.get(municipality__name="Sollentuna")
    response = coordinator.post(
        PAGE + f"atgardsplan/{plan.pk}/andra/",
        {
            "title": plan.title,
            "decided_on": "2026-05-01",
            "decided_by": "Kommunfullmäktige",
            "next_review_on": "2026-04-01",
            "version": plan.version,
        },
    )
    assert "Nästa översyn måste komma efter beslutet." in response.text
    plan.refresh_from_db()
    assert plan.next_review_on is None


def test_a_plan_is_changed_with_its_reference_number_and_history(coordinator):
    plan = PreventionPlan.objects.get(municipality__name="Sollentuna")
    data = {
        "title": plan.title,
        "decided_on": "2026-05-01",
        "decided_by": "Kommunfullmäktige",
        "reference_number": "KS 2026/42",
        "next_review_on": "2027-03-31",
        "version": plan.version,
    }
    assert coordinator.post(PAGE + f"atgardsplan/{plan.pk}/andra/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.reference_number == "KS 2026/42"
    assert plan.review_due_on == datetime.date(2027, 3, 31)
    page = coordinator.get(PAGE).text
    assert "KS 2026/42" in page and "2027-03-31" in page
    assert "Samordnare Sollentuna · ändrad" in page


def test_a_stale_form_shows_the_conflict_and_overwrites_nothing(coordinator):
    plan = PreventionPlan.objects.get(municipality__name="Sollentuna")
    data = {
        "title": "Min titel",
        "decided_on": plan.decided_on.isoformat(),
        "decided_by": "Kommunfullmäktige",
        "version": plan.version,
    }
    PreventionPlan.objects.filter(pk=plan.pk).update(title="Deras titel", version=plan.version + 1)
    response = coordinator.post(PAGE + f"atgardsplan/{plan.pk}/andra/", data)
    assert response.status_code == 200
    assert "Någon annan" in response.text
    plan.refresh_from_db()
    assert plan.title == "Deras titel"


def test_the_coordinating_function_needs_a_person(coordinator):
    response = coordinator.post(
        PAGE + "samordning/", {"unit": "Trygghetsenheten", "version": 0}, **HTMX
    )
    function = CoordinatingFunction.objects.get(municipality__name="Sollentuna")
    assert function.unit != "Trygghetsenheten"
    assert "Ange vem som har funktionen" in response.text


def test_the_coordinating_function_is_a_member_of_the_municipality_only(coordinator, user):
    function = CoordinatingFunction.objects.get(municipality__name="Sollentuna")
    base = {"unit": "Trygghetsenheten", "version": function.version}
    other = user("samordnare.sigtuna")
    response = coordinator.post(PAGE + "samordning/", {**base, "user": other.pk})
    assert "Välj ett giltigt alternativ" in response.text
    reader = user("lasare.sollentuna")
    response = coordinator.post(
        PAGE + "samordning/", {**base, "user": reader.pk, "email": "inte-en-adress"}
    )
    assert "Fyll i en giltig e-postadress." in response.text
    response = coordinator.post(
        PAGE + "samordning/", {**base, "user": reader.pk, "person_title": "Samordnare"}
    )
    assert response.status_code == 302
    function.refresh_from_db()
    assert function.user == reader and function.unit == "Trygghetsenheten"


def test_sigtuna_names_its_coordinating_function_for_the_first_time(client, user):
    client.force_login(user("orgadmin.sigtuna"))
    data = {"unit": "Kommunledningen", "person_name": "Kim Berg", "email": "kim@example.org"}
    response = client.post("/kommuner/sigtuna/samordning/", data)
    assert response.status_code == 302
    assert CoordinatingFunction.objects.get(municipality__name="Sigtuna").person_name == "Kim Berg"


# --- The problem picture's lägesbild -------------------------------------------------------


def test_the_draft_editor_offers_only_the_agreements_municipalities_lagesbilder(client, user, demo):
    draft = copy_agreement(demo["sollentuna-2023"], title="Sollentuna 2027")
    client.force_login(user("samordnare.sollentuna"))
    url = f"/overenskommelser/{draft.pk}/utkast/problembild/"
    form = client.get(url).context["picture_form"]
    offered = {report.municipality.name for report in form.fields["situation_report"].queryset}
    assert offered == {"Sollentuna", "Upplands Väsby", "Sigtuna"}
    strangnas = SituationReport.objects.get(municipality__name="Strängnäs")
    response = client.post(url, {"title": "P", "situation_report": strangnas.pk})
    assert "Välj ett giltigt alternativ" in response.text
    sollentuna = SituationReport.objects.get(municipality__name="Sollentuna")
    assert client.post(url, {"title": "P", "situation_report": sollentuna.pk}).status_code == 302
    picture = ProblemPicture.objects.get(agreement=draft)
    assert picture.situation_report == sollentuna
    editor = client.get(f"/overenskommelser/{draft.pk}/utkast/").text
    assert f"/kommuner/sollentuna/lagesbild/{sollentuna.pk}/" in editor


def test_json_carries_the_lagesbild_by_reference_and_a_copy_keeps_it(demo):
    agreement = demo["sollentuna-2023"]
    report = SituationReport.objects.get(municipality__name="Sollentuna")
    picture, _ = ProblemPicture.objects.get_or_create(agreement=agreement)
    picture.situation_report = report
    picture.save()
    exported = export_document(Agreement.objects.filter(pk=agreement.pk))
    reference = exported["agreements"][0]["problem_picture"]["situation_report"]
    assert reference == {
        "kommunkod": "0163",
        "adopted_on": report.adopted_on.isoformat(),
        "title": report.title,
    }
    copy = copy_agreement(agreement, title="Kopia")
    assert copy.problem_picture.situation_report == report
    report.delete()
    copy = copy_agreement(agreement, title="Kopia 2")  # the link went with the lägesbild
    assert copy.problem_picture.situation_report is None


def test_an_imported_reference_to_a_lagesbild_this_database_lacks_is_left_out(demo):
    from exchange.importer import import_document

    agreement = demo["sollentuna-2023"]
    document = export_document(Agreement.objects.filter(pk=agreement.pk))
    data = document["agreements"][0]
    data["reference"] = "sollentuna-import"
    data["problem_picture"] = {
        "title": "P",
        "situation_report": {"kommunkod": "0163", "adopted_on": "2001-01-01"},
    }
    imported = import_document(document)[0]
    assert imported.problem_picture.situation_report is None


# --- Query counts ----------------------------------------------------------------------------


def add_municipality_with_agreement(area, kommunkod, name):
    """One more municipality of the police area, with its law items, an agreement in force
    with the area and a plan of rows."""
    municipality = Organisation.objects.create(
        name=name, kind=OrganisationKind.MUNICIPALITY, kommunkod=kommunkod
    )
    area.municipalities.add(municipality)
    today = timezone.localdate()
    SituationReport.objects.create(municipality=municipality, title="L", adopted_on=today)
    PreventionPlan.objects.create(
        municipality=municipality, title="Å", decided_on=today, decided_by="KF"
    )
    agreement = Agreement.objects.create(
        title=f"Avtal {name}",
        reference=f"avtal-{kommunkod}",
        kind=AgreementKind.COOPERATION_AGREEMENT,
        status=AgreementStatus.SIGNED,
        signed_version=1,
        valid_from=today.replace(month=1, day=1),
        valid_until=today.replace(month=12, day=31),
    )
    for position, organisation in enumerate([area, municipality], start=1):
        Party.objects.create(agreement=agreement, organisation=organisation, position=position)
    plan = ActionPlan.objects.create(agreement=agreement, municipality=municipality, position=1)
    for position in range(3):
        ActionItem.objects.create(
            plan=plan,
            position=position,
            activity=f"Rad {position}",
            status=ItemStatus.DELAYED,
            due_on=today - datetime.timedelta(days=3),
        )


def test_the_pages_read_as_many_queries_however_many_municipalities(client, user):
    area = Organisation.objects.get(kind=OrganisationKind.POLICE_AREA, name__endswith="Sollentuna")
    client.force_login(user("kommunpolis.sollentuna"))
    Membership.objects.create(
        user=get_user_model().objects.get(username="kommunpolis.sollentuna"),
        organisation=Organisation.objects.get(name="Sigtuna"),
        role=MembershipRole.READER,
    )
    area_before = count_queries(client, "/polisomraden/sollentuna/")
    page_before = count_queries(client, "/kommuner/sollentuna/")
    add_municipality_with_agreement(area, "9901", "Provkommun Ett")
    add_municipality_with_agreement(area, "9902", "Provkommun Två")
    assert count_queries(client, "/polisomraden/sollentuna/") == area_before
    assert "Provkommun Två" in client.get("/polisomraden/sollentuna/").text
    assert count_queries(client, "/kommuner/sollentuna/") == page_before


# --- The lägesbild's document ----------------------------------------------------------------


def a_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_lagesbild_keeps_its_pdf_for_those_who_see_the_page(coordinator, client, user):
    report = SituationReport.objects.get(municipality__name="Sollentuna")
    upload = SimpleUploadedFile("lagesbild.pdf", a_pdf(), content_type="application/pdf")
    data = {
        "title": report.title,
        "adopted_on": report.adopted_on.isoformat(),
        "version": report.version,
        "document": upload,
    }
    assert coordinator.post(PAGE + f"lagesbild/{report.pk}/andra/", data).status_code == 302
    report.refresh_from_db()
    assert report.document.name.startswith(f"lagesbilder/{report.municipality_id}/")
    url = PAGE + f"lagesbild/{report.pk}/dokument.pdf"
    assert url in coordinator.get(PAGE).text
    response = coordinator.get(url)
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(user("kommunpolis.sollentuna"))
    assert client.get(url).status_code == 200
    client.force_login(user("samordnare.strangnas"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lagesbild.docx", b"PK\x03\x04", "Ladda upp lägesbilden som en PDF-fil (.pdf)."),
        ("lagesbild.pdf", b"<html>inte en pdf</html>", "Filen är inte en PDF som går att läsa."),
        ("lagesbild.pdf", b"%PDF-1.7\n trasig", "Filen är inte en PDF som går att läsa."),
    ],
)
def test_a_document_that_is_not_a_readable_pdf_is_refused(coordinator, name, content, message):
    data = report_data(document=SimpleUploadedFile(name, content))
    response = coordinator.post(PAGE + "lagesbild/ny/", data)
    assert message in response.text
    assert not SituationReport.objects.filter(title="Lägesbild 2026").exists()
