"""One-time pairing codes on the server: issue, start and finish a pairing (SPAKE2, app/net/pairing.py).

A code works once, expires (15 minutes by default) and is burned after MAX_FAILED_ATTEMPTS
exchanges that did not prove it. At most MAX_LIVE_CODES wait at a time, so a stolen staff login
cannot mint codes without bound. Every refusal of a code says the same thing (expired, used,
burned or unknown), so a guesser learns nothing about which codes exist.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.clock import aware, iso, utcnow
from app.domain.roles import EDITORS, Actor
from app.errors import InvalidInputError, PairingCodeInvalidError, PairingError, PermissionDeniedError, TooManyPairingCodesError
from app.i18n import N_
from app.net import pairing as protocol
from app.services.audit import audit
from app.storage.db import KEEP_ON_REFUSAL, Database
from app.storage.models import PairingCode

CODE_LIFETIME = timedelta(minutes=15)
MAX_LIFETIME = timedelta(hours=24)
MAX_FAILED_ATTEMPTS = 3
MAX_LIVE_CODES = 20
ISSUERS = EDITORS  # the staff who set up devices
# Between start and finish: long enough for a slow tablet, short enough to forget guessers.
PENDING_TTL_S = 120.0


class BadLifetimeError(InvalidInputError):
    message = N_("A pairing code lasts from 1 minute to 24 hours.")


@dataclass(frozen=True)
class IssuedCode:
    id: str
    code: str  # '1234 5678 9012'
    expires_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "expires_at": iso(self.expires_at)}


def _live(now: datetime):  # noqa: ANN202
    return (PairingCode.used_at.is_(None), PairingCode.expires_at > now, PairingCode.failed_attempts < MAX_FAILED_ATTEMPTS)


def issue_code(session: Session, actor: Actor, *, lifetime: timedelta = CODE_LIFETIME, now: datetime | None = None) -> IssuedCode:
    """A new code for one device. `actor` is staff, or the system (server console, launcher)."""
    if actor.role not in ISSUERS:
        raise PermissionDeniedError()
    if not timedelta(minutes=1) <= lifetime <= MAX_LIFETIME:
        raise BadLifetimeError()
    now = now or utcnow()
    live = session.scalar(select(func.count()).select_from(PairingCode).where(*_live(now)))
    if live >= MAX_LIVE_CODES:
        raise TooManyPairingCodesError(count=live)
    taken = set(session.scalars(select(PairingCode.lookup).where(*_live(now))))
    lookup, secret = protocol.new_code()
    while lookup in taken:  # the lookup must name one live code; 20 of 10 000 are taken at most
        lookup, _ = protocol.new_code()
    row = PairingCode(lookup=lookup, secret=secret, issued_by=actor.username, issued_at=now, expires_at=now + lifetime, failed_attempts=0)
    session.add(row)
    session.flush()
    audit(session, actor, "pairing.issue", row.id, lookup=lookup, expires_at=iso(row.expires_at))
    return IssuedCode(row.id, protocol.format_code(lookup, secret), row.expires_at)


def _still_works(row: PairingCode | None, now: datetime) -> bool:
    return row is not None and row.used_at is None and aware(row.expires_at) > now and row.failed_attempts < MAX_FAILED_ATTEMPTS


def current_code(session: Session, actor: Actor, code_id: str | None, *, lifetime: timedelta = CODE_LIFETIME, now: datetime | None = None) -> IssuedCode:
    """The code a screen shows: `code_id` while it still works, else a new one. The demo launcher
    and the setup wizard call this on a timer, so a used, burned or expired code is replaced
    without anybody asking (a mistyped attempt alone does not change the code on screen)."""
    now = now or utcnow()
    row = session.get(PairingCode, code_id) if code_id else None
    if _still_works(row, now):
        return IssuedCode(row.id, protocol.format_code(row.lookup, row.secret), aware(row.expires_at))
    return issue_code(session, actor, lifetime=lifetime, now=now)


def code_to_show(db: Database, code_id: str | None, *, minutes: int = 15) -> IssuedCode:
    """`current_code` for a screen that polls: a read while the code still works (most calls), a
    write transaction only to issue a new one."""
    if code_id:
        with db.read() as session:
            row = session.get(PairingCode, code_id)
            if _still_works(row, utcnow()):
                return IssuedCode(row.id, protocol.format_code(row.lookup, row.secret), aware(row.expires_at))
    with db.write() as session:
        return current_code(session, Actor.system(), code_id, lifetime=timedelta(minutes=minutes))


@dataclass(frozen=True)
class StartedPairing:
    code_id: str
    key: bytes
    server_message: bytes


def start(session: Session, *, lookup: str, client_message: bytes, address: str = "", now: datetime | None = None) -> StartedPairing:
    """First half of an attempt: find the live code and run the server's side of SPAKE2.

    The attempt counts as failed until `finish` proves the code, because a guesser simply never
    finishes; the third unproven attempt burns the code.
    """
    now = now or utcnow()
    row = session.scalar(select(PairingCode).where(PairingCode.lookup == lookup, *_live(now)).with_for_update())
    if row is None:
        audit(session, None, "pairing.refused", lookup[:8], device=address, reason="no live code")
        session.info[KEEP_ON_REFUSAL] = True
        raise PairingCodeInvalidError()
    row.failed_attempts += 1
    # A malformed message still spent the attempt: keep the counter when server_key refuses it.
    session.info[KEEP_ON_REFUSAL] = True
    server_message, key = protocol.server_key(row.secret, client_message)
    return StartedPairing(row.id, key, server_message)


def finish(session: Session, *, code_id: str, key: bytes, fingerprint: str, client_confirm: str, device: str = "", address: str = "", now: datetime | None = None) -> None:
    """Second half: the client proved K for our certificate; the code is now used."""
    now = now or utcnow()
    row = session.scalar(select(PairingCode).where(PairingCode.id == code_id).with_for_update())
    if row is None or row.used_at is not None or aware(row.expires_at) <= now:
        raise PairingCodeInvalidError()
    if not protocol.same(client_confirm, protocol.confirm(key, "client", fingerprint)):
        audit(session, None, "pairing.failed", row.id, device=address, attempts=row.failed_attempts)
        session.info[KEEP_ON_REFUSAL] = True
        raise PairingError()
    row.used_at = now
    row.used_device = device[:200]
    row.failed_attempts -= 1  # this attempt was the good one
    audit(session, None, "pairing.used", row.id, device=device, address=address, lookup=row.lookup)


class PendingPairings:
    """Started attempts waiting for their finish, in memory: the key K never reaches the database."""

    def __init__(self, *, ttl_s: float = PENDING_TTL_S, clock=time.monotonic) -> None:  # noqa: ANN001
        self.ttl_s = ttl_s
        self._clock = clock
        self._items: dict[str, tuple[float, StartedPairing]] = {}
        self._lock = threading.Lock()

    def add(self, started: StartedPairing) -> str:
        pairing_id = secrets.token_urlsafe(18)
        with self._lock:
            self._forget_old()
            self._items[pairing_id] = (self._clock(), started)
        return pairing_id

    def take(self, pairing_id: str) -> StartedPairing:
        """The attempt, once: a second finish with the same id is refused."""
        with self._lock:
            self._forget_old()
            item = self._items.pop(pairing_id, None)
        if item is None:
            raise PairingCodeInvalidError()
        return item[1]

    def _forget_old(self) -> None:
        limit = self._clock() - self.ttl_s
        for key in [k for k, (at, _) in self._items.items() if at < limit]:
            del self._items[key]
