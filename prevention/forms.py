"""The forms of the law's items. Each belongs to the municipality the view passes; its
messages are in Swedish through the translations."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samverkan.versioning import VersionedForm
from samverkan.widgets import DateInput

from .models import CoordinatingFunction, PreventionPlan, SituationReport

DATE = DateInput()


class SituationReportForm(VersionedForm):
    class Meta:
        model = SituationReport
        fields = [
            "title",
            "adopted_on",
            "adopted_by",
            "crime_mapping",
            "other_information",
            "analysis",
        ]
        widgets = {
            "adopted_on": DATE,
            "crime_mapping": forms.Textarea(attrs={"rows": 5}),
            "other_information": forms.Textarea(attrs={"rows": 4}),
            "analysis": forms.Textarea(attrs={"rows": 5}),
        }


class PreventionPlanForm(VersionedForm):
    class Meta:
        model = PreventionPlan
        fields = [
            "title",
            "decided_on",
            "decided_by",
            "reference_number",
            "next_review_on",
            "summary",
        ]
        widgets = {
            "decided_on": DATE,
            "next_review_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        decided, review = cleaned.get("decided_on"), cleaned.get("next_review_on")
        if decided and review and review <= decided:
            self.add_error("next_review_on", _("The next review must come after the decision."))
        return cleaned


class CoordinatingFunctionForm(VersionedForm):
    class Meta:
        model = CoordinatingFunction
        fields = ["unit", "user", "person_name", "person_title", "email", "phone"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        users = get_user_model().objects.filter(memberships__organisation=municipality)
        self.fields["user"].queryset = users.order_by("last_name", "first_name", "username")
        self.fields["user"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        self.remember_opened_values()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not (cleaned.get("person_name") or "").strip():
            raise ValidationError(
                _("Name the person who holds the function, or choose one of the users.")
            )
        return cleaned
