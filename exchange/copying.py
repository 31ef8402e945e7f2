"""Copying an agreement: the way to change a signed agreement's text, and a quick start
for a new one. The copy goes through the JSON exchange format (export.py, importer.py),
so it holds exactly what an export would."""

from django.utils.translation import gettext_lazy as _

from agreements.drafting import unique_reference
from agreements.models import Agreement, AgreementStatus

from .export import agreements_for_export, export_document
from .importer import import_document


def copy_agreement(original: Agreement, *, title: str | None = None) -> Agreement:
    """A new draft with everything of the original: its text, parties, problem picture,
    focus areas and action plans with their rows, through the JSON exchange format, so a
    copy holds exactly what an export would. Signatures and dates of signing are left
    out, and so are its follow-up: the copy has not been signed nor followed up."""
    (copy,) = import_document(copy_document(original, title=title))
    return copy


def copy_document(original: Agreement, *, title: str | None = None) -> dict:
    """The exchange document `copy_agreement` imports, for a copy made with changes."""
    document = export_document(agreements_for_export([original.pk]))
    (exported,) = document["agreements"]
    title = title or str(_("Copy of %(title)s") % {"title": original.title})
    exported.update(
        reference=unique_reference(title),
        title=title,
        status=AgreementStatus.DRAFT,
        version=1,
        signatories=[],
        terminated_on=None,
        follow_up_reports=[],
    )
    for indicator in exported.get("indicators", []):
        indicator["measurements"] = []  # what was measured belongs to the original's period
    for plan in exported.get("action_plans", []):
        plan.pop("adoptions", None)  # a new plan is not adopted: its body adopts it anew
        for item in plan.get("items", []):
            item["follow_up_entries"] = []  # so is what was done
            item.pop("public_feedback", None)
            # Not yet done in the copy; a proposed row stays proposed until adopted.
            item["status"] = "proposed" if item.get("status") == "proposed" else "not_started"
    exported.pop("follows", None)  # the original's place in a row of yearly promises
    # A copy is a draft: not on the public page, and last period's feedback to citizens
    # stays with the promise it was written on.
    exported.pop("publication", None)
    # The five steps are ticked for the original's period; a next period starts them again
    # with what still holds (agreements.models.steps.start_steps_again).
    exported.pop("step_ticks", None)
    return document
