"""What WeasyPrint may fetch while printing: the project's own static files and nothing else.
No file:// address, no path outside static/, no network, even when the HTML asks for them."""

import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings
from helpers import pdf_text
from weasyprint.urls import URLFetchingError

from printing.engine import BASE_URL, StaticFilesOnly, render_pdf

STATIC = BASE_URL + settings.STATIC_URL.lstrip("/")


def test_the_projects_own_static_files_are_fetched():
    response = StaticFilesOnly().fetch(STATIC + "css/print.css")
    expected = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_bytes()
    assert response.read() == expected


def test_under_production_storage_the_hashed_files_production_serves_are_fetched(
    production_storage,
):
    """{% static %} names css/print.<hash>.css; the fetcher serves the storage's own file,
    whose fonts are named by their hashes too."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    name = staticfiles_storage.stored_name("css/print.css")
    assert name != "css/print.css"
    body = StaticFilesOnly().fetch(STATIC + name).read()
    assert body == Path(staticfiles_storage.path(name)).read_bytes()
    fonts = staticfiles_storage.stored_name("css/fonts.css")
    assert fonts.split("/")[-1].encode() in body
    font = staticfiles_storage.stored_name("fonts/source-sans-3-latin-400-normal.woff")
    assert font.split("/")[-1].encode() in StaticFilesOnly().fetch(STATIC + fonts).read()
    assert StaticFilesOnly().fetch(STATIC + font).read().startswith(b"wOFF")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///" + str(Path(settings.BASE_DIR) / "static" / "css" / "print.css").lstrip("/"),
        "http://127.0.0.1/static/css/print.css",
        "https://example.org/static/css/print.css",
        STATIC + "../samverkan/settings.py",
        STATIC + "css/%2e%2e/%2e%2e/samverkan/settings.py",
        STATIC + "css/no-such-file.css",
        BASE_URL + "media/signed.pdf",
        BASE_URL + "admin/",
        "data:text/css,body{color:red}",
    ],
)
def test_every_other_address_is_refused(url):
    with pytest.raises(URLFetchingError):
        StaticFilesOnly().fetch(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/static/css/print.css",
        STATIC + "../samverkan/settings.py",
        STATIC + "css/%2e%2e/%2e%2e/samverkan/settings.py",
        STATIC + "css/no-such-file.css",
        STATIC + "staticfiles.json/../../manage.py",
        BASE_URL + "media/signed.pdf",
    ],
)
def test_under_production_storage_every_other_address_is_refused(production_storage, url):
    with pytest.raises(URLFetchingError):
        StaticFilesOnly().fetch(url)


@pytest.fixture
def listening_server():
    """A TCP server on this machine that counts the connections made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connections.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


def test_a_document_that_asks_for_files_and_the_network_gets_neither(listening_server, tmp_path):
    port, connections = listening_server
    # A style sheet on the server that would print its secret if it were ever read.
    secret = tmp_path / "secret.css"
    secret.write_text('p::after { content: "HEMLIGT-INNEHALL"; }')
    html = f"""<!doctype html><html lang="sv"><head><title>Prov</title>
    <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
    <style>
      @import url("file://{secret}");
      @font-face {{ font-family: X; src: url("http://127.0.0.1:{port}/font.woff"); }}
      body {{ background: url("http://127.0.0.1:{port}/bg.png"); font-family: X; }}
    </style></head><body>
    <p>Synlig text</p>
    <img src="file://{secret}" alt="">
    <img src="http://127.0.0.1:{port}/bild.png" alt="">
    <object data="file://{secret}"></object>
    <iframe src="file://{secret}"></iframe>
    </body></html>"""

    text = pdf_text(render_pdf(html))

    assert "Synlig text" in text
    assert "HEMLIGT" not in text
    assert connections == []
