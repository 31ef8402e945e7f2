"""What an uploaded sheet changes in a plan (shown as a preview), and writing it."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from samverkan.saving import saved_without_save
from samverkan.versioning import EditConflict

from ..models import ActionItem
from .layout import ID, SheetError, check_row, columns, status_after


@dataclass
class RowChange:
    line: int | None  # the line in the sheet; None for a row kept though not in the sheet
    item: ActionItem | None  # the row as stored; None for an added row
    values: dict | None  # field or party key -> the value to write; None: only its place
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # heading, old, new
    # Cells changed both on the web since the download and in the sheet: heading, the web's
    # value, the sheet's. They keep the web's value unless the user takes the sheet's.
    conflicting: list[tuple[str, str, str]] = field(default_factory=list)
    sheet_values: dict = field(default_factory=dict)  # key -> the sheet's conflicting value
    # Cells changed on the web since the download and not in the sheet: the web's stays.
    kept_from_web: list[tuple[str, str, str]] = field(default_factory=list)
    removed_on_web: bool = False  # the line's row was removed on the web since the download
    taken: bool = False  # the user chose the sheet's values over the web's

    @property
    def key(self) -> str:
        """The conflict's name in the preview's choice."""
        return f"row-{self.values[ID]}"

    @property
    def in_plan(self) -> bool:
        return not self.removed_on_web or self.taken


@dataclass
class PlanChanges:
    added: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    removed: list[ActionItem] = field(default_factory=list)
    order: list[RowChange] = field(default_factory=list)  # the plan's rows in their new order
    moved: bool = False
    seen_versions: dict[int, int] = field(default_factory=dict)
    lines: list[RowChange] = field(default_factory=list)  # every usable line, in sheet order
    stored_order: list[ActionItem] = field(default_factory=list)
    # False for a file from before the sheet recorded the downloaded rows: then every
    # difference is a conflict, as nothing tells whether the web or the sheet is newer.
    knows_download: bool = True
    # Rows the user changed in the sheet while they were changed on the web too (or, with
    # removed_on_web, removed on the web): see RowChange.conflicting.
    conflicts: list[RowChange] = field(default_factory=list)
    # Rows missing from the sheet that were changed on the web since the download (or
    # missing from a file that does not know its download): kept unless chosen.
    removal_conflicts: list[ActionItem] = field(default_factory=list)
    added_on_web: list[ActionItem] = field(default_factory=list)  # since the download: kept
    kept_from_web: list[RowChange] = field(default_factory=list)  # stale cells, web kept
    # Dates outside the plan's period, new in the sheet: told, not refused (guides.py).
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.moved
            or self.conflicts
            or self.removal_conflicts
        )

    @property
    def choices(self) -> list[str]:
        """What the preview lets the user take from the sheet over the web."""
        return [change.key for change in self.conflicts] + [
            f"remove-{item.pk}" for item in self.removal_conflicts
        ]

    def take(self, chosen) -> None:
        """The sheet's values over the web's for the chosen conflicts: a changed row gets
        the sheet's cells, a row removed on the web comes back as a new row, a row missing
        from the sheet is removed."""
        chosen = set(chosen)
        for change in self.conflicts:
            if change.key not in chosen:
                continue
            change.taken = True
            if change.removed_on_web:
                change.values[ID] = None
                self.added.append(change)
                continue
            change.values.update(change.sheet_values)
            change.differences += change.conflicting
            if change not in self.changed:
                self.changed.append(change)
        for item in self.removal_conflicts:
            if f"remove-{item.pk}" in chosen:
                self.removed.append(item)
        self.arrange()

    def arrange(self) -> None:
        """The new order: the sheet's lines, and each row kept though missing from the
        sheet right after the row it follows on the web."""
        removed = {item.pk for item in self.removed}
        order = [change for change in self.lines if change.in_plan]
        by_row = {change.item.pk: change for change in order if change.item is not None}
        before = None  # the line the next kept row goes after
        for item in self.stored_order:
            if item.pk in removed:
                continue
            if item.pk in by_row:
                before = by_row[item.pk]
                continue
            kept = RowChange(None, item, None)
            order.insert(order.index(before) + 1 if before is not None else 0, kept)
            before = kept
        self.order = order
        rows = [change.item.pk for change in order if change.item is not None]
        self.moved = rows != [item.pk for item in self.stored_order if item.pk not in removed]


class PlanChangedMeanwhile(Exception):
    pass


@transaction.atomic
def apply(plan, parties, changes: PlanChanges) -> None:
    """Write the previewed changes: all of them, or none if the plan changed meanwhile.

    Raises SheetError when a taken conflict does not fit the web's newer cells of its row.
    """
    current = dict(plan.items.select_for_update().values_list("pk", "version"))
    if current != changes.seen_versions:
        raise PlanChangedMeanwhile
    cols = columns(plan, parties)
    problems = []
    for change in changes.changed:
        problems += check_row(change.line, cols, change.values, plan)
    if problems:
        raise SheetError(problems)
    fields = [c.key for c in cols if c.kind not in ("id", "party", "info")]
    removed = [item.pk for item in changes.removed]
    ActionItem.objects.filter(pk__in=removed).delete()
    # Positions are unique per plan: move every kept row out of the way first.
    offset = (plan.items.aggregate(top=Max("position"))["top"] or 0) + len(changes.order) + 1
    kept = [change.item.pk for change in changes.order if change.item is not None]
    for number, pk in enumerate(kept, start=1):
        ActionItem.objects.filter(pk=pk).update(position=offset + number)
    for position, change in enumerate(changes.order, start=1):
        item = change.item
        if item is None:
            item = ActionItem(plan=plan, position=position)
            _set_fields(item, fields, change.values)
            item.save()
        elif change.differences:
            _set_fields(item, fields, change.values)
            try:
                item.position = position
                item.save_if_unchanged(changes.seen_versions[item.pk], [*fields, "position"])
            except EditConflict:
                raise PlanChangedMeanwhile from None
        else:
            ActionItem.objects.filter(pk=item.pk).update(position=position)
            if item.position != position:
                item.position = position
                saved_without_save(item, ["position"])
            continue
        for party in parties:
            key = f"party:{party.organisation_id}"
            item.set_party_text(party.organisation_id, change.values[key])


def _set_fields(item, fields, values) -> None:
    for name in fields:
        value = values[name]
        if name == "status":  # the sheet says only whether the row is proposed
            value = status_after(item if item.pk else None, value)
        setattr(item, name, value)
