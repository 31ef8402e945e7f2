"""Security: lockout after failed logins, the Content-Security-Policy and other headers, CSRF
on HTMX requests, production settings that pass `check --deploy`, /healthz, JSON logs,
static files served by whitenoise."""

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from helpers import PRODUCTION, login

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "samverkan-demo"
STARTUP_DEADLINE = 120  # seconds a started server may take to answer its first request


def test_five_wrong_passwords_pause_that_user_from_that_address(db, user):
    client = Client()
    for _attempt in range(5):
        response = login(client, "samordnare.strangnas", "fel-lösenord")
        assert response.status_code in (200, 429)
    locked = login(client, "samordnare.strangnas", PASSWORD)  # even the right one, now
    assert locked.status_code == 429
    assert "För många försök" in locked.text and "30 minuter" in locked.text
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not locked out.
    other = login(Client(), "samordnare.timra", PASSWORD)
    assert other.status_code == 302


def test_a_wrong_password_is_told_in_swedish_and_a_right_one_resets_the_count(db):
    client = Client()
    for _attempt in range(4):
        refused = login(client, "samordnare.strangnas", "fel")
        assert "Ange ett korrekt användarnamn och lösenord" in refused.text
    assert login(client, "samordnare.strangnas", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):  # the count started again after the success
        login(client, "samordnare.strangnas", "fel")
    assert login(client, "samordnare.strangnas", PASSWORD).status_code == 302


def test_weak_passwords_are_refused_by_djangos_validators():
    for weak in ("12345678", "password", "kort"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Trygg-i-Strängnäs-2027!")


def test_pages_carry_a_strict_content_security_policy_and_security_headers(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(reverse("overview"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_page_has_inline_scripts_or_styles():
    """The policy forbids them, so none may be written: every template is checked."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if "print" in template.name:
            continue  # read by WeasyPrint, never by a browser
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
            offenders.append(template.name)
        if re.search(r"\son[a-z]+=", text) or "hx-on" in text or "javascript:" in text:
            offenders.append(template.name)
    assert offenders == []


def test_htmx_requests_carry_the_csrf_token_and_are_refused_without_it(personas, demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.get()
    item = plan.items.order_by("position").first()
    url = reverse("row_move", args=[agreement.pk, plan.pk, item.pk])
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
    htmx = {"HX-Request": "true"}
    assert client.post(url, {"direction": "down"}, headers=htmx).status_code == 403
    moved = client.post(url, {"direction": "down"}, headers={**htmx, "X-CSRFToken": token})
    assert moved.status_code == 200


def test_production_settings_pass_check_deploy(tmp_path):
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), **PRODUCTION}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_https_is_required(tmp_path):
    code = (
        "import json, samverkan.settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.LOG_FORMAT]))"
    )
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), **PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert json.loads(result.stdout) == [True, True, True, 31536000, "json"]


def test_production_logs_are_json_lines(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('samverkan').warning('Inloggning nekad', extra={'user': 'x'})"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        **PRODUCTION,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = [json.loads(line) for line in result.stderr.strip().splitlines()]  # all JSON
    (record,) = [line for line in lines if line["logger"] == "samverkan"]
    assert record["level"] == "WARNING" and record["logger"] == "samverkan"
    assert record["message"] == "Inloggning nekad" and record["user"] == "x" and record["time"]


def test_healthz_answers_ok_while_the_database_answers(client, db, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]

    from django.db import DatabaseError
    from django.db.backends.utils import CursorWrapper

    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(CursorWrapper, "execute", unreachable)
        down = client.get("/healthz")
    assert down.status_code == 503 and down.json()["database"] == "unreachable"


def test_a_database_that_is_gone_gives_a_friendly_503_and_the_next_request_works(
    client, personas, settings, monkeypatch
):
    settings.DEBUG = False
    client.force_login(personas.coordinator)
    client.raise_request_exception = False

    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def stopped(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(CursorWrapper, "execute", stopped)
        response = client.get(reverse("overview"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Samverkan är inte tillgänglig just nu" in response.text
    assert "försök igen" in response.text
    assert client.get(reverse("overview")).status_code == 200  # the database is back


def test_other_errors_give_the_plain_500_page(rf):
    from samverkan.errors import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Något gick fel" in response.content.decode()
    assert "Retry-After" not in response


def test_production_serves_hashed_compressed_static_files_with_whitenoise(
    tmp_path, production_static
):
    """collectstatic as the Dockerfile runs it (the production_static fixture), then the
    app itself serves the files: a hashed name cached for a year, gzip for a browser that
    accepts it."""
    env = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(tmp_path),
        "STATIC_ROOT": str(production_static["STATIC_ROOT"]),
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        **PRODUCTION,
    }
    code = (
        "import json, django; django.setup()\n"
        "from django.templatetags.static import static\n"
        "from django.test import Client\n"
        "url = static('css/samverkan.css')\n"
        "client = Client(HTTP_HOST='samverkan.example.se')\n"
        "plain = client.get(url, secure=True)\n"
        "zipped = client.get(url, secure=True, HTTP_ACCEPT_ENCODING='gzip')\n"
        "print(json.dumps([url, plain.status_code, plain['Cache-Control'],\n"
        "    zipped.get('Content-Encoding'), plain['Content-Type']]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    url, status, cache_control, encoding, content_type = json.loads(result.stdout)
    assert re.fullmatch(r"/static/css/samverkan\.[0-9a-f]{12}\.css", url)
    assert status == 200 and content_type.startswith("text/css")
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    assert encoding == "gzip"


def test_gunicorn_logs_its_start_and_each_request_as_json_lines(tmp_path):
    """gunicorn as the Dockerfile runs it (gunicorn.conf.py), answering /healthz."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(tmp_path),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "BEHIND_PROXY": "true",  # X-Forwarded-Proto says the request came over HTTPS
        **PRODUCTION,
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "samverkan.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # gunicorn's log lines as they come, read in a thread: the test waits for the line that
    # says it listens (with a deadline), not for a time.
    said = queue.Queue()
    reader = threading.Thread(target=lambda: [*map(said.put, server.stdout), said.put("")])
    reader.start()
    output = []
    status = None
    deadline = time.monotonic() + STARTUP_DEADLINE
    try:
        while not (output and "Listening at" in output[-1]):
            try:
                output.append(said.get(timeout=max(0, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"gunicorn did not listen within {STARTUP_DEADLINE} s: {output}")
            assert output[-1], f"gunicorn stopped: {output}"
        # It listens: the request waits in the queue until its worker has started.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz",
            headers={"Host": "samverkan.example.se", "X-Forwarded-Proto": "https"},
        )
        remaining = max(1, deadline - time.monotonic())
        try:
            with urllib.request.urlopen(request, timeout=remaining) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=30)
    output = "".join(output + list(said.queue))
    assert status is not None, output
    lines = [json.loads(line) for line in output.strip().splitlines()]  # every line is JSON
    assert {"gunicorn.error", "gunicorn.access"} <= {line["logger"] for line in lines}
    # A first request that timed out on a busy machine is logged too: the last one answered.
    access = [line for line in lines if line["logger"] == "gunicorn.access"][-1]
    assert '"GET /healthz HTTP/1.1" 200' in access["message"]
    # One clock for the master and the workers: UTC, with its offset.
    assert all(line["time"].endswith("+00:00") for line in lines)
    # No static files collected here: whitenoise's warning is a JSON line as well.
    assert any(line["logger"] == "py.warnings" for line in lines)
