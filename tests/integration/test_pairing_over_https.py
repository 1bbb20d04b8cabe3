"""Pairing a device with the real server on 127.0.0.1 and a one-time code: it pairs once, a used or
expired code is refused, staff issue codes through the API, one address cannot keep guessing, and
a machine in the middle that relays the exchange with its own certificate is never pinned."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD
from app.domain.clock import utcnow
from app.domain.roles import Actor
from app.errors import PairingCodeInvalidError, PairingError, PairingInterceptedError, PermissionDeniedError, TooManyAttemptsError
from app.net.client import ApiClient
from app.net.pairing import parse_code
from app.net.tls import client_ssl_context, ensure_certificate, server_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.services import accounts, pairing
from app.storage.models import PairingCode
from app.sync.profile import Profile, pair


@pytest.fixture
def bare(tmp_path: Path):  # noqa: ANN201
    """A fresh chamber with no council (seeding one costs seconds) served on 127.0.0.1: (runner, ctx)."""
    ctx = ServerContext.open(ServerSettings(data_dir=tmp_path / "server"))
    runner = ServerRunner(ctx).start()
    yield runner, ctx
    runner.stop()
    ctx.db.dispose()


def _issue(server_ctx) -> pairing.IssuedCode:  # noqa: ANN001
    with server_ctx.db.write() as session:
        return pairing.issue_code(session, Actor.system())


def test_a_code_pairs_one_device_only(bare, tmp_path: Path) -> None:  # noqa: ANN001
    server, server_ctx = bare
    issued = _issue(server_ctx)
    tablet = Profile(tmp_path / "tablet")
    paired = pair(tablet, "127.0.0.1", server.port, issued.code.replace(" ", "-"), device_name="Máy tính bảng 1")
    assert (paired.server_id, paired.fingerprint) == (server_ctx.server_id, server_ctx.certificate.fingerprint)
    assert tablet.server(server_ctx.server_id) == paired
    with server_ctx.db.read() as session:
        assert session.get(PairingCode, issued.id).used_device == "Máy tính bảng 1"

    other = Profile(tmp_path / "other")
    with pytest.raises(PairingCodeInvalidError) as refused:
        pair(other, "127.0.0.1", server.port, issued.code)
    assert refused.value.user_message("en").startswith("This pairing code cannot be used")
    assert other.servers() == []


def test_an_expired_code_is_refused(bare, tmp_path: Path) -> None:  # noqa: ANN001
    server, server_ctx = bare
    issued = _issue(server_ctx)
    with server_ctx.db.write() as session:
        session.get(PairingCode, issued.id).expires_at = utcnow() - timedelta(seconds=1)
    profile = Profile(tmp_path / "tablet")
    with pytest.raises(PairingCodeInvalidError):
        pair(profile, "127.0.0.1", server.port, issued.code)
    assert profile.servers() == []


def test_staff_issue_codes_through_the_api_and_guessing_is_limited(bare, tmp_path: Path) -> None:  # noqa: ANN001
    server, server_ctx = bare
    with server_ctx.db.write() as session:
        for username, role in (("thuky", "secretariat"), ("daibieu", "delegate")):
            accounts.create_account(session, Actor.system(), username=username, password=DEMO_PASSWORD, role=role)
    api = ApiClient(server.url, pinned_pem=server_ctx.certificate.pem)
    try:
        api.login("daibieu", DEMO_PASSWORD)
        with pytest.raises(PermissionDeniedError):
            api.issue_pairing_code()
        api.login("thuky", DEMO_PASSWORD)
        issued = api.issue_pairing_code(minutes=5)
    finally:
        api.close()
    assert parse_code(issued["code"]) and issued["expires_at"]

    profile = Profile(tmp_path / "guesser")
    lookup, secret = parse_code(issued["code"])
    wrong = f"{lookup}{(int(secret) + 1) % 10**8:08d}"
    outcomes = []
    for _n in range(11):
        try:
            pair(profile, "127.0.0.1", server.port, wrong)
        except (PairingError, PairingCodeInvalidError, TooManyAttemptsError) as err:
            outcomes.append(type(err).__name__)  # the server's errors arrive as same-named subclasses
    names = outcomes
    # Three wrong tries burn the code; the address may try ten times in five minutes, then waits.
    assert names[:3] == ["PairingError"] * 3 and set(names[3:10]) == {"PairingCodeInvalidError"} and names[10] == "TooManyAttemptsError", names
    with pytest.raises(TooManyAttemptsError):  # even with the right code, from this address
        pair(profile, "127.0.0.1", server.port, issued["code"])
    assert profile.servers() == []


class _Relay(BaseHTTPRequestHandler):
    """A machine in the middle with its own certificate, passing every request to the real server."""

    target = ""
    real_pem = ""

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        answer = httpx.post(self.target + self.path, content=body, headers={"content-type": "application/json"}, verify=client_ssl_context(self.real_pem))
        data = answer.content
        self.send_response(answer.status_code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


def test_a_relay_with_another_certificate_is_not_pinned(bare, tmp_path: Path) -> None:  # noqa: ANN001
    server, server_ctx = bare
    rogue_cert = ensure_certificate(tmp_path / "rogue")
    handler = type("Relay", (_Relay,), {"target": server.url, "real_pem": server_ctx.certificate.pem})
    relay = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = server_ssl_context(rogue_cert)
    relay.socket = context.wrap_socket(relay.socket, server_side=True)
    thread = threading.Thread(target=relay.serve_forever, daemon=True)
    thread.start()
    try:
        issued = _issue(server_ctx)
        profile = Profile(tmp_path / "tablet")
        with pytest.raises(PairingInterceptedError) as caught:
            pair(profile, "127.0.0.1", relay.server_address[1], issued.code)
        assert f"127.0.0.1:{relay.server_address[1]}" in caught.value.user_message("en")
        assert profile.servers() == []
        with server_ctx.db.read() as session:
            row = session.get(PairingCode, issued.id)
            assert row.used_at is None and row.failed_attempts == 1  # the relayed try counted against the code
    finally:
        relay.shutdown()
        relay.server_close()
