"""Faults of the background worker under production settings, on PostgreSQL.

    .venv/bin/python bench/worker_faults.py [--versions 3] [--rows 200]

Starts its own PostgreSQL server in a temporary folder (bench/load.py's), loads the demo and
freezes --versions drafts of Strängnäs' agreement, each with --rows more plan rows, so that
each frozen version's PDF takes the worker a few seconds. Then:

1. killed mid-render: `run_worker` is started, killed with SIGKILL while it renders the
   first version, and django-tasks-db's own `db_worker --batch` is run to show what it does
   with the task left behind; then `run_worker` is started again. Counted: how long until
   the task left RUNNING ran again, and until every version had its PDF and was signable.
2. database stopped: more versions are frozen, `run_worker` is started, and PostgreSQL is
   stopped for 10 seconds while it renders, then started again. Counted: whether the worker
   lived through it, the warnings it logged, and how long after the restart every task was
   finished with every version signable. The same outage under plain `db_worker` for
   comparison (does it exit?).

Not run in CI; the figures go into docs/performance.md.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import PYTHON, Postgres, manage  # noqa: E402

OUTAGE_SECONDS = 10


def start_worker(env, log: Path, command="run_worker", *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", command, "--no-reload", "--no-startup-delay", *extra],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def freeze_versions(count: int, rows: int) -> list[int]:
    """Drafts of Strängnäs with a long plan, made ready for signature: PDFs queued."""
    from django.contrib.auth import get_user_model

    from actionplans.models import ActionItem
    from agreements.models import Agreement
    from exchange.copying import copy_agreement
    from signing import lifecycle, readiness

    # What the check before signing asks for, as the tests add it (tests/helpers.py).
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import complete_for_signing

    editor = get_user_model().objects.get(username="samordnare.strangnas")
    source = Agreement.objects.get(reference="strangnas-2020")
    ids = []
    for _ in range(count):
        draft = copy_agreement(source, title="Samverkan i Strängnäs, bänkprov")
        plan = draft.action_plans.first()
        ActionItem.objects.bulk_create(
            ActionItem(plan=plan, position=1000 + n, activity=f"Aktivitet {n} " + "ord " * 30)
            for n in range(rows)
        )
        complete_for_signing(draft)
        warnings = readiness.warnings(readiness.check_before_signing(draft))
        seen = {warning.code for warning in warnings}
        ids.append(lifecycle.make_ready(draft, editor, seen_warnings=seen).pk)
    return ids


def task_states() -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    states = {}
    for status in DBTaskResult.objects.values_list("status", flat=True):
        states[status] = states.get(status, 0) + 1
    return states


def signable(version_ids) -> int:
    from signing.models import AgreementVersion
    from signing.views import _may_sign

    versions = AgreementVersion.objects.filter(pk__in=version_ids).select_related("agreement")
    return sum(_may_sign(version.agreement, version) for version in versions)


def wait_until(condition, seconds=600, step=0.5) -> float | None:
    """Seconds until condition() held, or None if it never did."""
    from django.db import DatabaseError, connection

    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if condition():
                return time.monotonic() - start
        except DatabaseError:
            connection.close()
        time.sleep(step)
    return None


def killed_mid_render(env, folder: Path, versions: int, rows: int) -> dict:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    ids = freeze_versions(versions, rows)
    log = folder / "worker-killed.log"
    worker = start_worker(env, log)
    started = wait_until(lambda: DBTaskResult.objects.running().exists(), 120, 0.1)
    time.sleep(1)  # well inside the render
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    left = DBTaskResult.objects.running().count()
    orphan = DBTaskResult.objects.running().first()
    # django-tasks-db alone: a batch run takes what is READY and leaves the orphan as it is.
    manage(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    after_db_worker = task_states()
    restart_at = timezone.now()
    worker = start_worker(env, log)

    def orphan_repicked():
        task = DBTaskResult.objects.get(pk=orphan.pk)
        return task.status != "RUNNING" or task.started_at > restart_at

    repicked = wait_until(orphan_repicked, 300, 0.2)
    done = wait_until(lambda: signable(ids) == len(ids), 600)
    done = None if None in (repicked, done) else repicked + done  # from the restart
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    return {
        "versions": len(ids),
        "rows": rows,
        "first task running after (s)": _round(started),
        "tasks RUNNING after kill -9": left,
        "after db_worker --batch": after_db_worker,
        "orphan re-picked after restart, start-up included (s)": _round(repicked),
        "all signable after restart (s)": _round(done),
        "signable": signable(ids),
        "tasks": task_states(),
        "log lines 'queued again'": log.read_text().count("queued again"),
    }


def database_stopped(env, folder: Path, postgres, versions: int, rows: int) -> dict:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    ids = freeze_versions(versions, rows)
    log = folder / "worker-outage.log"
    worker = start_worker(env, log)
    wait_until(lambda: DBTaskResult.objects.running().exists(), 120, 0.1)
    connection.close()
    postgres.stop()
    time.sleep(OUTAGE_SECONDS)
    alive_during = worker.poll() is None
    postgres.start()
    done = wait_until(
        lambda: (
            signable(ids) == len(ids)
            and not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists()
        ),
        600,
    )
    alive_after = worker.poll() is None
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    text = log.read_text()

    # The same outage under django-tasks-db's own worker.
    plain_log = folder / "db-worker-outage.log"
    plain = start_worker(env, plain_log, "db_worker")
    time.sleep(3)
    connection.close()
    postgres.stop()
    time.sleep(OUTAGE_SECONDS)
    plain_exit = plain.poll()
    postgres.start()
    if plain_exit is None:
        plain.send_signal(signal.SIGTERM)
        plain.wait(30)
    return {
        "versions": len(ids),
        "run_worker alive during the outage": alive_during,
        "run_worker alive afterwards": alive_after,
        "warnings 'cannot be reached'": text.count("cannot be reached"),
        "tasks queued again": text.count("queued again"),
        "all finished and signable after the database came back (s)": _round(done),
        "signable": signable(ids),
        "tasks": task_states(),
        "db_worker exit code during the outage": plain_exit,
    }


def _round(value):
    return None if value is None else round(value, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samverkan-worker-") as folder:
        folder = Path(folder)
        postgres = Postgres(folder)
        postgres.init()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATA_DIR": str(folder),
            "DATABASE_URL": postgres.url,
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "text",
            "WORKER_LEASE_SECONDS": "20",
        }
        os.environ.update(env)
        try:
            manage(env, "migrate", "--noinput")
            manage(env, "load_demo")
            import django

            django.setup()
            print("1. worker killed mid-render")
            for key, value in killed_mid_render(env, folder, args.versions, args.rows).items():
                print(f"   {key}: {value}")
            print("2. database stopped for 10 s while the worker renders")
            outage = database_stopped(env, folder, postgres, args.versions, args.rows)
            for key, value in outage.items():
                print(f"   {key}: {value}")
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
