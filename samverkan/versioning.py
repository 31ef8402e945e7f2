"""Optimistic locking: no silent overwrite when two people edit the same thing.

Every editable row carries a version. A form remembers the version it was opened at; the
save writes only if the row still has that version, in one conditional UPDATE, so two
saves racing each other cannot both win, on PostgreSQL and SQLite alike.
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """Someone saved the object after the user opened it."""

    def __init__(self, current):
        super().__init__(f"{current!r} changed since it was opened")
        self.current = current  # the object as it is now in the database


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by one at every save.")
    )

    class Meta:
        abstract = True

    def save_if_unchanged(self, seen_version: int, fields: list[str]) -> None:
        """Write `fields` if the stored row is still at `seen_version`, else EditConflict."""
        values = {name: getattr(self, self._meta.get_field(name).attname) for name in fields}
        manager = type(self)._base_manager
        updated = manager.filter(pk=self.pk, version=seen_version).update(
            **values, version=F("version") + 1
        )
        if not updated:
            raise EditConflict(manager.get(pk=self.pk))
        self.version = seen_version + 1
