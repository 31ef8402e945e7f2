"""Malformed input never gives a 5xx: every URL of the project, as an editor and as an
administrator, with malformed path ids, query parameters and form values, and every upload
with broken files. What is refused is refused with a 404 or a message, nothing half written.

The sweep is bounded: each page gets one GET per malformed query value (all the parameters
the views read at once), one per malformed path id, and each of its own forms a handful of
POSTs (NUL bytes in text, out-of-range and impossible dates, non-numbers in number fields).
Over 400 lines in one module because the sweep's machinery (the URL patterns, the forms
read from each page, the malformed values) is shared by all its tests.
"""

import datetime
import json
import re
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import Resolver404, resolve, reverse
from test_access_matrix import (
    ORGANISATION_URLS,
    PATTERNS,
    POST_ONLY,
    SIGN_IN_URLS,
    TOKEN_URLS,
    url_kwargs,
)

from agreements.forms import AgreementFilterForm
from agreements.models import Agreement, AgreementStatus, ProblemArea, ProblemItem, ProblemPicture
from followup.forms import TimelineFilterForm
from followup.models import FollowUpCadence
from followup.my_tasks import MyTasksFilterForm
from organisations.invitations import invite
from organisations.models import MembershipRole

EDITOR = "samordnare.strangnas"
ADMIN = "admin"
HUGE = "99999999999999999999"
BAD_VALUES = ["abc", "-1", HUGE, "\x00", ""]
BAD_DATES = ["0001-01-01", "9999-12-31", "2026-02-30"]
BAD_NUMBERS = ["abc", "-1", HUGE]
NUL_TEXT = "före\x00efter"
# Query parameters the views read themselves, besides the fields of their filter forms.
QUERY_PARAMETERS = sorted(
    {"fokusomrade", "i", "rattar", "rad", "kommun", "sida", "fran", "till", "action", "typ"}
    | set(AgreementFilterForm.base_fields)
    | set(TimelineFilterForm.query_keys())
    | set(MyTasksFilterForm.query_keys())
    | {"sparad"}
)
SWEPT = [
    (name, route)
    for name, route in PATTERNS
    if name not in TOKEN_URLS and name not in {"logout", "healthz"} | ORGANISATION_URLS
] + [(name, route) for name, route in PATTERNS if name in ORGANISATION_URLS]


class FormFields(HTMLParser):
    """The POST forms of a page: their action and their fields (name, type, value)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif (
            self._form is not None
            and tag in ("input", "select", "textarea", "button")
            and (attrs.get("name") or tag == "button")  # an unnamed Spara button counts
            and attrs.get("type") != "file"
        ):
            kind = attrs.get("type") or {"select": "select", "button": "submit"}.get(tag, "text")
            if tag == "textarea":
                kind = "text"
            self._form["fields"].append((attrs.get("name", ""), kind, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def page_forms(response, url) -> list[dict]:
    """The page's POST forms that post back to `url` itself, one of each kind."""
    if not response["Content-Type"].startswith("text/html"):
        return []
    parser = FormFields()
    parser.feed(response.content.decode())
    seen, forms = set(), []
    for form in parser.forms:
        action = form["action"].split("?")[0] or url
        key = (action, tuple(name for name, _kind, _value in form["fields"]))
        if action == url and key not in seen:
            seen.add(key)
            forms.append(form)
    return forms


def malformed_posts(form) -> list[dict]:
    """Variants of the form's data: NUL bytes in every text, each bad date in every date
    field, each bad number in every number, hidden and choice field."""
    fields = form["fields"]

    buttons = [field for field in fields if field[1] in ("submit", "button")]
    pressed = buttons[:1]  # the first button (Spara) is the one pressed, never Avbryt

    def data(change):
        return {
            name: change(kind, value)
            for name, kind, value in fields
            if name and (kind not in ("submit", "button") or (name, kind, value) in pressed)
        }

    variants = [data(lambda kind, value: NUL_TEXT if kind in ("text", "search") else value)]
    for day in BAD_DATES:
        variants.append(data(lambda kind, value, day=day: day if kind == "date" else value))
    numbers = ("number", "hidden", "select", "radio", "checkbox")
    for number in BAD_NUMBERS:
        variants.append(
            data(lambda kind, value, number=number: number if kind in numbers else value)
        )
    return variants


def assert_answered(response, what):
    assert response.status_code < 500, what


def sweep_agreement(demo):
    """Strängnäs as a draft, so that every page that changes an agreement is open."""
    agreement = demo["strangnas-2020"]
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    return agreement


def organisation_kwargs(route, user):
    membership = user.memberships.order_by("pk").first()
    values = {"pk": membership.organisation_id, "membership_pk": membership.pk}
    if ":invitation_pk>" in route:
        invitation, _renewed = invite(
            membership.organisation, "inbjuden@example.org", MembershipRole.READER, user
        )
        values["invitation_pk"] = invitation.pk
    names = ("pk", "membership_pk", "invitation_pk")
    return {name: values[name] for name in names if f":{name}>" in route}


def swept_kwargs(name, route, agreement, editor) -> list[dict]:
    """The page's URL with valid arguments; a draft's parts in three kinds: sections,
    problems, which belong to a problem area named by `?i=`, and signatories, whose party
    is chosen among the agreement's."""
    if name == "invitation":
        # An invitation link someone made up: a token that was never issued.
        return [{"token": "inbjudan"}, {"token": "x" * 300}]
    if name in ORGANISATION_URLS:
        return [organisation_kwargs(route, editor)]
    if name in SIGN_IN_URLS:
        # allauth's sign-in addresses, for a provider that is not registered.
        names = re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", route)
        return [dict.fromkeys((a or b for a, b in names), "okand")]
    if name == "password_reset_confirm":
        # A reset link someone made up: no such user, a token that was never issued.
        return [
            {"uidb64": "%00Zm9v", "token": "set-password"},
            {"uidb64": "MQ", "token": "x" * 200},
        ]
    kwargs = url_kwargs(route, agreement)
    if "kind" not in kwargs:
        return [kwargs]
    picture = ProblemPicture.objects.get_or_create(agreement=agreement)[0]
    area = ProblemArea.objects.create(problem_picture=picture, position=99, title="Område")
    problem = ProblemItem.objects.create(area=area, position=1, text="Problem")
    problem_kwargs = dict(kwargs, kind="problem")
    signatory_kwargs = dict(kwargs, kind="underskrift")
    if "part_pk" in kwargs:
        problem_kwargs["part_pk"] = problem.pk
        signatory_kwargs["part_pk"] = agreement.signatories.order_by("position").first().pk
    return [kwargs, problem_kwargs, signatory_kwargs]


@pytest.mark.parametrize(("name", "route"), SWEPT, ids=[name for name, _ in SWEPT])
def test_no_malformed_request_gives_a_server_error(client, user, personas, demo, name, route):
    agreement = sweep_agreement(demo)
    editor = personas.coordinator
    editor.memberships.update(role=MembershipRole.ORGANISATION_ADMIN)
    visit = client.post if name in POST_ONLY else client.get
    for kwargs in swept_kwargs(name, route, agreement, editor):
        url = reverse(name, kwargs=kwargs)
        for username in (EDITOR, ADMIN):
            client.force_login(user(username))
            sweep_url(client, visit, name, url, kwargs, username, with_query=username == EDITOR)


def sweep_url(client, visit, name, url, kwargs, username, with_query):
    """Malformed ids, query values and form values on one URL. Query values are swept once
    (as the editor) on pages that are not HTML (PDFs, spreadsheets, calendars) and on
    POST-only views: the slow ones, whose answer does not depend on who asks."""
    for key in kwargs:
        if isinstance(kwargs[key], int):
            path = url.replace(f"/{kwargs[key]}/", f"/{HUGE}/", 1)
            try:
                resolve(path)
            except Resolver404:
                continue
            assert_answered(visit(path), f"{username} {path}")

    page = None if name in POST_ONLY else client.get(url)
    if page is not None:
        assert_answered(page, f"{username} {url}")
        with_query = with_query or page["Content-Type"].startswith("text/html")
    for value in BAD_VALUES if with_query else []:
        query = urlencode({parameter: value for parameter in QUERY_PARAMETERS})
        assert_answered(visit(f"{url}?{query}"), f"{username} {url}?{query}")

    if name in POST_ONLY:
        for value in BAD_VALUES:
            data = {"direction": value, "version": value, "title": value}
            assert_answered(client.post(url, data), f"{username} POST {url} {value!r}")
        return
    for form in page_forms(page, url):
        for data in malformed_posts(form):
            assert_answered(client.post(url, data), f"{username} POST {url} {data}")


# --- Dates the domain never needs -------------------------------------------------------


def test_a_period_of_year_1_to_9999_is_refused_next_to_the_field(client, personas, demo):
    agreement = sweep_agreement(demo)
    client.force_login(personas.coordinator)
    url = reverse("draft_facts", args=[agreement.pk])
    page = client.get(url)
    form = next(form for form in page_forms(page, url))
    data = malformed_posts(form)[0]  # the form as it is, NUL bytes in its texts, ...
    data.update(title="Samverkan", valid_from="0001-01-01", valid_until="9999-12-31")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ange ett datum mellan 1990-01-01 och 2100-12-31." in response.text
    agreement.refresh_from_db()
    assert agreement.valid_from == datetime.date(2019, 12, 20)


@pytest.mark.parametrize("new_end", ["9999-12-31", "2101-01-01"])
def test_an_extension_beyond_the_domain_is_refused_next_to_the_field(client, user, demo, new_end):
    agreement = demo["sollentuna-2023"]
    client.force_login(user("samordnare.sollentuna"))
    url = reverse("validity", args=[agreement.pk])
    response = client.post(url, {"action": "extend", "forlang-new_end": new_end})
    assert response.status_code == 200
    assert "Ange ett datum mellan 1990-01-01 och 2100-12-31." in response.text
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2026, 12, 31)


def test_pages_stay_up_for_stored_dates_outside_the_domain(client, user, demo):
    """Data written before the bounds (or below the forms): the calendar and Förläng
    answer, and a monthly cadence over 8 000 years lists a bounded number of dates."""
    agreement = demo["sollentuna-2023"]
    Agreement.objects.filter(pk=agreement.pk).update(
        valid_from=datetime.date(1, 1, 1),
        valid_until=datetime.date(9999, 12, 31),
        extension_max_years=32767,
    )
    FollowUpCadence.objects.create(
        agreement=agreement, kind="checkpoint", frequency="monthly", first_on="0002-01-31"
    )
    client.force_login(user("samordnare.sollentuna"))
    calendar = client.get(reverse("calendar", args=[agreement.pk]))
    assert calendar.status_code == 200
    from samverkan.dates import MAX_OCCURRENCES

    assert calendar.content.count(b"BEGIN:VEVENT") <= 40 + MAX_OCCURRENCES * (
        agreement.cadences.count()
    )
    validity = reverse("validity", args=[agreement.pk])
    assert client.get(validity).status_code == 200
    extend = client.post(validity, {"action": "extend", "forlang-new_end": "2100-12-31"})
    assert extend.status_code < 500
    assert client.get(reverse("follow_up", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("overview")).status_code == 200


# --- Uploads ------------------------------------------------------------------------------


def workbook(client, plan) -> bytes:
    return client.get(reverse("plan_xlsx", args=[plan.agreement_id, plan.pk])).content


def repacked(content: bytes, change) -> bytes:
    """The workbook with each file replaced by `change(name, data)`; None leaves it out."""
    packed = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
    return packed.getvalue()


def replace_in(filename, old, new):
    def change(name, data):
        return data.replace(old, new) if name == filename else data

    return change


def shared_string_cell(shared_strings: bytes | None):
    """The first cell made a reference to shared string 99 999 (openpyxl writes inline
    strings), with `shared_strings` as the workbook's table of them when given."""

    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(
                rb'<c r="A1"( s="[0-9]+")? t="inlineStr"><is><t>[^<]*</t></is></c>',
                rb'<c r="A1"\1 t="s"><v>99999</v></c>',
                data,
                count=1,
            )
        if shared_strings is not None and name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                b"</Relationships>",
            )
        if shared_strings is not None and name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        return data

    return change


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    packed = BytesIO(content)
    with zipfile.ZipFile(packed, "a") as archive:
        archive.writestr(name, data)
    return packed.getvalue()


def broken_workbooks(good: bytes) -> dict[str, bytes]:
    plain_zip = BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return {
        "a zip that is not xlsx": plain_zip.getvalue(),
        "truncated": good[: len(good) // 2],
        "sharedStrings index out of range": repacked(good, shared_string_cell(None)),
        "sharedStrings not XML": with_part(
            repacked(good, shared_string_cell(b"")), "xl/sharedStrings.xml", b"<sst><si><t>"
        ),
        "styles not XML": repacked(
            good, lambda name, data: b"<styleSheet><<" if name == "xl/styles.xml" else data
        ),
        "styles malformed": repacked(
            good,
            replace_in("xl/styles.xml", b"<cellXfs", b'<cellXfs count="x"><xf numFmtId="x"/'),
        ),
        "sheet not XML": repacked(
            good,
            lambda name, data: (
                b"<worksheet><sheetData><row>" if name == "xl/worksheets/sheet1.xml" else data
            ),
        ),
        "sheet missing": repacked(
            good, lambda name, data: None if name == "xl/worksheets/sheet1.xml" else data
        ),
        "no sheets in the workbook": repacked(
            good,
            lambda name, data: (
                data.split(b"<sheets>")[0] + b"<sheets/></workbook>"
                if name == "xl/workbook.xml" and b"<sheets>" in data
                else data
            ),
        ),
    }


def test_broken_excel_files_get_a_message_next_to_the_file_field(client, personas, demo):
    agreement = sweep_agreement(demo)
    plan = agreement.action_plans.get()
    client.force_login(personas.coordinator)
    good = workbook(client, plan)
    rows = list(plan.items.values_list("pk", "version", "activity"))
    url = reverse("plan_upload", args=[agreement.pk, plan.pk])
    for what, content in broken_workbooks(good).items():
        response = client.post(url, {"sheet": SimpleUploadedFile("plan.xlsx", content)})
        assert response.status_code == 200, what
        assert "Filen kan inte användas; ingenting sparades:" in response.text, what
        if what != "sheet missing":  # openpyxl then reads the second sheet: no headings
            assert "Filen är inte en Excel-arbetsbok (.xlsx)." in response.text, what
    assert list(plan.items.values_list("pk", "version", "activity")) == rows


def test_a_broken_scan_is_refused_not_a_server_error(client, personas, demo):
    from helpers import make_ready, strangnas_draft
    from test_signing import lifecycle_signers

    draft = strangnas_draft(demo)
    version = make_ready(draft, personas.coordinator)
    version.refresh_from_db()
    client.force_login(personas.coordinator)
    url = reverse("register_signature", args=[draft.pk, version.number])
    signers = lifecycle_signers(version)
    for scan in [b"", b"%PDF-1.7\n", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>", b"PK\x03\x04"]:
        data = {
            "underskrift-TOTAL_FORMS": str(len(signers)),
            "underskrift-INITIAL_FORMS": str(len(signers)),
            "underskrift-MIN_NUM_FORMS": "1",
            "underskrift-MAX_NUM_FORMS": "1000",
            "scan": SimpleUploadedFile("underskriven.pdf", scan, "application/pdf"),
        }
        for number, signer in enumerate(signers):
            data[f"underskrift-{number}-organisation"] = signer["organisation"]
            data[f"underskrift-{number}-name"] = f"Person\x00{number}"
            data[f"underskrift-{number}-signed_on"] = "9999-12-31"
        assert_answered(client.post(url, data), scan)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.READY


# --- import_agreement ---------------------------------------------------------------------


def run_import(path) -> str:
    with pytest.raises(CommandError) as error:
        call_command("import_agreement", str(path))
    return str(error.value)


def exported(demo) -> dict:
    from exchange.export import agreements_for_export, export_document

    return export_document(list(agreements_for_export([demo["sollentuna-2023"].pk])))


def test_deeply_nested_json_is_refused_in_one_line(tmp_path, demo):
    path = tmp_path / "nested.json"
    path.write_text('{"agreements": ' + "[" * 100_000 + "]" * 100_000 + "}")
    before = Agreement.objects.count()
    message = run_import(path)
    assert (
        message
        == f"Inget importerades. {path} är för djupt nästlad: inget överenskommelsedokument."
    )
    assert Agreement.objects.count() == before


def test_an_oversized_json_file_is_refused(tmp_path, demo, settings, monkeypatch):
    monkeypatch.setattr("exchange.importer.MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(exported(demo)))
    before = Agreement.objects.count()
    message = run_import(path)
    assert (
        message == f"Inget importerades. {path} är större än 0 MB: inget överenskommelsedokument."
    )
    assert Agreement.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("valid_from", "0001-01-01"), ("valid_until", "9999-12-31"), ("title", "A\x00B")],
)
def test_the_importer_refuses_values_outside_the_domain(tmp_path, demo, field, value):
    document = exported(demo)
    data = document["agreements"][0]
    data["reference"] = "sollentuna-ny"
    data[field] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = Agreement.objects.count()
    message = run_import(path)
    problem = "Null-tecken är inte tillåtna." if field == "title" else "Ange ett datum mellan"
    assert f"Överenskommelse 1 (sollentuna-ny): {field}: {problem}" in message
    assert Agreement.objects.count() == before


def rewritten_archive(files: dict[str, bytes], target, name, change) -> None:
    """The archive with `change` applied to the JSON of `name`, its manifest made to match
    (so that only the missing key is wrong)."""
    import hashlib

    files = dict(files)
    files[name] = json.dumps(change(json.loads(files[name]))).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = {
        part: hashlib.sha256(files[part]).hexdigest() for part in manifest["files"]
    }
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as out:
        for part, data in files.items():
            out.writestr(part, data)


def without(path: list, key):
    """A change that deletes `key` from the object at `path` (keys and list indexes)."""

    def change(document):
        target = document
        for step in path:
            target = target[step] if not callable(step) else step(target)
        del target[key]
        return document

    return change


def first_value(mapping):
    return next(iter(mapping.values()))


MISSING_KEYS = [
    ("signing.json", [first_value], "versions"),
    ("signing.json", [first_value], "events"),
    ("signing.json", [first_value], "signed_version"),
    ("signing.json", [first_value, "versions", 0], "pdf_sha256"),
    ("signing.json", [first_value, "versions", 0], "number"),
    ("signing.json", [first_value, "events", 0], "happened_on"),
    ("agreements.json", [], "agreements"),
    ("manifest.json", [], "files"),
]


@pytest.mark.parametrize(("name", "path", "key"), MISSING_KEYS)
def test_an_archive_missing_a_key_is_refused_in_one_line(tmp_path, demo, personas, name, path, key):
    from helpers import make_ready, strangnas_draft

    draft = strangnas_draft(demo)
    make_ready(draft, personas.coordinator)
    archive = tmp_path / "backup.zip"
    call_command("export_agreement", str(draft.pk), archive=str(archive))
    with zipfile.ZipFile(archive) as source:
        files = {part: source.read(part) for part in source.namelist()}
    # The archived agreement is restored under its own reference: the original moves aside.
    Agreement.objects.filter(pk=draft.pk).update(reference="flyttad")
    target = tmp_path / "broken.zip"
    if name == "manifest.json":
        with zipfile.ZipFile(target, "w") as out:
            for part, data in files.items():
                manifest = json.loads(data) if part == name else None
                out.writestr(part, json.dumps(without(path, key)(manifest)) if manifest else data)
    else:
        rewritten_archive(files, target, name, without(path, key))
    before = Agreement.objects.count()
    message = run_import(target)
    assert "Traceback" not in message and "KeyError" not in message
    assert "Inget importerades" in message or "Nothing was imported" in message
    assert Agreement.objects.count() == before
