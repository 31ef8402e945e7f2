"""Browser tests: Debian's Chromium driven by Playwright against a live server.

pytest-playwright provides the browser and a fresh context and page per test; here it is
pointed at the machine's Chromium (no browser downloads) and every page is checked with
axe-core (bundled in axe-playwright-python, nothing fetched at run time).
"""

import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
# from it as if they came from async code. The test's own queries are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Every wait in these tests is for a condition (expect(...), wait_for_url, expect_response),
# never for a time. How long a condition may take to come true is generous, for two cores
# shared with other work: Playwright's default of 5 s for expect() is raised to 15 s
# (clicks, fills and navigations keep theirs, 30 s).
expect.set_options(timeout=15_000)

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("SAMVERKAN_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_path()
    if not executable:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("SAMVERKAN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture
def demo_after_the_flush(django_db_blocker):
    """Loads the demo again once Django has emptied the database after a browser test."""
    yield
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())


@pytest.fixture
def transactional_db(demo_after_the_flush, transactional_db):
    """The live server needs committed data, so these tests run outside a rolled-back
    transaction and Django empties the database after each one. Set up after
    demo_after_the_flush, so torn down before it: the demo is back for the next test and
    for the tests that run after these, loaded once per test instead of before each test
    and again after each module."""
    return transactional_db


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the demo data in its database (loaded once per
    run, and again after each browser test)."""
    return live_server.url
