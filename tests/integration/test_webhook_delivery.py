"""Webhook URL checks and signed deliveries to real HTTP and HTTPS receivers on 127.0.0.1."""

from __future__ import annotations

import datetime
import socket
import sys
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from backend.application.webhooks import (
    Attempt,
    check_webhook_url,
    deliver,
    retry_delay,
    sign,
    verify,
)
from backend.domain.base import InvalidInput

pytestmark = pytest.mark.integration

SECRET = b"whsec-test-0123456789"
TIMESTAMP = 1_796_000_000
BODY = b'{"alert": "drift", "deployment": "churn-prod", "value": 0.31}'
LOOPBACK = ["127.0.0.0/8"]

Respond = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, respond: Respond) -> None:
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.respond = respond
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            self.errors.append(error)


class RecordingHandler(BaseHTTPRequestHandler):
    server: RecordingServer

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.server.requests.append(Request(self.path, dict(self.headers.items()), body))
        self.server.respond(self)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@dataclass
class Receiver:
    server: RecordingServer
    thread: threading.Thread
    server_names: list[str | None] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


def answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


@pytest.fixture
def serve() -> Iterator[Callable[..., Receiver]]:
    """Start receivers that respond with `respond`, optionally over TLS, and stop them after the test."""
    started: list[Receiver] = []

    def start(respond: Respond = answer(204), tls: ssl.SSLContext | None = None) -> Receiver:
        server = RecordingServer(respond)
        receiver = Receiver(server, threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True))
        if tls is not None:
            tls.sni_callback = lambda sock, name, context: receiver.server_names.append(name)
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        receiver.thread.start()
        started.append(receiver)
        return receiver

    yield start

    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()
        receiver.thread.join(timeout=5)


def resolver(table: dict[str, list[str]]) -> Callable[[str], list[str]]:
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


def send(url: str, *, allowed: list[str] = LOOPBACK, timeout: float = 5.0, **options: Any) -> Attempt:
    return deliver(url, BODY, SECRET, delivery_id="dlv-1", event="alert.fired", timestamp=TIMESTAMP,
                   timeout=timeout, allowed=allowed, **options)


def rejection(
    url: str, allowed: list[str] | None = None, resolve: Callable[[str], list[str]] | None = None
) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        if resolve is None:
            check_webhook_url(url, allowed or [])
        else:
            check_webhook_url(url, allowed or [], resolve=resolve)
    assert caught.value.field == "url"
    return caught.value


def test_url_rejects_ftp() -> None:
    error = rejection("ftp://files.example.com/alerts")

    assert error.value == "ftp://files.example.com/alerts"
    assert "uses the ftp scheme" in error.message
    assert "only http:// and https:// URLs are accepted" in error.message


def test_url_needs_host() -> None:
    error = rejection("http:///alerts")

    assert "has no host" in error.message


def test_url_rejects_relative_path() -> None:
    error = rejection("/alerts")

    assert "has no scheme" in error.message


def test_url_rejects_credentials_without_echoing_them() -> None:
    resolve = resolver({"alerts.example.com": ["10.0.0.7"]})

    error = rejection("https://bot:hunter2@alerts.example.com/hook", resolve=resolve)

    assert "contains a user name or password" in error.message
    assert "hunter2" not in error.message
    assert error.value == "https://***@alerts.example.com/hook"


def test_url_rejects_over_2000_characters() -> None:
    url = "https://alerts.example.com/" + "a" * 2000

    error = rejection(url, resolve=resolver({"alerts.example.com": ["10.0.0.7"]}))

    assert "2,027 characters long; at most 2,000 are accepted" in error.message
    assert error.value == url[:200]


def test_loopback_blocked() -> None:
    error = rejection("http://127.0.0.1/x")

    assert error.value == "http://127.0.0.1/x"
    assert error.message == (
        "webhook URL http://127.0.0.1/x points at 127.0.0.1, a loopback address; "
        "blocked unless MODELCLOUD_WEBHOOK_ALLOWED_HOSTS lists it"
    )


def test_loopback_name_blocked() -> None:
    error = rejection("http://receiver.test/x", resolve=resolver({"receiver.test": ["::1"]}))

    assert "points at receiver.test, which resolves to ::1, a loopback address" in error.message


def test_loopback_allowed_by_network() -> None:
    assert check_webhook_url("http://127.0.0.1:9000/x", ["127.0.0.0/8"]) == "http://127.0.0.1:9000/x"
    assert check_webhook_url("http://[::1]:9000/x", ["::1"]) == "http://[::1]:9000/x"


def test_loopback_allowed_by_host_name() -> None:
    resolve = resolver({"receiver.test": ["127.0.0.1"]})

    assert check_webhook_url("http://receiver.test/x", ["Receiver.Test"], resolve=resolve) == "http://receiver.test/x"
    assert rejection("http://receiver.test/x", ["other.test"], resolve=resolve).field == "url"


def test_ipv4_mapped_loopback_blocked() -> None:
    error = rejection("http://[::ffff:127.0.0.1]/x")

    assert "points at 127.0.0.1, a loopback address" in error.message
    assert check_webhook_url("http://[::ffff:127.0.0.1]/x", ["127.0.0.1"]) == "http://[::ffff:127.0.0.1]/x"


@pytest.mark.parametrize("url", ["http://[::127.0.0.1]/x", "http://[::ffff:0:127.0.0.1]/x", "http://[64:ff9b::127.0.0.1]/x"])
def test_embedded_ipv4_loopback_blocked(url: str) -> None:
    assert "points at 127.0.0.1, a loopback address" in rejection(url).message


def test_nat64_metadata_and_alibaba_blocked() -> None:
    assert "points at 169.254.169.254, a cloud metadata address" in rejection("http://[64:ff9b::a9fe:a9fe]/x").message
    assert "points at 100.100.100.200, a cloud metadata address" in rejection("http://100.100.100.200/x").message


@pytest.mark.parametrize(("url", "words"), [("http://xn--/x", "is invalid (Malformed A-label"),
                                            ("http://192.0.2.1:99999/x", "has port 99999; a port is a number from 1 to 65535")])
def test_malformed_host_and_port_rejected(url: str, words: str) -> None:
    assert words in rejection(url).message


def test_metadata_addresses_blocked() -> None:
    resolve = resolver({"aws.test": ["169.254.169.254"], "ec2v6.test": ["fd00:ec2::254"]})

    assert "169.254.169.254, a cloud metadata address" in rejection("http://aws.test/x", resolve=resolve).message
    assert "fd00:ec2::254, a cloud metadata address" in rejection("http://ec2v6.test/x", resolve=resolve).message


def test_metadata_host_names_blocked() -> None:
    resolve = resolver({"metadata.google.internal": ["10.0.0.9"], "metadata": ["10.0.0.9"]})

    for url in ("http://metadata.google.internal/computeMetadata/v1/", "http://METADATA/latest", "http://metadata./x"):
        assert "a cloud metadata host" in rejection(url, resolve=resolve).message


def test_link_local_blocked() -> None:
    assert "169.254.10.20, a link-local address" in rejection("http://169.254.10.20/x").message
    assert "fe80::1, a link-local address" in rejection("http://[fe80::1]/x").message


def test_unspecified_and_multicast_blocked() -> None:
    assert "0.0.0.0, an unspecified address" in rejection("http://0.0.0.0/x").message
    assert "::, an unspecified address" in rejection("http://[::]/x").message
    assert "224.0.0.251, a multicast address" in rejection("http://224.0.0.251/x").message
    assert "ff02::1, a multicast address" in rejection("http://[ff02::1]/x").message


def test_any_blocked_address_rejects_host() -> None:
    resolve = resolver({"split.test": ["10.0.0.7", "127.0.0.1"]})

    assert "resolves to 127.0.0.1, a loopback address" in rejection("http://split.test/x", resolve=resolve).message


def test_private_networks_allowed() -> None:
    resolve = resolver({"tools.internal": ["10.1.2.3", "172.16.0.9", "192.168.1.20", "fd12:3456::1"]})

    assert check_webhook_url("https://tools.internal/hook", [], resolve=resolve) == "https://tools.internal/hook"
    assert check_webhook_url("http://192.168.1.20:8080/hook", []) == "http://192.168.1.20:8080/hook"


def test_unresolvable_host_rejected() -> None:
    error = rejection("https://nowhere.test/hook", resolve=resolver({}))

    assert "host nowhere.test does not resolve" in error.message
    empty = rejection("https://empty.test/x", resolve=resolver({"empty.test": []}))
    assert "does not resolve to any address" in empty.message


def test_malformed_allowed_network_raises() -> None:
    with pytest.raises(ValueError, match="MODELCLOUD_WEBHOOK_ALLOWED_HOSTS entry '10.0.0.0/33'"):
        check_webhook_url("http://10.0.0.1/x", ["10.0.0.0/33"])


def test_signature_format_and_verification() -> None:
    signature = sign(SECRET, TIMESTAMP, BODY)

    assert signature.startswith("sha256=")
    assert len(signature) == len("sha256=") + 64
    assert verify(SECRET, TIMESTAMP, BODY, signature)
    assert not verify(b"another-secret", TIMESTAMP, BODY, signature)
    assert not verify(SECRET, TIMESTAMP + 1, BODY, signature)
    assert not verify(SECRET, TIMESTAMP, BODY + b" ", signature)
    assert not verify(SECRET, TIMESTAMP, BODY, "sha256=ünïcode")


def test_receiver_gets_signed_body_and_headers(serve: Callable[..., Receiver]) -> None:
    receiver = serve(answer(200, b'{"received": true}'))

    attempt = send(receiver.url())

    assert attempt == Attempt(ok=True, status_code=200, error=None, duration_ms=attempt.duration_ms)
    assert attempt.duration_ms > 0
    [request] = receiver.requests
    assert request.path == "/hook"
    assert request.body == BODY
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "ModelCloud-Webhook/1"
    assert request.headers["X-ModelCloud-Event"] == "alert.fired"
    assert request.headers["X-ModelCloud-Delivery"] == "dlv-1"
    assert request.headers["X-ModelCloud-Timestamp"] == str(TIMESTAMP)
    timestamp = int(request.headers["X-ModelCloud-Timestamp"])
    assert verify(SECRET, timestamp, request.body, request.headers["X-ModelCloud-Signature"])
    assert not verify(b"wrong-secret", timestamp, request.body, request.headers["X-ModelCloud-Signature"])


def test_delivery_connects_to_checked_address(serve: Callable[..., Receiver]) -> None:
    receiver = serve()
    resolve = resolver({"receiver.test": ["127.0.0.1"]})

    attempt = send(receiver.url(host="receiver.test"), allowed=["receiver.test"], resolve=resolve)

    assert attempt.ok
    assert attempt.status_code == 204
    [request] = receiver.requests
    assert request.headers["Host"] == f"receiver.test:{receiver.port}"


def test_delivery_over_tls_keeps_server_name(
    serve: Callable[..., Receiver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = certificate_authority(tmp_path, "receiver.test")
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    receiver = serve(answer(200), tls=tls)
    resolve = resolver({"receiver.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})

    attempt = send(receiver.url(host="receiver.test", scheme="https"), allowed=LOOPBACK, resolve=resolve)
    mismatch = send(receiver.url(host="other.test", scheme="https"), allowed=LOOPBACK, resolve=resolve)

    assert attempt.ok, attempt.error
    assert receiver.server_names[0] == "receiver.test"
    assert receiver.requests[0].headers["Host"] == f"receiver.test:{receiver.port}"
    assert not mismatch.ok
    assert mismatch.status_code is None
    assert mismatch.error is not None
    assert "certificate" in mismatch.error
    assert len(receiver.requests) == 1


def test_server_error_not_ok(serve: Callable[..., Receiver]) -> None:
    receiver = serve(answer(500, b"boom"))

    attempt = send(receiver.url())

    assert not attempt.ok
    assert attempt.status_code == 500
    assert attempt.error == "answered 500"


def test_silent_receiver_times_out(serve: Callable[..., Receiver]) -> None:
    release = threading.Event()

    def wait_then_answer(handler: BaseHTTPRequestHandler) -> None:
        release.wait(timeout=30)
        answer(200)(handler)

    receiver = serve(wait_then_answer)
    try:
        attempt = send(receiver.url(), timeout=0.5)
    finally:
        release.set()

    assert not attempt.ok
    assert attempt.status_code is None
    assert attempt.error == "no response within 0.5 s"
    assert len(receiver.requests) == 1


def test_closed_port_gives_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    attempt = send(f"http://127.0.0.1:{port}/hook")

    assert not attempt.ok
    assert attempt.status_code is None
    assert attempt.error == f"connection refused by 127.0.0.1:{port}"


def test_redirect_not_followed(serve: Callable[..., Receiver]) -> None:
    receiver = serve()
    redirecting = serve(answer(307, headers={"Location": receiver.url("/elsewhere")}))

    attempt = send(redirecting.url())

    assert not attempt.ok
    assert attempt.status_code == 307
    assert attempt.error is not None
    assert attempt.error.startswith("answered 307; redirects are not followed")
    assert len(redirecting.requests) == 1
    assert receiver.requests == []


def test_blocked_address_not_contacted(serve: Callable[..., Receiver]) -> None:
    receiver = serve()

    attempt = send(receiver.url(), allowed=[])

    assert not attempt.ok
    assert attempt.status_code is None
    assert attempt.error is not None
    assert "127.0.0.1, a loopback address" in attempt.error
    assert receiver.requests == []


def test_address_rechecked_at_delivery(serve: Callable[..., Receiver]) -> None:
    receiver = serve()
    url = receiver.url(host="receiver.test")
    check_webhook_url(url, [], resolve=resolver({"receiver.test": ["10.0.0.7"]}))

    attempt = send(url, allowed=[], resolve=resolver({"receiver.test": ["169.254.169.254"]}))

    assert not attempt.ok
    assert attempt.error is not None
    assert "169.254.169.254, a cloud metadata address" in attempt.error
    assert receiver.requests == []


def test_large_response_read_only_in_part(serve: Callable[..., Receiver]) -> None:
    sent = {"bytes": 0}
    finished = threading.Event()
    total = 256 * 1024 * 1024

    def stream_large_body(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        chunk = b"x" * (1024 * 1024)
        try:
            while sent["bytes"] < total:
                handler.wfile.write(chunk)
                sent["bytes"] += len(chunk)
        except OSError:
            pass
        finally:
            finished.set()

    receiver = serve(stream_large_body)

    attempt = send(receiver.url())

    assert attempt.ok
    assert attempt.status_code == 200
    assert finished.wait(timeout=10)
    assert sent["bytes"] < total


def test_retry_delay_grows_threefold() -> None:
    assert [retry_delay(attempt, 10) for attempt in range(1, 7)] == [10, 30, 90, 270, 810, 2430]
    assert retry_delay(7, 10) == 3600
    assert retry_delay(1_000_000, 10) == 3600
    assert retry_delay(3, 0.5) == 4.5


def test_retry_delay_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="attempt must be 1 or more"):
        retry_delay(0, 10)
    with pytest.raises(ValueError, match="base_seconds must be above 0"):
        retry_delay(1, 0)


def certificate_authority(folder: Path, host: str) -> Path:
    """Write a CA certificate and a leaf certificate for `host` signed by it; return the CA file's path."""
    now = datetime.datetime.now(datetime.timezone.utc)
    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ModelCloud test CA")])
    authority = (
        x509.CertificateBuilder()
        .subject_name(authority_name)
        .issuer_name(authority_name)
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()), critical=False)
        .sign(authority_key, hashes.SHA256())
    )

    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(authority_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()), critical=False)
        .sign(authority_key, hashes.SHA256())
    )

    (folder / "ca.pem").write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.key").write_bytes(
        leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    )
    return folder / "ca.pem"
