"""Time as Chamber stores it: aware UTC datetimes in the database, ISO-8601 strings on the wire."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(dt: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns; everything stored is UTC.
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


def iso(dt: datetime | None) -> str | None:
    # Always UTC on the wire: PostgreSQL hands times back in its session time zone (+07:00 on a
    # server set to Vietnam time), which would make one instant look like two different values.
    return aware(dt).astimezone(timezone.utc).isoformat() if dt is not None else None
