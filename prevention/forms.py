"""The forms of the law's items. Each belongs to the municipality the view passes; its
messages are in Swedish through the translations."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from samverkan.kept_uploads import KeepsUploads
from samverkan.pdfs import read_pdf
from samverkan.sent_once import SentOnce
from samverkan.versioning import VersionedForm
from samverkan.widgets import DateInput

from .models import CoordinatingFunction, PreventionPlan, SituationReport

DATE = DateInput()


class PdfField(forms.FileField):
    """A PDF, of limited size (SIGNED_SCAN_MAX_BYTES, the same as a signed scan), that
    really is one: its first bytes and a reader that finds pages in it."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or not hasattr(upload, "size"):
            return upload
        limit = settings.SIGNED_SCAN_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        if not upload.name.lower().endswith(".pdf"):
            raise ValidationError(_("Upload the lägesbild as a PDF file (.pdf)."))
        content = upload.read()
        upload.seek(0)
        if not read_pdf(content).pages:
            raise ValidationError(_("The file is not a PDF that can be read."))
        return upload


class SituationReportForm(SentOnce, KeepsUploads, VersionedForm):
    """A lägesbild; its document is kept when the form is shown again for a mistake. A new
    one is made once however often its form is sent (samverkan/sent_once.py)."""

    kept_fields = ("document",)
    document = PdfField(
        label=_("document (PDF)"),
        required=False,
        help_text=_("The lägesbild as adopted, if it is a document of its own."),
    )

    class Meta:
        model = SituationReport
        fields = [
            "title",
            "adopted_on",
            "adopted_by",
            "crime_mapping",
            "other_information",
            "analysis",
            "document",
        ]
        widgets = {
            "adopted_on": DATE,
            "crime_mapping": forms.Textarea(attrs={"rows": 5}),
            "other_information": forms.Textarea(attrs={"rows": 4}),
            "analysis": forms.Textarea(attrs={"rows": 5}),
        }

    def save_checked(self, **only_if):
        """A new file is written to storage first: a checked save of an existing lägesbild
        is an UPDATE, which stores the file's name but would not write the file."""
        document = self.instance.document
        if document and not document._committed:
            document.save(document.name, document.file, save=False)
        return super().save_checked(**only_if)


class PreventionPlanForm(SentOnce, VersionedForm):
    """An åtgärdsplan; a new one is made once however often its form is sent."""

    class Meta:
        model = PreventionPlan
        fields = [
            "title",
            "decided_on",
            "decided_by",
            "reference_number",
            "next_review_on",
            "summary",
        ]
        widgets = {
            "decided_on": DATE,
            "next_review_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        decided, review = cleaned.get("decided_on"), cleaned.get("next_review_on")
        if decided and review and review <= decided:
            self.add_error("next_review_on", _("The next review must come after the decision."))
        return cleaned


class CoordinatingFunctionForm(VersionedForm):
    class Meta:
        model = CoordinatingFunction
        fields = ["unit", "user", "person_name", "person_title", "email", "phone"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        users = get_user_model().objects.filter(memberships__organisation=municipality)
        self.fields["user"].queryset = users.order_by("last_name", "first_name", "username")
        self.fields["user"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        self.remember_opened_values()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not (cleaned.get("person_name") or "").strip():
            raise ValidationError(
                _("Name the person who holds the function, or choose one of the users.")
            )
        return cleaned
