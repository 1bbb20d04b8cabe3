"""TLS trust for Chamber: the server's self-signed certificate, its fingerprint, and the pinned
client context that trusts exactly one paired server.

A chamber has no public CA and often no DNS name, so each server makes its own certificate once
and clients pin it: the first contact reads the certificate without verification, a one-time
pairing code proves that the server holding it is the real one (app/net/pairing.py), and from
then on the client trusts that certificate and nothing else. A different machine answering at the same address fails the
handshake before any password is sent (`is_certificate_error` lets the client say so clearly).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import os
import re
import socket
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.errors import ServerUnreachableError

log = logging.getLogger(__name__)

CERT_FILENAME = "server.crt"
KEY_FILENAME = "server.key"
VALIDITY = dt.timedelta(days=3650)
# Accept a client clock that is a little behind the server's when the certificate is brand new.
BACKDATE = dt.timedelta(days=1)
_FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ServerCertificate:
    """The server's certificate on disk plus what clients need to pin it."""

    cert_path: Path
    key_path: Path
    pem: str
    fingerprint: str


# --- certificate -------------------------------------------------------------------------------


def ensure_certificate(directory: Path, *, common_name: str = "Chamber server") -> ServerCertificate:
    """Return the server certificate kept in `directory/tls/`, creating it on first use.

    The certificate must survive restarts: every paired client pins its fingerprint, so a new one
    means pairing every tablet again.
    """
    tls_dir = Path(directory) / "tls"
    tls_dir.mkdir(parents=True, exist_ok=True)
    cert_path = tls_dir / CERT_FILENAME
    key_path = tls_dir / KEY_FILENAME
    if cert_path.exists() and key_path.exists():
        loaded = _load(cert_path, key_path)
        if loaded is not None:
            return loaded
        # A key that does not match its certificate cannot serve TLS at all, so the old pairing
        # is already unusable; a fresh pair is the only way the server can start.
        log.warning("TLS key in %s does not match the certificate; generating a new one", tls_dir)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build_certificate(key, common_name)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    # Key first: a crash between the two writes leaves no certificate, so the next start
    # regenerates both instead of loading a certificate without its key.
    _write_atomic(key_path, key_pem, mode=0o600)
    _write_atomic(cert_path, cert_pem, mode=0o644)
    pem = cert_pem.decode("ascii")
    log.info("created TLS certificate %s", format_fingerprint(fingerprint_of_pem(pem)))
    return ServerCertificate(cert_path, key_path, pem, fingerprint_of_pem(pem))


def _load(cert_path: Path, key_path: Path) -> ServerCertificate | None:
    pem = cert_path.read_text("ascii")
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if key.public_key() != cert.public_key():
        return None
    return ServerCertificate(cert_path, key_path, pem, fingerprint_of_pem(pem))


def _build_certificate(key: ec.EllipticCurvePrivateKey, common_name: str) -> x509.Certificate:
    # CN is limited to 64 characters by X.509; the name is only informative here.
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "Chamber")])
    now = dt.datetime.now(dt.timezone.utc)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_alt_names()), critical=False)
        # ca=False: OpenSSL 3 accepts a self-signed end-entity certificate as its own trust
        # anchor when it is in the trust store (checked by tests/app/net/test_tls.py), and with
        # ca=False nothing signed by this key could ever chain to the pinned certificate.
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _alt_names() -> list[x509.GeneralName]:
    # Clients pin the certificate and do not check host names, but browsers and tools such as
    # curl give clearer messages when the usual names are present.
    dns: list[str] = []
    for candidate in ("localhost", socket.gethostname(), socket.gethostname() + ".local"):
        try:
            ascii_name = candidate.encode("idna").decode("ascii")
        except UnicodeError:
            continue  # a host name that is not a valid DNS name cannot go into a DNSName
        if ascii_name and ascii_name.lower() not in (d.lower() for d in dns):
            dns.append(ascii_name)
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    return names


def _write_atomic(path: Path, data: bytes, *, mode: int) -> None:
    # Write beside the target and rename, so a reader never sees half a file and two servers
    # starting at once do not interleave their writes. mkstemp creates the file with mode 0600,
    # so the private key is never readable by others, not even briefly.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- fingerprint -----------------------------------------------------------------------------


def fingerprint_of_pem(pem: str) -> str:
    """SHA-256 of the DER certificate as 64 lowercase hex characters."""
    der = ssl.PEM_cert_to_DER_cert(pem.strip() + "\n")
    return hashlib.sha256(der).hexdigest()


def normalise_fingerprint(fingerprint: str) -> str:
    """Accept a fingerprint as stored or as displayed (colons, upper case); raise ValueError."""
    fp = fingerprint.replace(":", "").replace(" ", "").strip().lower()
    if not _FINGERPRINT_RE.fullmatch(fp):
        raise ValueError(f"not a SHA-256 fingerprint: {fingerprint!r}")
    return fp


def format_fingerprint(fingerprint: str) -> str:
    """Display form: 'AB:CD:...' (32 pairs)."""
    fp = normalise_fingerprint(fingerprint).upper()
    return ":".join(fp[i : i + 2] for i in range(0, len(fp), 2))


# --- client and server contexts ----------------------------------------------------------------


def fetch_server_certificate(host: str, port: int, *, timeout: float = 5.0) -> str:
    """Read the certificate a server presents, without trusting it (first pairing only).

    The result must not be trusted until a pairing code has proven it (app/sync/profile.py `pair`).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    address = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except OSError as exc:  # refused, timeout, DNS failure, not a TLS server (SSLError)
        raise ServerUnreachableError(address=address) from exc
    if not der:
        raise ServerUnreachableError(address=address)
    return ssl.DER_cert_to_PEM_cert(der)


def client_ssl_context(pinned_pem: str) -> ssl.SSLContext:
    """A client context that trusts exactly the paired certificate: no system CAs, no names.

    Host names are not checked because the same server is reached by IP, by host name and by
    zeroconf name; the pin (the certificate itself as the only trust anchor) is the identity.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=pinned_pem)
    return context


def server_ssl_context(cert: ServerCertificate) -> ssl.SSLContext:
    """A server context for plain asyncio/websockets servers (uvicorn takes the file paths)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert.cert_path, cert.key_path)
    return context


def is_certificate_error(exc: BaseException) -> bool:
    """True when `exc`, or anything it wraps, is a failed certificate verification.

    httpx, httpcore, websockets and asyncio wrap the ssl error (`raise ... from exc` or raised
    while handling it), so the whole `__cause__`/`__context__` chain and exception groups are
    searched.
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        # Some wrappers keep the original only as an argument (e.g. OSError(errno, ssl_error)).
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return False
