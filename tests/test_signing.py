"""Klar för underskrift, Registrera underskrift, frozen versions that never change (views,
admin, ORM and the database), Revidera, Jämför versioner, extension and termination, and
PDFs rendered in the background. The status through the calendar and the renewals:
tests/test_agreement_status.py; Ångra klar för underskrift and races: test_lifecycle.py.
Over 400 lines in one module because the lifecycle's tests build on one another's fixtures
(draft, ready, signed)."""

import contextlib
import copy
import datetime
import hashlib
import random
import re
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from helpers import make_ready, pdf_text, pdf_words, signature_data, squeeze, strangnas_draft
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from actionplans.models import ActionItem
from agreements.models import Agreement, AgreementStatus, RenewalRule, Section
from samverkan.values import shown
from signing import lifecycle
from signing.compare import compare
from signing.forms import SignedScanField
from signing.models import AgreementEvent, AgreementVersion, EventKind, VersionFrozenError


def scan_pdf(text="Undertecknad") -> bytes:
    """A real one-page PDF, as a scanner would make."""
    from printing.engine import render_pdf

    return render_pdf(f"<html lang='sv'><title>Skanning</title><p>{text}</p></html>")


@pytest.fixture
def draft(demo, user):
    return strangnas_draft(demo)


@pytest.fixture
def ready(draft, personas):
    version = make_ready(draft, personas.coordinator)
    version.refresh_from_db()  # the PDF was stored by the task, run at once in tests
    return version


def sign(client, agreement, version, *, scan=None, **overrides):
    data = signature_data(version, timezone.localdate().isoformat(), **overrides)
    data["scan"] = SimpleUploadedFile(
        "underskriven.pdf", scan if scan is not None else scan_pdf(), "application/pdf"
    )
    return client.post(reverse("register_signature", args=[agreement.pk, version.number]), data)


def lifecycle_signers(version):
    from signing.views import _signers

    return _signers(version)


def test_ready_for_signature_freezes_version_n_with_its_archival_pdf_and_checksum(ready, draft):
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.READY
    assert ready.number == draft.version == 1
    content = ready.pdf.read()
    assert ready.pdf_sha256 == hashlib.sha256(content).hexdigest()
    text = pdf_text(content)
    assert "UTKAST" not in text and "Samverkan i Strängnäs 2026–2029" in text
    reader = PdfReader(BytesIO(content))
    metadata = reader.trailer["/Root"]["/Metadata"].get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="A"' in metadata  # PDF/A-3a
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    assert list(reader.attachments) == ["overenskommelse.json"]
    assert ready.snapshot["title"] == "Samverkan i Strängnäs 2026–2029"
    assert AgreementEvent.objects.filter(agreement=draft, kind=EventKind.FROZEN).exists()


def test_the_frozen_pdf_carries_every_word_of_the_version(ready, draft):
    words = pdf_words(ready.pdf.read())
    for section in draft.sections.exclude(heading=""):
        assert squeeze(section.heading) in words
    for item in ActionItem.objects.filter(plan__agreement=draft):
        assert squeeze(item.activity) in words


def test_while_waiting_for_signatures_nothing_in_the_agreement_changes(
    client, personas, ready, draft
):
    client.force_login(personas.coordinator)
    draft.refresh_from_db()
    assert not draft.is_draft and not draft.plans_are_editable
    section = draft.sections.first()
    url = reverse("part_edit", args=[draft.pk, "avsnitt", section.pk])
    assert client.post(url, {"heading": "Ändrad", "body": "x"}).status_code == 403
    plan = draft.action_plans.first()
    item = plan.items.first()
    row = reverse("row_edit", args=[draft.pk, plan.pk, item.pk])
    assert client.post(row, {"activity": "Ändrad"}).status_code == 403
    section.refresh_from_db()
    assert section.heading != "Ändrad"


def test_registering_the_signature_makes_the_agreement_signed_and_active(
    client, personas, ready, draft
):
    client.force_login(personas.coordinator)
    scan = scan_pdf()
    response = sign(client, draft, ready, scan=scan)
    assert response.status_code == 302, response.context["formset"].errors
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert ready.is_signed and ready.signed_on == timezone.localdate()
    assert ready.signed_scan.read() == scan
    assert ready.signed_scan_sha256 == hashlib.sha256(scan).hexdigest()
    assert [s["place"] for s in ready.signatures] == ["Strängnäs"] * len(ready.signatures)
    assert draft.signed_version == 1
    assert draft.status == AgreementStatus.SIGNED and draft.is_in_force(timezone.localdate())
    page = client.get(reverse("version_detail", args=[draft.pk, 1])).text
    assert ready.signed_scan_sha256 in page and "Strängnäs" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("underskrift.docx", None, "PDF-fil"),
        ("underskrift.pdf", b"GIF89a not a pdf at all", "inte en PDF"),
        ("underskrift.pdf", b"%PDF-1.7\n garbage without pages", "kan inte läsas"),
        ("tom.pdf", b"", "tom"),
    ],
)
def test_a_bad_scan_is_refused_next_to_the_field_and_nothing_is_signed(
    client, personas, ready, draft, name, content, message
):
    client.force_login(personas.coordinator)
    data = signature_data(ready, timezone.localdate().isoformat(), name="N", place="P")
    data["scan"] = SimpleUploadedFile(name, content if content is not None else scan_pdf())
    response = client.post(reverse("register_signature", args=[draft.pk, 1]), data)
    assert response.status_code == 200
    assert message in response.text
    ready.refresh_from_db()
    assert not ready.is_signed and not ready.signed_scan


def forged_signature_post(version, forge):
    """An honest POST of the signature form, then changed by `forge(data, signers)`."""
    signers = lifecycle_signers(version)
    data = {
        "underskrift-TOTAL_FORMS": str(len(signers)),
        "underskrift-INITIAL_FORMS": str(len(signers)),
        "underskrift-MIN_NUM_FORMS": "1",
        "underskrift-MAX_NUM_FORMS": "1000",
    }
    for number, signer in enumerate([*signers, {"organisation": "Påhittad AB"}]):
        data |= {
            f"underskrift-{number}-organisation": signer["organisation"],
            f"underskrift-{number}-name": f"Person {number}",
            f"underskrift-{number}-place": "Strängnäs",
            f"underskrift-{number}-signed_on": timezone.localdate().isoformat(),
        }
    forge(data, signers)
    data["scan"] = SimpleUploadedFile("underskriven.pdf", scan_pdf(), "application/pdf")
    return data


def another_organisation(data, signers):
    data["underskrift-0-organisation"] = "Påhittad AB"


def one_form_more(data, signers):
    data["underskrift-TOTAL_FORMS"] = str(len(signers) + 1)


def one_form_fewer(data, signers):
    data["underskrift-TOTAL_FORMS"] = str(len(signers) - 1)


def swapped_organisations(data, signers):
    first, second = "underskrift-0-organisation", "underskrift-1-organisation"
    data[first], data[second] = data[second], data[first]


@pytest.mark.parametrize(
    "forge", [another_organisation, one_form_more, one_form_fewer, swapped_organisations]
)
def test_only_the_versions_signing_parties_can_be_registered_as_signers(
    client, personas, ready, draft, forge
):
    assert len(lifecycle_signers(ready)) >= 2
    client.force_login(personas.coordinator)
    url = reverse("register_signature", args=[draft.pk, ready.number])
    response = client.post(url, forged_signature_post(ready, forge))
    assert response.status_code == 200
    assert "Bara den här versionens undertecknande parter" in response.text
    ready.refresh_from_db()
    assert not ready.is_signed and ready.signatures == []

    honest = client.post(url, forged_signature_post(ready, lambda data, signers: None))
    assert honest.status_code == 302
    ready.refresh_from_db()
    assert [s["organisation"] for s in ready.signatures] == [
        signer["organisation"] for signer in lifecycle_signers(ready)
    ]


def scan_with(change) -> bytes:
    """A scanned page with `change(writer, page)` made to it, as a hostile file would be."""
    writer = PdfWriter(clone_from=BytesIO(scan_pdf()))
    change(writer, writer.pages[0])
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def javascript(code="app.alert('hej')"):
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def script_on_opening(writer, page):
    writer._root_object[NameObject("/OpenAction")] = javascript()


def document_level_script(writer, page):
    scripts = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), javascript()])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(scripts)}
    )


def program_launched_from_a_link(writer, page):
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 2 + [NumberObject(99)] * 2),
            NameObject("/A"): launch,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def script_when_the_page_opens(writer, page):
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript()})


def embedded_file(writer, page):
    writer.add_attachment("faktura.exe", b"MZ not a scan")


def scan_with_hidden_script() -> bytes:
    """The opening script's names written with #-escapes (/J#61vaScript is /JavaScript)."""
    content = scan_with(script_on_opening)
    return content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (script_on_opening, "OpenAction"),
        (document_level_script, "JavaScript"),
        (program_launched_from_a_link, "Launch"),
        (script_when_the_page_opens, "AA"),
        (embedded_file, "EmbeddedFile"),
        (None, "JavaScript"),
    ],
    ids=["open-action", "document-script", "launch", "page-action", "embedded-file", "escaped"],
)
def test_a_scan_with_scripts_actions_or_files_is_refused_next_to_the_field(
    client, personas, ready, draft, change, named
):
    client.force_login(personas.coordinator)
    content = scan_with(change) if change else scan_with_hidden_script()
    assert PdfReader(BytesIO(content)).pages  # a PDF any reader opens
    response = sign(client, draft, ready, scan=content)
    assert response.status_code == 200
    errors = response.context["scan_form"].errors["scan"]
    assert "skript, åtgärder eller inbäddade filer" in errors[0] and named in errors[0]
    ready.refresh_from_db()
    assert not ready.is_signed and not ready.signed_scan


def test_a_damaged_pdf_is_refused_with_a_message_never_an_error():
    """1,500 copies of a small PDF with a few bytes changed: each is accepted or refused with
    a message (a fixed seed; among them are files on which pypdf raises AttributeError)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("a.txt", b"x" * 50)
    output = BytesIO()
    writer.write(output)
    # Without its random /ID the file, and so every damaged copy, is the same on each run.
    original = re.sub(rb"/ID \[[^\]]*\]", b"", output.getvalue())
    field = SignedScanField()
    chance = random.Random(1)  # noqa: S311 (a fixed seed, so every run tries the same files)
    for _copy in range(1500):
        damaged = bytearray(original)
        for _byte in range(chance.randint(1, 8)):
            position = chance.randrange(len(damaged))
            damaged[position] = chance.randrange(256)
        with contextlib.suppress(ValidationError):
            field.clean(SimpleUploadedFile("skanning.pdf", bytes(damaged)))


def test_stored_pdfs_are_downloaded_not_shown_in_the_browser(client, personas, ready, draft):
    client.force_login(personas.coordinator)
    assert sign(client, draft, ready).status_code == 302
    for name in ("version_pdf", "version_scan"):
        response = client.get(reverse(name, args=[draft.pk, ready.number]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_too_large_scan_is_refused(client, personas, ready, draft, settings):
    settings.SIGNED_SCAN_MAX_BYTES = 1000
    client.force_login(personas.coordinator)
    response = sign(client, draft, ready, scan=scan_pdf("x" * 5000))
    assert response.status_code == 200 and "för stor" in response.text
    ready.refresh_from_db()
    assert not ready.is_signed


def test_a_signature_dated_before_the_freeze_or_in_the_future_is_refused(
    client, personas, ready, draft
):
    client.force_login(personas.coordinator)
    response = sign(client, draft, ready, signed_on="2020-01-01")
    assert response.status_code == 200 and "kan inte ha undertecknats" in response.text
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = sign(client, draft, ready, signed_on=tomorrow.isoformat())
    assert response.status_code == 200 and "framtiden" in response.text
    ready.refresh_from_db()
    assert not ready.is_signed


@pytest.fixture
def signed(client, personas, ready, draft):
    client.force_login(personas.coordinator)
    sign(client, draft, ready)
    ready.refresh_from_db()
    return ready


def test_a_signed_version_never_changes_through_the_orm(signed):
    signed.snapshot = {"title": "Förfalskad"}
    with pytest.raises(VersionFrozenError):
        signed.save()
    signed.refresh_from_db()
    signed.signed_on = datetime.date(2020, 1, 1)
    with pytest.raises(VersionFrozenError):
        signed.save()
    with pytest.raises(VersionFrozenError):
        AgreementVersion.objects.filter(pk=signed.pk).update(signed_on=None)
    with pytest.raises(VersionFrozenError):
        signed.delete()
    with pytest.raises(VersionFrozenError):
        AgreementVersion.objects.filter(pk=signed.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        # Deleting the agreement would take its versions with it: refused.
        Agreement.objects.filter(pk=signed.agreement_id).delete()


def test_a_signed_version_never_changes_even_below_the_orm(signed):
    """The database itself refuses (a trigger on PostgreSQL and SQLite)."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE signing_agreementversion SET signed_on = %s WHERE id = %s",
            [datetime.date(2020, 1, 1), signed.pk],
        )
    signed.refresh_from_db()
    assert signed.signed_on == timezone.localdate()


def test_an_unsigned_versions_contents_never_change_either(ready):
    ready.snapshot = {"title": "Annat"}
    with pytest.raises(VersionFrozenError):
        ready.save()
    ready.refresh_from_db()
    ready.pdf_sha256 = "0" * 64
    with pytest.raises(VersionFrozenError):
        ready.save()


def test_the_admin_shows_versions_read_only(client, personas, signed):
    client.force_login(personas.admin)
    url = reverse("admin:signing_agreementversion_change", args=[signed.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    response = client.post(url, {"signed_on": "2020-01-01"})
    assert response.status_code == 403
    delete = reverse("admin:signing_agreementversion_delete", args=[signed.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    signed.refresh_from_db()
    assert signed.signed_on == timezone.localdate()


def test_a_signed_version_cannot_be_signed_again_through_the_views(client, personas, signed):
    client.force_login(personas.coordinator)
    response = sign(client, signed.agreement, signed, place="Någon annanstans")
    assert response.status_code == 200
    signed.refresh_from_db()
    assert {s["place"] for s in signed.signatures} == {"Strängnäs"}


def test_revise_starts_version_2_as_a_draft_while_version_1_holds(client, personas, signed):
    agreement = signed.agreement
    client.force_login(personas.coordinator)
    response = client.post(reverse("revise", args=[agreement.pk]))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.version == 2 and agreement.is_draft and agreement.is_revision
    assert agreement.signed_version == 1
    page = client.get(agreement.get_absolute_url()).text
    assert "version 1" in page.lower()
    # The frozen version 1 and its paper are untouched by the draft's changes.
    section = agreement.sections.first()
    Section.objects.filter(pk=section.pk).update(heading="Ny rubrik i version 2")
    signed.refresh_from_db()
    assert signed.snapshot["sections"][0]["heading"] != "Ny rubrik i version 2"
    assert "Ny rubrik i version 2" not in pdf_text(signed.pdf.read())


def test_compare_versions_shows_what_changed_side_by_side(client, personas, signed):
    agreement = lifecycle.revise(signed.agreement, None)
    section = agreement.sections.order_by("position").first()
    Section.objects.filter(pk=section.pk).update(body=section.body + " Tillagd mening.")
    plan = agreement.action_plans.first()
    removed = plan.items.order_by("position").last()
    removed_text = removed.activity
    ActionItem.objects.filter(pk=removed.pk).delete()
    ActionItem.objects.create(plan=plan, position=999, activity="Helt ny aktivitet")
    client.force_login(personas.reader)
    response = client.get(reverse("compare_versions", args=[agreement.pk]))
    page = response.text
    assert "version 1" in page and "utkastet (version 2)" in page
    assert "<ins>Tillagd mening.</ins>" in page or "<ins>mening.</ins>" in page
    assert "Helt ny aktivitet" in page
    assert removed_text.split()[0] in page
    parts = {part.title: part for part in response.context["parts"]}
    rows = parts["Handlingsplanernas rader"]
    kinds = sorted(change.kind for change in rows.changes)
    assert "added" in kinds and ("removed" in kinds or "changed" in kinds)
    assert parts["Avsnitt"].changes[0].kind == "changed"


def test_compare_versions_shows_every_renewal_rule_by_its_label_never_its_code(ready):
    """Renewal is the choice field Jämför versioner compares; each value, either side."""
    rules = list(RenewalRule)
    field = Agreement._meta.get_field("renewal_rule")
    for before, after in zip(rules, rules[1:] + rules[:1], strict=True):
        old, new = copy.deepcopy(ready.snapshot), copy.deepcopy(ready.snapshot)
        for snapshot, rule in ((old, before), (new, after)):
            snapshot["renewal_rule"] = rule.value
            snapshot["extension_max_years"] = 2 if rule == RenewalRule.EXTENDABLE else None
        facts = compare(old, new)[0]
        texts = " ".join(f"{change.old} {change.new}" for change in facts.changes)
        assert "Förlängning" in texts
        for rule in (before, after):
            assert rule.value not in texts
            if rule == RenewalRule.EXTENDABLE:
                assert "Kan förlängas med högst 2 år i taget" in texts
            else:
                assert capfirst(shown(field, rule.value)) in texts


def test_the_compare_page_shows_a_changed_renewal_by_its_label(client, personas, signed):
    agreement = lifecycle.revise(signed.agreement, None)
    Agreement.objects.filter(pk=agreement.pk).update(
        renewal_rule=RenewalRule.UNTIL_FURTHER_NOTICE, valid_until=None, extension_max_years=None
    )
    client.force_login(personas.reader)
    page = client.get(reverse("compare_versions", args=[agreement.pk])).text
    field = Agreement._meta.get_field("renewal_rule")
    assert f"Förlängning: {capfirst(shown(field, RenewalRule.UNTIL_FURTHER_NOTICE))}" in page
    for rule in RenewalRule:
        assert f"Förlängning: {rule.value}" not in page


def test_comparing_a_version_with_itself_is_refused(client, personas, signed):
    client.force_login(personas.coordinator)
    response = client.get(
        reverse("compare_versions", args=[signed.agreement_id]), {"fran": "1", "till": "1"}
    )
    assert "Välj två olika versioner" in response.text


def test_compare_finds_nothing_between_equal_snapshots(ready):
    assert all(not part.changes for part in compare(ready.snapshot, ready.snapshot))


def test_extension_is_limited_by_the_agreements_rule(client, user, demo):
    agreement = demo["sollentuna-2023"]
    assert agreement.extension_max_years == 4
    client.force_login(user("samordnare.sollentuna"))
    url = reverse("validity", args=[agreement.pk])
    too_far = client.post(url, {"action": "extend", "forlang-new_end": "2031-01-01"})
    assert too_far.status_code == 200 and "2030-12-31" in too_far.text
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2026, 12, 31)
    bad = client.post(url, {"action": "extend", "forlang-new_end": "i morgon"})
    assert "Fyll i ett giltigt datum" in bad.text
    ok = client.post(url, {"action": "extend", "forlang-new_end": "2030-12-31"})
    assert ok.status_code == 302
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2030, 12, 31)
    event = agreement.events.get(kind=EventKind.EXTENDED)
    assert (event.previous_end, event.new_end) == (
        datetime.date(2026, 12, 31),
        agreement.valid_until,
    )


def test_a_fixed_end_agreement_cannot_be_extended(personas, demo):
    agreement = demo["strangnas-2020"]
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.extend(agreement, datetime.date(2030, 1, 1), personas.coordinator)


def test_termination_is_recorded_with_its_date(client, user, demo):
    agreement = demo["sollentuna-2023"]
    client.force_login(user("samordnare.sollentuna"))
    url = reverse("validity", args=[agreement.pk])
    missing = client.post(url, {"action": "terminate", "upp-last_day": "2026-12-01"})
    assert missing.status_code == 200 and "Detta fält måste fyllas i" in missing.text
    response = client.post(
        url, {"action": "terminate", "upp-last_day": "2026-12-01", "upp-note": "Polisen sade upp"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.terminated_on == datetime.date(2026, 12, 1)
    assert agreement.events.get(kind=EventKind.TERMINATED).note == "Polisen sade upp"


def test_a_long_draft_is_printed_by_the_background_worker(
    client, personas, draft, settings, monkeypatch
):
    """The real queue: the page answers at once with progress, `db_worker` renders."""
    # The worker drops connections that are not in autocommit, as it should between tasks;
    # here that is the test's own transaction, and on PostgreSQL dropping it ends the test.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = draft.action_plans.first()
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, position=1000 + n, activity=f"Aktivitet {n}") for n in range(200)
    )
    client.force_login(personas.coordinator)
    response = client.post(reverse("agreement_print", args=[draft.pk]))
    assert response.status_code == 302
    progress = client.get(response.url)
    assert "PDF:en görs" in progress.text and 'hx-trigger="every 2s"' in progress.text
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
    ready = client.get(response.url, headers={"HX-Request": "true"})
    assert "Öppna PDF" in ready.text and "<html" not in ready.text
    job = response.context_data if hasattr(response, "context_data") else None
    assert job is None
    pdf_url = response.url + "pdf/"
    content = b"".join(client.get(pdf_url).streaming_content)
    assert "Aktivitet 199" in pdf_text(content) and "UTKAST" in pdf_text(content)


def test_a_short_draft_is_printed_at_once(client, personas, draft):
    client.force_login(personas.reader)
    response = client.get(client.post(reverse("agreement_print", args=[draft.pk])).url)
    assert response["Content-Type"] == "application/pdf"
    assert "UTKAST" in pdf_text(b"".join(response.streaming_content))


def test_the_print_button_of_a_frozen_version_gives_its_stored_pdf(client, personas, ready, draft):
    client.force_login(personas.reader)
    response = client.get(reverse("agreement_print", args=[draft.pk]))
    assert response.status_code == 302 and response.url.endswith("/versioner/1/pdf/")
    stored = client.get(reverse("version_pdf", args=[draft.pk, 1]))
    content = b"".join(stored.streaming_content)
    assert hashlib.sha256(content).hexdigest() == ready.pdf_sha256
