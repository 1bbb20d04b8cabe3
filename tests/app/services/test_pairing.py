"""Tests for app/services/pairing.py and app/net/pairing.py: one-time codes expire (fixed clock),
work once, burn after three unproven attempts, are limited in number, and the SPAKE2 exchange only
agrees when both sides used the same code."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.domain.roles import Actor, Role
from app.errors import PairingCodeInvalidError, PairingError, PermissionDeniedError, TooManyPairingCodesError
from app.net import pairing as protocol
from app.services import pairing
from app.storage.db import Database
from app.storage.models import AuditEntry, PairingCode

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
FP = "ab" * 32
STAFF = Actor("a1", "thuky", Role.SECRETARIAT)


def _attempt(db: Database, code: str, *, now: datetime = NOW, fingerprint: str = FP) -> str:
    """One full exchange as a client typing `code` would run it; returns the code row id."""
    client = protocol.ClientExchange(code)
    with db.write() as session:
        started = pairing.start(session, lookup=client.lookup, client_message=client.message, now=now)
    key = client.finish(started.server_message)
    if not protocol.same(protocol.confirm(started.key, "server", fingerprint), protocol.confirm(key, "server", fingerprint)):
        raise PairingError()
    with db.write() as session:
        pairing.finish(session, code_id=started.code_id, key=started.key, fingerprint=fingerprint,
                       client_confirm=protocol.confirm(key, "client", fingerprint), device="Máy tính bảng 3", now=now)
    return started.code_id


def _issue(db: Database, *, now: datetime = NOW, minutes: int = 15) -> pairing.IssuedCode:
    with db.write() as session:
        return pairing.issue_code(session, STAFF, lifetime=timedelta(minutes=minutes), now=now)


def _wrong(code: str) -> str:
    lookup, secret = protocol.parse_code(code)
    return protocol.format_code(lookup, f"{(int(secret) + 1) % 10**8:08d}")


def test_code_format_round_trips_and_refuses_other_text() -> None:
    assert protocol.parse_code(" 0123-4567 8901 ") == ("0123", "45678901")
    assert protocol.format_code("0123", "45678901") == "0123 4567 8901"
    for bad in ("", "0123 4567 890", "0123 4567 89012", "mười hai số", "٠١٢٣٤٥٦٧٨٩٠١"):
        with pytest.raises(protocol.PairingCodeFormatError):
            protocol.parse_code(bad)


def test_a_code_pairs_once_and_is_then_refused(db: Database) -> None:
    issued = _issue(db)
    assert issued.expires_at == NOW + timedelta(minutes=15)
    code_id = _attempt(db, issued.code, now=NOW + timedelta(minutes=14))
    with db.read() as session:
        row = session.get(PairingCode, code_id)
        assert row.used_device == "Máy tính bảng 3" and row.failed_attempts == 0 and row.used_at is not None
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["pairing.issue", "pairing.used"]
    with pytest.raises(PairingCodeInvalidError):
        _attempt(db, issued.code, now=NOW + timedelta(minutes=14))


def test_a_code_expires(db: Database) -> None:
    issued = _issue(db, minutes=5)
    with pytest.raises(PairingCodeInvalidError):
        _attempt(db, issued.code, now=NOW + timedelta(minutes=5))
    with pytest.raises(PairingCodeInvalidError):  # an unknown lookup reads exactly the same
        _attempt(db, protocol.format_code(f"{(int(issued.code[:4]) + 1) % 10000:04d}", "12345678"))


def test_three_wrong_attempts_burn_the_code(db: Database) -> None:
    issued = _issue(db)
    for _n in range(3):
        with pytest.raises(PairingError):
            _attempt(db, _wrong(issued.code))
    with pytest.raises(PairingCodeInvalidError):  # the right code no longer works
        _attempt(db, issued.code)


def test_a_relay_with_another_certificate_cannot_finish(db: Database) -> None:
    # The client saw the rogue's certificate: the real server's confirmation names another one.
    issued = _issue(db)
    client = protocol.ClientExchange(issued.code)
    with db.write() as session:
        started = pairing.start(session, lookup=client.lookup, client_message=client.message, now=NOW)
    key = client.finish(started.server_message)
    assert key == started.key and protocol.key_confirm(key) == protocol.key_confirm(started.key)
    assert protocol.confirm(started.key, "server", FP) != protocol.confirm(key, "server", "cd" * 32)
    with db.write() as session, pytest.raises(PairingError):  # the client's confirmation for the rogue's certificate
        pairing.finish(session, code_id=started.code_id, key=started.key, fingerprint=FP, client_confirm=protocol.confirm(key, "client", "cd" * 32), now=NOW)


def test_issuing_is_limited_and_staff_only(db: Database) -> None:
    with db.write() as session, pytest.raises(PermissionDeniedError):
        pairing.issue_code(session, Actor("d1", "daibieu", Role.DELEGATE), now=NOW)
    codes = [_issue(db) for _n in range(pairing.MAX_LIVE_CODES)]
    assert len({c.code[:4] for c in codes}) == len(codes)  # each lookup names one live code
    with pytest.raises(TooManyPairingCodesError):
        _issue(db)
    assert _issue(db, now=NOW + timedelta(minutes=15)).code  # once they expire, new ones can be issued


def test_shown_code_stays_until_used_then_changes(db: Database) -> None:
    shown = pairing.code_to_show(db, None)
    assert pairing.code_to_show(db, shown.id) == shown
    with pytest.raises(PairingError):
        _attempt(db, _wrong(shown.code), now=datetime.now(timezone.utc))
    assert pairing.code_to_show(db, shown.id) == shown  # one mistake does not change the screen
    _attempt(db, shown.code, now=datetime.now(timezone.utc))
    assert pairing.code_to_show(db, shown.id).code != shown.code


def test_pending_attempts_are_taken_once_and_forgotten() -> None:
    clock = [0.0]
    pending = pairing.PendingPairings(ttl_s=60, clock=lambda: clock[0])
    started = pairing.StartedPairing("c1", b"k" * 32, b"m")
    first, second = pending.add(started), pending.add(started)
    assert pending.take(first) == started
    with pytest.raises(PairingCodeInvalidError):
        pending.take(first)
    clock[0] = 61
    with pytest.raises(PairingCodeInvalidError):
        pending.take(second)

