"""Follow-up entries: what was done on an action item, and the row's status they give.

Follow-up entries are official records and append-only: a correction is a new entry that
points at the one it corrects. The model refuses updates and deletes, one by one and in bulk.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ItemStatus
from organisations.models import Organisation
from samverkan.dates import validate_domain_date
from samverkan.saving import saved_without_save


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a follow-up entry."""


class FollowUpEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Follow-up entries cannot be changed; add a correcting entry.")

    def delete(self):
        raise AppendOnlyError("Follow-up entries cannot be deleted; add a correcting entry.")


class FollowUpEntry(models.Model):
    item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.PROTECT,
        related_name="follow_up_entries",
    )
    occurred_on = models.DateField(_("date"), validators=[validate_domain_date])
    what_was_done = models.TextField(_("what was done"))
    participants = models.ManyToManyField(
        Organisation, verbose_name=_("participating organisations"), blank=True, related_name="+"
    )
    participant_units = models.CharField(
        _("participating units"), max_length=300, blank=True, help_text=_("e.g. 'Socialtjänsten'")
    )
    effect = models.TextField(_("effect seen"), blank=True)
    status = models.CharField(_("new status"), max_length=16, choices=ItemStatus.choices)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the record must say who wrote it even after the account is gone.
    author_name = models.CharField(_("written by (name)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = FollowUpEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")
        ordering = ["item", "occurred_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(corrects=F("pk")), name="followupentry_not_correcting_itself"
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on}: {self.what_was_done[:60]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Follow-up entries cannot be changed; add a correcting entry.")
        with transaction.atomic():
            super().save(*args, **kwargs)
            status = refresh_item_status(self.item_id)
        # The row in memory (a form's, a page's) shows the status the entry gave it: a form
        # shown again after the save must not offer the status the row had before.
        if FollowUpEntry.item.is_cached(self):
            self.item.status = status

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Follow-up entries cannot be deleted; add a correcting entry.")

    def clean(self):
        if self.corrects_id and self.item_id and self.corrects.item_id != self.item_id:
            raise ValidationError(
                {"corrects": _("A correction must concern the same action item.")}
            )


def standing_entries(item_id=None):
    """Entries that still stand: those no later entry corrects."""
    entries = FollowUpEntry.objects.filter(corrections__isnull=True)
    return entries if item_id is None else entries.filter(item_id=item_id)


LATEST_FIRST = ["-occurred_on", "-created_at", "-pk"]


def refresh_item_status(item_id: int) -> str:
    """A row's status is the one its latest standing entry gives (by date, then by when it
    was recorded); a row nobody has logged keeps the status it was planned with. Stored on
    the row so that pages, filters and reminders read it without looking at entries.
    Returns the status the row now has."""
    latest = standing_entries(item_id).order_by(*LATEST_FIRST).values("status")[:1]
    # An UPDATE of one column: it must not bump the row's edit version (see Versioned).
    item = ActionItem.objects.get(pk=item_id)
    before = item.status
    ActionItem.objects.filter(pk=item_id).update(status=models.Subquery(latest))
    item.refresh_from_db(fields=["status"])
    if item.status != before:
        saved_without_save(item, ["status"])  # the row's history shows the status it now has
    return item.status


def status_on(item: ActionItem, day: datetime.date, entries) -> str:
    """The row's status as it stood on `day`, from its entries (any order)."""
    corrected = {entry.corrects_id for entry in entries}
    standing = [e for e in entries if e.occurred_on <= day and e.pk not in corrected]
    if not standing:
        return item.status if not entries else ItemStatus.NOT_STARTED
    return max(standing, key=lambda e: (e.occurred_on, e.created_at, e.pk)).status
