"""The draft editor's parts: each kind of part (a party, a section, a source or an area of
the problem picture, a problem, an overall goal, a focus area, a signatory) is described
once here, with
everything in which one kind differs from another: its model, its form, where it sits, what
it is called, what its list loads with it and what may keep a part from being removed. The views in
`drafting_views.py` serve them all the same way, never asking which kind they serve.

The editor spans apps (a party stays while its municipality has an action plan; a new draft
may be a copy through the exchange format), so it lives in `pages`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan
from agreements.access import EDITING_ROLES
from agreements.drafting import (
    FocusAreaForm,
    OverallGoalForm,
    ProblemAreaForm,
    ProblemItemForm,
    ProblemSourceForm,
    SectionForm,
    SignatoryForm,
    unique_reference,
)
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    FocusArea,
    OverallGoal,
    Party,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
)
from exchange.copying import copy_agreement
from organisations.models import Membership, MembershipRole, Organisation
from samverkan.fetching import page_fetch_mode
from samverkan.ordering import next_position
from samverkan.sent_once import SentOnce
from samverkan.versioning import VersionedForm


class NewAgreementForm(SentOnce, forms.Form):
    """Ny överenskommelse: from scratch, or as a copy of an agreement the user can see."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=AgreementKind.choices,
        initial=AgreementKind.COOPERATION_AGREEMENT,
        required=False,  # left out: a cooperation agreement
    )
    organisation = forms.ModelChoiceField(
        label=_("Your organisation, the first party"), queryset=Organisation.objects.none()
    )
    copy_of = forms.ModelChoiceField(
        label=_("Copy of"),
        required=False,
        queryset=Agreement.objects.none(),
        empty_label=_("(none: start from scratch)"),
        help_text=_("Copies the text, parties, problem picture, focus areas and action plans."),
    )

    def __init__(self, *args, user, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autofocus"] = True
        self.user = user
        organisations = Organisation.objects.filter(
            memberships__user=user, memberships__role__in=EDITING_ROLES
        )
        if user.is_superuser:
            organisations = Organisation.objects.all()
        self.fields["organisation"].queryset = organisations.order_by("name")
        if not user.is_superuser and len(mine := list(organisations[:2])) == 1:
            self.fields["organisation"].initial = mine[0]
        self.fields["copy_of"].queryset = visible.order_by("-valid_from", "title")

    def create(self) -> Agreement:
        data = self.cleaned_data
        data["kind"] = data["kind"] or AgreementKind.COOPERATION_AGREEMENT
        if data["copy_of"]:
            copy = copy_agreement(data["copy_of"], title=data["title"])
            if copy.kind != data["kind"]:
                copy.kind = data["kind"]
                copy.part_of = None  # only a citizen promise belongs to another agreement
                copy.save(update_fields=["kind", "part_of"])
            return copy
        with transaction.atomic():
            agreement = Agreement.objects.create(
                reference=unique_reference(data["title"]),
                title=data["title"],
                kind=data["kind"],
                status=AgreementStatus.DRAFT,
            )
            Party.objects.create(agreement=agreement, organisation=data["organisation"], position=1)
            # A kommunpolis edits the agreements of the municipality they work with
            # (agreements/access.py): it is the second party of their new draft.
            works_with = (
                Membership.objects.filter(
                    user=self.user,
                    organisation=data["organisation"],
                    role=MembershipRole.POLICE_OFFICER,
                )
                .values_list("works_with", flat=True)
                .first()
            )
            if works_with:
                Party.objects.create(agreement=agreement, organisation_id=works_with, position=2)
        return agreement


class PartyForm(SentOnce, VersionedForm):
    class Meta:
        model = Party
        fields = ["organisation", "name", "role", "label"]

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        replaced = self.instance.pk and organisation.pk != self.instance.organisation_id
        if replaced and (refusal := why_the_party_stays(self.instance)):
            raise forms.ValidationError(refusal)
        return organisation


def why_the_party_stays(party) -> str:
    """Why a party cannot be removed (or replaced by another organisation), or "". A
    municipality with its own action plan in the agreement stays a party: without it the
    plan would be nobody's, and its coordinators and kommunpoliser would lose it
    (agreements/access.py), taken away by an editor of another party."""
    plan = ActionPlan.objects.filter(
        agreement_id=party.agreement_id, municipality_id=party.organisation_id
    ).first()
    if plan is None:
        return ""
    return _(
        "The action plan “%(plan)s” is this municipality's: delete the plan or make it "
        "shared first."
    ) % {"plan": plan.shown_title}


def always_removable(part) -> str:
    return ""


@dataclass(frozen=True)
class PartKind:
    """One kind of part of a draft: where it sits, how it is edited and shown, and what may
    keep it from being removed."""

    slug: str  # in URLs and element ids
    model: type[Model]
    form: type[VersionedForm]
    name: str  # "avsnitt", for button and heading texts
    parent: str  # the field naming what it belongs to
    of_agreement: str  # the lookup from the part to its agreement
    # What a list of parts is shown with, loaded with it rather than one query per part.
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()
    # Why this part cannot be removed, or "".
    why_it_stays: Callable[[Model], str] = always_removable
    # What shows one part in the editor's list, and what follows its buttons (the parts
    # listed under it), so the editor's template names no kind.
    nested_with: str = ""

    @property
    def shown_with(self) -> str:
        return f"agreements/parts/{self.slug}.html"

    def parts_of(self, agreement):
        return self.model.objects.filter(**{self.of_agreement: agreement})

    def get(self, agreement, pk):
        try:
            return self.parts_of(agreement).get(pk=pk)
        except self.model.DoesNotExist:
            raise Http404 from None

    def siblings(self, part):
        return self.model.objects.filter(
            **{f"{self.parent}_id": getattr(part, f"{self.parent}_id")}
        )

    def list_id(self, parent_pk) -> str:
        return f"lista-{self.slug}-{parent_pk}"

    def listed(self, parent_pk) -> list:
        """The parts of one list, in order, with what the list shows of each."""
        parts = self.model.objects.fetch_mode(page_fetch_mode())
        parts = parts.filter(**{f"{self.parent}_id": parent_pk})
        if self.list_select_related:  # select_related() with no field would follow them all
            parts = parts.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            parts = parts.prefetch_related(*self.list_prefetch_related)
        return list(parts)


PART_KINDS = {
    kind.slug: kind
    for kind in [
        PartKind(
            "part",
            Party,
            PartyForm,
            _("party"),
            "agreement",
            "agreement",
            list_select_related=("organisation",),
            why_it_stays=why_the_party_stays,
        ),
        PartKind("avsnitt", Section, SectionForm, _("section"), "agreement", "agreement"),
        PartKind(
            "kalla",
            ProblemSource,
            ProblemSourceForm,
            _("source"),
            "problem_picture",
            "problem_picture__agreement",
        ),
        PartKind(
            "omrade",
            ProblemArea,
            ProblemAreaForm,
            _("problem area"),
            "problem_picture",
            "problem_picture__agreement",
            list_prefetch_related=("items",),
            nested_with="agreements/parts/omrade_nested.html",
        ),
        PartKind(
            "problem",
            ProblemItem,
            ProblemItemForm,
            _("problem"),
            "area",
            "area__problem_picture__agreement",
        ),
        PartKind("mal", OverallGoal, OverallGoalForm, _("overall goal"), "agreement", "agreement"),
        PartKind(
            "fokusomrade", FocusArea, FocusAreaForm, _("focus area"), "agreement", "agreement"
        ),
        PartKind(
            "underskrift",
            Signatory,
            SignatoryForm,
            _("signatory"),
            "agreement",
            "agreement",
            list_select_related=("party__organisation",),
        ),
    ]
}


def get_kind(slug) -> PartKind:
    try:
        return PART_KINDS[slug]
    except KeyError:
        raise Http404 from None


def new_part(kind: PartKind, agreement, parent_pk):
    """An unsaved part of `kind` under its parent in this agreement (404 if not there)."""
    if kind.parent == "agreement":
        parent = agreement
    elif kind.parent == "problem_picture":
        parent = ProblemPicture.objects.filter(agreement=agreement).first()
    else:
        parent = ProblemArea.objects.filter(
            problem_picture__agreement=agreement, pk=parent_pk
        ).first()
    if parent is None:
        raise Http404
    return kind.model(**{kind.parent: parent})


@transaction.atomic
def save_new_part(kind: PartKind, form) -> Model:
    part = form.save(commit=False)
    part.position = next_position(kind.siblings(part))
    part.save()
    form.save_m2m()
    return part
