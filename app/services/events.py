"""The change log: record an event in the current transaction; read events after a sequence number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.domain.roles import Actor
from app.storage.models import Event

# Any constant works; it only has to be the same in every server process.
_PG_EVENT_LOCK = 0x43484D42


def record_event(
    session: Session,
    *,
    kind: str,
    action: str,
    entity_id: str,
    data: dict[str, Any] | None,
    actor: Actor | None = None,
    meeting_id: str | None = None,
    body_id: str | None = None,
) -> Event:
    """Write one change event in the caller's transaction and queue it for broadcast after commit."""
    if session.bind is not None and session.get_bind().dialect.name == "postgresql" and not session.info.get("pg_locked"):
        # Sequence numbers are handed out at INSERT but become visible at COMMIT. Serialising the
        # event-writing transactions keeps "visible" in seq order, so a client resuming after N
        # can never miss an event that commits later with a smaller number.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_EVENT_LOCK})
        session.info["pg_locked"] = True
    ev = Event(
        kind=kind,
        action=action,
        entity_id=entity_id,
        meeting_id=meeting_id,
        body_id=body_id,
        data=data,
        operation_id=session.info.get("operation_id"),
        account_id=actor.account_id if actor else None,
    )
    session.add(ev)
    session.flush()
    session.info.setdefault("events", []).append(ev)
    return ev


def events_after(session: Session, after: int, *, limit: int = 5000) -> list[dict[str, Any]]:
    rows = session.scalars(select(Event).where(Event.seq > after).order_by(Event.seq).limit(limit))
    return [r.as_dict() for r in rows]


def last_seq(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.coalesce(func.max(Event.seq), 0))) or 0
