from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from agreements.models import FocusArea
from organisations.models import Membership, Organisation
from samverkan.dates import not_after_today, validate_domain_date
from samverkan.kept_uploads import KeepsUploads
from samverkan.ordering import next_position
from samverkan.params import IdsChoiceField, QueryKeyForm
from samverkan.sent_once import FIELD as SENT_KEY
from samverkan.sent_once import SentOnce
from samverkan.versioning import VersionedForm
from samverkan.widgets import DateInput

from .attachments import AttachmentField
from .models import (
    Attachment,
    FollowUpCadence,
    FollowUpEntry,
    FollowUpReport,
    Indicator,
    Measurement,
)
from .report import build_contents, summary_text


class FollowUpEntryForm(SentOnce, KeepsUploads, forms.ModelForm):
    """Logga uppföljning: what was done on a row, by whom, with what effect, and the row's
    status now; optionally a measurement of one of its indicators and a document or photo
    (kept when the form is shown again for a mistake elsewhere). One screen on a phone."""

    kept_fields = ("attachment",)

    indicator = forms.ModelChoiceField(
        label=_("Measured indicator"), required=False, queryset=Indicator.objects.none()
    )
    value = forms.DecimalField(label=_("Measured value"), required=False, max_digits=14)
    attachment = AttachmentField(required=False)

    class Meta:
        model = FollowUpEntry
        fields = [
            "occurred_on",
            "what_was_done",
            "participants",
            "participant_units",
            "effect",
            "status",
        ]
        field_classes = {"participants": IdsChoiceField}
        widgets = {
            "occurred_on": DateInput(),
            "what_was_done": forms.Textarea(attrs={"rows": 3}),
            "effect": forms.Textarea(attrs={"rows": 2}),
            "participants": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, item, agreement, author, corrects=None, **kwargs):
        super().__init__(*args, owner=author.pk, purpose=f"entry-{item.pk}", **kwargs)
        self.item, self.author, self.corrects = item, author, corrects
        parties = [party.organisation_id for party in agreement.parties.all()]
        self.fields["participants"].queryset = Organisation.objects.filter(pk__in=parties)
        if corrects is None:  # the writer's own organisation took part, as a rule: ticked
            own = Membership.objects.filter(user=author.pk, organisation__in=parties)
            self.fields["participants"].initial = list(own.values_list("organisation", flat=True))
        self.fields["occurred_on"].initial = timezone.localdate()
        # Radio buttons with no empty choice: every entry sets the row's status.
        # A proposed row is adopted by the row's form; work logged on it has begun.
        self.fields["status"].choices = [
            choice for choice in ItemStatus.choices if choice[0] != ItemStatus.PROPOSED
        ]
        proposed = item.status == ItemStatus.PROPOSED
        self.fields["status"].initial = ItemStatus.IN_PROGRESS if proposed else item.status
        indicators = Indicator.objects.filter(
            Q(item=item) | Q(focus_area_id=item.focus_area_id, focus_area__isnull=False)
        )
        if indicators.exists():
            self.fields["indicator"].queryset = indicators
        else:  # nothing to measure on this row: the form stays short
            del self.fields["indicator"], self.fields["value"]
        if corrects is not None:
            for name in self._meta.fields:
                value = getattr(corrects, name)
                self.initial[name] = list(value.all()) if name == "participants" else value

    def clean_occurred_on(self):
        """An entry records what was done: a day to come would also stand as the row's
        latest entry, over entries written after it."""
        return not_after_today(
            self.cleaned_data["occurred_on"],
            _("What was done cannot be dated after today: log it once it has happened."),
        )

    def clean(self):
        data = super().clean()
        if "indicator" not in self.fields:
            return data
        if data.get("indicator") and data.get("value") is None:
            self.add_error("value", _("Give the measured value, or choose no indicator."))
        if data.get("value") is not None and not data.get("indicator"):
            self.add_error("indicator", _("Choose the indicator the value measures."))
        return data

    @transaction.atomic
    def save_entry(self) -> FollowUpEntry:
        entry = self.save(commit=False)
        entry.item = self.item
        entry.corrects = self.corrects
        entry.author = self.author
        entry.author_name = self.author.get_full_name() or self.author.get_username()
        entry.save()
        self.save_m2m()
        indicator = self.cleaned_data.get("indicator")
        if indicator:
            Measurement.objects.update_or_create(
                indicator=indicator,
                measured_on=entry.occurred_on,
                defaults={"value": self.cleaned_data["value"]},
            )
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            Attachment.add(attachment.checked, user=self.author, entry=entry)
            self.forget_uploads()
        return entry


class TimelineFilterForm(QueryKeyForm):
    """Narrows an agreement's timeline of entries. Every field may be left empty."""

    QUERY_KEYS = {
        "focus_area": "fokusomrade",
        "party": "part",
        "since": "fran",
        "until": "till",
        "row": "rad",
    }

    focus_area = forms.ModelChoiceField(
        label=_("Focus area"), required=False, queryset=FocusArea.objects.none()
    )
    party = forms.ModelChoiceField(
        label=_("Party"), required=False, queryset=Organisation.objects.none()
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[validate_domain_date]
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=DateInput(), validators=[validate_domain_date]
    )
    row = forms.ModelChoiceField(
        label=_("Row"), required=False, queryset=ActionItem.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = agreement.focus_areas.all()
        self.fields["party"].queryset = Organisation.objects.filter(
            parties__agreement=agreement
        ).order_by("parties__position")
        self.fields["row"].queryset = ActionItem.objects.filter(plan__agreement=agreement)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date cannot be before the start date."))
        return data

    def filter(self, entries):
        """Entries of the focus area, the party (taking part in the entry, or responsible
        for its row) and the period chosen; all of them while the form has errors."""
        if not self.is_bound or not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["focus_area"]:
            entries = entries.filter(item__focus_area=data["focus_area"])
        if party := data["party"]:
            entries = entries.filter(
                Q(participants=party) | Q(item__responsibilities__organisation=party)
            ).distinct()
        if data["since"]:
            entries = entries.filter(occurred_on__gte=data["since"])
        if data["until"]:
            entries = entries.filter(occurred_on__lte=data["until"])
        if data["row"]:
            entries = entries.filter(item=data["row"])
        return entries


class CadenceForm(SentOnce, forms.ModelForm):
    class Meta:
        model = FollowUpCadence
        fields = ["kind", "frequency", "first_on", "description"]
        widgets = {
            "first_on": DateInput(),
            "kind": forms.RadioSelect,
        }


class IndicatorForm(SentOnce, VersionedForm):
    """A measurable goal on a focus area or on one row: not both (the model's constraint)."""

    class Meta:
        model = Indicator
        fields = [
            "name",
            "focus_area",
            "item",
            "unit",
            "direction",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "description",
        ]
        widgets = {
            "baseline_on": DateInput(),
            "target_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.fields["focus_area"].queryset = agreement.focus_areas.all()
        self.fields["item"].queryset = ActionItem.objects.filter(
            plan__agreement=agreement
        ).select_related("plan")
        self.fields["item"].label_from_instance = lambda item: item.activity[:90]

    def clean(self):
        data = super().clean()
        if data.get("focus_area") and data.get("item"):
            self.add_error("item", _("Choose a focus area or a row, not both."))
        return data

    def save(self, commit=True):
        indicator = super().save(commit=False)
        indicator.agreement = self.agreement
        if indicator.position is None:
            indicator.position = next_position(self.agreement.indicators.all())
        if commit:
            indicator.save()
        return indicator


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["measured_on"].initial = timezone.localdate()

    def save_measurement(self) -> Measurement:
        """A second value on the same date replaces the first: one value per date."""
        measurement, _created = Measurement.objects.update_or_create(
            indicator=self.indicator,
            measured_on=self.cleaned_data["measured_on"],
            defaults={"value": self.cleaned_data["value"], "note": self.cleaned_data["note"]},
        )
        return measurement


class ReportForm(SentOnce, VersionedForm):
    """A follow-up report's own words: its period and recipients, the answers to the three
    set questions and the summary. What the product knows (statuses, entries, indicators)
    is shown beside them, not typed."""

    class Meta:
        model = FollowUpReport
        fields = [
            "title",
            "period_start",
            "period_end",
            "recipients",
            "cooperation",
            "implementation",
            "results",
            "summary",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "cooperation": forms.Textarea(attrs={"rows": 5}),
            "implementation": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    HEAD = ("title", "period_start", "period_end", "recipients")

    @property
    def head_fields(self):
        return [self[name] for name in self.HEAD]

    @property
    def answer_fields(self):
        hidden = (*self.HEAD, "version", SENT_KEY)
        return [self[name] for name in self.fields if name not in hidden]

    def save_new(self) -> FollowUpReport:
        """A new draft; its summary, if none is written, is written from the period's data."""
        report = self.save(commit=False)
        if not report.summary.strip():
            report.summary = summary_text(build_contents(report))
        report.save()
        return report

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end date cannot be before the start date."))
        return data
