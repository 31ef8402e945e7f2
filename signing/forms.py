from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.dates import validate_domain_date
from samverkan.kept_uploads import KeepsUploads
from samverkan.params import QueryKeyForm
from samverkan.pdfs import read_pdf, shown_names
from samverkan.widgets import DateInput


class SignedScanField(forms.FileField):
    """The signed paper, scanned: a PDF only, of limited size, that really is a PDF (its
    first bytes and a reader that opens it and finds pages), whatever its name says, and
    holds nothing a reader would run (scripts, actions, embedded files)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        limit = settings.SIGNED_SCAN_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        if not upload.name.lower().endswith(".pdf"):
            raise ValidationError(_("Upload the scan as a PDF file (.pdf)."))
        content = upload.read()
        upload.seek(0)
        if not content.startswith(b"%PDF-"):
            raise ValidationError(_("The file is not a PDF, whatever its name says."))
        pdf = read_pdf(content)
        if pdf.pages == 0:
            raise ValidationError(_("The PDF cannot be read: scan the paper again."))
        if pdf.active:
            raise ValidationError(
                _(
                    "The PDF contains scripts, actions or embedded files (%(found)s), which "
                    "a scanned paper never has: upload the scanner's own file."
                )
                % {"found": shown_names(pdf.active)}
            )
        return upload


class SignatureForm(forms.Form):
    organisation = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=100)
    signed_on = forms.DateField(
        label=_("Date"), widget=DateInput, validators=[validate_domain_date]
    )

    def signature(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "name": data["name"],
            "title": data["title"],
            "place": data["place"],
            "signed_on": data["signed_on"].isoformat(),
        }


class BaseSignatureFormSet(forms.BaseFormSet):
    """One form per signer the frozen version names, in its order (`signers`, from
    `signing.views._signers`). The number of forms and the organisation each one signs for
    are the version's: a posted form count or organisation that differs (a signature for
    another organisation, or one form more or fewer) is refused, never taken as sent."""

    def __init__(self, data=None, *args, signers, frozen_on=None, **kwargs):
        super().__init__(data, *args, initial=signers, **kwargs)
        self.frozen_on = frozen_on

    def total_form_count(self):
        return len(self.initial)

    def clean(self):
        if any(self.errors):
            return
        posted = self.management_form.cleaned_data.get(forms.formsets.TOTAL_FORM_COUNT)
        parties = [form.initial["organisation"] for form in self.forms]
        if (
            posted != len(self.forms)
            or [form.cleaned_data["organisation"] for form in self.forms] != parties
        ):
            raise ValidationError(
                _(
                    "Only the signing parties of this version sign it: %(parties)s. Reload "
                    "the page and fill in the form again."
                )
                % {"parties": ", ".join(parties)}
            )
        frozen_on = self.frozen_on
        today = timezone.localdate()
        for form in self.forms:
            day = form.cleaned_data.get("signed_on")
            if day and day > today:
                form.add_error("signed_on", _("The date of signing cannot be in the future."))
            if frozen_on and day and day < frozen_on:
                form.add_error(
                    "signed_on",
                    _(
                        "The version was made ready for signature on %(day)s: it cannot have "
                        "been signed before."
                    )
                    % {"day": frozen_on.isoformat()},
                )


SignatureFormSet = forms.formset_factory(
    SignatureForm, formset=BaseSignatureFormSet, extra=0, min_num=1, validate_min=True
)


class ScanForm(KeepsUploads, forms.Form):
    """The scan, kept when the form is shown again for a mistake in the signatures."""

    kept_fields = ("scan",)
    scan = SignedScanField(
        label=_("The signed agreement, scanned (PDF)"),
        help_text=_("All pages with every signature, as one PDF file."),
    )


class ExtendForm(forms.Form):
    new_end = forms.DateField(
        label=_("New end date"), widget=DateInput, validators=[validate_domain_date]
    )
    note = forms.CharField(
        label=_("Decision or note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TerminateForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day in force"),
        widget=DateInput,
        validators=[validate_domain_date],
        help_text=_("The day the termination takes effect, after any period of notice."),
    )
    note = forms.CharField(
        label=_("Who terminated it and why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UndoReadyForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the version goes back to draft"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the agreement's history, e.g. 'Fel datum i avsnitt 3'."),
    )


class MakeReadyForm(forms.Form):
    """Klar för underskrift. With warnings, the editor confirms having seen them; the codes
    of the warnings listed travel with the form, so one that appeared since the page was
    opened is shown before anything is frozen."""

    seen = forms.BooleanField(label=_("I have seen these warnings"), required=False)
    listed = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100_000)

    def __init__(self, *args, warnings, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        self.listed_now = " ".join(warning.code for warning in warnings)
        if not warnings:
            del self.fields["seen"]

    def clean(self):
        if not self.warnings:
            return self.cleaned_data
        listed = set(self.cleaned_data.get("listed", "").split())
        if not self.cleaned_data.get("seen"):
            self.add_error(
                "seen",
                _("Tick the box to confirm you have seen the warnings, or deal with them first."),
            )
        elif "listed" in self.errors or any(w.code not in listed for w in self.warnings):
            self.add_error(
                "seen",
                _(
                    "The warnings have changed since the page was opened: look at them again "
                    "and confirm."
                ),
            )
        return self.cleaned_data

    def seen_warnings(self) -> set[str]:
        """The codes of the warnings the editor confirmed having seen."""
        if not self.cleaned_data.get("seen"):
            return set()
        return set(self.cleaned_data.get("listed", "").split())


class CompareForm(QueryKeyForm):
    """Two versions: frozen ones by number, or the draft as it stands ("utkast")."""

    QUERY_KEYS = {"first": "fran", "second": "till"}

    first = forms.ChoiceField(label=_("Compare"))
    second = forms.ChoiceField(label=_("with"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].choices = choices
        self.fields["second"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            raise ValidationError(_("Choose two different versions."))
        return data
