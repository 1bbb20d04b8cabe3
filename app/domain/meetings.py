"""Meetings and agenda items as plain rules: statuses, limits, validation of user input."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from app.errors import InvalidInputError
from app.i18n import N_


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    ADJOURNED = "adjourned"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    MeetingStatus.DRAFT: N_("Draft"),
    MeetingStatus.SCHEDULED: N_("Scheduled"),
    MeetingStatus.OPEN: N_("In session"),
    MeetingStatus.ADJOURNED: N_("Adjourned"),
    MeetingStatus.CLOSED: N_("Closed"),
    MeetingStatus.CANCELLED: N_("Cancelled"),
}

# Delegates do not see drafts: a meeting appears on their tablets once it is scheduled.
HIDDEN_FROM_DELEGATES = frozenset({MeetingStatus.DRAFT})

LIMITS = {
    "title": 300,
    "location": 300,
    "description": 20_000,
    "item_title": 500,
    "presenter": 200,
    "notes": 20_000,
}
MAX_DURATION_MINUTES = 24 * 60
MAX_AGENDA_DEPTH = 3


class TextTooLongError(InvalidInputError):
    message = N_("%(field)s is too long: %(length)s characters, at most %(limit)s.")


class RequiredFieldError(InvalidInputError):
    message = N_("%(field)s must not be empty.")


class EndsBeforeStartError(InvalidInputError):
    message = N_("The meeting cannot end before it starts.")


class InvalidValueError(InvalidInputError):
    message = N_("%(field)s has a value that is not allowed: %(value)s.")


FIELD_LABELS = {
    "title": N_("Title"),
    "location": N_("Location"),
    "description": N_("Description"),
    "item_title": N_("Agenda item title"),
    "presenter": N_("Presenter"),
    "notes": N_("Notes"),
    "starts_at": N_("Start time"),
    "ends_at": N_("End time"),
    "status": N_("Status"),
    "duration_minutes": N_("Planned duration"),
    "parent_id": N_("Parent item"),
}


def text(fields: dict[str, Any], key: str, *, limit_key: str | None = None, required: bool = False) -> str:
    value = fields.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidValueError(field=FIELD_LABELS.get(limit_key or key, key), value=str(value)[:40])
    value = value.strip()
    limit = LIMITS[limit_key or key]
    if required and not value:
        raise RequiredFieldError(field=FIELD_LABELS.get(limit_key or key, key))
    if len(value) > limit:
        raise TextTooLongError(field=FIELD_LABELS.get(limit_key or key, key), length=len(value), limit=limit)
    return value


def timestamp(value: Any, key: str) -> datetime:
    """Accept an aware datetime or an ISO-8601 string; naive times are taken as UTC."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidValueError(field=FIELD_LABELS.get(key, key), value=value[:40]) from None
    else:
        raise RequiredFieldError(field=FIELD_LABELS.get(key, key))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    # SQLite keeps no offset: store every time as UTC, show it in the viewer's local time.
    return dt.astimezone(timezone.utc)


def status(value: Any) -> MeetingStatus:
    try:
        return MeetingStatus(value)
    except ValueError:
        raise InvalidValueError(field=FIELD_LABELS["status"], value=str(value)[:40]) from None


def duration(value: Any) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DURATION_MINUTES:
        raise InvalidValueError(field=FIELD_LABELS["duration_minutes"], value=str(value)[:40])
    return value


MEETING_FIELDS = ("title", "body_id", "starts_at", "ends_at", "location", "status", "description")
ITEM_FIELDS = ("title", "presenter", "duration_minutes", "notes")


def clean_meeting_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check a meeting form the way the server will, so a mistake is shown before anything is sent."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    if creating:
        for key in ("title", "starts_at"):
            if key not in fields:
                raise RequiredFieldError(field=FIELD_LABELS[key])
    out: dict[str, Any] = {}
    for key in ("title", "location", "description"):
        if key in fields:
            out[key] = text(fields, key, required=key == "title")
    if "status" in fields:
        out["status"] = status(fields["status"]).value
    if "starts_at" in fields:
        out["starts_at"] = timestamp(fields["starts_at"], "starts_at").isoformat()
    if "ends_at" in fields:
        out["ends_at"] = timestamp(fields["ends_at"], "ends_at").isoformat() if fields["ends_at"] else None
    if "body_id" in fields:
        out["body_id"] = fields["body_id"] or None
    return out


def check_times(starts_at: Any, ends_at: Any) -> None:
    if starts_at and ends_at and timestamp(ends_at, "ends_at") < timestamp(starts_at, "starts_at"):
        raise EndsBeforeStartError()


def clean_item_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    if creating and "title" not in fields:
        raise RequiredFieldError(field=FIELD_LABELS["item_title"])
    out: dict[str, Any] = {}
    if "title" in fields:
        out["title"] = text(fields, "title", limit_key="item_title", required=True)
    for key in ("presenter", "notes"):
        if key in fields:
            out[key] = text(fields, key)
    if "duration_minutes" in fields:
        out["duration_minutes"] = duration(fields["duration_minutes"])
    return out
