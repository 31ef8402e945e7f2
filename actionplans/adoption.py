"""Adopted plans (fastställda versioner): what a plan held when it was adopted, and what has
changed since.

A PlanAdoption keeps the plan's facts and rows as a plain serialisation (`plan_state`): the
row fields a plan is adopted for, its responsibilities, and the row's id to find it again.
The same serialisation is made of the plan as it stands, from the rows the plan page has
already fetched (`ActionItem.objects.shown_in_table`) or the print has prefetched, so that
comparing costs no query per row. A row's status is kept but not compared: it follows the
follow-up entries, not a change of the plan. The order of the rows is not compared either.

Values are shown and compared the project's one way (`samverkan.values.shown`, `differs`).
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samverkan.values import EMPTY, differs, shown

from .models import ActionItem, ActionPlan, PlanAdoption, Responsibility, ResponsibilityRole

# The row fields compared with an adopted version, as ActionItem names them.
ROW_FIELDS = (
    "group_heading",
    "goal",
    "continues_goal_above",
    "activity",
    "when_text",
    "starts_on",
    "ends_on",
    "due_on",
    "recurrence",
    "responsible_text",
    "communication",
    "is_citizen_promise",
    "nature",
    "term",
)
# Beside them: the focus area the row is under, and who takes part in it.
COMPARED_ROW_FIELDS = ("focus_area", *ROW_FIELDS, "responsibilities")
PLAN_FIELDS = ("title", "period_text", "starts_on", "ends_on", "introduction", "table_heading")

ROW_CHANGED, ROW_ADDED, ROW_REMOVED = "changed", "added", "removed"
MARKS = {
    ROW_CHANGED: gettext_lazy("Changed since adoption"),
    ROW_ADDED: gettext_lazy("New since adoption"),
}


class AdoptedMeanwhile(Exception):
    """Someone adopted the plan since the page was opened (or the form was posted twice)."""

    def __init__(self, latest: PlanAdoption | None):
        super().__init__("the plan was adopted meanwhile")
        self.latest = latest


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def focus_area_label(area) -> str:
    return f"{area.position}. {area.title}" if area is not None else ""


def row_state(row_id, values, focus_area: str, responsibilities) -> dict:
    """One row as an adoption keeps it: `values` holds ROW_FIELDS and "status" (a model
    instance's attributes or a dict of them), `responsibilities` (organisation name, unit,
    role, description) in order."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return {
        "id": row_id,
        "focus_area": focus_area,
        **{name: _json(get(name)) for name in ROW_FIELDS},
        "status": get("status"),
        "responsibilities": [
            {"organisation": name, "unit": unit, "role": role, "description": description}
            for name, unit, role, description in responsibilities
        ],
    }


def rows_from_table(rows: list[dict], focus_areas) -> list[dict]:
    """The states of rows as `ActionItem.objects.shown_in_table` gives them."""
    labels = {area.pk: focus_area_label(area) for area in focus_areas}
    return [
        row_state(row["id"], row, labels.get(row["focus_area_id"], ""), row["responsibilities"])
        for row in rows
    ]


def marks_from_table(adoption: PlanAdoption, plan: ActionPlan, rows: list[dict], focus_areas):
    """`changes_since` for the plan page, which shows what changed and marks the rows: a
    row the adoption does not hold is new, and only its id is needed, so only the rows it
    holds are turned into states and compared (for 500 rows, most of the page's work)."""
    adopted = {row.get("id") for row in adoption.snapshot.get("rows", [])}
    states = {
        state["id"]: state
        for state in rows_from_table([row for row in rows if row["id"] in adopted], focus_areas)
    }
    return changes_since(
        adoption, plan, [states.get(row["id"]) or {"id": row["id"]} for row in rows]
    )


def row_from_item(item: ActionItem) -> dict:
    """The state of a row fetched as a model instance with its focus area and its
    responsibilities (with their organisations), as the print fetches it."""
    responsibilities = [
        (r.organisation.name if r.organisation else "", r.unit, r.role, r.description)
        for r in item.responsibilities.all()
    ]
    return row_state(item.pk, item, focus_area_label(item.focus_area), responsibilities)


def plan_facts(plan: ActionPlan) -> dict:
    return {name: _json(getattr(plan, name)) for name in PLAN_FIELDS}


def plan_state(plan: ActionPlan, focus_areas) -> dict:
    """The plan's facts and rows as they stand, in two queries."""
    rows = list(ActionItem.objects.filter(plan=plan).shown_in_table())
    return {"plan": plan_facts(plan), "rows": rows_from_table(rows, focus_areas)}


def latest_adoption(plan: ActionPlan) -> PlanAdoption | None:
    """The plan's latest adoption as stored now (not as the page loaded it)."""
    return PlanAdoption.objects.filter(plan=plan).order_by("-number").first()


def adopt(plan: ActionPlan, *, number: int, adopted_on, body, reference_number, user, focus_areas):
    """Adopt the plan as version `number`, the next after its latest: with its rows as they
    stand. AdoptedMeanwhile when `number` is no longer the next (a second click, a stale
    page, two people at once: the unique number decides the race)."""
    latest = latest_adoption(plan)
    if number != (latest.number + 1 if latest else 1):
        raise AdoptedMeanwhile(latest)
    try:
        with transaction.atomic():
            adoption = PlanAdoption.objects.create(
                plan=plan,
                number=number,
                adopted_on=adopted_on,
                body=body,
                reference_number=reference_number,
                snapshot=plan_state(plan, focus_areas),
                adopted_by=user,
            )
            # Not a change of the plan (no new edit version, no history of the plan): the
            # adoption's own history says it.
            ActionPlan.objects.filter(pk=plan.pk).update(latest_adoption=adoption)
    except IntegrityError:  # another request made this number after the check above
        raise AdoptedMeanwhile(latest_adoption(plan)) from None
    plan.latest_adoption = adoption
    return adoption


# Comparing.


def _field(name):
    return ActionItem._meta.get_field(name)


def field_label(name: str) -> str:
    if name == "responsibilities":
        return capfirst(Responsibility._meta.verbose_name_plural)
    return capfirst(_field(name).verbose_name)


def _responsibility_text(responsibility: dict) -> str:
    if responsibility.get("description"):
        return responsibility["description"]
    role = responsibility.get("role") or ""
    label = str(dict(ResponsibilityRole.choices).get(role, role)) if role else ""
    return Responsibility.words(
        responsibility.get("organisation", ""), responsibility["unit"], label
    )


def _compared(row: dict, name: str):
    value = row.get(name)
    if name == "responsibilities":
        return [_responsibility_text(r) for r in value or []]
    return value


def shown_row_value(name: str, value) -> str:
    """A row's value in a state, as users read it (the project's `shown`)."""
    if name == "responsibilities":
        return "; ".join(_responsibility_text(r) for r in value or []) or EMPTY
    if name == "focus_area":
        return value or EMPTY
    model_field = _field(name)
    return shown(model_field, model_field.to_python(value) if value is not None else None)


def shown_plan_value(name: str, value) -> str:
    model_field = ActionPlan._meta.get_field(name)
    return shown(model_field, model_field.to_python(value) if value is not None else None)


def changed_fields(old: dict, new: dict) -> list[str]:
    """The compared fields where two states of a row differ."""
    return [
        name for name in COMPARED_ROW_FIELDS if differs(_compared(old, name), _compared(new, name))
    ]


@dataclass
class FieldComparison:
    label: str
    old: str
    new: str
    changed: bool


@dataclass
class RowChange:
    kind: str  # ROW_CHANGED, ROW_ADDED or ROW_REMOVED
    old: dict | None
    new: dict | None
    fields: list[str] = field(default_factory=list)  # the changed ones, for ROW_CHANGED

    @property
    def activity(self) -> str:
        return (self.new or self.old)["activity"]

    @property
    def changed_labels(self) -> list[str]:
        return [field_label(name) for name in self.fields]

    @property
    def side_by_side(self) -> list[FieldComparison]:
        """Every compared field with a value on either side, the changed ones marked."""
        shown_fields = []
        for name in COMPARED_ROW_FIELDS:
            then = _compared(self.old, name) if self.old else None
            now = _compared(self.new, name) if self.new else None
            if not then and not now:  # nothing on either side (a 'no' included)
                continue
            old = shown_row_value(name, self.old.get(name)) if self.old else ""
            new = shown_row_value(name, self.new.get(name)) if self.new else ""
            shown_fields.append(FieldComparison(field_label(name), old, new, name in self.fields))
        return shown_fields


@dataclass
class AdoptionChanges:
    """What changed in a plan since one of its adoptions."""

    adoption: PlanAdoption
    facts: list[FieldComparison] = field(default_factory=list)  # the changed facts only
    rows: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.facts or self.rows)

    def count(self, kind) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def changed_rows(self) -> int:
        return self.count(ROW_CHANGED)

    @property
    def added_rows(self) -> int:
        return self.count(ROW_ADDED)

    @property
    def removed(self) -> list[RowChange]:
        return [row for row in self.rows if row.kind == ROW_REMOVED]

    @property
    def summary(self) -> str:
        """What changed, in words: "planens uppgifter, 1 ändrad rad, 2 nya rader"."""
        parts = [_("the plan's details")] if self.facts else []
        changed, added, removed = self.changed_rows, self.added_rows, len(self.removed)
        if changed:
            text = ngettext("%(rows)s changed row", "%(rows)s changed rows", changed)
            parts.append(text % {"rows": changed})
        if added:
            parts.append(ngettext("%(rows)s new row", "%(rows)s new rows", added) % {"rows": added})
        if removed:
            text = ngettext("%(rows)s removed row", "%(rows)s removed rows", removed)
            parts.append(text % {"rows": removed})
        return ", ".join(parts)
        return ", ".join(parts)

    @property
    def marks(self) -> dict[int, str]:
        """{row id: ROW_CHANGED or ROW_ADDED} for the rows of the plan as it stands."""
        return {row.new["id"]: row.kind for row in self.rows if row.kind != ROW_REMOVED}


def changes_since(adoption: PlanAdoption, plan: ActionPlan, rows: list[dict]) -> AdoptionChanges:
    """The plan (its facts, and `rows`: all its rows' states in plan order) against what
    `adoption` kept."""
    snapshot = adoption.snapshot
    changes = AdoptionChanges(adoption)
    facts_then, facts_now = snapshot.get("plan", {}), plan_facts(plan)
    for name in PLAN_FIELDS:
        if differs(facts_then.get(name), facts_now[name]):
            changes.facts.append(
                FieldComparison(
                    capfirst(ActionPlan._meta.get_field(name).verbose_name),
                    shown_plan_value(name, facts_then.get(name)),
                    shown_plan_value(name, facts_now[name]),
                    True,
                )
            )
    adopted = {row["id"]: row for row in snapshot.get("rows", []) if row.get("id") is not None}
    for row in rows:
        then = adopted.pop(row["id"], None)
        if then is None:
            changes.rows.append(RowChange(ROW_ADDED, None, row))
        elif then == row:  # the same state as adopted: nothing to compare field by field
            changes.unchanged += 1
        elif fields := changed_fields(then, row):
            changes.rows.append(RowChange(ROW_CHANGED, then, row, fields))
        else:
            changes.unchanged += 1
    # What is left was removed since; so was a row kept without an id (imported after its
    # row was gone).
    for then in snapshot.get("rows", []):
        if then.get("id") is None or then["id"] in adopted:
            changes.rows.append(RowChange(ROW_REMOVED, then, None))
    return changes


def row_mark(adoption: PlanAdoption | None, row: dict) -> str:
    """ROW_CHANGED, ROW_ADDED or "" for one row's state against the adoption."""
    if adoption is None:
        return ""
    then = next((r for r in adoption.snapshot.get("rows", []) if r.get("id") == row["id"]), None)
    if then is None:
        return ROW_ADDED
    return ROW_CHANGED if changed_fields(then, row) else ""


def adoption_note(plan: ActionPlan, items) -> str:
    """What a print says of the plan: 'Ej fastställd', the adopted version, or 'Ändrad efter
    fastställd version N (…)'; `items` are its rows fetched as the print fetches them."""
    adoption = plan.latest_adoption
    if adoption is None:
        return _("Not adopted")
    if changes_since(adoption, plan, [row_from_item(item) for item in items]).changed:
        return _("Changed after adopted version %(number)s (%(particulars)s)") % {
            "number": adoption.number,
            "particulars": adoption.particulars,
        }
    return adoption.description
