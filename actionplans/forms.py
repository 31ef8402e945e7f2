from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import ProblemItem
from organisations.models import Organisation
from samverkan import sent_once
from samverkan.ordering import next_position
from samverkan.params import IdsChoiceField
from samverkan.saving import finish_in_transaction
from samverkan.versioning import VersionedForm
from samverkan.widgets import DateInput

from .adoption import AdoptedMeanwhile, adopt
from .models import ActionItem, ActionPlan, ItemStatus, PlanAdoption, PlanLayout, Responsibility
from .people import PersonChoiceField, offer_responsible_people

# The fields a row's form shows, by the plan's column set. Dates and recurrence come with
# every layout: they are what follow-up and reminders compute with. The status is not here:
# it comes from the row's latest follow-up entry (Logga uppföljning); only whether a row not
# yet followed up is proposed or adopted is chosen here (ADOPTION_CHOICES).
LAYOUT_FIELDS = {
    PlanLayout.GOAL_ACTIVITY_WHEN_RESPONSIBLE: [
        "goal",
        "continues_goal_above",
        "activity",
        "when_text",
        "responsible_text",
    ],
    PlanLayout.ACTIVITY_PARTIES_COMMUNICATION: ["activity", "communication", "when_text"],
    PlanLayout.PROMISES_BY_PARTY: [
        "group_heading",
        "goal",
        "activity",
        "when_text",
        "responsible_text",
    ],
    PlanLayout.BRA_CAUSE_MEASURE: [
        "cause",
        "activity",
        "goal",
        "when_text",
        "responsible_text",
        "contact",
        "follow_up_text",
    ],
}
# The words of Brå's template for the fields it names otherwise (Åtgärd, Operativt mål, Vem).
BRA_LABELS = {
    "cause": _("Cause"),
    "activity": _("Measure"),
    "goal": _("Operational goal"),
    "when_text": _("When"),
    "responsible_text": _("Who"),
    "contact": _("Contact"),
    "follow_up_text": _("Follow-up"),
}
SCHEDULE_FIELDS = ["starts_on", "ends_on", "due_on", "recurrence"]
# Before anything is done on a row, it is either proposed (not yet adopted: no reminders,
# never overdue) or adopted and not started.
ADOPTION_CHOICES = [
    (ItemStatus.PROPOSED, _("Proposed, not yet adopted")),
    (ItemStatus.NOT_STARTED, _("Adopted, not started")),
]
# The row's check constraints whose rule ActionItem.clean() states in Python.
CHECKED_BY_CLEAN = {"actionitem_ends_not_before_starts"}


class LoadedChoiceField(forms.ModelChoiceField):
    """A choice among objects the view has already loaded (`loaded`: the agreement's focus
    areas, prefetched with it), looked up among them instead of asked of the database
    again; the same message as Django's for a choice that is not among them."""

    loaded = None

    def to_python(self, value):
        if self.loaded is None or value in self.empty_values:
            return super().to_python(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        for choice in self.loaded:
            if str(choice.pk) == str(value):
                return choice
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ActionItemForm(sent_once.SentOnce, VersionedForm):
    """A row of a plan, with the columns the plan uses.

    In plans with one column per party each party's cell is a field of its own, read and
    written by ActionItem.party_text and set_party_text (as the Excel upload does).
    `version` is the row's version when the form was opened: a save over a newer version is
    refused as a conflict (see Versioned.save_if_unchanged).
    """

    class Meta:
        model = ActionItem
        fields = [
            "focus_area",
            "group_heading",
            "goal",
            "continues_goal_above",
            "activity",
            "when_text",
            "responsible_text",
            "communication",
            "cause",
            "contact",
            "follow_up_text",
            "status",
            "responsible_person",
            *SCHEDULE_FIELDS,
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "activity": forms.Textarea(attrs={"rows": 3}),
            "communication": forms.Textarea(attrs={"rows": 2}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "follow_up_text": forms.Textarea(attrs={"rows": 2}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "due_on": DateInput(),
        }
        field_classes = {"focus_area": LoadedChoiceField, "responsible_person": PersonChoiceField}

    def __init__(self, *args, plan, parties, focus_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = self.instance.plan = plan  # the plan already loaded: validation reads it
        self.parties = parties if plan.layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION else []
        shown = {"focus_area", "version", sent_once.FIELD, "responsible_person"}
        shown.update(LAYOUT_FIELDS[plan.layout], SCHEDULE_FIELDS)
        if self.instance.status in (ItemStatus.PROPOSED, ItemStatus.NOT_STARTED):
            shown.add("status")  # once work has begun, follow-up sets the status
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        self.fields["focus_area"].queryset = focus_areas
        self.fields["focus_area"].loaded = list(focus_areas)  # prefetched: no query
        self.fields["focus_area"].empty_label = _("(no focus area)")
        if "status" in self.fields:
            self.fields["status"].choices = ADOPTION_CHOICES
            self.fields["status"].required = False  # left out (an older page): as it was
            self.fields["status"].label = _("Adopted")
            self.fields["status"].help_text = _(
                "A proposed row is shown as proposed and gets no reminders until it is adopted."
            )
        self.fields["activity"].label = (
            _("What") if plan.layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION else _("Activity")
        )
        if plan.layout == PlanLayout.BRA_CAUSE_MEASURE:
            for name, label in BRA_LABELS.items():
                self.fields[name].label = label
        for party in self.parties:
            self.fields[self.party_field(party)] = forms.CharField(
                label=party.display_label,
                required=False,
                max_length=Responsibility._meta.get_field("description").max_length,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=self.instance.party_text(party.organisation_id) if self.instance.pk else "",
            )
        offer_responsible_people(self.fields["responsible_person"], self.instance)
        if "group_heading" in self.fields and not self.instance.pk and not self.is_bound:
            # A new promise most often joins the group of the last one.
            last = ActionItem.objects.filter(plan=plan).order_by("-position").first()
            if last and not self.instance.group_heading:
                self.initial["group_heading"] = last.group_heading
        self.remember_opened_values()
        # The form opens in place of the row: the writing starts in its first column.
        self.fields[self._layout_names()[0]].widget.attrs["autofocus"] = True

    def _get_validation_exclusions(self):
        """The focus area is not validated again by the model: the form's field chose it
        among the agreement's focus areas (so it exists; the model would ask the database
        whether it does), and ActionItem.clean() still checks that it is the agreement's."""
        return {*super()._get_validation_exclusions(), "focus_area"}

    def validate_constraints(self):
        """The model's constraints, but not the one ActionItem.clean() has just checked (an
        end before the start, the same message beside the field): Django checks a
        CheckConstraint by asking the database (a SELECT on every save)."""
        instance = self.instance
        exclude = self._get_validation_exclusions()
        errors = {}
        for model, constraints in instance.get_constraints():
            for constraint in constraints:
                if constraint.name in CHECKED_BY_CLEAN:
                    continue
                try:
                    constraint.validate(model, instance, exclude=exclude)
                except ValidationError as error:  # as Model.validate_constraints files it
                    fields = getattr(constraint, "fields", ())
                    if getattr(error, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            self._update_errors(ValidationError(errors))

    @staticmethod
    def party_field(party) -> str:
        return f"party_{party.pk}"

    def layout_fields(self):
        """The bound fields of the plan's columns, in the order the table shows them."""
        return [self[name] for name in self._layout_names()]

    def _layout_names(self):
        names = [*LAYOUT_FIELDS[self.plan.layout]]
        if self.parties:
            names[1:1] = [self.party_field(party) for party in self.parties]
        return names

    def schedule_fields(self):
        adoption = [self["status"]] if "status" in self.fields else []
        return [
            self["focus_area"],
            *adoption,
            self["responsible_person"],
            *(self[name] for name in SCHEDULE_FIELDS),
        ]

    def clean_status(self):
        status = self.cleaned_data["status"] or self.instance.status
        proposing = status == ItemStatus.PROPOSED != self.instance.status
        if proposing and self.instance.pk and self.instance.follow_up_entries.exists():
            raise forms.ValidationError(
                _("The row has been followed up: it was adopted and cannot be proposed again.")
            )
        return status

    @transaction.atomic
    def save_checked(self) -> ActionItem:
        """Save an existing row unless someone saved it since the form was opened.

        Raises EditConflict; the transaction then leaves everything as it was.
        """
        item = super().save_checked()
        self._save_party_cells(item)
        finish_in_transaction()  # the history sealed, the prints marked: one commit
        return item

    @transaction.atomic
    def save_new(self) -> ActionItem:
        item = self.instance
        # Lock the plan so that two rows added at once do not take the same position.
        type(self.plan).objects.select_for_update().filter(pk=self.plan.pk).first()
        item.position = next_position(ActionItem.objects.filter(plan=self.plan))
        item.save()
        self._save_party_cells(item)
        finish_in_transaction()
        return item

    def _save_party_cells(self, item):
        for party in self.parties:
            item.set_party_text(party.organisation_id, self.cleaned_data[self.party_field(party)])


class ActionPlanForm(sent_once.SentOnce, VersionedForm):
    """A plan's own facts: its title, its columns, whose plan it is and for when."""

    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "layout",
            "municipality",
            "period_text",
            "starts_on",
            "ends_on",
            "renewal",
            "year",
            "table_heading",
            "introduction",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, agreement, rights, **kwargs):
        """`rights`: the user's EditingRights (agreements/access.py); a plan can only be
        made the plan of a municipality whose plans the user may change."""
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement  # the agreement already loaded: validation reads it
        parties = [party.organisation for party in agreement.parties.all()]
        self.fields["municipality"].queryset = Organisation.objects.filter(
            pk__in=[
                organisation.pk
                for organisation in parties
                if organisation.is_municipality and rights.may_choose_municipality(organisation.pk)
            ]
        )
        self.fields["municipality"].empty_label = _("(the whole agreement)")
        self.fields["title"].widget.attrs["autofocus"] = True

    @transaction.atomic
    def save_new(self) -> ActionPlan:
        plan = self.instance
        # Lock the agreement so that two plans added at once do not take the same position.
        type(plan.agreement).objects.select_for_update().filter(pk=plan.agreement_id).first()
        plan.position = next_position(ActionPlan.objects.filter(agreement_id=plan.agreement_id))
        plan.save()
        return plan


class ProblemLinksForm(forms.Form):
    """Which of the agreement's prioritised problems a row addresses (the chain from problem
    to result, and the check before signing, read these links). Saved as a change of the
    row: its version moves on, so a page opened before someone else's save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    problems = IdsChoiceField(
        label=_("Problems the row addresses"),
        queryset=ProblemItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["problems"].queryset = ProblemItem.objects.filter(
            area__problem_picture__agreement_id=item.plan.agreement_id
        ).order_by("area__position", "position")
        self.fields["problems"].label_from_instance = lambda problem: problem.text
        self.fields["version"].initial = item.version
        self.fields["problems"].initial = [problem.pk for problem in item.problem_items.all()]

    @transaction.atomic
    def save_checked(self) -> ActionItem:
        """Link the row to the problems chosen, unless someone saved the row since the page
        was opened (EditConflict, and the links stay as they were)."""
        # One historical record for the change, made by the save after the links are set
        # (simple-history would otherwise record the removal and the addition on their own).
        self.item.skip_history_when_saving = True
        try:
            self.item.problem_items.set(self.cleaned_data["problems"])
        finally:
            del self.item.skip_history_when_saving
        self.item.save_if_unchanged(self.cleaned_data["version"], [])
        finish_in_transaction()
        return self.item


class PlanAdoptionForm(forms.ModelForm):
    """Fastställ: the date, the body that adopted the plan and its diarienummer. The form
    carries the number of the version it adopts, so that a second click, a page opened
    before someone else adopted the plan, or two people at once never make two versions of
    the same number (actionplans/adoption.py)."""

    number = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = PlanAdoption
        fields = ["adopted_on", "body", "reference_number"]
        widgets = {"adopted_on": DateInput()}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        latest = plan.latest_adoption
        self.fields["number"].initial = latest.number + 1 if latest else 1
        self.fields["adopted_on"].initial = timezone.localdate()
        if latest:  # most often the same steering group again
            self.fields["body"].initial = latest.body

    def clean_adopted_on(self):
        adopted_on = self.cleaned_data["adopted_on"]
        if adopted_on > timezone.localdate():
            raise ValidationError(_("A plan cannot be adopted on a day still to come."))
        return adopted_on

    def adopt(self, user, focus_areas):
        """The new adoption, or None with the form's error when the plan was adopted
        meanwhile."""
        try:
            return adopt(
                self.plan,
                number=self.cleaned_data["number"],
                adopted_on=self.cleaned_data["adopted_on"],
                body=self.cleaned_data["body"],
                reference_number=self.cleaned_data["reference_number"],
                user=user,
                focus_areas=focus_areas,
            )
        except AdoptedMeanwhile as meanwhile:
            if meanwhile.latest is None:
                message = _("The page is out of date. Reload it and adopt the plan again.")
            else:
                message = _(
                    "The plan was adopted meanwhile: %(adoption)s. Reload the page to see it "
                    "before you adopt the plan again."
                ) % {"adoption": meanwhile.latest.description}
            self.add_error(None, message)
            return None
