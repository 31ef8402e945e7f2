"""Attachments: a document or a photo kept with a follow-up entry or a follow-up report.

The file is checked and cleaned before it is stored (`followup/attachments.py`: its content
must be what its name says, photos lose their location data); the record names the
agreement too, so that a download asks one question of access and the history finds it.
Added and removed, never changed: the history records both.
"""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from samverkan.versioning import Versioned

from .entries import FollowUpEntry
from .reports import FollowUpReport


def attachment_path(attachment, filename):
    # A random part: two files of the same name never meet, and no name can be guessed.
    return f"bilagor/{attachment.agreement_id}/{secrets.token_hex(8)}/{filename}"


class Attachment(Versioned):
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    entry = models.ForeignKey(
        FollowUpEntry,
        verbose_name=_("follow-up entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    report = models.ForeignKey(
        FollowUpReport,
        verbose_name=_("follow-up report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type of file"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the record must say who added it even after the account is gone.
    added_by_name = models.CharField(_("added by (name)"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entry__isnull=False, report__isnull=True)
                | Q(entry__isnull=True, report__isnull=False),
                name="attachment_of_an_entry_or_a_report",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_photo(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def add(cls, checked, *, user, entry=None, report=None) -> "Attachment":
        """Store a checked file (followup.attachments.checked_file) with an entry or a
        report. The file is written last, just before its record: if the record cannot be
        written, the file is removed again, so nothing is left half written."""
        attachment = cls(
            agreement_id=entry.item.plan.agreement_id if entry else report.agreement_id,
            entry=entry,
            report=report,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            added_by=user,
            added_by_name=(user.get_full_name() or user.get_username()) if user else "",
        )
        attachment.file.save(checked.name, ContentFile(checked.content), save=False)
        try:
            attachment.save()
        except BaseException:
            attachment.file.delete(save=False)
            raise
        return attachment

    @classmethod
    def add_once(cls, checked, *, user, entry=None, report=None) -> "Attachment":
        """`add`, unless the same file of the same name is attached there already: then
        that one. A double click on Bifoga fil posts the file twice; the entry or report
        is locked first, so that two posts at once find each other too. In a transaction."""
        owner = entry or report
        type(owner).objects.select_for_update().filter(pk=owner.pk).exists()
        there = cls.objects.filter(
            entry=entry, report=report, sha256=checked.sha256, name=checked.name
        ).first()
        return there or cls.add(checked, user=user, entry=entry, report=report)

    @classmethod
    def removed_from(cls, agreement, pk) -> "Attachment | None":
        """The last record of an attachment of the agreement that was removed, to find
        where it was (its entry or report) when it is asked to be removed again."""
        return (
            cls.history.filter(agreement_id=agreement.pk, id=pk, history_type="-")
            .order_by("-history_id")
            .first()
        )

    def remove(self) -> None:
        """Remove the record (the history keeps that it was there, by whom and when) and,
        once that is committed, the file."""
        stored, storage = self.file.name, self.file.storage
        self.delete()
        transaction.on_commit(lambda: storage.delete(stored))
