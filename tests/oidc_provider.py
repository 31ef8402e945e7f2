"""A real OpenID Connect provider for the sign-in tests: tests/oidc/server.mjs (panva's
oidc-provider from the npm registry, locked in tests/oidc/package-lock.json), started with
the machine's Node.js on a free port and stopped when the test is done."""

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

SERVER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "samverkan-test"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"
# Our callback as Django's test client is served (a browser test has the live server's).
CALLBACK = "http://testserver/konto/sso/oidc/strangnas/login/callback/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_or_skip() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        message = "Node.js and npm are needed for the OpenID Connect provider"
        if os.environ.get("SAMVERKAN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    if not (SERVER_DIR / "node_modules" / "oidc-provider").exists():
        # `make test` installs it first; a plain pytest run does it here, from the lock.
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=SERVER_DIR, check=True
        )
    return node


@contextmanager
def running_provider(*, redirect_uris: list[str], accounts: dict[str, dict]):
    """Yields the issuer address of a provider that knows `accounts` (login name → claims)
    and one client, CLIENT_ID, whose redirect addresses are `redirect_uris`."""
    node = node_or_skip()
    port = free_port()
    environment = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(
            [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                }
            ]
        ),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(
        [node, "server.mjs"],
        cwd=SERVER_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        # The server prints "ready <issuer>" once it listens (or exits on a bad start).
        for line in process.stdout:
            if line.startswith("ready "):
                break
        else:
            raise RuntimeError("the OpenID Connect provider did not start")
        # Whatever it prints afterwards is read and dropped, so that a full pipe never
        # stops it.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def register_provider(issuer: str, **options):
    """Strängnäs's own provider at `issuer`, for addresses in strangnas.test, registered as
    its administrator does (`options`: more of the provider's settings)."""
    from organisations.models import IdentityProvider, Organisation

    provider = IdentityProvider.objects.create(
        organisation=Organisation.objects.get(kommunkod="0486"),
        key="strangnas",
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        **options,
    )
    provider.domains.create(domain="strangnas.test")
    return provider


def sign_in_at_provider(authorize_url: str, login: str) -> str:
    """The person's part at the provider, walked with an HTTP client: its login page, then
    back. Returns our callback address with the code and state the provider sent back."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    form_action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
    response = browser.post(
        urljoin(response.url, form_action),
        data={"prompt": "login", "login": login, "password": "whatever"},
        allow_redirects=False,
        timeout=10,
    )
    # The provider's own redirects, until it sends the browser back to us.
    while not response.headers["Location"].startswith(CALLBACK):
        response = browser.get(
            urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10
        )
    return response.headers["Location"]
