from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from samverkan.dates import validate_domain_date
from samverkan.widgets import DateInput


class SignedScanField(forms.FileField):
    """The signed paper, scanned: a PDF only, of limited size, that really is a PDF (its
    first bytes and a reader that opens it and finds pages), whatever its name says."""

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
        try:
            pages = len(PdfReader(BytesIO(content)).pages)
        except (PdfReadError, ValueError, KeyError, TypeError, OSError):
            pages = 0
        if pages == 0:
            raise ValidationError(_("The PDF cannot be read: scan the paper again."))
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
    def clean(self):
        if any(self.errors):
            return
        frozen_on = getattr(self, "frozen_on", None)
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


class ScanForm(forms.Form):
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


class CompareForm(forms.Form):
    """Two versions: frozen ones by number, or the draft as it stands ("utkast")."""

    fran = forms.ChoiceField(label=_("Compare"))
    till = forms.ChoiceField(label=_("with"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fran"].choices = choices
        self.fields["till"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("fran") == data.get("till"):
            raise ValidationError(_("Choose two different versions."))
        return data
