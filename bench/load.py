"""Load and faults under production settings: gunicorn with 4 workers on PostgreSQL.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--editors 20]

Starts its own PostgreSQL server in a temporary folder (from the machine's initdb and
pg_ctl, as .ci/run does), loads the demo, and runs gunicorn with bench/settings.py (DEBUG
off, over plain HTTP). Then, one after the other:

1. load: locust, headless, with --users coordinators (bench/locustfile.py) for --seconds on
   the start page, an agreement page, its action plan and row saves; errors, p50, p95 and
   requests per second, per page and in all;
2. one row, --editors editors: each opens the same row and saves its own words into it,
   all at once; a conflict is answered by opening the row again and saving again, until
   every editor's save is in. Counted: saves applied, conflicts, and whether the row holds
   every editor's words and its version went up by exactly the number of saves;
3. public against agreement: --clients anonymous readers ask for a municipality's public
   page of citizen promises (/medborgarloften/<kommun>/, cached) without pause for
   --public-seconds, then as many logged-in coordinators ask for the agreement page the
   same way; requests per second of each, side by side from the same run
   (--public-only runs only this);
4. faults: 10 clients ask for the agreement page without pause while PostgreSQL is
   stopped for 10 seconds and started again; counted by status, with the friendly 503
   page checked, and how long after the start the first page came back.

Not run in CI; the figures go into docs/performance.md.
"""

import argparse
import contextlib
import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from public_page import PUBLISHED_PROMISE, public_against_agreement

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
BIN = ROOT / ".venv" / "bin"
PASSWORD = "samverkan-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL server; as root, run as the postgres user (initdb refuses root)."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        initdb = (
            shutil.which("initdb") or sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1]
        )
        self.bin = Path(os.path.realpath(initdb)).parent
        as_root = os.getuid() == 0
        self.prefix = [shutil.which("runuser"), "-u", "postgres", "--"] if as_root else []
        if as_root:
            shutil.chown(folder, user="postgres")

    def run(self, tool, *args):
        subprocess.run([*self.prefix, str(self.bin / tool), *args], check=True, capture_output=True)

    def init(self):
        self.run(
            "initdb",
            "-D",
            f"{self.folder}/data",
            "-U",
            "samverkan",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        self.start()

    def start(self):
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        self.run(
            "pg_ctl",
            "-D",
            f"{self.folder}/data",
            "-l",
            f"{self.folder}/log",
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self):
        self.run("pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop")

    @property
    def url(self):
        return f"postgres://samverkan@127.0.0.1:{self.port}/postgres"


def manage(env, *args) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def login(base) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/konto/logga-in/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = session.post(
        base + "/konto/logga-in/",
        {"username": "samordnare.strangnas", "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.status_code
    return session


def load(base, env, users, seconds, folder) -> list[dict]:
    prefix = f"{folder}/locust"
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            ROOT / "bench" / "locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def editors_on_one_row(base, plan, editors) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from htmlform import form_fields  # not locustfile: importing locust patches ssl

    sessions = [login(base) for _ in range(editors)]
    first = sessions[0].get(base + plan).text
    row = re.findall(r"rader/(\d+)/redigera/", first)[0]
    url = f"{base}{plan}rader/{row}/redigera/"
    start_version = int(
        form_fields(sessions[0].get(url, headers={"HX-Request": "true"}).text)["version"]
    )
    counts = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(editors)

    def edit(number, session):
        barrier.wait()  # everyone opens the row at the same moment
        while True:
            fields = form_fields(session.get(url, headers={"HX-Request": "true"}).text)
            fields["communication"] = (
                fields.get("communication", "") + f" [redaktör {number}]"
            ).strip()
            answer = session.post(url, fields, allow_redirects=False)
            with lock:
                if answer.status_code == 302:
                    counts["applied"] += 1
                    return
                if answer.status_code == 200 and "row-conflict" in answer.text:
                    counts["conflicts"] += 1
                    continue
                counts[f"other {answer.status_code}"] += 1
                return

    threads = [threading.Thread(target=edit, args=(n, s)) for n, s in enumerate(sessions, start=1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = form_fields(sessions[0].get(url, headers={"HX-Request": "true"}).text)
    words_kept = all(f"[redaktör {n}]" in final["communication"] for n in range(1, editors + 1))
    return {
        **counts,
        "version_before": start_version,
        "version_after": int(final["version"]),
        "every_editors_words_kept": words_kept,
    }


def faults(base, agreement, postgres) -> dict:
    sessions = [login(base) for _ in range(10)]
    log, stop = [], threading.Event()

    def ask(session):
        while not stop.is_set():
            try:
                answer = session.get(base + agreement, timeout=30)
                friendly = answer.status_code == 503 and "inte tillgänglig just nu" in answer.text
                log.append((time.monotonic(), answer.status_code, friendly))
            except requests.RequestException as error:
                log.append((time.monotonic(), type(error).__name__, False))

    threads = [threading.Thread(target=ask, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    time.sleep(5)
    stopped_at = time.monotonic()
    postgres.stop()
    time.sleep(10)
    postgres.start()
    started_at = time.monotonic()
    time.sleep(10)
    stop.set()
    for thread in threads:
        thread.join()
    during = Counter(status for at, status, _ in log if stopped_at <= at < started_at)
    friendly = sum(
        1 for at, status, ok in log if stopped_at <= at < started_at and status == 503 and ok
    )
    after = [at for at, status, _ in log if at >= started_at and status == 200]
    last_failure = max((at for at, status, _ in log if status != 200), default=None)
    return {
        "before": dict(Counter(status for at, status, _ in log if at < stopped_at)),
        "during": dict(during),
        "friendly_503": friendly,
        "after": dict(Counter(status for at, status, _ in log if at >= started_at)),
        "first_200_after_start_s": round(min(after) - started_at, 2) if after else None,
        "last_failure_after_start_s": round(last_failure - started_at, 2) if last_failure else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--public-seconds", type=int, default=30)
    parser.add_argument(
        "--public-only", action="store_true", help="only the public page against the agreement's"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samverkan-load-") as folder:
        postgres = Postgres(Path(folder))
        postgres.init()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATA_DIR": folder,
            "DATABASE_URL": postgres.url,
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "shell", "-c", PUBLISHED_PROMISE)
        ids = manage(
            env,
            "shell",
            "-c",
            "from agreements.models import Agreement; "
            "a = Agreement.objects.get(reference='strangnas-2020'); "
            "print(a.pk, a.action_plans.get().pk)",
        ).split()[-2:]
        agreement = f"/overenskommelser/{ids[0]}/"
        plan = f"{agreement}handlingsplaner/{ids[1]}/"
        env.update(BENCH_AGREEMENT=agreement, BENCH_PLAN=plan, AXES_FAILURE_LIMIT="1000")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "samverkan.wsgi",
                "--workers",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    if requests.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            public = public_against_agreement(
                base,
                agreement,
                "/medborgarloften/strangnas/",
                args.clients,
                args.public_seconds,
                login=login,
            )
            if not args.public_only:
                stats = load(base, env, args.users, args.seconds, folder)
                editors = editors_on_one_row(base, plan, args.editors)
                fault = faults(base, agreement, postgres)
        finally:
            server.terminate()
            server.wait(timeout=20)
            with contextlib.suppress(subprocess.CalledProcessError):
                postgres.stop()
    print(
        f"## Public page against agreement page: {args.clients} clients each, "
        f"{args.public_seconds} s each, gunicorn 4 workers, PostgreSQL\n"
    )
    print("| page | requests | failures | p50 (ms) | p95 (ms) | requests/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in public:
        counts = f"{row['requests']} | {row['failures']}"
        times = f"{row['p50_ms']} | {row['p95_ms']} | {row['per_second']}"
        print(f"| {row['page']} | {counts} | {times} |")
    if args.public_only:
        return
    print(f"\n## Load: {args.users} users, {args.seconds} s, gunicorn 4 workers, PostgreSQL\n")
    print("| page | requests | failures | p50 (ms) | p95 (ms) | requests/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in stats:
        counts = f"{row['Request Count']} | {row['Failure Count']}"
        times = f"{row['50%']} | {row['95%']} | {float(row['Requests/s']):.1f}"
        print(f"| {row['Name']} | {counts} | {times} |")
    print(f"\n## {args.editors} editors on one row\n\n{editors}")
    print(f"\n## PostgreSQL stopped for 10 s under load\n\n{fault}")


if __name__ == "__main__":
    main()
