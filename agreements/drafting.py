"""The forms of a draft agreement's facts and of the parts it is made of that need nothing
but the agreement itself; a fresh reference for a new draft.

The draft editor (pages/drafting.py, pages/drafting_views.py) describes each kind of part
once and serves them all the same way; the party's form, which asks the action plans
whether a party may go, lives there too.
"""

from django import forms
from django.utils.text import slugify

from prevention.models import SituationReport
from samverkan.sent_once import SentOnce
from samverkan.versioning import VersionedForm
from samverkan.widgets import DateInput

from .access import visible_agreements
from .models import (
    Agreement,
    AgreementKind,
    FocusArea,
    OverallGoal,
    PartyRole,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
)

DATE = DateInput()


class AgreementFactsForm(VersionedForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "subtitle",
            "kind",
            "part_of",
            "valid_from",
            "valid_until",
            "first_year",
            "last_year",
            "length_years",
            "renewal_rule",
            "extension_max_years",
            "validity_note",
            "overall_goals_heading",
        ]
        widgets = {"valid_from": DATE, "valid_until": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A citizen promise may belong to a cooperation agreement that shares a party with
        # it (and that the user may see); Agreement.clean says why another is refused.
        parents = Agreement.objects.filter(
            kind=AgreementKind.COOPERATION_AGREEMENT,
            parties__organisation__in=self.instance.parties.values("organisation"),
        ).exclude(pk=self.instance.pk)
        if user is not None:
            parents = parents.filter(pk__in=visible_agreements(user).values("pk"))
        self.fields["part_of"].queryset = parents.distinct().order_by("-valid_from", "title")
        # A form posted without the kind (an older page, a script) keeps the kind it had.
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data["kind"] or self.instance.kind


class FollowUpArrangementForm(VersionedForm):
    """How the agreement is followed up, as the document writes it: printed before the
    signatures (a medborgarlöfte's "how the promises are followed up")."""

    class Meta:
        model = Agreement
        fields = list(Agreement.FOLLOW_UP_FIELDS)


def unique_reference(title: str) -> str:
    base = slugify(title)[:40].strip("-") or "utkast"
    reference, number = base, 1
    while Agreement.objects.filter(reference=reference).exists():
        number += 1
        reference = f"{base}-{number}"
    return reference


class SectionForm(SentOnce, VersionedForm):
    class Meta:
        model = Section
        fields = ["heading", "body", "embed"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.remember_opened_values()


class OverallGoalForm(SentOnce, VersionedForm):
    class Meta:
        model = OverallGoal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class FocusAreaForm(SentOnce, VersionedForm):
    class Meta:
        model = FocusArea
        fields = ["title", "category", "goals", "background", "footnotes"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 4}),
            "footnotes": forms.Textarea(attrs={"rows": 2}),
        }


class ProblemPictureForm(VersionedForm):
    class Meta:
        model = ProblemPicture
        fields = ["title", "drawn_up_on", "period_note", "summary", "situation_report"]
        widgets = {"drawn_up_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a lägesbild of one of the agreement's municipalities (law 2023:196 § 4).
        field = self.fields["situation_report"]
        field.queryset = (
            SituationReport.objects.filter(
                municipality__parties__agreement=self.instance.agreement_id
            )
            .select_related("municipality")
            .order_by("municipality__name", "-adopted_on", "-pk")
            .distinct()
        )
        field.label_from_instance = lambda report: f"{report.municipality.name}: {report}"
        self.remember_opened_values()


class ProblemSourceForm(SentOnce, VersionedForm):
    class Meta:
        model = ProblemSource
        fields = ["kind", "title", "description", "held_on", "place", "people_reached"]
        widgets = {"held_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class ProblemAreaForm(SentOnce, VersionedForm):
    class Meta:
        model = ProblemArea
        fields = ["title"]


class ProblemItemForm(SentOnce, VersionedForm):
    class Meta:
        model = ProblemItem
        fields = ["text", "probable_causes"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "probable_causes": forms.Textarea(attrs={"rows": 2}),
        }


class SignatoryForm(SentOnce, VersionedForm):
    """Who signs for a party, printed under its signature line. The date is written when
    the signatures are registered (Registrera underskrift)."""

    class Meta:
        model = Signatory
        fields = ["name", "title", "party", "place"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the agreement's signing parties: a participant signs nothing.
        self.fields["party"].queryset = (
            self.instance.agreement.parties.exclude(role=PartyRole.PARTICIPANT)
            .select_related("organisation")
            .order_by("position")
        )
        self.fields["party"].label_from_instance = lambda party: party.shown_name
