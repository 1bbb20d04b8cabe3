"""Meetings: list what an actor may see, create, edit, delete. Each change records a `meeting` event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import meetings as rules
from app.domain.clock import aware, iso
from app.domain.meetings import MeetingStatus
from app.domain.roles import EDITORS, SEES_ALL_MEETINGS, Actor, Role
from app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services.audit import audit
from app.services.events import record_event
from app.storage.models import Body, Meeting, Membership, utcnow

EDITABLE = ("title", "body_id", "starts_at", "ends_at", "location", "status", "description")
# Key of the data of the "deleted" event a meeting leaves for its old body when it changes body.
MOVED_TO = "moved_to_body_id"


class MeetingNotFoundError(NotFoundError):
    message = N_("This meeting does not exist or was deleted.")


class UnknownBodyError(InvalidInputError):
    message = N_("The council body chosen for this meeting does not exist.")


class InvalidIdError(InvalidInputError):
    message = N_("The identifier %(value)s is not valid.")


_iso = iso


def meeting_dict(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "body_id": m.body_id,
        "title": m.title,
        "starts_at": _iso(m.starts_at),
        "ends_at": _iso(m.ends_at),
        "location": m.location,
        "status": m.status,
        "description": m.description,
        "version": m.version,
        "updated_at": _iso(m.updated_at),
    }


def visible_body_ids(session: Session, actor: Actor) -> set[str] | None:
    """None means every body; otherwise the bodies whose published meetings the actor sees."""
    if actor.role in SEES_ALL_MEETINGS:
        return None
    if actor.role == Role.DELEGATE and actor.person_id:
        return set(session.scalars(select(Membership.body_id).where(Membership.person_id == actor.person_id)))
    return set()


def invited_meeting_ids(session: Session, actor: Actor) -> set[str]:
    """Meetings the actor was invited to in person (a guest speaker, a substitute, another body's member)."""
    if not actor.person_id:
        return set()
    from app.storage.models import Invitation

    return set(session.scalars(select(Invitation.meeting_id).where(Invitation.person_id == actor.person_id, Invitation.cancelled_at.is_(None))))


def can_see(session: Session, actor: Actor, meeting: Meeting, bodies: set[str] | None = None) -> bool:
    if actor.role in SEES_ALL_MEETINGS:
        return True
    if meeting.status in rules.HIDDEN_FROM_DELEGATES:
        return False
    if bodies is None:
        bodies = visible_body_ids(session, actor) or set()
    return meeting.body_id in bodies or meeting.id in invited_meeting_ids(session, actor)


def list_meetings(session: Session, actor: Actor) -> list[dict[str, Any]]:
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.title)
    bodies = visible_body_ids(session, actor)
    if bodies is not None:
        invited = invited_meeting_ids(session, actor)
        query = query.where(Meeting.body_id.in_(bodies) | Meeting.id.in_(invited), Meeting.status.not_in([s.value for s in rules.HIDDEN_FROM_DELEGATES]))
    return [meeting_dict(m) for m in session.scalars(query)]


def get_meeting_row(session: Session, actor: Actor, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, str) and len(meeting_id) <= 36 else None
    if meeting is None or not can_see(session, actor, meeting):
        raise MeetingNotFoundError()
    return meeting


def get_meeting(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    return meeting_dict(get_meeting_row(session, actor, meeting_id))


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise PermissionDeniedError()


def _apply(session: Session, meeting: Meeting, fields: dict[str, Any]) -> None:
    if "title" in fields:
        meeting.title = rules.text(fields, "title", required=True)
    if "location" in fields:
        meeting.location = rules.text(fields, "location")
    if "description" in fields:
        meeting.description = rules.text(fields, "description")
    if "status" in fields:
        meeting.status = rules.status(fields["status"]).value
    if "starts_at" in fields:
        meeting.starts_at = rules.timestamp(fields["starts_at"], "starts_at")
    if "ends_at" in fields:
        meeting.ends_at = rules.timestamp(fields["ends_at"], "ends_at") if fields["ends_at"] else None
    if "body_id" in fields:
        body_id = fields["body_id"] or None
        if body_id is not None and (not isinstance(body_id, str) or session.get(Body, body_id) is None):
            raise UnknownBodyError()
        meeting.body_id = body_id
    rules.check_times(aware(meeting.starts_at), aware(meeting.ends_at))


def _check_id(value: Any) -> str | None:
    if value is None:
        return None
    import uuid

    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise InvalidIdError(value=str(value)[:40]) from None


def create_meeting(session: Session, actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    _require_editor(actor)
    unknown = set(fields) - set(EDITABLE) - {"id"}
    if unknown:
        raise rules.InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    meeting_id = _check_id(fields.get("id"))
    if meeting_id and session.get(Meeting, meeting_id) is not None:
        from app.errors import ConflictError

        raise ConflictError()
    meeting = Meeting(id=meeting_id) if meeting_id else Meeting()
    meeting.status = MeetingStatus.DRAFT.value
    if "starts_at" not in fields:
        raise rules.RequiredFieldError(field=rules.FIELD_LABELS["starts_at"])
    if "title" not in fields:
        raise rules.RequiredFieldError(field=rules.FIELD_LABELS["title"])
    _apply(session, meeting, fields)
    session.add(meeting)
    session.flush()
    data = meeting_dict(meeting)
    record_event(session, kind="meeting", action="created", entity_id=meeting.id, data=data, actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)
    audit(session, actor, "meeting.create", meeting.id, title=meeting.title)
    return data


def update_meeting(session: Session, actor: Actor, meeting_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Change only the fields given (so two people editing different fields both win)."""
    _require_editor(actor)
    meeting = get_meeting_row(session, actor, meeting_id)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise rules.InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    old_body = meeting.body_id
    before = meeting_dict(meeting)
    _apply(session, meeting, fields)
    meeting.version += 1
    meeting.updated_at = utcnow()
    session.flush()
    data = meeting_dict(meeting)
    changed = [k for k in EDITABLE if data[k] != before[k]]
    # The meeting's own event first: a client that then hears "your invitation changed" already
    # shows the new time and place.
    record_event(session, kind="meeting", action="updated", entity_id=meeting.id, data=data, actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)
    if changed:
        from app.services.invitations import meeting_changed  # invitations builds on meetings

        # A new time, place or a cancellation reaches everyone still invited (iCalendar SEQUENCE+1).
        meeting_changed(session, actor, meeting, changed)
    if old_body != meeting.body_id:
        # Delegates of the old body must drop the meeting from their cache (only they: see
        # visibility.visible_event, which hides this event from whoever sees the new body).
        record_event(session, kind="meeting", action="deleted", entity_id=meeting.id, data={MOVED_TO: meeting.body_id}, actor=actor, meeting_id=meeting.id, body_id=old_body)
    audit(session, actor, "meeting.update", meeting.id, fields=sorted(fields))
    return data


def delete_meeting(session: Session, actor: Actor, meeting_id: str) -> None:
    _require_editor(actor)
    meeting = get_meeting_row(session, actor, meeting_id)
    body_id = meeting.body_id
    session.delete(meeting)
    session.flush()
    record_event(session, kind="meeting", action="deleted", entity_id=meeting_id, data=None, actor=actor, meeting_id=meeting_id, body_id=body_id)
    audit(session, actor, "meeting.delete", meeting_id)
