from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem
from followup.models import PublicFeedback
from samverkan.dates import not_after_today
from samverkan.sent_once import SentOnce

FEEDBACK_MAX_LENGTH = 2000


class FeedbackForm(SentOnce, forms.ModelForm):
    """A piece of feedback to citizens on one of the promise's rows; made once however
    often the form is sent (samverkan/sent_once.py)."""

    class Meta:
        model = PublicFeedback
        fields = ["item", "written_on", "text"]
        widgets = {
            "written_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 5, "maxlength": FEEDBACK_MAX_LENGTH}),
        }
        help_texts = {
            "text": _(
                "Shown to everyone on the public page and e-mailed to those who follow it. "
                "Do not name private persons or write anything that could point one out: "
                "write about what was done, not about who was involved."
            ),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ActionItem.objects.filter(
            plan__agreement=agreement
        ).order_by("plan__position", "position")
        self.fields["item"].label_from_instance = lambda item: item.activity[:120]
        self.fields["item"].empty_label = None  # a promise has rows; the first is chosen
        self.fields["written_on"].initial = timezone.localdate
        self.fields["text"].max_length = FEEDBACK_MAX_LENGTH
        self.fields["text"].validators.append(
            forms.fields.validators.MaxLengthValidator(FEEDBACK_MAX_LENGTH)
        )

    def clean_written_on(self):
        """The day the feedback is given: not one to come."""
        return not_after_today(
            self.cleaned_data["written_on"],
            _("Feedback cannot be dated after today: date it the day it is given."),
        )

    def save_written_by(self, user) -> PublicFeedback:
        """The new piece of feedback, unpublished, written by the user."""
        feedback = self.save(commit=False)
        feedback.written_by = user
        feedback.save()
        return feedback


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class MunicipalitySearchForm(forms.Form):
    name = forms.CharField(label=_("Municipality"), required=False, max_length=100)
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("All counties"))] + [(c, c) for c in counties]
