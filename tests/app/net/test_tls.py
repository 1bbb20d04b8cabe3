"""Tests for app/net/tls.py: certificate lifecycle, fingerprint, and pinning against real TLS
servers on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import ssl
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.errors import ServerUnreachableError
from app.net.tls import (
    ServerCertificate,
    client_ssl_context,
    ensure_certificate,
    fetch_server_certificate,
    fingerprint_of_pem,
    format_fingerprint,
    is_certificate_error,
    server_ssl_context,
)


@pytest.fixture(scope="module")
def cert_a(tmp_path_factory: pytest.TempPathFactory) -> ServerCertificate:
    return ensure_certificate(tmp_path_factory.mktemp("a"))


@pytest.fixture(scope="module")
def cert_b(tmp_path_factory: pytest.TempPathFactory) -> ServerCertificate:
    return ensure_certificate(tmp_path_factory.mktemp("b"))


@pytest.fixture
def tls_server(cert_a: ServerCertificate) -> Iterator[int]:
    """A TLS server with certificate A on 127.0.0.1 that answers any request with a tiny HTTP
    response; yields its port."""
    context = server_ssl_context(cert_a)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            raw.settimeout(5)
            try:
                with context.wrap_socket(raw, server_side=True) as conn:
                    if conn.recv(4096):
                        conn.sendall(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        )
            except OSError:
                # Clients that reject our certificate abort the handshake: expected here.
                raw.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


# --- certificate -------------------------------------------------------------------------------


def test_certificate_is_created_once_then_reloaded(tmp_path: Path) -> None:
    directory = tmp_path / "not" / "yet" / "there"
    first = ensure_certificate(directory)
    assert first.cert_path == directory / "tls" / "server.crt"
    assert first.key_path == directory / "tls" / "server.key"
    assert first.cert_path.read_text() == first.pem
    second = ensure_certificate(directory)
    assert second == first
    assert sorted(p.name for p in (directory / "tls").iterdir()) == ["server.crt", "server.key"]


def test_key_file_is_private(cert_a: ServerCertificate) -> None:
    assert stat.S_IMODE(cert_a.key_path.stat().st_mode) == 0o600


def test_certificate_contents(cert_a: ServerCertificate) -> None:
    cert = x509.load_pem_x509_certificate(cert_a.pem.encode())
    assert cert.fingerprint(hashes.SHA256()).hex() == cert_a.fingerprint
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert socket.gethostname() in san.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifetime.days >= 3650


def test_fingerprint_format(cert_a: ServerCertificate) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", cert_a.fingerprint)
    assert fingerprint_of_pem(cert_a.pem) == cert_a.fingerprint
    shown = format_fingerprint(cert_a.fingerprint)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", shown)
    assert shown.replace(":", "").lower() == cert_a.fingerprint


# --- handshakes --------------------------------------------------------------------------------


def test_fetch_returns_the_presented_certificate(cert_a: ServerCertificate, tls_server: int) -> None:
    pem = fetch_server_certificate("127.0.0.1", tls_server)
    assert fingerprint_of_pem(pem) == cert_a.fingerprint


def test_pinned_context_accepts_the_paired_server(cert_a: ServerCertificate, tls_server: int) -> None:
    with socket.create_connection(("127.0.0.1", tls_server), timeout=5) as raw:
        with client_ssl_context(cert_a.pem).wrap_socket(raw, server_hostname="127.0.0.1") as conn:
            assert fingerprint_of_pem(ssl.DER_cert_to_PEM_cert(conn.getpeercert(True))) == cert_a.fingerprint
    with httpx.Client(verify=client_ssl_context(cert_a.pem)) as client:
        assert client.get(f"https://127.0.0.1:{tls_server}/").text == "ok"


def test_pinned_context_rejects_another_certificate(cert_b: ServerCertificate, tls_server: int) -> None:
    with socket.create_connection(("127.0.0.1", tls_server), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError) as raised:
            client_ssl_context(cert_b.pem).wrap_socket(raw, server_hostname="127.0.0.1")
    assert is_certificate_error(raised.value)
    # The way the sync client meets it: wrapped by httpx.
    with httpx.Client(verify=client_ssl_context(cert_b.pem)) as client:
        with pytest.raises(httpx.ConnectError) as wrapped:
            client.get(f"https://127.0.0.1:{tls_server}/")
    assert is_certificate_error(wrapped.value)


def test_system_trust_store_is_not_used(tls_server: int) -> None:
    # A context that trusts the usual CAs must not accept the self-signed server either; the
    # pinned context is the only way in.
    with socket.create_connection(("127.0.0.1", tls_server), timeout=5) as raw:
        context = ssl.create_default_context()
        context.check_hostname = False
        with pytest.raises(ssl.SSLCertVerificationError):
            context.wrap_socket(raw, server_hostname="127.0.0.1")


def test_other_errors_are_not_certificate_errors() -> None:
    assert not is_certificate_error(ConnectionRefusedError())
    assert not is_certificate_error(ServerUnreachableError(address="x:1"))
    try:
        try:
            raise ssl.SSLCertVerificationError("verify failed")
        except ssl.SSLError as exc:
            raise RuntimeError("while connecting") from exc
    except RuntimeError as outer:
        assert is_certificate_error(outer)


def test_fetch_from_closed_port_is_unreachable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ServerUnreachableError) as raised:
        fetch_server_certificate("127.0.0.1", port, timeout=2)
    assert time.monotonic() - started < 2
    assert raised.value.params == {"address": f"127.0.0.1:{port}"}


def test_fetch_from_unknown_host_is_unreachable() -> None:
    with pytest.raises(ServerUnreachableError):
        fetch_server_certificate("no-such-host.invalid", 443, timeout=2)
