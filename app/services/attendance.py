"""Attendance on the server: record check-ins, check-outs and excuses as append-only events, and
compute a meeting's attendance board (who is here, since when, how, and the quorum).

Each event carries the id its device made. Sending the same event again (a kiosk's outbox after a
lost answer, a double click) finds it stored and changes nothing: every check-in counts once. Each
new event also records an `attendance` change event, so every board follows within a second.

Who may do what is in app/domain/attendance.py (RECORDERS, MANUAL_ONLY, EXCUSERS, READERS…), so a
client refuses exactly what the server refuses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import attendance as rules
from app.domain.attendance import (  # noqa: F401  (the routes and other services name them)
    EXCUSERS,
    EXPORTERS,
    MANUAL_ONLY,
    QUORUM_KEEPERS,
    READERS,
    RECORDERS,
    BodyNotFoundError,
    UnknownPersonError,
)
from app.domain.clock import iso, utcnow
from app.domain.roles import Actor
from app.errors import ConflictError, PermissionDeniedError
from app.i18n import N_
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import MeetingNotFoundError, meeting_dict
from app.storage.models import AttendanceEvent, Body, Meeting, Membership, Person


# The audit action of each attendance event; taking an excuse back is the correction of a mistake.
AUDIT_ACTIONS = {rules.Action.CHECK_IN: "attendance.checkin", rules.Action.CHECK_OUT: "attendance.checkout",
                 rules.Action.EXCUSED: "attendance.excuse", rules.Action.UNEXCUSED: "attendance.correct"}


class AttendanceEventIdTakenError(ConflictError):
    message = N_("This attendance event id was already used for a different event.")


def event_dict(e: AttendanceEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "meeting_id": e.meeting_id,
        "person_id": e.person_id,
        "action": e.action,
        "method": e.method,
        "at": iso(e.at),
        "recorded_at": iso(e.recorded_at),
        "device": e.device,
        "account_id": e.account_id,
        "actor_name": e.actor_name,
        "distance": e.distance,
        "reason": e.reason,
        "substitute_for": e.substitute_for,
    }


def _meeting(session: Session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, str) and len(meeting_id) <= 36 else None
    if meeting is None:
        raise MeetingNotFoundError()
    return meeting


def member_ids(session: Session, body_id: str | None) -> list[str]:
    """The members of a body, by name: the people a meeting of that body counts for its quorum.
    A meeting without a body has no members: everyone who checks in is listed, no quorum applies."""
    if body_id is None:
        return []
    query = (select(Person.id).join(Membership, Membership.person_id == Person.id)
             .where(Membership.body_id == body_id).order_by(Person.full_name, Person.id))
    return list(session.scalars(query))


def _persons(session: Session, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: {"full_name": p.full_name, "title": p.title, "unit": p.unit} for p in rows}


def council_name(session: Session, meeting_id: str) -> str:
    """The name of the top body above the meeting's body (the council heading an attendance list)."""
    meeting = _meeting(session, meeting_id)
    body = session.get(Body, meeting.body_id) if meeting.body_id else None
    for _ in range(10):  # bodies nest a level or two; never loop on a bad parent chain
        if body is None or body.parent_id is None:
            break
        body = session.get(Body, body.parent_id)
    return body.name if body is not None else ""


def meeting_events(session: Session, meeting_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting_id).order_by(AttendanceEvent.at, AttendanceEvent.recorded_at))
    return [event_dict(e) for e in rows]


def _board(session: Session, meeting: Meeting) -> dict[str, Any]:
    members = member_ids(session, meeting.body_id)
    events = meeting_events(session, meeting.id)
    ids = set(members) | {e["person_id"] for e in events} | {e["substitute_for"] for e in events if e["substitute_for"]}
    body = session.get(Body, meeting.body_id) if meeting.body_id else None
    result = rules.board(events, members=members, persons=_persons(session, ids),
                         quorum_rule=body.quorum_rule if body else rules.QuorumRule.MORE_THAN_HALF.value, quorum_count=body.quorum_count if body else 0)
    return {"meeting": meeting_dict(meeting), "body": {"id": body.id, "name": body.name} if body else None, **result}


def board(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    """The attendance board of a meeting: rows, counts, quorum."""
    if actor.role not in READERS:
        raise PermissionDeniedError()
    return _board(session, _meeting(session, meeting_id))


def view_board(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    """The board as a person looks at it (the API): the look is audited."""
    result = board(session, actor, meeting_id)
    audit(session, actor, "attendance.viewed", result["meeting"]["title"], meeting_id=meeting_id)
    return result


def export_board(session: Session, actor: Actor, meeting_id: str, fmt: str) -> tuple[dict[str, Any], str]:
    """The board and the council's name for an attendance list file (`fmt` csv or pdf), audited."""
    if actor.role not in EXPORTERS:
        raise PermissionDeniedError()
    result = board(session, actor, meeting_id)
    audit(session, actor, "attendance.exported", result["meeting"]["title"], meeting_id=meeting_id, format=fmt)
    return result, council_name(session, meeting_id)


def visible_events(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every attendance event the actor may follow (for a client's first snapshot)."""
    if actor.role not in READERS:
        return []
    return [event_dict(e) for e in session.scalars(select(AttendanceEvent).order_by(AttendanceEvent.at))]


def record(session: Session, actor: Actor, meeting_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Store one attendance event (once, by its id) and answer with it and the person's row."""
    if actor.role not in RECORDERS:
        raise PermissionDeniedError()
    now = utcnow()
    clean = rules.clean_event(fields, now=now)
    rules.check_may_record(actor.role, clean)
    meeting = _meeting(session, meeting_id)
    existing = session.get(AttendanceEvent, clean["id"])
    if existing is not None:
        if (existing.meeting_id, existing.person_id, existing.action) != (meeting_id, clean["person_id"], clean["action"]):
            raise AttendanceEventIdTakenError()
        return _answer(session, meeting, existing, replayed=True)
    person = session.get(Person, clean["person_id"]) if clean["person_id"] and len(clean["person_id"]) <= 36 else None
    if person is None:
        raise UnknownPersonError()
    if clean["substitute_for"]:
        rules.check_substitute(clean, set(member_ids(session, meeting.body_id)), person.full_name)
    row = AttendanceEvent(
        id=clean["id"], meeting_id=meeting.id, person_id=person.id, action=clean["action"], method=clean["method"],
        at=rules.parse_time(clean["at"]), recorded_at=now, device=clean["device"], account_id=actor.account_id,
        actor_name=actor.username, distance=clean["distance"], reason=clean["reason"], substitute_for=clean["substitute_for"],
    )
    session.add(row)
    session.flush()
    # The reason stays with the attendance record: the log says who recorded what, by which means.
    audit(session, actor, AUDIT_ACTIONS[rules.Action(row.action)], person.full_name, meeting_id=meeting.id, person_id=person.id,
          method=row.method, event_id=row.id, device=row.device, **({"substitute_for": row.substitute_for} if row.substitute_for else {}))
    record_event(session, kind="attendance", action=row.action, entity_id=meeting.id, data=event_dict(row), actor=actor,
                 meeting_id=meeting.id, body_id=meeting.body_id)
    return _answer(session, meeting, row, replayed=False)


def _answer(session: Session, meeting: Meeting, row: AttendanceEvent, *, replayed: bool) -> dict[str, Any]:
    current = _board(session, meeting)
    person_row = next((r for r in current["rows"] if r["person_id"] == row.person_id), None)
    return {"event": event_dict(row), "replayed": replayed, "person": person_row, "quorum": current["quorum"], "counts": current["counts"]}


# --- quorum rule of a body ---------------------------------------------------------------------
def set_quorum_rule(session: Session, actor: Actor, body_id: str, *, rule: str, count: int | None = None) -> dict[str, Any]:
    """Change how many members a meeting of this body needs; every board follows."""
    from app.services.directory import body_dict

    if actor.role not in QUORUM_KEEPERS:
        raise PermissionDeniedError()
    body = session.get(Body, body_id) if isinstance(body_id, str) and len(body_id) <= 36 else None
    if body is None:
        raise BodyNotFoundError()
    body.quorum_rule, body.quorum_count = rules.check_quorum_rule(rule, count)
    session.flush()
    data = body_dict(body, member_ids(session, body.id))
    record_event(session, kind="body", action="updated", entity_id=body.id, data=data, actor=actor, body_id=body.id)
    return data
