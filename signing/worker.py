"""The background worker as a real one has to live: django-tasks-db's `db_worker`, which
leaves a task RUNNING for ever when its process is killed and exits when the database goes
away, made to survive both (`manage.py run_worker`).

- Each worker beats a heartbeat (WorkerHeartbeat) every LEASE / 4. A task RUNNING under a
  worker whose beat is older than the lease, or whose process on this host is gone, was
  left by a worker that died: it is queued again, at the start of every worker and at every
  beat. One that has taken down MAX_ATTEMPTS workers is failed instead, and what waited for
  it is told (the version's or print job's error).
- When the database cannot be reached the worker logs it, waits (1, 2, 4 … 30 s) and carries
  on; a task it was running then, or that failed only because the database went away, is
  queued again. Our tasks may run twice: they write their result once, at the end.
"""

import contextlib
import datetime
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A task is given up after it has been claimed this many times without finishing.
MAX_ATTEMPTS = 5
# Errors that say the database is away, not that the task is wrong.
DATABASE_ERROR_PATHS = {
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
}
FAILED, READY, RUNNING = "FAILED", "READY", "RUNNING"


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def new_worker_id() -> str:
    """Host, process and a random part: unique, and telling where the worker ran."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now()},
        create_defaults={
            "beat_at": timezone.now(),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def _gone_from_this_host(heartbeat: WorkerHeartbeat) -> bool:
    """A worker of this host whose process is no longer there (or is us now)."""
    if heartbeat.hostname != socket.gethostname()[:255]:
        return False
    if heartbeat.pid == os.getpid():
        return True
    try:
        os.kill(heartbeat.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def live_worker_ids(own: str | None = None) -> set[str]:
    """Workers that beat within the lease and are not known to be gone."""
    fresh = WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - lease())
    return {
        heartbeat.worker_id
        for heartbeat in fresh
        if heartbeat.worker_id == own or not _gone_from_this_host(heartbeat)
    }


def requeue_orphaned_tasks(own: str | None = None) -> int:
    """Queue again the RUNNING tasks whose worker died; returns how many were queued."""
    alive = live_worker_ids(own)
    requeued = 0
    for task in DBTaskResult.objects.running():
        last_worker = task.worker_ids[-1] if task.worker_ids else None
        if last_worker in alive:
            continue
        if len(task.worker_ids) >= MAX_ATTEMPTS:
            give_up(task, f"worker {last_worker} stopped; tried {len(task.worker_ids)} times")
            continue
        if requeue(task.pk, expected=Q(status=RUNNING, started_at=task.started_at)):
            logger.warning(
                "Task %s (%s) was left running by worker %s, which is gone: queued again",
                task.pk,
                task.task_path,
                last_worker,
            )
            requeued += 1
    # Beats of workers long gone are of no more use.
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    return requeued


def requeue(task_id, expected: Q) -> bool:
    """Back to READY, if the task is still as it was seen (another worker may be faster)."""
    return bool(
        DBTaskResult.objects.filter(expected, pk=task_id).update(
            status=READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
    )


def give_up(task: DBTaskResult, why: str) -> None:
    """Fail a task that keeps taking its worker down, and tell what waits for it."""
    failed = DBTaskResult.objects.filter(pk=task.pk, status=RUNNING).update(
        status=FAILED,
        finished_at=timezone.now(),
        exception_class_path="signing.worker.WorkerLost",
        traceback=why,
    )
    if not failed:
        return
    logger.error("Task %s (%s) given up: %s", task.pk, task.task_path, why)
    from printing.models import PrintJob, PrintJobStatus

    from .models import AgreementVersion

    args = task.args_kwargs.get("args") or [None]
    if task.task_path.endswith("render_version_pdf"):
        version = AgreementVersion.objects.filter(pk=args[0]).first()
        if version is not None and not version.pdf:
            version.pdf_error = why
            version.save()
    elif task.task_path.endswith("render_print_job"):
        PrintJob.objects.filter(pk=args[0], status=PrintJobStatus.WAITING).update(
            status=PrintJobStatus.FAILED, error=why
        )


class Backoff:
    """Waits that double from FIRST to at most LONGEST; back to FIRST after a calm spell."""

    FIRST, LONGEST = 1.0, 30.0

    def __init__(self):
        self.delay, self.last_failure = 0.0, 0.0

    def next(self) -> float:
        now = time.monotonic()
        if now - self.last_failure > 2 * self.LONGEST + self.delay:
            self.delay = 0.0
        self.delay = min(self.LONGEST, self.delay * 2 or self.FIRST)
        self.last_failure = now
        return self.delay


class ResilientWorker(Worker):
    """db_worker's Worker, plus heartbeats, re-queueing and surviving the database."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.backoff = Backoff()
        self.interrupted_task_id = None

    def run(self) -> None:
        logger.info("Worker %s starting (lease %s)", self.worker_id, lease())
        heartbeat = None
        if not self.batch:
            heartbeat = threading.Thread(target=self._beat_forever, daemon=True)
            heartbeat.start()
        try:
            while True:
                try:
                    self._recover()
                    super().run()
                    return
                except DatabaseError as error:
                    if not self.running:
                        return
                    delay = self.backoff.next()
                    logger.warning(
                        "Worker %s: the database cannot be reached (%s); trying again in %.0f s",
                        self.worker_id,
                        str(error).strip().splitlines()[0] if str(error).strip() else error,
                        delay,
                    )
                    _close_connection()
                    time.sleep(delay)
                    self.startup_delay = False
        finally:
            self.running = False
            with contextlib.suppress(DatabaseError):
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def _recover(self) -> None:
        """Beat, then queue again what this worker lost to an outage and what dead
        workers left."""
        beat(self.worker_id)
        if self.interrupted_task_id is not None:
            if requeue(self.interrupted_task_id, Q(status__in=[RUNNING, FAILED])):
                logger.warning(
                    "Task %s was cut off by the database outage: queued again",
                    self.interrupted_task_id,
                )
            self.interrupted_task_id = None
        with exclusive_transaction(DBTaskResult.objects.db):
            requeue_orphaned_tasks(own=self.worker_id)
        logger.info("Worker %s: the database answers", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DatabaseError:
            # Not even its failure could be written: queued again once the database is back.
            self.interrupted_task_id = db_task_result.pk
            raise
        if (
            db_task_result.status == FAILED
            and db_task_result.exception_class_path in DATABASE_ERROR_PATHS
            and len(db_task_result.worker_ids) < MAX_ATTEMPTS
        ):
            requeue(db_task_result.pk, Q(status=FAILED))
            logger.warning(
                "Task %s failed because the database went away: queued again",
                db_task_result.pk,
            )

    def _beat_forever(self) -> None:
        """In its own thread, so that a long render does not look like a dead worker."""
        every = lease().total_seconds() / 4
        while self.running:
            time.sleep(every)
            try:
                beat(self.worker_id)
                with exclusive_transaction(DBTaskResult.objects.db):
                    requeue_orphaned_tasks(own=self.worker_id)
            except DatabaseError as error:
                logger.warning("Worker %s: no heartbeat (%s)", self.worker_id, error)
            finally:
                _close_connection()


def _close_connection() -> None:
    """Drop this thread's connection, broken or not: the next query opens a fresh one."""
    with contextlib.suppress(DatabaseError):
        connection.close()
    close_old_connections()
