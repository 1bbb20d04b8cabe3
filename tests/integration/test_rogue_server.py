"""A rogue server on the same LAN announcing itself with the chamber's own name, but with its own
certificate: the client lists both (the fingerprints differ), the one-time pairing code read
from the real server's console does not pair with the rogue (it does not know the code, and
guessing it fails the key exchange), and nothing — no login, no password — reaches the rogue.
A rogue that relays the exchange to the real server is tested in test_pairing_over_https.py."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD
from app.domain.clock import utcnow
from app.domain.roles import Actor
from app.net.discovery import Advertiser, discover
from app.errors import PairingCodeInvalidError, PairingError
from app.net.pairing import format_code, parse_code
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.services import accounts, pairing
from app.storage.models import AuditEntry, DeviceToken, PairingCode
from app.sync.profile import Profile, pair

LOOPBACK = ["127.0.0.1"]


@pytest.fixture(scope="module", autouse=True)
def loopback_multicast() -> None:
    subprocess.run(["ip", "link", "set", "lo", "multicast", "on"], check=False, capture_output=True)


def test_a_rogue_with_the_same_name_is_listed_apart_and_cannot_be_paired_with_the_real_code(server, server_ctx, tmp_path: Path) -> None:  # noqa: ANN001
    rogue_ctx = ServerContext.open(ServerSettings(data_dir=tmp_path / "rogue", name=server_ctx.name))
    with rogue_ctx.db.write() as session:
        accounts.create_account(session, Actor.system(), username="thuky", password=DEMO_PASSWORD, role="secretariat")
    rogue = ServerRunner(rogue_ctx).start()
    real_ad = Advertiser(name=server_ctx.name, port=server.port, server_id=server_ctx.server_id,
                         fingerprint=server_ctx.certificate.fingerprint, addresses=LOOPBACK, interfaces=LOOPBACK)
    rogue_ad = Advertiser(name=server_ctx.name, port=rogue.port, server_id=rogue_ctx.server_id,
                          fingerprint=rogue_ctx.certificate.fingerprint, addresses=LOOPBACK, interfaces=LOOPBACK)
    real_ad.start()
    rogue_ad.start()
    try:
        found = []
        for _ in range(3):  # an announcement arrives about a second after registration
            found = [s for s in discover(2.0, interfaces=LOOPBACK) if s.server_id in (server_ctx.server_id, rogue_ctx.server_id)]
            if {s.port for s in found} >= {server.port, rogue.port}:
                break
            time.sleep(0.5)
        by_port = {s.port: s for s in found}
        assert by_port[server.port].name == by_port[rogue.port].name == server_ctx.name  # the same name on screen
        assert by_port[server.port].fingerprint == server_ctx.certificate.fingerprint
        assert by_port[rogue.port].fingerprint == rogue_ctx.certificate.fingerprint != server_ctx.certificate.fingerprint

        # The secretary types the code shown on the real server's console, but picked the rogue.
        with server_ctx.db.write() as session:
            code = pairing.issue_code(session, Actor.system()).code
        profile = Profile(tmp_path / "tablet")
        with pytest.raises(PairingCodeInvalidError):
            pair(profile, "127.0.0.1", rogue.port, code)
        # A rogue that saw the first group and guesses the rest fails the key exchange.
        lookup, secret = parse_code(code)
        with rogue_ctx.db.write() as session:
            guess = f"{(int(secret) + 1) % 10**8:08d}"
            session.add(PairingCode(lookup=lookup, secret=guess, expires_at=utcnow() + pairing.CODE_LIFETIME))
        with pytest.raises(PairingError):
            pair(profile, "127.0.0.1", rogue.port, code)
        assert format_code(lookup, secret) == code and profile.servers() == []
        # With the real server the same code pairs.
        paired = pair(profile, "127.0.0.1", server.port, code)
        assert paired.fingerprint == server_ctx.certificate.fingerprint
        with rogue_ctx.db.read() as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("login%"))) == 0
            assert session.scalar(select(func.count()).select_from(DeviceToken)) == 0
    finally:
        rogue_ad.stop()
        real_ad.stop()
        rogue.stop()
        rogue_ctx.db.dispose()
