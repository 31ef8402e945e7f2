import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Agreement


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, as in production, not memory: connections of
    several threads (tests/test_report_finalise_race.py) then wait for each other's writes,
    where the shared cache of an in-memory database fails them at once ("table is locked")."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        test_file = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(test_file)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo once per run, as `make run` does; each test runs in a transaction
    that is rolled back, so every test starts from the same demo data."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())


@pytest.fixture(autouse=True)
def raise_on_lazy_fetch(settings):
    """A related row that a page forgot to load fails the test instead of costing a query."""
    settings.RAISE_ON_LAZY_FETCH = True


@pytest.fixture(autouse=True)
def force_login_includes_second_factor(monkeypatch):
    """`client.force_login` stands for a finished sign-in, the second factor included, so
    that tests of the admin and the members pages need not give a code. The second factor's
    own rules are tested through the login form (tests/test_second_factor.py)."""
    from django.test import Client

    from organisations import second_factor

    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        session[second_factor.PASSED] = user.pk
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture
def user(db):
    """Log in as a demo user by name: `client.force_login(user("samordnare.strangnas"))`."""
    from django.contrib.auth import get_user_model

    return lambda username: get_user_model().objects.get(username=username)


class Personas:
    """The demo's people around Strängnäs' agreement, as healthchecks' tests have alice, bob
    and charlie: `client.force_login(personas.reader)`. Other demo users are looked up by
    name with the `user` fixture."""

    COORDINATOR = "samordnare.strangnas"
    KOMMUNPOLIS = "kommunpolis.strangnas"
    READER = "lasare.strangnas"
    ORG_ADMIN = "orgadmin.strangnas"
    OUTSIDER = "samordnare.timra"  # a coordinator of a municipality not party to it
    ADMIN = "admin"

    def __init__(self, user):
        self.user = user

    @property
    def coordinator(self):
        return self.user(self.COORDINATOR)

    @property
    def kommunpolis(self):
        return self.user(self.KOMMUNPOLIS)

    @property
    def reader(self):
        return self.user(self.READER)

    @property
    def org_admin(self):
        return self.user(self.ORG_ADMIN)

    @property
    def outsider(self):
        return self.user(self.OUTSIDER)

    @property
    def admin(self):
        return self.user(self.ADMIN)


@pytest.fixture
def personas(user):
    """Strängnäs' coordinator, kommunpolis, reader, organisation administrator, an outsider
    and the administrator, each fetched when asked for: `personas.coordinator`."""
    return Personas(user)


@pytest.fixture
def coordinator(client, personas):
    """The test client, logged in as Strängnäs' coordinator."""
    client.force_login(personas.coordinator)
    return client


@pytest.fixture
def demo(db):
    """The five seed agreements by reference."""
    return {agreement.reference: agreement for agreement in Agreement.objects.all()}


@pytest.fixture
def demo_loaded_again(django_db_blocker):
    """For a transactional test (threads with their own connections see only what is
    committed): its flush empties the database, so the demo is loaded again after it.
    Asked for before `transactional_db`, so torn down after the flush."""
    yield
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    """Background tasks run when they are queued, and stored files go to a temporary
    folder; tests/test_signing.py runs the real database-backed worker once."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """The static files as production serves them (DEBUG off): collectstatic's hashed,
    compressed copies in a temporary STATIC_ROOT, named through the manifest. Returns the
    settings to use with override_settings().

    Collected once per run, as the Dockerfile collects them: manage.py under production
    settings (tests/test_security.py serves them so). One of the slowest steps of the run,
    so it is not done twice."""
    from django.conf import settings
    from helpers import PRODUCTION

    static_root = tmp_path_factory.mktemp("staticfiles")
    env = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(tmp_path_factory.mktemp("collectstatic-data")),
        "STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        **PRODUCTION,
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr
    storages = dict(settings.STORAGES)
    storages["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    return {"STATIC_ROOT": static_root, "STORAGES": storages}


@pytest.fixture
def production_storage(settings, production_static):
    """This test runs with production's static storage (see production_static)."""
    for name, value in production_static.items():
        setattr(settings, name, value)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Passwords are hashed with a fast hasher in tests, as Django's documentation advises:
    production's PBKDF2 is slow on purpose (1.5 million rounds, 1–2.5 s a hash on this
    project's two cores), and the tests log in through the form, fail logins and change
    passwords dozens of times. Set before the demo is loaded, so that its users' hash is a
    fast one too; the tests that start processes under production settings hash as
    production does."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def no_prints_ahead():
    """Changes render no prints ahead (printing.ahead), neither while the demo is loaded
    nor in tests of other things; tests/test_prints_ahead.py turns it on."""
    from django.test import override_settings

    with override_settings(PRINT_AHEAD=False):
        yield


@pytest.fixture
def renders(monkeypatch):
    """The HTML of each PDF print jobs render, in order: counts renders."""
    from printing import engine

    made = []
    real = engine.render_pdf

    def counting(html, **kwargs):
        made.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr("printing.models.render_pdf", counting)
    return made
