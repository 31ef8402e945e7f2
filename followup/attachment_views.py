"""Attachments of follow-up entries and reports: download, add and remove.

Everyone who sees the agreement downloads them (404 for everyone else); who may log
follow-up on the entry's row adds to and removes from an entry, the agreement's editors
do so on a report while it is a draft (a final report keeps the attachments it was sent
with). What a file may be is decided in followup/attachments.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actionplans.models import plan_page_agreements
from agreements.access import check_may_change_plan, get_agreement, get_agreement_for_editing

from .attachments import AttachmentForm
from .models import Attachment, FollowUpEntry


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """The file as it was stored: a photo opens in the browser, a document is downloaded."""
    agreement = get_agreement(request.user, pk)
    attachment = get_object_or_404(agreement.attachments.all(), pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.is_photo,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _entry_for_changing(request, pk, entry_pk):
    """The agreement and its entry, if the user may log follow-up on the entry's row."""
    agreement = get_agreement(request.user, pk, plan_page_agreements())
    entry = get_object_or_404(
        FollowUpEntry.objects.select_related("item__plan"),
        pk=entry_pk,
        item__plan__agreement=agreement,
    )
    check_may_change_plan(request.user, agreement, entry.item.plan)
    return agreement, entry


def _entry_url(agreement, entry) -> str:
    item = entry.item
    return reverse("entry_create", args=[agreement.pk, item.plan_id, item.pk]) + (
        f"#post-{entry.pk}"
    )


def _report_url(agreement, report) -> str:
    return reverse("report_detail", args=[agreement.pk, report.pk]) + "#bilagor"


@login_required
@require_http_methods(["GET", "POST"])
def entry_attachment_add(request, pk, entry_pk):
    """Bifoga fil to an entry already saved (entries themselves never change)."""
    agreement, entry = _entry_for_changing(request, pk, entry_pk)
    return _add(request, agreement, {"entry": entry}, _entry_url(agreement, entry))


@login_required
@require_http_methods(["GET", "POST"])
def report_attachment_add(request, pk, report_pk):
    agreement = get_agreement_for_editing(request.user, pk)
    report = get_object_or_404(agreement.follow_up_reports.all(), pk=report_pk)
    back = _report_url(agreement, report)
    if report.is_final:
        messages.info(request, _("The report is final: its attachments can no longer change."))
        return redirect(back)
    return _add(request, agreement, {"report": report}, back)


def _add(request, agreement, target, back):
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            Attachment.add_once(form.cleaned_data["file"].checked, user=request.user, **target)
        messages.success(request, _("The file was attached."))
        return redirect(back)
    context = {"agreement": agreement, "form": form, "back": back, **target}
    return render(request, "followup/attachment_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_remove(request, pk, attachment_pk):
    """Asks first (GET), removes on POST; the history keeps that it was there."""
    agreement = get_agreement(request.user, pk, plan_page_agreements())
    attachments = agreement.attachments.select_related("entry__item__plan", "report")
    attachment = attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        return _removed_already(request, agreement, attachment_pk)
    if attachment.entry_id:
        check_may_change_plan(request.user, agreement, attachment.entry.item.plan)
        back = _entry_url(agreement, attachment.entry)
    else:
        get_agreement_for_editing(request.user, pk)
        back = _report_url(agreement, attachment.report)
        if attachment.report.is_final:
            messages.info(request, _("The report is final: its attachments can no longer change."))
            return redirect(back)
    if request.method == "POST":
        with transaction.atomic():
            # Two posts at once (a double click): the second waits here, then finds none.
            if not Attachment.objects.select_for_update().filter(pk=attachment.pk).exists():
                return _removed_already(request, agreement, attachment_pk)
            attachment.remove()
        messages.success(request, _("The attachment was removed."))
        return redirect(back)
    context = {"agreement": agreement, "attachment": attachment, "back": back}
    return render(request, "followup/attachment_remove.html", context)


def _removed_already(request, agreement, attachment_pk):
    """A second Ta bort (a double click, a page left open) finds the attachment gone: back
    to where it was, saying so, for whoever may still see where it was; else 404."""
    removed = Attachment.removed_from(agreement, attachment_pk)
    if removed is None:
        raise Http404
    if removed.entry_id:
        entry = get_object_or_404(FollowUpEntry.objects.select_related("item"), pk=removed.entry_id)
        back = _entry_url(agreement, entry)
    else:
        back = _report_url(
            agreement, get_object_or_404(agreement.follow_up_reports.all(), pk=removed.report_id)
        )
    messages.info(request, _("The attachment was removed already."))
    return redirect(back)
