"""The project's own set-up: layout, Python version, a hashed lock without registry hosts."""

import re
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def test_the_layout_of_the_design_card_is_there():
    for name in [
        "manage.py",
        "samverkan/settings.py",
        "samverkan/urls.py",
        "samverkan/wsgi.py",
        "samverkan/asgi.py",
        "agreements",
        "actionplans",
        "followup",
        "templates",
        "static",
        "tests",
        "pyproject.toml",
        "Dockerfile",
        "README.md",
        "Makefile",
        ".ci/run",
    ]:
        assert (ROOT / name).exists(), name


def test_python_313_and_django_61():
    assert (ROOT / ".python-version").read_text().strip() == "3.13"
    assert django.VERSION[:2] == (6, 1)


def test_the_lock_pins_every_package_with_hashes_and_names_no_download_address():
    lock = (ROOT / "requirements.lock").read_text()
    pins = re.findall(r"^([a-z0-9_.-]+)==\S+ \\$", lock, flags=re.MULTILINE)
    assert {"django", "psycopg", "jsonschema", "pytest-django"} <= set(pins)
    blocks = re.split(
        r"\n(?=[a-z0-9_.-]+==)", lock.split("\n", 1)[1] if lock.startswith("#") else lock
    )
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
    assert "://" not in lock
    assert "--index-url" not in lock and "--find-links" not in lock


def test_uv_lock_is_ignored_by_git():
    assert "uv.lock" in (ROOT / ".gitignore").read_text().splitlines()
    assert not (ROOT / "uv.lock").exists()


def test_the_dockerfile_mirrors_the_makefile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.13-slim" in dockerfile
    assert "uv pip sync --require-hashes" in dockerfile
    assert "collectstatic" in dockerfile and "gunicorn" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, flags=re.MULTILINE)
    assert "libpango" in dockerfile  # WeasyPrint's system libraries
