"""Everything the product prints, in one place: the agreement (whole, one municipality's
part, or a version frozen for signature), one action plan, and a follow-up report. Each
function returns the print template's HTML or the PDF's bytes; the views and the background
worker only call them.

The paper is Swedish whatever language the user reads the site in, so every document is
built under `translation.override("sv")`.

What a print claims to be follows what it shows:
- a draft is marked UTKAST on every page, with its version number;
- a version frozen for signature is its archival PDF (PDF/A-3a with its data attached,
  see engine.ARCHIVAL_VARIANT), made once by signing's worker task from version_pdf();
- anything else printed from the living agreement (a signed agreement's plans go on
  changing after signing) is dated "as of" the day it is printed and never named after a
  signed version: what was signed is that version's frozen PDF.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from agreements.models import Agreement, PartyRole

from .agreement_document import AgreementDocument, build_document, document_queryset
from .engine import ARCHIVAL_VARIANT, render_pdf

# Above this many action plan rows a PDF takes WeasyPrint more than about two seconds
# (bench/pdf.py): it is rendered by the background worker while the page shows progress.
QUICK_ROWS = 50


def in_swedish(function):
    """The print is Swedish whatever language the request is in."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("sv"):
            return function(*args, **kwargs)

    return wrapper


@dataclass
class SignatureBlock:
    party: object
    signatories: list


def signature_blocks(document: AgreementDocument) -> list[SignatureBlock]:
    """One block per signing party, in party order, with its signatories (none yet: an
    empty block with a line to sign on)."""
    signatories = list(document.agreement.signatories.all())
    return [
        SignatureBlock(party, [s for s in signatories if s.party_id == party.pk])
        for party in document.parties
        if party.role != PartyRole.PARTICIPANT
    ]


def pairs(blocks: list) -> list[list]:
    """Two parties side by side, as on a signed paper."""
    return [blocks[start : start + 2] for start in range(0, len(blocks), 2)]


def for_municipality(document: AgreementDocument, municipality) -> AgreementDocument:
    """The agreement with only the plans of one municipality (and those for all)."""
    document.plans = [
        (plan, groups)
        for plan, groups in document.plans
        if plan.municipality_id in (None, municipality.pk)
    ]
    return document


def as_of(agreement: Agreement) -> datetime.date | None:
    """The day a print of the living agreement is dated by; None for a draft, which is
    printed as its version (UTKAST)."""
    return None if agreement.is_draft else timezone.localdate()


@in_swedish
def agreement_html(
    agreement: Agreement,
    *,
    draft: bool,
    municipality=None,
    version_number: int | None = None,
    frozen_on=None,
    as_of_day: datetime.date | None = None,
) -> str:
    """The print template for an agreement loaded with document_queryset()."""
    document = build_document(agreement)
    if municipality is not None:
        document = for_municipality(document, municipality)
    context = {
        "document": document,
        "signature_rows": pairs(signature_blocks(document)),
        "is_draft": draft,
        "municipality": municipality,
        "version_number": version_number or agreement.version,
        "frozen_on": frozen_on,
        "as_of": as_of_day,
        # The day, not the moment: the same content printed twice in a day is the same
        # HTML, so a print job can be found again by the HTML's hash (printing.models).
        "printed_on": timezone.localdate(),
    }
    # A medborgarlöfte is printed as one: a page or two, its promises among its text.
    template = (
        "agreements/promise_print.html"
        if agreement.is_citizen_promise
        else "agreements/agreement_print.html"
    )
    return render_to_string(template, context)


def living_agreement_html(agreement: Agreement, *, municipality=None) -> str:
    """The agreement as it stands now: a draft as its version, marked UTKAST; anything
    else dated as of today (see the module's docstring)."""
    agreement = document_queryset().get(pk=agreement.pk)
    return agreement_html(
        agreement,
        draft=agreement.is_draft,
        municipality=municipality,
        as_of_day=as_of(agreement),
    )


def agreement_pdf(agreement: Agreement, *, municipality=None) -> bytes:
    """The agreement as it stands now; marked UTKAST when it is a draft."""
    return render_pdf(living_agreement_html(agreement, municipality=municipality))


@in_swedish
def plan_html(agreement: Agreement, plan_pk: int) -> str:
    """One action plan on its own, as it stands now (dated as of today unless a draft)."""
    agreement = document_queryset().get(pk=agreement.pk)
    document = build_document(agreement)
    plan, groups = next((p, g) for p, g in document.plans if p.pk == plan_pk)
    context = {
        "document": document,
        "plan": plan,
        "groups": groups,
        "is_draft": agreement.is_draft,
        "as_of": as_of(agreement),
        "printed_on": timezone.localdate(),
    }
    return render_to_string("agreements/plan_print.html", context)


def plan_pdf(agreement: Agreement, plan_pk: int) -> bytes:
    return render_pdf(plan_html(agreement, plan_pk))


def version_pdf(agreement: Agreement, *, number: int, frozen_on, snapshot_json: bytes) -> bytes:
    """A frozen version's paper: PDF/A-3a with the version's data attached. `agreement` is
    loaded with document_queryset() and holds what was frozen."""
    html = agreement_html(agreement, draft=False, version_number=number, frozen_on=frozen_on)
    return render_pdf(
        html,
        variant=ARCHIVAL_VARIANT,
        attachments=[
            (
                "overenskommelse.json",
                "Versionens innehåll i Samverkans JSON-format",
                snapshot_json,
            )
        ],
    )


@in_swedish
def report_html(agreement: Agreement, report) -> str:
    from followup.report import contents_of

    context = {"agreement": agreement, "report": report, "contents": contents_of(report)}
    return render_to_string("followup/report_print.html", context)


def report_pdf(agreement: Agreement, report) -> bytes:
    """A follow-up report: as it is now while a draft, as it was frozen once final."""
    return render_pdf(report_html(agreement, report))


def row_count(agreement: Agreement, municipality=None) -> int:
    from actionplans.models import ActionItem

    rows = ActionItem.objects.filter(plan__agreement=agreement)
    if municipality is not None:
        rows = rows.filter(plan__municipality__in=[municipality]) | rows.filter(
            plan__municipality__isnull=True
        )
    return rows.count()


@dataclass
class PrintRequest:
    """What a print button asks for: the file's name, the HTML to print and its hash (the
    same content printed twice is rendered once), whether it is quick to render, and
    which of the agreement's documents it is (PrintJob.document)."""

    filename: str
    html: str
    quick: bool
    document: str = ""

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.filename}\0{self.html}".encode()).hexdigest()


def agreement_request(agreement: Agreement, municipality=None) -> PrintRequest:
    day = as_of(agreement)
    name = f"version-{agreement.version}" if day is None else f"per-{day:%Y-%m-%d}"
    suffix = f"-{municipality.pk}" if municipality else ""
    return PrintRequest(
        filename=f"{agreement.file_stem}-{name}{suffix}.pdf",
        html=living_agreement_html(agreement, municipality=municipality),
        quick=row_count(agreement, municipality) <= QUICK_ROWS,
        document=f"agreement-{municipality.pk}" if municipality else "agreement",
    )


def plan_request(agreement: Agreement, plan) -> PrintRequest:
    day = as_of(agreement)
    suffix = "" if day is None else f"-per-{day:%Y-%m-%d}"
    return PrintRequest(
        filename=f"{agreement.file_stem}-handlingsplan-{plan.position}{suffix}.pdf",
        html=plan_html(agreement, plan.pk),
        quick=plan.items.count() <= QUICK_ROWS,
        document=f"plan-{plan.pk}",
    )
