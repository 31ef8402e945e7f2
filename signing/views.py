"""Signing and versions of an agreement (printing is in printing/): Klar för
underskrift, Registrera underskrift, Revidera, Jämför versioner, Förläng and Säg upp."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.access import get_agreement, get_agreement_for_editing, may_edit

from . import lifecycle, readiness
from .compare import compare
from .forms import (
    CompareForm,
    ExtendForm,
    MakeReadyForm,
    ScanForm,
    SignatureFormSet,
    TerminateForm,
    UndoReadyForm,
)
from .models import AgreementVersion, EventKind
from .tasks import render_version_pdf


def _file_response(field, filename: str, *, download: bool = False) -> FileResponse:
    return FileResponse(
        field.open("rb"), content_type="application/pdf", filename=filename, as_attachment=download
    )


@login_required
@require_http_methods(["GET", "POST"])
def make_ready(request, pk):
    """Klar för underskrift: first what is missing (refused while something required is)
    and the warnings to confirm (GET); freezes on POST."""
    agreement = get_agreement_for_editing(request.user, pk)
    findings = readiness.check_before_signing(agreement) if agreement.is_draft else []
    data = request.POST if request.method == "POST" else None
    form = MakeReadyForm(data, warnings=readiness.warnings(findings))
    refusal = ""
    if form.is_bound and form.is_valid():
        try:
            version = lifecycle.make_ready(
                agreement, request.user, seen_warnings=form.seen_warnings()
            )
        except lifecycle.NotReadyForSignature as error:
            # Something changed since the page was opened: its findings as they are now.
            refusal, findings = str(error), error.findings
            form = MakeReadyForm(warnings=readiness.warnings(findings))
        except lifecycle.LifecycleError as error:
            messages.error(request, str(error))
            return redirect(agreement)
        else:
            messages.success(
                request,
                _("Version %(number)s is frozen for signature.") % {"number": version.number},
            )
            return redirect("version_detail", agreement.pk, version.number)
    elif form.is_bound:
        refusal = _("Nothing was frozen.")
    missing = readiness.required(findings)
    context = {
        "agreement": agreement,
        "form": form,
        "refusal": refusal,
        "missing": readiness.grouped(missing),
        "missing_count": len(missing),
        "warnings": readiness.grouped(readiness.warnings(findings)),
        "warning_count": len(findings) - len(missing),
    }
    return render(request, "signing/make_ready.html", context, status=400 if refusal else 200)


@login_required
@require_GET
def version_detail(request, pk, number):
    agreement = get_agreement(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    return _version_page(request, agreement, version, UndoReadyForm())


def _version_page(request, agreement, version, undo_form, status=200):
    awaiting = lifecycle.awaiting_signature(agreement)
    context = {
        "agreement": agreement,
        "version": version,
        "may_edit": may_edit(request.user, agreement),
        "may_sign": _may_sign(agreement, version),
        "may_undo": awaiting is not None and awaiting.pk == version.pk,
        "undo_form": undo_form,
        "withdrawal": agreement.events.filter(
            kind=EventKind.WITHDRAWN, version=version.number
        ).first(),
    }
    template = "signing/version_detail.html"
    if request.htmx:
        template += "#version-state"
    return render(request, template, context, status=status)


@login_required
@require_POST
def version_pdf_retry(request, pk, number):
    """Försök igen: the frozen version's PDF is asked for again when making it failed or
    has taken too long (a worker that was down); by its editors, who wait for the paper."""
    agreement = get_agreement_for_editing(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    if agreement.version == version.number and version.ask_for_pdf_again():
        render_version_pdf.enqueue(version.pk)
    return redirect("version_detail", agreement.pk, version.number)


@login_required
@require_POST
def undo_ready(request, pk, number):
    """Ångra klar för underskrift: the version waiting for signatures goes back to draft
    (as the next version number), with the reason recorded."""
    agreement = get_agreement_for_editing(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    form = UndoReadyForm(request.POST)
    if not form.is_valid():
        return _version_page(request, agreement, version, form, status=400)
    try:
        agreement = lifecycle.undo_ready(
            agreement, version.number, request.user, form.cleaned_data["reason"]
        )
    except lifecycle.LifecycleError as error:
        messages.error(request, str(error))
        return redirect("version_detail", agreement.pk, version.number)
    messages.success(
        request,
        _(
            "Version %(old)s is taken back: it can no longer be signed. Version %(new)s is a "
            "draft: change it, then make it ready for signature."
        )
        % {"old": version.number, "new": agreement.version},
    )
    return redirect("draft_editor", agreement.pk)


@login_required
@require_GET
def version_pdf(request, pk, number):
    agreement = get_agreement(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    if not version.pdf:
        raise Http404
    # Stored files (the frozen PDF, the uploaded scan) are downloaded, never shown in the
    # browser's own viewer: a file is never run as part of the site.
    return _file_response(version.pdf, f"{agreement.file_stem}-version-{number}.pdf", download=True)


@login_required
@require_GET
def version_scan(request, pk, number):
    agreement = get_agreement(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    if not version.signed_scan:
        raise Http404
    return _file_response(
        version.signed_scan,
        f"{agreement.file_stem}-version-{number}-underskriven.pdf",
        download=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_signature(request, pk, number):
    """Registrera underskrift: who signed, where and when, and the signed scan."""
    agreement = get_agreement_for_editing(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    may_sign = _may_sign(agreement, version)
    data = request.POST if request.method == "POST" else None
    formset = SignatureFormSet(
        data,
        signers=_signers(version),
        frozen_on=timezone.localtime(version.frozen_at).date(),
        prefix="underskrift",
    )
    scan_form = ScanForm(
        data, request.FILES or None, owner=request.user.pk, purpose=f"signature-{version.pk}"
    )
    valid = data is not None and formset.is_valid() & scan_form.is_valid()
    if valid and may_sign:
        scan = scan_form.cleaned_data["scan"]
        try:
            lifecycle.register_signature(
                version,
                signatures=[form.signature() for form in formset],
                scan=scan.read(),
                scan_name=f"version-{version.number}.pdf",
                user=request.user,
            )
        except lifecycle.LifecycleError as error:
            messages.error(request, str(error))
        else:
            scan_form.forget_uploads()
            messages.success(request, _("The signature is registered."))
        return redirect("version_detail", agreement.pk, version.number)
    if data is not None and may_sign:
        scan_form.keep_uploads()  # shown again: the chosen scan need not be chosen again
    context = {
        "agreement": agreement,
        "version": version,
        "formset": formset,
        "scan_form": scan_form,
        "may_sign": may_sign,
    }
    return render(request, "signing/register_signature.html", context)


@login_required
@require_POST
def revise(request, pk):
    agreement = get_agreement_for_editing(request.user, pk)
    try:
        agreement = lifecycle.revise(agreement, request.user)
    except lifecycle.LifecycleError as error:
        messages.error(request, str(error))
        return redirect(agreement)
    messages.success(
        request,
        _("Version %(number)s is a draft: change it, then make it ready for signature.")
        % {"number": agreement.version},
    )
    return redirect("draft_editor", agreement.pk)


@login_required
@require_GET
def compare_versions(request, pk):
    """Jämför versioner: two versions side by side, by default the last two."""
    agreement = get_agreement(request.user, pk)
    versions = {str(v.number): v for v in agreement.versions.order_by("number")}
    choices = [(number, _("version %(number)s") % {"number": number}) for number in versions]
    if agreement.is_draft or str(agreement.version) not in versions:
        choices.append(
            ("utkast", _("the draft (version %(number)s)") % {"number": agreement.version})
        )
    data = request.GET if CompareForm.query_key("first") in request.GET else None
    if data is None and len(choices) >= 2:  # the last two versions
        data = {
            CompareForm.query_key("first"): choices[-2][0],
            CompareForm.query_key("second"): choices[-1][0],
        }
    form = CompareForm(data, choices=choices)
    parts = labels = None
    if data is not None and form.is_valid():
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        parts = compare(
            _snapshot(agreement, versions, first), _snapshot(agreement, versions, second)
        )
        labels = (dict(choices)[first], dict(choices)[second])
    context = {
        "agreement": agreement,
        "form": form,
        "parts": parts,
        "from_label": labels and labels[0],
        "to_label": labels and labels[1],
    }
    template = "signing/compare.html"
    if request.htmx:
        template += "#comparison"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def validity(request, pk):
    """Förläng and Säg upp, as the agreement's renewal rule allows."""
    agreement = get_agreement_for_editing(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    extend_form = ExtendForm(request.POST if action == "extend" else None, prefix="forlang")
    terminate_form = TerminateForm(request.POST if action == "terminate" else None, prefix="upp")
    forms = {"extend": extend_form, "terminate": terminate_form}
    form = forms.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "extend":
                lifecycle.extend(
                    agreement, form.cleaned_data["new_end"], request.user, form.cleaned_data["note"]
                )
                messages.success(request, _("The agreement is extended."))
            else:
                lifecycle.terminate(
                    agreement,
                    form.cleaned_data["last_day"],
                    request.user,
                    form.cleaned_data["note"],
                )
                messages.success(request, _("The termination is recorded."))
            return redirect(agreement)
        except lifecycle.LifecycleError as error:
            # What the rule refuses is the date asked for: said next to it.
            form.add_error("new_end" if action == "extend" else "last_day", str(error))
    context = {
        "agreement": agreement,
        "extend_form": extend_form,
        "terminate_form": terminate_form,
        "latest_end": lifecycle.latest_extension_end(agreement),
        "awaiting": lifecycle.awaiting_signature(agreement),
        "events": agreement.events.select_related("recorded_by"),
    }
    return render(request, "signing/validity.html", context)


def _may_sign(agreement, version) -> bool:
    return (
        not version.is_signed
        and bool(version.pdf)
        and agreement.status == "ready_for_signature"
        and agreement.version == version.number
    )


def _signers(version) -> list[dict]:
    """The signatories as frozen; else one line per signing party, to fill in."""
    snapshot = version.snapshot
    if snapshot["signatories"]:
        return [
            {
                "organisation": s["organisation"]["name"],
                "name": s["name"],
                "title": s["title"],
                "place": s["place"],
            }
            for s in snapshot["signatories"]
        ]
    return [
        {"organisation": party["organisation"]["name"]}
        for party in snapshot["parties"]
        if party["role"] != "participant"
    ]


def _snapshot(agreement, versions, key):
    if key == "utkast":
        return lifecycle.printed_snapshot(agreement)
    return versions[key].snapshot


def version_url(version) -> str:
    return reverse("version_detail", args=[version.agreement_id, version.number])
