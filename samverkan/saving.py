"""Writes that do not go through Model.save().

An edit is a conditional UPDATE (see versioning.py) and a move swaps positions with UPDATEs,
so that races are decided by the database. Django sends no post_save for those; this sends
it, so that whoever listens (the audit trail) learns of every write alike.
"""

from django.db.models.signals import post_save


def saved_without_save(instance, fields) -> None:
    """Announce that `fields` of `instance`, as it is in memory, were just written."""
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=False,
        update_fields=frozenset(fields),
        raw=False,
        using=instance._state.db or "default",
    )
