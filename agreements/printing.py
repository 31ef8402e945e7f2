"""The agreement on paper: the print template's HTML and its PDF, for the whole agreement,
for one municipality's part of it, or for one action plan.

The same template prints a draft (marked UTKAST on every page) and a version frozen for
signature (an archival, tagged PDF/A-3a: see samverkan.pdf.ARCHIVAL_VARIANT).
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from samverkan.pdf import ARCHIVAL_VARIANT, render_pdf

from .document import AgreementDocument, build_document, document_queryset
from .models import Agreement, PartyRole

# Above this many action plan rows a PDF takes WeasyPrint more than about two seconds
# (bench/pdf.py): it is rendered by the background worker while the page shows progress.
QUICK_ROWS = 50


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


def agreement_html(
    agreement: Agreement,
    *,
    draft: bool,
    municipality=None,
    version_number: int | None = None,
    frozen_on=None,
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
        "printed_on": timezone.now(),
    }
    return render_to_string("agreements/agreement_print.html", context)


def agreement_pdf(agreement: Agreement, *, municipality=None) -> bytes:
    """The agreement as it stands now; marked UTKAST unless its text is frozen."""
    agreement = document_queryset().get(pk=agreement.pk)
    html = agreement_html(agreement, draft=agreement.is_draft, municipality=municipality)
    return render_pdf(html)


def plan_html(agreement: Agreement, plan_pk: int) -> str:
    document = build_document(agreement)
    plan, groups = next((p, g) for p, g in document.plans if p.pk == plan_pk)
    context = {
        "document": document,
        "plan": plan,
        "groups": groups,
        "is_draft": agreement.is_draft,
        "printed_on": timezone.now(),
    }
    return render_to_string("agreements/plan_print.html", context)


def plan_pdf(agreement: Agreement, plan_pk: int) -> bytes:
    agreement = document_queryset().get(pk=agreement.pk)
    return render_pdf(plan_html(agreement, plan_pk))


def row_count(agreement: Agreement, municipality=None) -> int:
    from actionplans.models import ActionItem

    rows = ActionItem.objects.filter(plan__agreement=agreement)
    if municipality is not None:
        rows = rows.filter(plan__municipality__in=[municipality]) | rows.filter(
            plan__municipality__isnull=True
        )
    return rows.count()


def archival_pdf(html: str, snapshot_json: bytes) -> bytes:
    """A frozen version's paper: PDF/A-3a with the version's data attached."""
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
