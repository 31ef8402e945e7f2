"""Settings come from the environment and refuse unsafe or unreadable values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def settings_in_subprocess(data_dir, **env):
    """Import the settings module with exactly these environment variables."""
    base = {"PATH": os.environ["PATH"], "DATA_DIR": str(data_dir)}
    code = (
        "import json, samverkan.settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, "
        "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
        "'options': s.DATABASES['default'].get('OPTIONS', {})}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_language_and_time_zone_are_swedish():
    assert settings.LANGUAGE_CODE == "sv"
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert [code for code, _name in settings.LANGUAGES] == ["sv", "en"]


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = settings_in_subprocess(tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_with_secret_key_and_hosts_starts(tmp_path):
    result = settings_in_subprocess(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="samverkan.example.se, www.example.se",
    )
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout
    assert '"hosts": ["samverkan.example.se", "www.example.se"]' in result.stdout


def test_a_debug_value_that_is_not_a_boolean_is_refused(tmp_path):
    result = settings_in_subprocess(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_default_database_is_sqlite_in_the_data_folder(tmp_path):
    result = settings_in_subprocess(tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert str(tmp_path / "samverkan.sqlite3") in result.stdout


def test_database_url_selects_postgresql(tmp_path):
    result = settings_in_subprocess(
        tmp_path, DATABASE_URL="postgres://u:p@127.0.0.1:5433/samverkan"
    )
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.postgresql"' in result.stdout
    assert '"name": "samverkan"' in result.stdout


def test_postgresql_keeps_the_plans_of_statements_sent_again(tmp_path):
    """Server-side binding, so that psycopg prepares a statement a connection sends for
    the fifth time; DATABASE_PREPARED_STATEMENTS=false for a pooler that cannot keep them."""
    url = "postgres://u:p@127.0.0.1:5433/samverkan"
    result = settings_in_subprocess(tmp_path, DATABASE_URL=url)
    assert '"options": {"server_side_binding": true, "prepare_threshold": 5}' in result.stdout
    result = settings_in_subprocess(tmp_path, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="no")
    assert result.returncode == 0, result.stderr
    assert '"options": {}' in result.stdout


@pytest.mark.django_db
def test_sqlite_writes_ahead_and_does_not_flush_each_commit():
    if connection.vendor != "sqlite":
        pytest.skip("the write-ahead log is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL


@pytest.mark.django_db
def test_a_statement_sent_five_times_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT count(*) FROM auth_user WHERE id > %s", [0])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert "SELECT count(*) FROM auth_user WHERE id > $1" in prepared
