from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from .models import FollowUpEntry, Indicator, Measurement


class FollowUpEntryForm(forms.ModelForm):
    """Logga uppföljning: what was done on a row, by whom, with what effect, and the row's
    status now; optionally a measurement of one of its indicators. One screen on a phone."""

    indicator = forms.ModelChoiceField(
        label=_("Measured indicator"), required=False, queryset=Indicator.objects.none()
    )
    value = forms.DecimalField(label=_("Measured value"), required=False, max_digits=14)

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
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "what_was_done": forms.Textarea(attrs={"rows": 3}),
            "effect": forms.Textarea(attrs={"rows": 2}),
            "participants": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, item, agreement, author, corrects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item, self.author, self.corrects = item, author, corrects
        parties = [party.organisation_id for party in agreement.parties.all()]
        self.fields["participants"].queryset = Organisation.objects.filter(pk__in=parties)
        self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["status"].initial = item.status
        self.fields["indicator"].queryset = Indicator.objects.filter(
            Q(item=item) | Q(focus_area_id=item.focus_area_id, focus_area__isnull=False)
        )
        if corrects is not None:
            for name in self._meta.fields:
                value = getattr(corrects, name)
                self.initial[name] = list(value.all()) if name == "participants" else value

    def clean(self):
        data = super().clean()
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
        return entry
