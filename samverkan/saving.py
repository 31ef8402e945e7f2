"""Writes that do not go through Model.save(), and work that finishes a write.

An edit is a conditional UPDATE (see versioning.py) and a move swaps positions with UPDATEs,
so that races are decided by the database. Django sends no post_save for those; this sends
it, so that whoever listens (the audit trail) learns of every write alike.

What a write leaves to do when its transaction commits (sealing its historical records,
marking the agreement for prints made ahead) is queued with `transaction.on_commit` by the
apps that do it, which also register it here: a save that wants one commit instead of three
calls `finish_in_transaction()` at the end of its own transaction, so the same work is done
there, and the callbacks on commit then find nothing left.
"""

from django.db.models.signals import post_save

# Functions (no arguments) that do this thread's queued work now: the last ones run after
# the others, since their work (sealing) must see every record the others wrote.
_finishers: list = []
_last_finishers: list = []


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


def finishes_in_transaction(*, last=False):
    """Register a function that does now the work its app queued for the commit."""

    def register(function):
        (_last_finishers if last else _finishers).append(function)
        return function

    return register


def finish_in_transaction() -> None:
    """Do the queued work now, inside the current transaction, just before it commits: the
    caller's transaction then holds the write and all that follows from it, and commits
    once. Call it last in the transaction; what is written after it is finished on commit."""
    for function in (*_finishers, *_last_finishers):
        function()
