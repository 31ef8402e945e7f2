"""Reading the audit trail: who changed what, when, and each field before and after.

A trail is a set of historical querysets (one per tracked model) read as one list, newest
first. The list is a UNION of (date, id, model, save, who, kind) read in one query, and
grouped by save and filtered in audit/saves.py; then each page fetches its own records,
the records before them (to compare against) and the names its foreign keys point at: a
fixed number of queries whatever the history holds.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import ActionItem, Responsibility
from agreements.models import Agreement
from organisations.models import Organisation
from samverkan.values import EMPTY, differs, shown

from .models import AGREEMENT_PATHS, M2M_TRACKED

# The field that names an object of each model in the trail.
LABEL_FIELDS = {
    "agreement": "title",
    "party": "organisation",
    "signatory": "name",
    "section": "heading",
    "problempicture": "title",
    "problemsource": "title",
    "problemarea": "title",
    "problemitem": "text",
    "focusarea": "title",
    "actionplan": "title",
    "actionitem": "activity",
    "responsibility": "organisation",
    "indicator": "name",
    "measurement": "measured_on",
    "followupreport": "title",
    "followupcadence": "kind",
    "attachment": "name",
    "organisation": "name",
    "membership": "user",
}
LABEL_LENGTH = 80

KINDS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    record: models.Model
    what: str  # the model's name, e.g. "Handlingsplanens rad"
    label: str  # the object's name, e.g. the row's activity
    kind: str  # "+", "~" or "-"
    changes: list[FieldChange] = field(default_factory=list)
    row_id: int | None = None  # the action row it concerns, for a link to its own history

    @property
    def when(self) -> datetime.datetime:
        return self.record.history_date

    @property
    def who(self) -> str:
        return self.record.history_user_name or _("the system")

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def agreement_scopes(agreement_id: int) -> dict:
    """Every tracked model's historical records that belong to the agreement, including
    records of what has since been deleted (they are found through their parents' records,
    which are kept too)."""
    return {model: _scoped(model, agreement_id) for model in AGREEMENT_PATHS}


def _scoped(model, agreement_id):
    records = model.history.model.objects
    path = AGREEMENT_PATHS[model]
    if path is None:
        return records.filter(id=agreement_id)
    field_name, parent = path
    if parent is Agreement:
        return records.filter(**{field_name: agreement_id})
    parent_ids = _scoped(parent, agreement_id).values("id")
    return records.filter(**{f"{field_name}__in": parent_ids})


def row_scopes(item_id: int) -> dict:
    """An action row's own records and those of its responsibilities."""
    return {
        ActionItem: ActionItem.history.model.objects.filter(id=item_id),
        Responsibility: Responsibility.history.model.objects.filter(item_id=item_id),
    }


def row_belongs_to(item_id: int, agreement_id: int) -> bool:
    """Whether the row, now or when it was deleted, was a row of the agreement."""
    return _scoped(ActionItem, agreement_id).filter(id=item_id).exists()


class Trail:
    def __init__(self, scopes: dict):
        self.scopes = scopes
        self.models_by_key = {model._meta.model_name: model for model in scopes}

    def index(self):
        """(date, history id, model, save, user id, user name, kind) of every record,
        newest first, as one query."""
        parts = [
            queryset.order_by()
            .annotate(model_key=models.Value(model._meta.model_name))
            .values_list(
                "history_date",
                "history_id",
                "model_key",
                "history_save",
                "history_user_id",
                "history_user_name",
                "history_type",
            )
            for model, queryset in self.scopes.items()
        ]
        first, *rest = parts
        return first.union(*rest, all=True).order_by("-history_date", "-history_id")

    def entries(self, index_rows) -> list[Entry]:
        wanted: dict[str, list[int]] = {}
        for _date, history_id, key, *_rest in index_rows:
            wanted.setdefault(key, []).append(history_id)
        records = {}
        previous = {}
        links = _Links()
        for key, history_ids in wanted.items():
            model = self.models_by_key[key]
            historical = model.history.model
            fetched = list(historical.objects.filter(history_id__in=history_ids))
            records.update({(key, r.history_id): r for r in fetched})
            before = _previous_records(key, historical, fetched)
            previous.update(before)
            links.fetch(model, fetched + list(before.values()))
        names = _Names([r for r in records.values()] + list(previous.values()), links.targets)
        entries = []
        for _date, history_id, key, *_rest in index_rows:
            record = records[(key, history_id)]
            entries.append(
                _entry(
                    self.models_by_key[key],
                    record,
                    previous.get((key, history_id)),
                    names,
                    links,
                )
            )
        return entries


def _previous_records(key, historical, records) -> dict:
    """For each record, the record of the same object just before it (one query)."""
    if not records:
        return {}
    ids = {record.id for record in records}
    newest = max(record.history_id for record in records)
    earlier = historical.objects.filter(id__in=ids, history_id__lt=newest).order_by("history_id")
    by_object: dict[int, list] = {}
    for record in earlier:
        by_object.setdefault(record.id, []).append(record)
    found = {}
    for record in records:
        before = [r for r in by_object.get(record.id, []) if r.history_id < record.history_id]
        if before:
            found[(key, record.history_id)] = before[-1]
    return found


def tracked_fields(model):
    """The fields a reader is shown: not the id, nor the agreement a part belongs to (the
    page is the agreement's), nor many-to-many links (in tables of their own: see _Links)."""
    return [
        f
        for f in model.history.model.tracked_fields
        if f.name != "id"
        and not isinstance(f, models.ManyToManyField)
        and not (f.is_relation and f.related_model is Agreement)
    ]


class _Links:
    """What each record's many-to-many fields linked to when it was made (simple-history
    copies the links with every record): one query per field for a page of records."""

    def __init__(self):
        self.by_record: dict = {}  # (historical model, history id, field name) -> set of ids
        self.targets: dict = {}  # related model -> ids, for their names

    def fetch(self, model, records):
        if not records:
            return
        historical = model.history.model
        for name in M2M_TRACKED.get(model, []):
            m2m = model._meta.get_field(name)
            copies = apps.get_model("audit", f"{historical.__name__}_{name}")
            target = m2m.m2m_reverse_field_name() + "_id"
            for record in records:
                self.by_record[(historical, record.history_id, name)] = set()
            rows = copies.objects.filter(
                history_id__in=[record.history_id for record in records]
            ).values_list("history_id", target)
            for history_id, target_id in rows:
                self.by_record[(historical, history_id, name)].add(target_id)
                self.targets.setdefault(m2m.related_model, set()).add(target_id)

    def of(self, record, name) -> set:
        return self.by_record.get((type(record), record.history_id, name), set())


class _Names:
    """The names foreign keys (and many-to-many links) point at, one query per related
    model, for a page of records, as `shown` names them (a person by their full name). An
    object deleted since is named from its last historical record."""

    def __init__(self, records, linked=None):
        ids: dict = {model: set(pks) for model, pks in (linked or {}).items()}
        for record in records:
            for f in tracked_fields(record.instance_type):
                if f.is_relation:
                    value = getattr(record, f.attname)
                    if value is not None:
                        ids.setdefault(f.related_model, set()).add(value)
        self.names = {}
        for model, pks in ids.items():
            objects = _name_queryset(model).filter(pk__in=pks)
            found = {obj.pk: shown(None, obj) for obj in objects}
            missing = pks - found.keys()
            if missing and hasattr(model, "history"):
                for record in model.history.model.objects.filter(id__in=missing).order_by(
                    "history_id"
                ):
                    found[record.id] = _("%(name)s (deleted)") % {"name": _own_label(model, record)}
            self.names[model] = found

    def name(self, model, pk) -> str:
        return self.names.get(model, {}).get(pk) or f"#{pk}"


# What each related model's __str__ reads from other tables.
NAME_NEEDS = {"party": ["organisation"], "responsibility": ["organisation"]}


def _name_queryset(model):
    related = NAME_NEEDS.get(model._meta.model_name)
    return model._base_manager.select_related(*related) if related else model._base_manager.all()


def _own_label(model, record) -> str:
    name = LABEL_FIELDS.get(model._meta.model_name)
    value = getattr(record, name, "") if name else ""
    return _short(str(value or model._meta.verbose_name))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def _entry(model, record, before, names, links) -> Entry:
    kind = record.history_type
    fields = tracked_fields(model)
    label_field = LABEL_FIELDS.get(model._meta.model_name)
    label = ""
    if model is Responsibility:
        label = _short(_responsibility_label(record, names))
    elif label_field:
        f = model._meta.get_field(label_field)
        label = _short(_shown(f, getattr(record, f.attname), names))
    changes = []
    if kind == "~":
        if before is not None:
            changes = _field_changes(fields, record, before, names)
    else:
        for f in fields:
            value = getattr(record, f.attname)
            if _is_set(value):
                shown_value = _shown(f, value, names)
                changes.append(
                    FieldChange(
                        str(f.verbose_name),
                        *(("", shown_value) if kind == "+" else (shown_value, "")),
                    )
                )
    for name in M2M_TRACKED.get(model, []):
        changes.extend(_link_changes(model, name, kind, record, before, names, links))
    row_id = None
    if model is ActionItem:
        row_id = record.id
    elif model is Responsibility:
        row_id = record.item_id
    return Entry(
        record=record,
        what=str(model._meta.verbose_name),
        label=label or str(model._meta.verbose_name),
        kind=kind,
        changes=changes,
        row_id=row_id,
    )


def _responsibility_label(record, names) -> str:
    """Who and how, as the plan shows a responsibility: "Strängnäs – Socialtjänsten
    (samverkar)", the role too (the organisation alone would lose it)."""
    organisation = (
        names.name(Organisation, record.organisation_id) if record.organisation_id else ""
    )
    role = shown(Responsibility._meta.get_field("role"), record.role) if record.role else ""
    return Responsibility.words(organisation, record.unit, role)


def _link_changes(model, name, kind, record, before, names, links) -> list[FieldChange]:
    m2m = model._meta.get_field(name)
    after_ids = links.of(record, name)
    before_ids = links.of(before, name) if before is not None else set()
    if kind == "~" and (before is None or before_ids == after_ids):
        return []
    if kind != "~" and not after_ids:
        return []

    def shown(ids):
        return "; ".join(sorted(names.name(m2m.related_model, pk) for pk in ids)) or EMPTY

    label = str(m2m.verbose_name)
    if kind == "+":
        return [FieldChange(label, "", shown(after_ids))]
    if kind == "-":
        return [FieldChange(label, shown(after_ids), "")]
    return [FieldChange(label, shown(before_ids), shown(after_ids))]


def _is_set(value) -> bool:
    return value not in (None, "", False)


def _field_changes(fields, record, before, names) -> list[FieldChange]:
    """Each field that differs from the record before, in the model's order of fields
    (django-simple-history's diff_against compares; many-to-many links are left to
    _link_changes, which reads them for a whole page at once)."""
    delta = record.diff_against(before, included_fields=[f.name for f in fields])
    changed = {change.field: change for change in delta.changes}
    changes = []
    for f in fields:
        change = changed.get(f.name)
        if change is not None and differs(change.old, change.new):
            changes.append(
                FieldChange(
                    str(f.verbose_name),
                    _shown(f, change.old, names),
                    _shown(f, change.new, names),
                )
            )
    return changes


def _shown(f, value, names) -> str:
    """A field's value in a record: a foreign key (an id) by the name it points at."""
    if f.is_relation and value is not None:
        value = names.name(f.related_model, value)
    if isinstance(f, models.JSONField) and value:
        return _("kept")  # a report's frozen contents: pages of data, not a value to read
    return shown(f, value)
