"""Moving a row up or down among its siblings.

Positions are unique within a parent and the constraints are checked at once, not at
commit, so two rows trade places in three steps through a free position.
"""

from django.db import transaction
from django.db.models import Max

from .saving import saved_without_save


def swap_with_neighbour(instance, direction: str, *, among, parent_rows):
    """Trade positions with the nearest row above ("up") or below ("down") in `among`.

    `among` holds the rows the instance moves among (a plan's rows under one focus area);
    `parent_rows` all rows whose positions must stay unique (the whole plan). Returns the
    neighbour, or None when the instance is already first or last.
    """
    if direction == "up":
        neighbour = among.filter(position__lt=instance.position).order_by("-position").first()
    else:
        neighbour = among.filter(position__gt=instance.position).order_by("position").first()
    if neighbour is None:
        return None
    rows = type(instance)._base_manager
    with transaction.atomic():
        free = next_position(parent_rows)
        mine, theirs = instance.position, neighbour.position
        rows.filter(pk=instance.pk).update(position=free)
        rows.filter(pk=neighbour.pk).update(position=mine)
        rows.filter(pk=instance.pk).update(position=theirs)
        instance.position, neighbour.position = theirs, mine
        saved_without_save(instance, ["position"])
        saved_without_save(neighbour, ["position"])
    return neighbour


def next_position(rows) -> int:
    """The position after the last of `rows`."""
    return (rows.aggregate(top=Max("position"))["top"] or 0) + 1
