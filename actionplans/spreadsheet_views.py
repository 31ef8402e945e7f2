"""Ladda ned som Excel and Ladda upp från Excel: an action plan out to a spreadsheet and
back, with a preview of every change before anything is written."""

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import check_may_change_plan

from .models import ActionItem, get_plan
from .spreadsheet import PlanChangedMeanwhile, SheetError, apply, plan_to_workbook, read_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 2 * 1024 * 1024


class UploadForm(forms.Form):
    sheet = forms.FileField(
        label=gettext_lazy("The edited Excel file (.xlsx)"),
        help_text=gettext_lazy("The file downloaded from this plan, with your changes."),
    )

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 2 MB."))
        if not sheet.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the file as an Excel workbook (.xlsx)."))
        return sheet


class TakeFromSheetForm(forms.Form):
    """The preview's choice: for which conflicts the sheet's values win over the web's."""

    take = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, changes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["take"].choices = [(key, key) for key in changes.choices]


def _rows(plan):
    return list(ActionItem.objects.of_plan(plan))


@login_required
@require_GET
def plan_xlsx(request, pk, plan_pk):
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    content = plan_to_workbook(agreement, plan, list(agreement.parties.all()), _rows(plan))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"handlingsplan-{agreement.file_stem}-{plan.position}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request, pk, plan_pk):
    """GET: the upload form. POST with a file: the preview, nothing written; the file is
    kept in the session (it is small and the user's own) for the confirmation. POST with
    `apply`: the previewed changes, all or none."""
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    check_may_change_plan(request.user, agreement, plan)
    parties = list(agreement.parties.all())
    key = f"plan-upload-{plan.pk}"
    context = {"agreement": agreement, "plan": plan}
    changes = None
    if request.method == "POST" and "apply" in request.POST:
        content = request.session.get(key)
        if content is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("plan_upload", agreement.pk, plan.pk)
        try:
            changes = read_workbook(
                plan, parties, _rows(plan), agreement.focus_areas.all(), base64.b64decode(content)
            )
            changes.seen_versions = {
                int(k): v for k, v in request.session[key + "-versions"].items()
            }
            choice = TakeFromSheetForm(request.POST, changes=changes)
            if not choice.is_valid():  # the conflicts are not those previewed
                raise PlanChangedMeanwhile
            changes.take(choice.cleaned_data["take"])
            apply(plan, parties, changes)
        except SheetError as error:
            if changes is None:  # the sheet was read at the preview: the plan has changed
                return _changed_meanwhile(request, agreement, plan)
            context["sheet_errors"] = error.messages
            context["form"] = UploadForm()
            return render(request, "actionplans/plan_upload.html", context)
        except PlanChangedMeanwhile:
            return _changed_meanwhile(request, agreement, plan)
        del request.session[key]
        messages.success(request, _("The changes from Excel are saved."))
        return redirect("plan_detail", agreement.pk, plan.pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["sheet"].read()
        try:
            changes = read_workbook(
                plan, parties, _rows(plan), agreement.focus_areas.all(), content
            )
        except SheetError as error:
            context["sheet_errors"] = error.messages
        else:
            request.session[key] = base64.b64encode(content).decode()
            request.session[key + "-versions"] = {
                str(k): v for k, v in changes.seen_versions.items()
            }
            context["changes"] = changes
            context["choice"] = TakeFromSheetForm(changes=changes)
    context["form"] = form
    return render(request, "actionplans/plan_upload.html", context)


def _changed_meanwhile(request, agreement, plan):
    messages.error(
        request,
        _(
            "The plan was changed by someone else after your preview. Nothing was "
            "saved: upload the file again to see the changes anew."
        ),
    )
    return redirect("plan_upload", agreement.pk, plan.pk)
