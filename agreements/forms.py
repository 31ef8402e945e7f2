from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, OrganisationKind

from .models import CurrentStatus


class AgreementFilterForm(forms.Form):
    """Filters for the agreement list; the choices are what the user can see."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CurrentStatus.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All"),
    )
    police_unit = forms.ModelChoiceField(
        label=_("Police unit"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All"),
    )
    year = forms.IntegerField(
        label=_("Valid during year"), required=False, min_value=1990, max_value=2100
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        parties = Organisation.objects.filter(parties__agreement__in=agreements).distinct()
        self.fields["municipality"].queryset = parties.filter(kind=OrganisationKind.MUNICIPALITY)
        self.fields["police_unit"].queryset = parties.police()

    def filter(self, agreements, today):
        if not self.is_valid():
            return agreements
        data = self.cleaned_data
        if data["status"]:
            agreements = agreements.with_current_status(data["status"], today)
        for party in (data["municipality"], data["police_unit"]):
            if party is not None:
                agreements = agreements.filter(parties__organisation=party)
        if data["year"]:
            agreements = agreements.valid_during(data["year"])
        if data["q"]:
            agreements = agreements.search(data["q"])
        return agreements
