"""The forms that tick and untick an item of a step's done-when list (pages/step_views.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.widgets import DateInput

from .models import StepTick


class StepTickForm(forms.ModelForm):
    """Tick one item: the date it was done, and the evidence (words, a section)."""

    class Meta:
        model = StepTick
        fields = ["ticked_on", "evidence", "section"]
        widgets = {"ticked_on": DateInput}

    def __init__(self, *args, agreement, item, user, **kwargs):
        name = user.get_full_name() or user.get_username()
        tick = StepTick(agreement=agreement, item=item, ticked_by=user, ticked_by_name=name)
        super().__init__(*args, instance=tick, prefix=f"bock-{item}", **kwargs)
        self.fields["ticked_on"].initial = timezone.localdate()
        self.fields["ticked_on"].label = _("Done on")
        sections = [section for section in agreement.sections.all() if section.heading]
        self.fields["section"].queryset = agreement.sections.exclude(heading="")
        # From the sections the page has loaded: no query per form on a page of many.
        self.fields["section"].choices = [("", _("none"))] + [
            (section.pk, section.heading) for section in sections
        ]


class StepUntickForm(forms.Form):
    """Take a tick away: the tick and the version it was seen at, so that a tick changed
    or made anew meanwhile is not taken away unseen."""

    tick = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
