"""A real SAML 2.0 identity provider for the sign-in tests: pysaml2's IdP `Server` (from PyPI,
locked in requirements.lock), which signs its responses with Debian's xmlsec1, behind a small
WSGI app of ours run in a thread on a free port. The key and certificate are made by the
test, for the test only.

The app has what an identity provider shows a browser: its metadata (/metadata), its
sign-in address for the HTTP-Redirect binding (/sso, a login form), and the login itself
(/sso/login), which answers with the HTTP-POST binding's self-submitting form to the
service provider's assertion consumer service. Which service providers it trusts is given
by their metadata (`trust`), read from our own metadata address in the tests."""

import datetime
import html
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from oidc_provider import free_port
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"


def xmlsec1_or_skip() -> str:
    binary = shutil.which("xmlsec1")
    if not binary:
        message = "xmlsec1 (Debian's xmlsec1) is needed for the SAML identity provider"
        if os.environ.get("SAMVERKAN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


def key_and_certificate(directory: Path, name: str) -> tuple[Path, Path, str]:
    """A throwaway RSA key and a self-signed certificate; returns their files and the PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    key_file, certificate_file = directory / f"{name}.key", directory / f"{name}.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    certificate_file.write_text(pem)
    return key_file, certificate_file, pem


def login_form(saml_request: str, relay_state: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><title>Test IdP</title></head><body>"
        "<main><h1>Test IdP</h1><form method='post' action='/sso/login'>"
        f"<input type='hidden' name='SAMLRequest' value='{html.escape(saml_request)}'>"
        f"<input type='hidden' name='RelayState' value='{html.escape(relay_state)}'>"
        "<label>Login <input name='login' autocomplete='username'></label>"
        "<button type='submit'>Sign in</button></form></main></body></html>"
    )


class IdentityProvider:
    """The running provider: its address, entity id and certificate, and `trust` to add a
    service provider by its metadata."""

    def __init__(self, directory: Path, port: int, accounts: dict[str, dict]):
        self.base = f"http://127.0.0.1:{port}"
        self.entity_id = self.base + "/metadata"
        self.metadata_url = self.base + "/metadata"
        self.sso_url = self.base + "/sso"
        self.accounts = accounts
        self.signs = True
        key_file, certificate_file, self.certificate = key_and_certificate(directory, "idp")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": xmlsec1_or_skip(),
                "key_file": str(key_file),
                "cert_file": str(certificate_file),
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                        "sign_response": True,
                        "sign_assertion": True,
                    }
                },
                "metadata": {},
            }
        )
        self.config = config
        self.server = Server(config=config)

    def trust(self, service_provider_metadata: str) -> None:
        self.server.metadata.load("inline", service_provider_metadata)

    def metadata(self) -> str:
        return str(entity_descriptor(self.config))

    def __call__(self, environ, start_response):
        """The WSGI app: metadata, the login form, and the signed answer."""
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/metadata":
            return self.answer(start_response, "200 OK", self.metadata(), "application/xml")
        if path == "/sso" and method == "GET":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            # Reading it checks it: an unknown service provider or a bad request fails here.
            self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
            page = login_form(query["SAMLRequest"], query.get("RelayState", ""))
            return self.answer(start_response, "200 OK", page)
        if path == "/sso/login" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            return self.log_in(start_response, form)
        return self.answer(start_response, "404 Not Found", "not found")

    def log_in(self, start_response, form):
        login = form.get("login", "")
        if login not in self.accounts:
            return self.answer(start_response, "401 Unauthorized", "unknown login")
        request = self.server.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        response_args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        destination = response_args.pop("destination")
        response_args.pop("binding", None)
        response = self.response_for(login, destination=destination, **response_args)
        return self.answer(
            start_response,
            "200 OK",
            self.post_form(response, destination, form.get("RelayState", "")),
        )

    def response_for(self, login, **response_args) -> str:
        """The signed answer for `login` (unsigned while `signs` is off): in reply to a
        request, or, given no in_response_to, one the identity provider starts itself."""
        return str(
            self.server.create_authn_response(
                self.accounts[login],
                userid=login,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"{login}-at-the-test-idp"),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_response=self.signs,
                sign_assertion=self.signs,
                # SHA-256: python3-saml refuses SHA-1 signatures, as it should.
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
                **response_args,
            )
        )

    def post_form(self, response: str, destination: str, relay_state: str = "") -> str:
        """The HTTP-POST binding: a page whose form posts the answer to the service provider."""
        return self.server.apply_binding(
            BINDING_HTTP_POST, response, destination, relay_state, response=True
        )["data"]

    @staticmethod
    def answer(start_response, status, body, content_type="text/html; charset=utf-8"):
        start_response(status, [("Content-Type", content_type)])
        return [body.encode()]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def running_identity_provider(accounts: dict[str, dict]):
    """Yields a running IdentityProvider that knows `accounts` (login → attributes, by their
    friendly names: mail, givenName, sn)."""
    with tempfile.TemporaryDirectory() as directory:
        port = free_port()
        provider = IdentityProvider(Path(directory), port, accounts)
        server = make_server("127.0.0.1", port, provider, handler_class=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield provider
        finally:
            server.shutdown()
            server.server_close()


@contextmanager
def another_certificate():
    """A certificate the identity provider does not sign with."""
    with tempfile.TemporaryDirectory() as directory:
        yield key_and_certificate(Path(directory), "someone-else")[2]
