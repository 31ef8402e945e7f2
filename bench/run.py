"""Time the action plan page with 500 rows, and a row save, under gunicorn.

    .venv/bin/python bench/run.py [--requests 50] [--database-url postgres://...]

One run: a fresh database (SQLite in a temporary folder unless --database-url names an
empty PostgreSQL database) with the demo data and the Strängnäs plan grown to 500 rows,
one gunicorn sync worker, and sequential requests from this process over one kept-alive
connection, the cases taking turns. Measured against the floors: Django admin's change
list of the same 500 rows, a bare template printing the rows' fields with no logic, a
minimal view, and for the row save a logged-in POST that makes one conditional UPDATE of
the same row.
Not run in CI; the figures go into docs/performance.md.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
ROWS = 500
PASSWORD = "samverkan-demo"
ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the bench's own, base32


def main():
    args = bench_arguments(__doc__, requests=50, help="timed requests per page")

    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as folder:
        env = demo_database(folder, args.database_url)
        target = grow_plan()
        port = free_port()
        server = subprocess.Popen(
            [
                *(GUNICORN, "samverkan.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"),
                *("--access-logfile", "/dev/null"),
            ],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            results = measure(port, target, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=10)
    report(results, args, target)


def bench_arguments(doc: str, *, requests: int, help: str) -> argparse.Namespace:
    """A bench's command line: how many timed requests, and which database."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--requests", type=int, default=requests, help=help)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite)")
    return parser.parse_args()


def demo_database(folder, database_url=None) -> dict:
    """The demo loaded into `database_url` (an empty database) or a new SQLite in `folder`;
    this process set up to use it (bench.settings). Returns the environment for servers."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATA_DIR": folder}
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    for command in (["migrate", "--noinput"], ["load_demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    os.environ.update(env)
    return env


def grow_plan() -> dict:
    """The Strängnäs plan (Vad / Kommun / Polis / Kommunikation) grown to 500 rows, each
    under one of its four focus areas and with a cell for both parties."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from actionplans.models import ActionItem, ActionPlan, Responsibility

    plan = ActionPlan.objects.select_related("agreement").get(agreement__reference="strangnas-2020")
    areas = list(plan.agreement.focus_areas.order_by("position"))
    parties = list(plan.agreement.parties.order_by("position"))
    start = plan.items.count()
    items = ActionItem.objects.bulk_create(
        ActionItem(
            plan=plan,
            position=start + n + 1,
            focus_area=areas[n % len(areas)],
            activity=f"Aktivitet {n + 1}: samverkan kring trygghet i skolan och på fritiden",
            communication="Trygghetssamordnaren informerar via kommunens webbplats",
            when_text="Varje termin",
        )
        for n in range(ROWS - start)
    )
    Responsibility.objects.bulk_create(
        Responsibility(
            item=item,
            position=index + 1,
            organisation=party.organisation,
            description=["Socialtjänsten samordnar", "Kommunpolisen deltar"][index % 2],
        )
        for item in items
        for index, party in enumerate(parties)
    )
    item = plan.items.order_by("position").first()
    form = {
        "version": item.version,
        "focus_area": item.focus_area_id or "",
        "activity": item.activity,
        "communication": item.communication,
        "when_text": item.when_text,
        "starts_on": "",
        "ends_on": "",
        "due_on": "",
        "recurrence": item.recurrence,
        "status": item.status,
    }
    for party in parties:
        said = item.responsibilities.filter(organisation=party.organisation)
        form[f"party_{party.pk}"] = "; ".join(r.description for r in said)
    assert plan.items.count() == ROWS
    # The admin pages require a second factor (docs/sign-in.md): the admin gets one.
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model

    TOTP.activate(get_user_model().objects.get(username="admin"), ADMIN_SECRET)
    base = f"/overenskommelser/{plan.agreement_id}/handlingsplaner/{plan.pk}/"
    return {
        "plan": base,
        "row_edit": f"{base}rader/{item.pk}/redigera/",
        "admin": f"/admin/actionplans/actionitem/?plan__id__exact={plan.pk}",
        "bare": f"/bench/bare/{plan.pk}/",
        "update": f"/bench/update/{item.pk}/",
        "form": form,
    }


class Browser:
    """One kept-alive connection with cookies, logged in through the login form."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, text

    def log_in(self, username):
        self.request("GET", "/konto/logga-in/")
        status, _text = self.request(
            "POST", "/konto/logga-in/", {"username": username, "password": PASSWORD}
        )
        assert status == 302, f"logging in as {username} answered {status}"
        if username == "admin":
            from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

            code = format_hotp_value(hotp_value(ADMIN_SECRET, int(time.time()) // 30))
            status, _text = self.request("POST", "/konto/kod/", {"code": code})
            assert status == 302, f"the admin's second factor answered {status}"


def measure(port, target, count) -> dict[str, list[float]]:
    coordinator, admin = Browser(port), Browser(port)
    coordinator.log_in("samordnare.strangnas")
    admin.log_in("admin")
    form = dict(target["form"])
    rows_seen = {}

    def page(browser, path, name):
        def get():
            status, text = browser.request("GET", path)
            assert status == 200, f"{path} answered {status}"
            rows_seen[name] = text

        return get

    def save():
        # Each save is made on the version the previous one left: every one must apply.
        status, _text = coordinator.request("POST", target["row_edit"], form)
        assert status == 302, f"the row save answered {status}"
        form["version"] += 1

    def update():
        # The floor writes the same row, on the same run of versions.
        fields = {"version": form["version"], "activity": form["activity"]}
        status, _text = coordinator.request("POST", target["update"], fields)
        assert status == 302, f"the conditional update answered {status}"
        form["version"] += 1

    cases = {
        "plan page (500 rows)": page(coordinator, target["plan"], "plan"),
        "row save": save,
        "admin change list (500 rows)": page(admin, target["admin"], "admin"),
        "bare template (500 rows)": page(coordinator, target["bare"], "bare"),
        "minimal view": page(coordinator, "/bench/minimal/", "minimal"),
        "conditional UPDATE view": update,
    }
    # Round after round, each case once: a busy moment of the shared machine slows all
    # cases alike instead of one, so the ratios hold better than the times.
    results = {name: [] for name in cases}
    for round_ in range(3 + count):
        for name, call in cases.items():
            started = time.perf_counter()
            call()
            if round_ >= 3:  # the first three warm up
                results[name].append((time.perf_counter() - started) * 1000)
    assert len(re.findall(r'<tr id="rad-\d+" class="plan-row">', rows_seen["plan"])) == ROWS
    assert rows_seen["bare"].count("<tr>") == ROWS
    assert "500 " in rows_seen["admin"] or ">500<" in rows_seen["admin"]
    return results


def report(results, args, target):
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.requests} sequential requests each, gunicorn 1 sync worker, {database}")
    print(f"{'':32} {'median':>8} {'p95':>8} {'mean':>8}  (ms)")
    medians = {}
    for name, timings in results.items():
        ordered = sorted(timings)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        medians[name] = statistics.median(timings)
        print(f"{name:32} {medians[name]:8.1f} {p95:8.1f} {statistics.mean(timings):8.1f}")
    plan, save = medians["plan page (500 rows)"], medians["row save"]
    admin, bare = medians["admin change list (500 rows)"], medians["bare template (500 rows)"]
    minimal, update = medians["minimal view"], medians["conditional UPDATE view"]
    print("ratios of medians:")
    print(f"  plan page / bare template       {plan / bare:6.2f}  (aim: at most 1.5)")
    print(f"  plan page / admin change list   {plan / admin:6.2f}")
    print(f"  admin change list / bare        {admin / bare:6.2f}")
    print(f"  row save / minimal view         {save / minimal:6.2f}")
    print(f"  row save / conditional UPDATE   {save / update:6.2f}  (aim: at most 2)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start on port {port}")


if __name__ == "__main__":
    main()
