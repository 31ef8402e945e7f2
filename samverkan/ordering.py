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


class OrderChanged(Exception):
    """The rows are no longer in the order the user saw when moving one of them."""


def move_to(instance, place: int, *, among, parent_rows, seen=None) -> int | None:
    """Move the instance to `place` (1 = first) among `among`, the rows between its old
    and new place shifting by one; `parent_rows` as for swap_with_neighbour. `seen`: the
    rows' ids in the order the user saw them; if they are not the order now (someone moved,
    added or removed a row since), OrderChanged and nothing moves. The rows keep the
    positions they had between them, handed round in the new order: through free positions
    above all of `parent_rows` first, as positions are unique at every step. Returns the
    place it now has (1 = first), or None when it stayed where it was."""
    with transaction.atomic():
        # Locked (on PostgreSQL) so that two moves in one group wait for each other.
        rows = list(among.order_by("position").select_for_update())
        ids = [row.pk for row in rows]
        if seen is not None and list(seen) != ids:
            raise OrderChanged
        if instance.pk not in ids:
            return None
        place = min(max(place, 1), len(ids))
        if ids.index(instance.pk) == place - 1:
            return None
        new_ids = [pk for pk in ids if pk != instance.pk]
        new_ids.insert(place - 1, instance.pk)
        changed = [
            (pk, row.position) for pk, row in zip(new_ids, rows, strict=True) if pk != row.pk
        ]
        manager = type(instance)._base_manager
        free = next_position(parent_rows)
        for offset, (pk, _position) in enumerate(changed):
            manager.filter(pk=pk).update(position=free + offset)
        by_pk = {row.pk: row for row in rows}
        for pk, position in changed:
            manager.filter(pk=pk).update(position=position)
            moved = instance if pk == instance.pk else by_pk[pk]
            moved.position = position
            saved_without_save(moved, ["position"])
    return place
