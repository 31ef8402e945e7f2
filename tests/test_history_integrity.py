"""History records cannot be forged: on PostgreSQL a trigger refuses to change or delete
them, and on both databases every record is a link of a keyed hash chain that
`verify_history` walks, naming the first record changed, deleted or slipped in."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from actionplans.models import ActionItem
from agreements.models import ProblemItem, Section
from audit.models import HistorySeal
from audit.seals import contents

HistoricalSection = Section.history.model
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is installed on PostgreSQL only"
)


def verify() -> str:
    out = StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()


@pytest.fixture
def edited(demo, django_capture_on_commit_callbacks):
    """A section edited and saved, its record sealed as when its transaction commits."""
    section = demo["strangnas-2020"].sections.first()
    with django_capture_on_commit_callbacks(execute=True):
        section.heading = "Ändrad rubrik"
        section.save()
    return section.history.latest()


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tampering_allowed():
    """On PostgreSQL someone who owns the tables can switch the trigger off: the chain
    still catches them. The change is rolled back with the test."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        raw(f"ALTER TABLE {HistoricalSection._meta.db_table} DISABLE TRIGGER USER")


def test_the_demo_history_and_a_new_record_are_sealed_and_intact(edited):
    assert HistorySeal.objects.filter(table="audit.historicalsection", record_id=edited.pk)
    assert "Historiken är oförändrad" in verify()


def test_a_record_changed_by_raw_sql_is_named_by_verify_history(edited):
    tampering_allowed()
    raw("UPDATE audit_historicalsection SET heading = %s WHERE history_id = %s", "X", edited.pk)
    with pytest.raises(CommandError) as found:
        verify()
    assert f"audit.historicalsection #{edited.pk}" in str(found.value)
    assert "har ändrats" in str(found.value)


def test_a_deleted_record_is_named_by_verify_history(edited):
    tampering_allowed()
    raw("DELETE FROM audit_historicalsection WHERE history_id = %s", edited.pk)
    with pytest.raises(CommandError, match=f"#{edited.pk} .*har tagits bort"):
        verify()


def test_a_record_slipped_in_is_named_by_verify_history(edited):
    values = HistoricalSection.objects.filter(pk=edited.pk).values().get()
    del values["history_id"]
    forged = HistoricalSection.objects.bulk_create([HistoricalSection(**values)])[0]
    with pytest.raises(CommandError, match=f"#{forged.pk} saknar sigill"):
        verify()


def test_records_from_before_sealing_are_sealed_once_on_request(demo):
    section = demo["strangnas-2020"].sections.first()
    section.heading = "Ändrad före förseglingen"
    section.save()  # the test's transaction never commits, so nothing seals the record
    with pytest.raises(CommandError, match="saknar sigill"):
        verify()
    out = StringIO()
    call_command("verify_history", "--seal-unsealed", stdout=out)
    assert "1 post förseglades" in out.getvalue()
    assert "Historiken är oförändrad" in out.getvalue()


def test_the_chain_is_keyed_by_secret_key_and_survives_its_rotation(edited, settings):
    sealed_with = settings.SECRET_KEY
    settings.SECRET_KEY = "a key the chain was not made with"
    with pytest.raises(CommandError, match="har ändrats"):
        verify()
    settings.SECRET_KEY_FALLBACKS = [sealed_with]
    assert "Historiken är oförändrad" in verify()


@postgresql_only
def test_postgresql_refuses_to_change_or_delete_a_history_record(edited):
    for statement in [
        "UPDATE audit_historicalsection SET heading = 'Förfalskad' WHERE history_id = %s",
        "DELETE FROM audit_historicalsection WHERE history_id = %s",
        "DELETE FROM audit_historyseal WHERE record_id = %s",
    ]:
        with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic():
            raw(statement, edited.pk)
    assert HistoricalSection.objects.get(pk=edited.pk).heading == "Ändrad rubrik"


@postgresql_only
def test_postgresql_guards_every_history_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE action_statement LIKE '%audit_refuse_history_change%'"
        )
        guarded = {row[0] for row in cursor.fetchall()}
    tables = {t for t in connection.introspection.table_names() if "historical" in t}
    assert tables and tables | {"audit_historyseal"} == guarded


@postgresql_only
def test_postgresql_lets_a_user_be_deleted_and_the_test_runner_truncate(
    edited, django_capture_on_commit_callbacks
):
    user = get_user_model().objects.create_user("tillfallig", password="x-Lång-2026")
    section = Section.objects.get(pk=edited.id)
    with django_capture_on_commit_callbacks(execute=True):
        section._history_user = user
        section.heading = "Av en tillfällig användare"
        section.save()
    record = section.history.latest()
    assert record.history_user_id == user.pk
    user.delete()  # empties history_user_id in the records: allowed
    record.refresh_from_db()
    assert record.history_user_id is None and record.history_user_name
    assert "Historiken är oförändrad" in verify()

    # TransactionTestCase's flush empties the tables with TRUNCATE, which is not refused.
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
    with transaction.atomic():
        for statement in connection.ops.sql_flush(no_style(), [HistoricalSection._meta.db_table]):
            raw(statement)
        assert not HistoricalSection.objects.exists()
        transaction.set_rollback(True)
    assert HistoricalSection.objects.exists()


@pytest.fixture
def row_with_problems(demo, django_capture_on_commit_callbacks):
    """A row linked to two problems and saved: its record holds the links as they were,
    and is sealed over them (read with the record, in one query). The demo's one problem
    picture is Timrå's, whose agreement has no plan; the links need only a row and problems."""
    problems = list(
        ProblemItem.objects.filter(area__problem_picture__agreement=demo["timra-2017"]).order_by(
            "pk"
        )[:2]
    )
    item = ActionItem.objects.filter(plan__agreement=demo["strangnas-2020"]).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        item.problem_items.set(problems)
        item.activity = "Kopplad till två problem"
        item.save()
    return item.history.latest("history_id")


def test_a_rows_record_is_sealed_over_its_problem_links(row_with_problems):
    content = json.loads(
        contents("audit.historicalactionitem", [row_with_problems.pk])[row_with_problems.pk]
    )
    assert [link["history_id"] for link in content["__links__"]] == [row_with_problems.pk] * 2
    assert len({link["problemitem_id"] for link in content["__links__"]}) == 2
    assert "Historiken är oförändrad" in verify()


def test_a_problem_link_deleted_from_a_record_is_named_by_verify_history(row_with_problems):
    links = ActionItem.history.model._meta.get_field(  # the records' problem links
        "historicalactionitem_problem_items"
    ).related_model
    tampering_allowed()
    if connection.vendor == "postgresql":
        raw(f"ALTER TABLE {links._meta.db_table} DISABLE TRIGGER USER")
    first = links.objects.filter(history_id=row_with_problems.pk).order_by("pk").first()
    links.objects.filter(pk=first.pk).delete()  # behind the app's back: no new record
    with pytest.raises(CommandError) as found:
        verify()
    assert f"audit.historicalactionitem #{row_with_problems.pk}" in str(found.value)
    assert "har ändrats" in str(found.value)
