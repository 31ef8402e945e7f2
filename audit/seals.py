"""Sealing the history: every historical record is a link of one hash chain.

When a transaction that wrote historical records commits (a row save: just before, in
its own transaction, see samverkan/saving.py), each record gets a HistorySeal:
HMAC-SHA256, keyed from SECRET_KEY, over the link before it and the record's content (its
columns as stored, and, for a row, the problems it addressed, kept in a table of their
own). Someone who can write to the database but does not know SECRET_KEY cannot change,
delete or add a record and make the chain fit again; `verify_history` walks the chain and
names the first record that does not fit.

The content leaves out the user's id: deleting a user account empties it in the records
(they keep the user's name), which is the one change the records allow.
"""

import json
import threading
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare, salted_hmac
from simple_history.signals import post_create_historical_record

from samverkan.saving import finishes_in_transaction

from .models import HistoryChainHead, HistorySeal

SALT = "samverkan.audit.history-chain"
NOT_SEALED = {"history_user_id"}
# Sealed when set; records from before the column existed keep the content they had.
SEALED_WHEN_SET = {"history_save"}
BATCH = 2000

_pending = threading.local()


def historical_models() -> dict:
    """The historical models of the audit trail by label, without the tables of their
    many-to-many links (sealed with their record)."""
    return {
        model._meta.label_lower: model
        for model in apps.get_app_config("audit").get_models()
        if model._meta.pk.name == "history_id"
    }


@cache
def _link_models(label) -> list:
    """Many-to-many link tables whose rows belong to a record of the model `label`."""
    model = historical_models()[label]
    return [
        link
        for link in apps.get_app_config("audit").get_models()
        if any(
            field.name == "history" and field.related_model is model
            for field in link._meta.concrete_fields
        )
    ]


@cache
def _joined_link_columns(label) -> list[tuple[str, list[tuple[str, str]]]]:
    """For each of the record's link tables: its primary key's column, and (path from the
    record, column) for each of its columns."""
    joined = []
    for link in _link_models(label):
        through = link._meta.get_field("history").related_query_name()
        columns = [field.attname for field in link._meta.concrete_fields]
        joined.append((link._meta.pk.attname, [(f"{through}__{c}", c) for c in columns]))
    return joined


def contents(label, ids, unsealed=False) -> dict[int, str]:
    """Each record's content, serialised the same way whenever it is read; with `unsealed`,
    only of the records that have no seal yet (in the same query)."""
    model = historical_models()[label]
    records = model.objects.filter(pk__in=ids)
    if unsealed:
        records = records.filter(
            ~Exists(HistorySeal.objects.filter(table=label, record_id=OuterRef("pk")))
        )
    # The links are read with their records (LEFT JOINs, a record once per link), in the
    # same query: a row save's seal is one query fewer than reading them after.
    columns = [field.attname for field in model._meta.concrete_fields]
    joined = _joined_link_columns(label)
    paths = [path for _pk, link_columns in joined for path, _column in link_columns]
    rows, links = {}, {}
    for values in records.values(*columns, *paths):
        record_id = values["history_id"]
        if record_id not in rows:
            rows[record_id] = {name: values[name] for name in columns}
        for index, (pk, link_columns) in enumerate(joined):
            row = {column: values[path] for path, column in link_columns}
            if row[pk] is not None:
                links.setdefault(record_id, {})[index, row[pk]] = row
    for record_id, found in links.items():
        # As the links were always listed: link table by link table, each by its id.
        rows[record_id]["__links__"] = [found[key] for key in sorted(found)]
    return {
        history_id: json.dumps(
            {
                key: value
                for key, value in row.items()
                if key not in NOT_SEALED and not (key in SEALED_WHEN_SET and value is None)
            },
            sort_keys=True,
            default=str,
            ensure_ascii=False,
        )
        for history_id, row in rows.items()
    }


def link(previous: str, label: str, record_id: int, content: str, secret=None) -> str:
    value = f"{previous}\n{label}\n{record_id}\n{content}"
    return salted_hmac(SALT, value, secret=secret, algorithm="sha256").hexdigest()


@receiver(post_create_historical_record)
def _seal_when_committed(sender, history_instance, **kwargs):
    if not hasattr(_pending, "records"):
        _pending.records = []
    _pending.records.append((sender._meta.label_lower, history_instance.pk))
    # Every record asks; the first callback to run seals them all. A callback of a rolled
    # back savepoint is dropped, and its records are then not found and skipped.
    transaction.on_commit(seal_pending, robust=True)


# A save that finishes in its own transaction seals there, after everything else it wrote
# (samverkan/saving.py); the callback on commit then finds nothing left.
@finishes_in_transaction(last=True)
def seal_pending():
    records, _pending.records = getattr(_pending, "records", []), []
    if records:
        seal(records)


@transaction.atomic(savepoint=False)  # inside a save's transaction: it fails with the save
def seal(records) -> int:
    """Append a link for each record (label, id), in that order; records that are gone or
    already sealed are skipped. Returns how many were sealed."""
    head, _created = HistoryChainHead.objects.select_for_update().get_or_create(pk=1)
    by_label: dict[str, set] = {}
    for label, record_id in records:
        by_label.setdefault(label, set()).add(record_id)
    found = {}
    for label, ids in by_label.items():
        for record_id, content in contents(label, ids, unsealed=True).items():
            found[label, record_id] = content
    seals = []
    for label, record_id in dict.fromkeys(records):
        if (label, record_id) not in found:
            continue
        head.length += 1
        head.chain = link(head.chain, label, record_id, found[label, record_id])
        seals.append(
            HistorySeal(position=head.length, table=label, record_id=record_id, chain=head.chain)
        )
    HistorySeal.objects.bulk_create(seals)
    head.save()
    return len(seals)


@dataclass
class Break:
    seal: HistorySeal | None
    label: str
    record_id: int
    reason: str  # "changed", "deleted", "missing", "truncated" or "unsealed"


def verify() -> Break | None:
    """Walk the chain from its first link; the first record that does not fit, else a
    record that has no link at all (slipped in, or written before sealing began)."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    previous = ""
    sealed: dict[str, set] = {}
    last = 0
    while True:
        batch = list(HistorySeal.objects.filter(position__gt=last).order_by("position")[:BATCH])
        if not batch:
            break
        by_label: dict[str, list] = {}
        for seal_ in batch:
            by_label.setdefault(seal_.table, []).append(seal_.record_id)
        found = {}
        for label, ids in by_label.items():
            if label not in historical_models():
                continue
            found |= {(label, pk): content for pk, content in contents(label, ids).items()}
        for seal_ in batch:
            expected = last + 1
            key = (seal_.table, seal_.record_id)
            if seal_.position != expected:
                return Break(seal_, *key, "missing")  # the link before it was deleted
            if key not in found:
                return Break(seal_, *key, "deleted")
            if not any(
                constant_time_compare(link(previous, *key, found[key], secret), seal_.chain)
                for secret in secrets
            ):
                return Break(seal_, *key, "changed")
            sealed.setdefault(seal_.table, set()).add(seal_.record_id)
            previous, last = seal_.chain, seal_.position
    head = HistoryChainHead.objects.filter(pk=1).first()
    if head is not None and (head.length, head.chain) != (last, previous):
        return Break(None, "", 0, "truncated")
    for label, record_id in unsealed():
        return Break(None, label, record_id, "unsealed")
    return None


def unsealed():
    """(label, id) of every record without a link, oldest first per model."""
    for label, model in historical_models().items():
        ids = (
            model.objects.exclude(
                pk__in=HistorySeal.objects.filter(table=label).values("record_id")
            )
            .order_by("history_date", "pk")
            .values_list("pk", flat=True)
        )
        for record_id in ids.iterator():
            yield label, record_id
