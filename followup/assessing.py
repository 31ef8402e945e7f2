"""Bedömning: a follow-up report's assessment of how each signing party met its commitments
and, per activity, whether it was done and whether it worked (models in
`models/assessments.py`), edited while the report is a draft."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actionplans.models import ActionItem, plan_page_agreements
from agreements.access import get_agreement_for_editing

from .models import (
    ActivityAssessment,
    EffectAssessment,
    FollowUpReport,
    Fulfilment,
    PartyFulfilment,
    ProcessAssessment,
)
from .report import signing_parties
from .views import get_report


class CommentField(forms.CharField):
    """A comment whose line ends are the same however they came: a browser posts a
    textarea's with CR LF and the value it was opened with as written, and an unchanged
    comment must not count as changed."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class AssessmentForm(forms.Form):
    """A report's assessment: each signing party's fulfilment of its commitments (grön /
    gul / röd and a comment), and for each activity whether it was carried out and whether
    it worked, kept apart, with a comment.

    Only what the user changed since opening the page is written, cell by cell: each field
    carries the value it was opened with (Django's hidden initial), so two people assessing
    different parties or activities of the same draft at once both keep theirs.
    """

    COMMENT_LIMIT = 2000

    def __init__(self, *args, report, parties, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        fulfilments = {f.party_id: f for f in report.fulfilments.all()}
        assessments = {a.item_id: a for a in report.activity_assessments.all()}
        self.parties = []
        for party in parties:
            saved = fulfilments.get(party.pk)
            name = party.shown_name
            self.fields[f"party_{party.pk}_rating"] = forms.ChoiceField(
                label=_("How %(party)s met its commitments") % {"party": name},
                choices=Fulfilment.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=saved.rating if saved else "",
                show_hidden_initial=True,
            )
            self.fields[f"party_{party.pk}_comment"] = self._comment(
                _("Comment on %(party)s") % {"party": name}, saved
            )
            self.parties.append(party)
        self.items = []
        for item in items:
            saved = assessments.get(item.pk)
            self.fields[f"item_{item.pk}_process"] = forms.ChoiceField(
                label=_("Was it done?"),
                choices=ProcessAssessment.choices,
                required=False,
                initial=saved.process if saved else "",
                show_hidden_initial=True,
            )
            self.fields[f"item_{item.pk}_effect"] = forms.ChoiceField(
                label=_("Did it work?"),
                choices=EffectAssessment.choices,
                required=False,
                initial=saved.effect if saved else "",
                show_hidden_initial=True,
            )
            self.fields[f"item_{item.pk}_comment"] = self._comment(_("Comment"), saved)
            self.items.append(item)

    def _comment(self, label, saved):
        return CommentField(
            label=label,
            required=False,
            max_length=self.COMMENT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 2}),
            initial=saved.comment if saved else "",
            show_hidden_initial=True,
        )

    def party_entries(self):
        """(party, its rating field, its comment field) for the template."""
        return [
            (party, self[f"party_{party.pk}_rating"], self[f"party_{party.pk}_comment"])
            for party in self.parties
        ]

    def item_entries(self):
        """(row, was it done, did it work, comment) for the template."""
        return [
            (
                item,
                self[f"item_{item.pk}_process"],
                self[f"item_{item.pk}_effect"],
                self[f"item_{item.pk}_comment"],
            )
            for item in self.items
        ]

    def _changed(self, prefix: str, names) -> dict:
        """The cells of one party or row that the user changed since opening the page. A
        cell the page did not have (a row added since it was opened) is not one: it keeps
        what it holds."""
        changed = set(self.changed_data)
        return {
            name: self.cleaned_data[f"{prefix}_{name}"]
            for name in names
            if f"{prefix}_{name}" in changed and f"{prefix}_{name}" in self.data
        }

    @transaction.atomic
    def save(self) -> bool:
        """Write the changed cells; False, writing nothing, when the report was made final
        since the form was opened (the report is locked while this is decided)."""
        report = FollowUpReport.objects.select_for_update().get(pk=self.report.pk)
        if report.is_final:
            return False
        for party in self.parties:
            values = self._changed(f"party_{party.pk}", ("rating", "comment"))
            if values:
                PartyFulfilment.objects.update_or_create(
                    report=report, party=party, defaults=values
                )
        for item in self.items:
            values = self._changed(f"item_{item.pk}", ("process", "effect", "comment"))
            if values:
                ActivityAssessment.objects.update_or_create(
                    report=report, item=item, defaults=values
                )
        return True


ASSESSMENT_PAGE = "followup/report_assessment.html"


@login_required
@require_http_methods(["GET", "POST"])
def report_assessment(request, pk, report_pk):
    """Bedömning: how each signing party met its commitments, and per activity whether it
    was done and whether it worked. Changed while the report is a draft, by those who may
    change the report; shown on the report's page and in its PDF."""
    agreement = get_agreement_for_editing(request.user, pk, plan_page_agreements())
    report = get_report(agreement, report_pk)
    report_url = reverse("report_detail", args=[agreement.pk, report.pk]) + "#bedomning"
    if report.is_final:
        messages.info(request, _("The report is final: its assessment can no longer be changed."))
        return _to_report(request, report_url)
    items = ActionItem.objects.filter(plan__agreement=agreement).order_by(
        "plan__position", "position"
    )
    parties = signing_parties(agreement)
    form = AssessmentForm(request.POST or None, report=report, parties=parties, items=items)
    message = ""
    if form.is_bound and form.is_valid():
        if not form.save():  # made final meanwhile: nothing was written
            messages.info(
                request, _("The report was made final meanwhile: the assessment was not saved.")
            )
            return _to_report(request, report_url)
        message = _("The assessment was saved.")
        if not request.htmx:
            messages.success(request, message)
            return redirect(report_url)
        form = AssessmentForm(report=report, parties=parties, items=items)
    context = {"agreement": agreement, "report": report, "form": form, "message": message}
    page = ASSESSMENT_PAGE
    return render(request, f"{page}#assessment_form" if request.htmx else page, context)


def _to_report(request, url):
    """To the report's page: for an HTMX request the whole window goes there."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
