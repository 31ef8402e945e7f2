"""The background worker (`manage.py run_worker`, signing/worker.py) with the real
database-backed queue: a task left RUNNING by a worker that died is queued again and
finished, one that keeps killing its worker is given up, and a database that cannot be
reached is waited for with growing pauses instead of ending the worker."""

import datetime
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet
from helpers import make_ready, strangnas_draft

from signing import lifecycle, worker
from signing.models import AgreementVersion, WorkerHeartbeat
from signing.views import _may_sign

EDITOR = "samordnare.strangnas"


@pytest.fixture
def real_queue(settings, monkeypatch):
    """Tasks wait in the database for a worker. The worker drops connections between tasks,
    as it should; here that would be the test's own transaction, so it keeps it."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    monkeypatch.setattr(worker, "_close_connection", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def frozen(demo, user, real_queue):
    """A version made ready for signature, its PDF queued and not yet made."""
    version = make_ready(strangnas_draft(demo), user(EDITOR))
    assert not version.pdf
    return version


def run_worker(command="run_worker"):
    call_command(command, "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())


def claimed_by_a_dead_worker(worker_id="elsewhere-4242-deadbeef", beats_ago=3600):
    """The task as a worker leaves it when it is killed (kill -9) in the middle."""
    task = DBTaskResult.objects.get()
    task.claim(worker_id)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="elsewhere",
        pid=4242,
        beat_at=timezone.now() - datetime.timedelta(seconds=beats_ago),
    )
    return task


def test_a_task_left_running_by_a_killed_worker_is_run_again_and_the_version_is_signable(
    frozen,
):
    task = claimed_by_a_dead_worker()
    run_worker("db_worker")  # django-tasks-db alone: stuck for ever
    task.refresh_from_db()
    frozen.refresh_from_db()
    assert task.status == "RUNNING" and not frozen.pdf
    run_worker()
    task.refresh_from_db()
    frozen.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    assert frozen.pdf and frozen.pdf_sha256
    assert _may_sign(frozen.agreement, frozen)


def test_a_task_of_a_live_worker_is_left_alone(frozen):
    task = claimed_by_a_dead_worker(beats_ago=5)  # beat 5 s ago, lease 60 s: alive
    assert worker.requeue_orphaned_tasks() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_worker_of_this_host_whose_process_is_gone_is_dead_at_once(frozen, settings):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    task = DBTaskResult.objects.get()
    task.claim("here-gone")
    WorkerHeartbeat.objects.create(
        worker_id="here-gone",
        hostname=worker.socket.gethostname(),
        pid=finished.pid,
        beat_at=timezone.now(),  # fresh: only the missing process tells
    )
    assert worker.requeue_orphaned_tasks() == 1
    task.refresh_from_db()
    assert task.status == "READY" and task.started_at is None


def test_a_task_that_keeps_killing_its_worker_is_given_up_and_the_page_says_so(frozen):
    task = DBTaskResult.objects.get()
    for number in range(worker.MAX_ATTEMPTS - 1):
        task.claim(f"killed-{number}")
    claimed_by_a_dead_worker()
    assert worker.requeue_orphaned_tasks() == 0
    task.refresh_from_db()
    version = AgreementVersion.objects.get(pk=frozen.pk)
    assert task.status == "FAILED" and "tried 5 times" in task.traceback
    assert version.pdf_error and not version.pdf


def test_the_worker_waits_for_the_database_with_growing_pauses_and_carries_on(
    frozen, monkeypatch, caplog
):
    original = DBTaskResultQuerySet.get_locked
    outage = iter([True, True, True])

    def database_away(queryset):
        if next(outage, False):
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return original(queryset)

    pauses = []
    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", database_away)
    monkeypatch.setattr(worker.time, "sleep", pauses.append)
    run_worker()
    assert pauses == [1.0, 2.0, 4.0]
    assert caplog.text.count("the database cannot be reached") == 3
    frozen.refresh_from_db()
    assert frozen.pdf and DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_backoff_doubles_up_to_thirty_seconds_and_starts_again_after_calm(monkeypatch):
    clock = iter([0, 1, 2, 3, 4, 5, 6, 1000])
    monkeypatch.setattr(worker.time, "monotonic", lambda: next(clock))
    backoff = worker.Backoff()
    assert [backoff.next() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 1]


def test_a_task_that_failed_only_because_the_database_went_away_is_run_again(frozen, monkeypatch):
    store = lifecycle.store_version_pdf
    calls = []

    def outage_once(version, content):
        calls.append(version.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        store(version, content)

    monkeypatch.setattr(lifecycle, "store_version_pdf", outage_once)
    run_worker()
    frozen.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert len(calls) == 2 and task.status == "SUCCESSFUL"
    assert frozen.pdf and frozen.pdf_error == ""
