"""The live meeting on the server: the chair's commands, the speakers' queue, votes and ballots,
item conclusions and follow-up tasks, applied with the pure rules of app/domain/live.py and kept
in the database, so a restarted server (even after kill -9) carries on where it was.

Every change of the running meeting records one `live` event carrying the meeting's whole live
state (state, current item and its timer, page shown, floor and queue, votes with their results
once closed, conclusions): a client replaces what it had, so applying an event twice or catching
up after a sleep is harmless. A ballot records a small `ballot` event (how many have voted, and the
running count for a named vote) that only the chair's side of the room receives. Follow-up tasks
record `task` events.

Who votes: the members of the meeting's body present when the vote opens (a substitute present
for an absent member votes for that seat), from the attendance board. A meeting where nobody has
checked in at all (no kiosk in use) falls back to all members of the body. `eligible_source` on
the vote says which was used.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import live as rules
from app.domain.agenda import ordered
from app.domain.clock import aware, iso, utcnow
from app.domain.live import Command, LiveState, Timer
from app.domain.roles import Actor, Role
from app.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import get_meeting_row, meeting_dict
from app.storage.models import (
    AgendaItem,
    AttendanceEvent,
    Document,
    FollowUpTask,
    ItemConclusion,
    LiveMeeting,
    Meeting,
    Person,
    SecretBallot,
    SpeakerRequest,
    Vote,
    VoteBallot,
    VoteParticipant,
    new_id,
)

RUNNERS, PARTICIPANTS = rules.RUNNERS, rules.PARTICIPANTS
MAX_TEXT = 20_000
MAX_QUESTION = 2_000


class MeetingNotOpenableError(ConflictError):
    message = N_("Only a scheduled meeting can be opened (publish it first).")


class NoPersonError(PermissionDeniedError):
    message = N_("Your account is not linked to a delegate, so you cannot take part from it.")


class SpeakerRequestNotFoundError(NotFoundError):
    message = N_("This request to speak does not exist.")


class NotYourRequestError(PermissionDeniedError):
    message = N_("This request to speak is someone else's.")


class RequestNotWaitingError(ConflictError):
    message = N_("This request to speak is no longer waiting.")


class NobodyHasFloorError(ConflictError):
    message = N_("Nobody has the floor.")


class VoteNotFoundError(NotFoundError):
    message = N_("This vote does not exist.")


NotEligibleError = rules.NotEligibleError


class VoteClosedError(ConflictError):
    message = N_("This vote is closed.")


class ReceiptRequiredError(InvalidInputError):
    message = N_("A secret ballot needs the receipt made by the voting device.")


class ReceiptMismatchError(ConflictError):
    message = N_("Your secret ballot was cast from another device; it can only be changed from there.")


class TaskNotFoundError(NotFoundError):
    message = N_("This task does not exist.")


class DocumentNotInMeetingError(InvalidInputError):
    message = N_("This document does not belong to this meeting.")


def _require(actor: Actor, roles: frozenset[Role]) -> None:
    if actor.role not in roles:
        raise PermissionDeniedError()


class InvalidPageError(InvalidInputError):
    message = N_("This page is not in the document.")


FIELD_LABELS = {
    "question": N_("Question"),
    "conclusion": N_("Conclusion"),
    "what": N_("Task"),
    "responsible_unit": N_("Responsible unit"),
    "supporters": N_("Supporters"),
    "expected_result": N_("Expected result"),
    "progress_note": N_("Progress note"),
}


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    from app.domain.meetings import InvalidValueError, RequiredFieldError, TextTooLongError

    label = FIELD_LABELS[field]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidValueError(field=label, value=str(value)[:40])
    value = value.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if required and not value:
        raise RequiredFieldError(field=label)
    if len(value) > limit:
        raise TextTooLongError(field=label, length=len(value), limit=limit)
    return value


def _key(value: Any) -> str | None:
    """An id as given by a caller, or None when it cannot be one (PostgreSQL refuses NUL in text)."""
    return value if isinstance(value, str) and len(value) <= 36 and "\x00" not in value else None


def _id(value: Any) -> str | None:
    if value is None:
        return None
    from app.services.meetings import _check_id

    return _check_id(value)


# --- the live state -----------------------------------------------------------------------------
def _agenda(session: Session, meeting_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
    return ordered([{"id": i.id, "parent_id": i.parent_id, "position": i.position, "title": i.title, "duration_minutes": i.duration_minutes} for i in rows])


def _live(session: Session, meeting: Meeting, *, lock: bool = False) -> LiveMeeting:
    """The meeting's live row (a meeting never opened gets one in the state `scheduled`)."""
    query = select(LiveMeeting).where(LiveMeeting.meeting_id == meeting.id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        row = LiveMeeting(meeting_id=meeting.id, state=LiveState.SCHEDULED.value, item_log=[], version=0, item_planned=0, item_elapsed=0.0, page_number=0)
        if lock:
            session.add(row)
            session.flush()
    return row


def _timer(live: LiveMeeting) -> Timer:
    return Timer(live.item_planned or 0, live.item_elapsed or 0.0, aware(live.item_running_since))


def _set_timer(live: LiveMeeting, timer: Timer) -> None:
    live.item_planned, live.item_elapsed, live.item_running_since = timer.planned, timer.elapsed, timer.running_since


def _speaker_dict(r: SpeakerRequest) -> dict[str, Any]:
    return {
        "id": r.id, "person_id": r.person_id, "name": r.name, "kind": r.kind, "state": r.state, "agenda_item_id": r.agenda_item_id,
        "requested_at": iso(r.requested_at), "started_at": iso(r.started_at), "ended_at": iso(r.ended_at), "planned_seconds": r.planned_seconds,
    }


def _vote_summary(v: Vote) -> dict[str, Any]:
    """What everyone may know of a vote: never how anyone voted, and no count before it closes."""
    return {
        "id": v.id, "meeting_id": v.meeting_id, "agenda_item_id": v.agenda_item_id, "question": v.question, "options": list(v.options),
        "secret": v.secret, "rule": v.rule, "duration_seconds": v.duration_seconds, "state": v.state,
        "opened_at": iso(v.opened_at), "closes_at": iso(v.closes_at), "closed_at": iso(v.closed_at),
        "eligible": list(v.eligible), "eligible_count": len(v.eligible), "eligible_source": v.eligible_source, "members": v.members,
        "result": v.result if v.state == "closed" else None,
    }


def live_state(session: Session, meeting: Meeting, live: LiveMeeting | None = None) -> dict[str, Any]:
    """The whole live state of one meeting, as every client keeps it."""
    live = live or _live(session, meeting)
    requests = list(session.scalars(select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.state.in_(("waiting", "speaking")))))
    speakers = [_speaker_dict(r) for r in requests]
    floor = next((s for s in speakers if s["state"] == "speaking"), None)
    votes = session.scalars(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.opened_at, Vote.id))
    conclusions = session.scalars(select(ItemConclusion).where(ItemConclusion.meeting_id == meeting.id))
    return {
        "meeting_id": meeting.id,
        "state": live.state,
        "current_item_id": live.current_item_id,
        "page": {"document_id": live.page_document_id, "page": live.page_number} if live.page_document_id else None,
        "item_timer": {"planned_seconds": live.item_planned or 0, "elapsed_seconds": round(live.item_elapsed or 0.0, 3), "running_since": iso(live.item_running_since)},
        "opened_at": iso(live.opened_at),
        "closed_at": iso(live.closed_at),
        "quorum": live.quorum,
        "item_log": list(live.item_log or []),
        "floor": floor,
        "queue": rules.queue_order(speakers),
        "votes": [_vote_summary(v) for v in votes],
        "conclusions": {c.agenda_item_id: {"text": c.text, "vote_id": c.vote_id, "updated_at": iso(c.updated_at)} for c in conclusions},
        "version": live.version,
        "updated_at": iso(live.updated_at),
    }


def _publish(session: Session, actor: Actor, meeting: Meeting, live: LiveMeeting, what: str) -> dict[str, Any]:
    live.version = (live.version or 0) + 1
    live.updated_at = utcnow()
    session.flush()
    state = {**live_state(session, meeting, live), "last": what}
    record_event(session, kind="live", action="updated", entity_id=meeting.id, data=state, actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)
    return state


def get_live(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    meeting = get_meeting_row(session, actor, meeting_id)
    return {**live_state(session, meeting), "now": iso(utcnow())}


def visible_live(session: Session, meeting_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The live state of those meetings that were ever opened (for the sync snapshot); the caller
    has already limited `meeting_ids` to what the viewer may see."""
    if not meeting_ids:
        return {}
    rows = session.scalars(select(LiveMeeting).where(LiveMeeting.meeting_id.in_(meeting_ids)))
    out = {}
    for live in rows:
        meeting = session.get(Meeting, live.meeting_id)
        out[live.meeting_id] = live_state(session, meeting, live)
    return out


# --- commands -----------------------------------------------------------------------------------
def _quorum_snapshot(session: Session, actor: Actor, meeting: Meeting) -> dict[str, Any] | None:
    from app.services import attendance

    board = attendance.board(session, actor, meeting.id)
    return {**board["quorum"], "counts": board["counts"], "at": iso(utcnow())}


def _set_meeting_status(session: Session, actor: Actor, meeting: Meeting, status: str) -> None:
    if meeting.status == status:
        return
    meeting.status = status
    meeting.version += 1
    meeting.updated_at = utcnow()
    session.flush()
    record_event(session, kind="meeting", action="updated", entity_id=meeting.id, data=meeting_dict(meeting), actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)


def _end_item(live: LiveMeeting, now: datetime) -> None:
    log = list(live.item_log or [])
    if log and log[-1].get("ended_at") is None:
        log[-1] = {**log[-1], "ended_at": iso(now)}
    live.item_log = log


def _take_up(session: Session, live: LiveMeeting, item: dict[str, Any], now: datetime) -> None:
    _end_item(live, now)
    live.current_item_id = item["id"]
    running = now if live.state == LiveState.OPEN else None
    _set_timer(live, Timer(int(item.get("duration_minutes") or 0) * 60, 0.0, running))
    live.item_log = [*live.item_log, {"item_id": item["id"], "title": item["title"], "started_at": iso(now), "ended_at": None}]
    live.page_document_id, live.page_number = None, 0


def _end_floor(session: Session, meeting_id: str, now: datetime) -> bool:
    speaking = session.scalars(select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting_id, SpeakerRequest.state == "speaking")).all()
    for r in speaking:
        r.state, r.ended_at = "done", now
    return bool(speaking)


def run_command(session: Session, actor: Actor, meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Apply one of the chair's commands (app/domain/live.py Command) and tell every client."""
    _require(actor, RUNNERS)
    meeting = get_meeting_row(session, actor, meeting_id)
    command = rules.parse_command(body.get("command"))
    live = _live(session, meeting, lock=True)
    state = LiveState(live.state)
    target = rules.check_allowed(state, command)
    now = utcnow()
    agenda = _agenda(session, meeting.id)
    if command == Command.OPEN:
        if meeting.status not in ("scheduled", "open", "adjourned"):
            raise MeetingNotOpenableError()
        live.state = target.value
        if live.opened_at is None:
            live.opened_at = now
        live.quorum = _quorum_snapshot(session, actor, meeting)
        if live.current_item_id is None and agenda:
            _take_up(session, live, agenda[0], now)
        else:
            _set_timer(live, _timer(live).started(now))
        _set_meeting_status(session, actor, meeting, "open")
    elif command in (Command.PAUSE, Command.ADJOURN, Command.CLOSE):
        live.state = target.value
        _set_timer(live, _timer(live).stopped(now))
        if command == Command.ADJOURN:
            _set_meeting_status(session, actor, meeting, "adjourned")
        if command == Command.CLOSE:
            _end_item(live, now)
            _end_floor(session, meeting.id, now)
            for vote in session.scalars(select(Vote).where(Vote.meeting_id == meeting.id, Vote.state == "open")):
                _close(session, vote, now)
                audit(session, actor, "vote.close", vote.question, vote_id=vote.id, meeting_id=meeting.id, why="meeting_closed")
            live.closed_at = now
            _set_meeting_status(session, actor, meeting, "closed")
    elif command == Command.RESUME:
        live.state = target.value
        _set_timer(live, _timer(live).started(now))
    elif command in (Command.GOTO, Command.NEXT, Command.PREVIOUS):
        order = [i["id"] for i in agenda]
        if command == Command.GOTO:
            item_id = body.get("item_id")
            if item_id not in order:
                raise rules.NoSuchItemError()
        else:
            item_id = rules.step_item(order, live.current_item_id, 1 if command == Command.NEXT else -1)
        _take_up(session, live, next(i for i in agenda if i["id"] == item_id), now)
    elif command == Command.SHOW_PAGE:
        document_id = body.get("document_id")
        doc = session.get(Document, document_id) if _key(document_id) else None
        if doc is None or doc.meeting_id != meeting.id:
            raise DocumentNotInMeetingError()
        page = body.get("page", 0)
        if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page < max(doc.pages, 1):
            raise InvalidPageError()
        live.page_document_id, live.page_number = doc.id, page
    elif command == Command.SET_ITEM_TIME:
        timer = _timer(live)
        _set_timer(live, Timer(rules.seconds(body.get("seconds")), timer.elapsed, timer.running_since))
    elif command == Command.GIVE_FLOOR:
        request = _request(session, body.get("request_id"))
        if request.meeting_id != meeting.id:
            raise SpeakerRequestNotFoundError()
        if request.state != "waiting":
            raise RequestNotWaitingError()
        _end_floor(session, meeting.id, now)
        request.state, request.started_at = "speaking", now
        request.planned_seconds = rules.seconds(body.get("seconds", request.planned_seconds or 0))
    elif command == Command.SET_SPEAKING_TIME:
        speaking = session.scalar(select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.state == "speaking"))
        if speaking is None:
            raise NobodyHasFloorError()
        speaking.planned_seconds = rules.seconds(body.get("seconds"))
    elif command == Command.END_FLOOR:
        if not _end_floor(session, meeting.id, now):
            raise NobodyHasFloorError()
    return _publish(session, actor, meeting, live, command.value)


# --- speakers' queue ----------------------------------------------------------------------------
def _request(session: Session, request_id: Any) -> SpeakerRequest:
    request = session.get(SpeakerRequest, request_id) if _key(request_id) else None
    if request is None:
        raise SpeakerRequestNotFoundError()
    return request


def _person_id(actor: Actor) -> str:
    _require(actor, PARTICIPANTS)
    if not actor.person_id:
        raise NoPersonError()
    return actor.person_id


def ask_to_speak(session: Session, actor: Actor, meeting_id: str, *, kind: Any = None, request_id: Any = None) -> dict[str, Any]:
    """Join the queue (a point of order goes to its front). Asking again while waiting changes
    nothing but the kind, so a double tap or a replay queues one request."""
    person_id = _person_id(actor)
    meeting = get_meeting_row(session, actor, meeting_id)
    speak_kind = rules.speak_kind(kind)
    live = _live(session, meeting, lock=True)
    if live.state not in rules.SITTING:
        raise rules.NotAllowedNowError(state=rules.STATE_LABELS[LiveState(live.state)])
    existing = session.scalar(select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.person_id == person_id, SpeakerRequest.state == "waiting"))
    if existing is not None:
        existing.kind = speak_kind.value
        request = existing
    else:
        person = session.get(Person, person_id)
        request = SpeakerRequest(id=_id(request_id) or new_id(), meeting_id=meeting.id, agenda_item_id=live.current_item_id, person_id=person_id,
                                 name=person.full_name if person else actor.username, kind=speak_kind.value, state="waiting", requested_at=utcnow(), planned_seconds=0)
        if session.get(SpeakerRequest, request.id) is not None:
            raise ConflictError()
        session.add(request)
    session.flush()
    _publish(session, actor, meeting, live, "ask_to_speak")
    return _speaker_dict(request)


def withdraw_request(session: Session, actor: Actor, request_id: str) -> dict[str, Any]:
    person_id = _person_id(actor)
    request = _request(session, request_id)
    meeting = get_meeting_row(session, actor, request.meeting_id)
    if request.person_id != person_id:
        raise NotYourRequestError()
    if request.state != "waiting":
        raise RequestNotWaitingError()
    request.state, request.ended_at = "withdrawn", utcnow()
    _publish(session, actor, meeting, _live(session, meeting, lock=True), "withdraw")
    return _speaker_dict(request)


# --- votes --------------------------------------------------------------------------------------
def eligible_voters(session: Session, meeting: Meeting) -> tuple[list[str], str, int]:
    """(person ids who may vote, "attendance" or "members", the body's seats) at this moment."""
    from app.services import attendance

    members = attendance.member_ids(session, meeting.body_id)
    checked_in = session.scalar(select(func.count()).select_from(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting.id, AttendanceEvent.action == "check_in"))
    if not checked_in:
        return members, "members", len(members)
    board = attendance._board(session, meeting)
    eligible = []
    for row in board["rows"]:
        if row["member"] and row["state"] == "present":
            eligible.append(row["person_id"])
        elif row["member"] and row["state"] == "substitute" and row.get("substitute"):
            eligible.append(row["substitute"]["person_id"])
        elif not members and row["state"] == "present":  # a meeting without a body: whoever is here
            eligible.append(row["person_id"])
    from app.services import proxies

    eligible += proxies.represented_seats(session, meeting.id, eligible)  # absent, with an approved proxy present
    return eligible, "attendance", len(members) or len(eligible)


def open_vote(session: Session, actor: Actor, meeting_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    _require(actor, RUNNERS)
    meeting = get_meeting_row(session, actor, meeting_id)
    live = _live(session, meeting, lock=True)
    if live.state not in rules.SITTING:
        raise rules.NotAllowedNowError(state=rules.STATE_LABELS[LiveState(live.state)])
    question = _text(fields.get("question"), "question", MAX_QUESTION, required=True)
    item_id = fields.get("agenda_item_id", live.current_item_id)
    if item_id is not None and item_id not in [i["id"] for i in _agenda(session, meeting.id)]:
        raise rules.NoSuchItemError()
    duration = rules.seconds(fields.get("duration_seconds") or 0)
    eligible, source, members = eligible_voters(session, meeting)
    now = utcnow()
    vote_id = _id(fields.get("id"))
    if vote_id and session.get(Vote, vote_id) is not None:
        raise ConflictError()
    vote = Vote(id=vote_id or new_id(), meeting_id=meeting.id, agenda_item_id=item_id, question=question, options=rules.vote_options(fields.get("options")),
                secret=bool(fields.get("secret", False)), rule=rules.majority_rule(fields.get("rule")).value, duration_seconds=duration, state="open",
                opened_at=now, closes_at=now + timedelta(seconds=duration) if duration else None, eligible=eligible, eligible_source=source,
                members=members, created_by=actor.account_id)
    session.add(vote)
    session.flush()
    audit(session, actor, "vote.open", vote.question, vote_id=vote.id, meeting_id=meeting.id, secret=vote.secret, rule=vote.rule,
          eligible=len(eligible))
    _publish(session, actor, meeting, live, "vote_opened")
    return _vote_summary(vote)


def _vote(session: Session, vote_id: Any, *, lock: bool = False) -> Vote:
    if not _key(vote_id):
        raise VoteNotFoundError()
    locked = session.info.get(LOCKED_VOTES, {})
    if lock and vote_id in locked:
        # Locked for the whole transaction by `lock_votes` (a group of ballots): ours until commit.
        vote = locked[vote_id]
    else:
        query = select(Vote).where(Vote.id == vote_id)
        vote = session.scalar(query.with_for_update() if lock else query)
    if vote is None:
        raise VoteNotFoundError()
    return vote


LOCKED_VOTES = "locked_votes"


def lock_votes(session: Session, vote_ids: set[str]) -> list[Any]:
    """Lock these votes' rows once for the transaction, outside any savepoint (a savepoint rolled
    back could lose a lock taken inside it), so each ballot of a group need not lock again.

    Returns the votes and their meetings: the caller keeps them while it writes the ballots, as
    the session only holds weak references and would otherwise load them again for each one."""
    held: list[Any] = []
    locked = session.info.setdefault(LOCKED_VOTES, {})
    for vote_id in sorted(v for v in vote_ids if _key(v)):  # sorted: the same order in every writer
        vote = session.scalar(select(Vote).where(Vote.id == vote_id).with_for_update())
        if vote is not None:
            locked[vote_id] = vote
            held += [vote, session.get(Meeting, vote.meeting_id)]
    return held


def _choices(session: Session, vote: Vote) -> list[str]:
    table = SecretBallot if vote.secret else VoteBallot
    return list(session.scalars(select(table.choice).where(table.vote_id == vote.id)))


def _cast_count(session: Session, vote: Vote) -> int:
    table = VoteParticipant if vote.secret else VoteBallot
    return session.scalar(select(func.count()).select_from(table).where(table.vote_id == vote.id)) or 0


def _close(session: Session, vote: Vote, now: datetime) -> None:
    counts = rules.tally(list(vote.options), _choices(session, vote))
    vote.result = rules.result(list(vote.options), counts, rules.MajorityRule(vote.rule), members=vote.members)
    vote.state, vote.closed_at = "closed", now


def expired_votes(session: Session, now: datetime | None = None) -> list[str]:
    """Open votes whose time is up (few rows: the open votes of the chamber)."""
    now = now or utcnow()
    rows = session.execute(select(Vote.id, Vote.closes_at).where(Vote.state == "open", Vote.closes_at.is_not(None)))
    return [vote_id for vote_id, closes_at in rows if aware(closes_at) <= now]


def close_expired_votes(session: Session, now: datetime | None = None) -> int:
    """Close the votes whose time is up and tell every client the result, as the chair would."""
    now = now or utcnow()
    closed = 0
    for vote_id in expired_votes(session, now):
        vote = _vote(session, vote_id, lock=True)
        if vote.state != "open":
            continue
        meeting = session.get(Meeting, vote.meeting_id)
        _close(session, vote, now)
        audit(session, Actor.system(), "vote.close", vote.question, vote_id=vote.id, meeting_id=meeting.id, why="time_up")
        _publish(session, Actor.system(), meeting, _live(session, meeting, lock=True), "vote_closed")
        closed += 1
    return closed


def receipt_hash(vote_id: str, receipt: str) -> str:
    return hashlib.sha256(f"{vote_id}:{receipt}".encode()).hexdigest()


def cast_ballot(session: Session, actor: Actor, vote_id: str, *, choice: Any, receipt: Any = None, on_behalf_of: Any = None, announce: bool = True) -> dict[str, Any]:
    """Record (or change) the caller's ballot — or, as an approved proxy, the ballot of the seat
    `on_behalf_of` (app/services/proxies.py). One ballot per seat and vote, whatever is resent.

    `announce=False` leaves the running count to the caller, who writes many ballots in one
    transaction and calls `announce_ballots` once (app/server/ballot_lane.py)."""
    person_id = _person_id(actor)
    vote = _vote(session, vote_id, lock=True)
    meeting = get_meeting_row(session, actor, vote.meeting_id)
    if on_behalf_of is not None and on_behalf_of != person_id:
        from app.services import proxies

        person_id = proxies.check_proxy(session, vote.meeting_id, person_id, on_behalf_of)
    if person_id not in vote.eligible:
        raise NotEligibleError()
    now = utcnow()
    if vote.state != "open" or (vote.closes_at is not None and now > aware(vote.closes_at)):
        raise VoteClosedError()
    choice = rules.check_choice(list(vote.options), choice)
    changed = False
    if vote.secret:
        if not isinstance(receipt, str) or not 16 <= len(receipt) <= 128:
            raise ReceiptRequiredError()
        digest = receipt_hash(vote.id, receipt)
        voted = session.scalar(select(VoteParticipant).where(VoteParticipant.vote_id == vote.id, VoteParticipant.person_id == person_id))
        if voted is None:
            session.add(VoteParticipant(vote_id=vote.id, person_id=person_id, voted_at=now))
            session.add(SecretBallot(vote_id=vote.id, choice=choice, receipt_hash=digest))
        else:
            ballot = session.scalar(select(SecretBallot).where(SecretBallot.vote_id == vote.id, SecretBallot.receipt_hash == digest))
            if ballot is None:
                raise ReceiptMismatchError()
            ballot.choice, changed = choice, True
    else:
        ballot = session.scalar(select(VoteBallot).where(VoteBallot.vote_id == vote.id, VoteBallot.person_id == person_id))
        if ballot is None:
            session.add(VoteBallot(vote_id=vote.id, person_id=person_id, choice=choice, cast_at=now, updated_at=now, account_id=actor.account_id))
        else:
            ballot.choice, ballot.updated_at, ballot.account_id, changed = choice, now, actor.account_id, True
    # Who voted and for whom; the choice (and a change of mind) only for a named vote, whose
    # ballots name their voter anyway. A secret ballot: one row, that the seat voted — never how,
    # nor (by a second row) that it was changed.
    if not (vote.secret and changed):
        seen = {"secret": True} if vote.secret else {"secret": False, "choice": choice, "changed": changed}
        audit(session, actor, "vote.ballot", vote.question, vote_id=vote.id, meeting_id=meeting.id, **seen,
              **({"on_behalf_of": person_id} if person_id != actor.person_id else {}))
    session.flush()
    if announce:
        _announce(session, actor, vote, meeting)
    # The answer (kept with the operation id for replays) never says how a secret ballot went.
    return {"vote_id": vote.id, "voted": True, "choice": None if vote.secret else choice, "at": iso(now)}


def announce_ballots(session: Session, actor: Actor, vote_id: str) -> None:
    """Tell the chair's side how many have voted (and, for a named vote, the running count)."""
    vote = _vote(session, vote_id)
    _announce(session, actor, vote, session.get(Meeting, vote.meeting_id))


def _announce(session: Session, actor: Actor, vote: Vote, meeting: Meeting) -> None:
    data: dict[str, Any] = {"vote_id": vote.id, "meeting_id": vote.meeting_id, "cast": _cast_count(session, vote), "eligible_count": len(vote.eligible)}
    if not vote.secret:
        data["counts"] = rules.tally(list(vote.options), _choices(session, vote))
    record_event(session, kind="ballot", action="cast", entity_id=vote.id, data=data, actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)


def close_vote(session: Session, actor: Actor, vote_id: str) -> dict[str, Any]:
    _require(actor, RUNNERS)
    vote = _vote(session, vote_id, lock=True)
    meeting = get_meeting_row(session, actor, vote.meeting_id)
    if vote.state != "open":
        raise VoteClosedError()
    _close(session, vote, utcnow())
    audit(session, actor, "vote.close", vote.question, vote_id=vote.id, meeting_id=meeting.id, why="chair")
    _publish(session, actor, meeting, _live(session, meeting, lock=True), "vote_closed")
    return _vote_summary(vote)


def get_vote(session: Session, actor: Actor, vote_id: str) -> dict[str, Any]:
    """A vote with how many voted and the caller's own ballot; the chair's side also sees the
    running count of a named vote (and who chose what); a secret vote's count only once closed."""
    vote = _vote(session, vote_id)
    get_meeting_row(session, actor, vote.meeting_id)
    out = {**_vote_summary(vote), "cast": _cast_count(session, vote), "time_up": bool(vote.closes_at and utcnow() > aware(vote.closes_at))}
    if actor.person_id:
        if vote.secret:
            out["mine"] = {"voted": session.scalar(select(VoteParticipant.id).where(VoteParticipant.vote_id == vote.id, VoteParticipant.person_id == actor.person_id)) is not None}
        else:
            mine = session.scalar(select(VoteBallot.choice).where(VoteBallot.vote_id == vote.id, VoteBallot.person_id == actor.person_id))
            out["mine"] = {"voted": mine is not None, "choice": mine}
    if actor.role in RUNNERS and not vote.secret:
        out["counts"] = rules.tally(list(vote.options), _choices(session, vote))
        out["ballots"] = [{"person_id": p, "choice": c} for p, c in session.execute(select(VoteBallot.person_id, VoteBallot.choice).where(VoteBallot.vote_id == vote.id))]
    if vote.secret and vote.state == "closed":
        out["voters"] = list(session.scalars(select(VoteParticipant.person_id).where(VoteParticipant.vote_id == vote.id)))
    return out


# --- conclusions --------------------------------------------------------------------------------
def set_conclusion(session: Session, actor: Actor, meeting_id: str, item_id: str, *, text: Any, vote_id: Any = None) -> dict[str, Any]:
    _require(actor, RUNNERS)
    meeting = get_meeting_row(session, actor, meeting_id)
    item = session.get(AgendaItem, item_id) if _key(item_id) else None
    if item is None or item.meeting_id != meeting.id:
        raise rules.NoSuchItemError()
    if vote_id is not None:
        vote = _vote(session, vote_id)
        if vote.meeting_id != meeting.id:
            raise VoteNotFoundError()
    row = session.get(ItemConclusion, item.id)
    if row is None:
        row = ItemConclusion(agenda_item_id=item.id, meeting_id=meeting.id)
        session.add(row)
    row.text, row.vote_id, row.updated_at, row.updated_by = _text(text, "conclusion", MAX_TEXT), vote_id, utcnow(), actor.account_id
    _publish(session, actor, meeting, _live(session, meeting, lock=True), "conclusion")
    return {"agenda_item_id": item.id, "meeting_id": meeting.id, "text": row.text, "vote_id": row.vote_id, "updated_at": iso(row.updated_at)}


# --- follow-up tasks ----------------------------------------------------------------------------
TASK_FIELDS = ("what", "agenda_item_id", "responsible_person_id", "responsible_unit", "supporters", "deadline", "expected_result", "status", "progress", "progress_note")


def task_dict(t: FollowUpTask, today: date | None = None) -> dict[str, Any]:
    today = today or utcnow().date()
    return {
        "id": t.id, "meeting_id": t.meeting_id, "agenda_item_id": t.agenda_item_id, "body_id": t.body_id, "what": t.what,
        "responsible_person_id": t.responsible_person_id, "responsible_unit": t.responsible_unit, "supporters": list(t.supporters or []),
        "deadline": t.deadline.isoformat() if t.deadline else None, "expected_result": t.expected_result, "status": t.status,
        "progress": t.progress, "progress_note": t.progress_note, "done_on": t.done_on.isoformat() if t.done_on else None,
        "timeliness": rules.timeliness(t.status, t.deadline, t.done_on, today).value, "version": t.version,
        "created_at": iso(t.created_at), "updated_at": iso(t.updated_at),
    }


def _deadline(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise rules.InvalidTaskError(reason=N_("the deadline is not a date")) from None


def _apply_task(session: Session, task: FollowUpTask, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(TASK_FIELDS) - {"id"}
    if unknown:
        raise rules.InvalidTaskError(reason=", ".join(sorted(unknown))[:80])
    if "what" in fields:
        task.what = _text(fields["what"], "what", MAX_TEXT, required=True)
    if "agenda_item_id" in fields:
        item_id = fields["agenda_item_id"]
        if item_id is not None and item_id not in [i["id"] for i in _agenda(session, task.meeting_id)]:
            raise rules.NoSuchItemError()
        task.agenda_item_id = item_id
    if "responsible_person_id" in fields:
        pid = fields["responsible_person_id"]
        if pid is not None and (not _key(pid) or session.get(Person, pid) is None):
            raise rules.InvalidTaskError(reason=N_("the responsible person does not exist"))
        task.responsible_person_id = pid
    if "responsible_unit" in fields:
        task.responsible_unit = _text(fields["responsible_unit"], "responsible_unit", 300)
    if "supporters" in fields:
        value = fields["supporters"] or []
        if not isinstance(value, list) or len(value) > 50:
            raise rules.InvalidTaskError(reason=N_("supporters is a list of names or units"))
        task.supporters = [_text(s, "supporters", 300, required=True) for s in value]
    if "deadline" in fields:
        task.deadline = _deadline(fields["deadline"])
    if "expected_result" in fields:
        task.expected_result = _text(fields["expected_result"], "expected_result", MAX_TEXT)
    if "progress" in fields:
        task.progress = rules.progress(fields["progress"])
    if "progress_note" in fields:
        task.progress_note = _text(fields["progress_note"], "progress_note", MAX_TEXT)
    if "status" in fields:
        status = rules.task_status(fields["status"])
        if status == rules.TaskStatus.DONE and task.status != status:
            task.done_on, task.progress = utcnow().date(), 100
        elif status != rules.TaskStatus.DONE:
            task.done_on = None
        task.status = status.value
    if not task.responsible_person_id and not task.responsible_unit:
        raise rules.InvalidTaskError(reason=N_("a responsible person or unit is needed"))


def _task_event(session: Session, actor: Actor, task: FollowUpTask, action: str) -> dict[str, Any]:
    session.flush()
    data = task_dict(task)
    record_event(session, kind="task", action=action, entity_id=task.id, data=data, actor=actor, meeting_id=task.meeting_id, body_id=task.body_id)
    return data


def create_task(session: Session, actor: Actor, meeting_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    _require(actor, RUNNERS)
    meeting = get_meeting_row(session, actor, meeting_id)
    task_id = _id(fields.get("id"))
    if task_id and session.get(FollowUpTask, task_id) is not None:
        raise ConflictError()
    now = utcnow()
    task = FollowUpTask(id=task_id or new_id(), meeting_id=meeting.id, body_id=meeting.body_id, what="", responsible_unit="", supporters=[], expected_result="",
                        status="open", progress=0, progress_note="", version=1, created_by=actor.account_id, created_at=now, updated_at=now)
    if "what" not in fields:
        fields = {**fields, "what": None}
    _apply_task(session, task, fields)
    session.add(task)
    return _task_event(session, actor, task, "created")


def update_task(session: Session, actor: Actor, task_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    _require(actor, RUNNERS)
    task = session.get(FollowUpTask, task_id) if _key(task_id) else None
    if task is None:
        raise TaskNotFoundError()
    get_meeting_row(session, actor, task.meeting_id)
    _apply_task(session, task, fields)
    task.version += 1
    task.updated_at = utcnow()
    return _task_event(session, actor, task, "updated")


def list_tasks(session: Session, actor: Actor, meeting_id: str) -> list[dict[str, Any]]:
    get_meeting_row(session, actor, meeting_id)
    rows = session.scalars(select(FollowUpTask).where(FollowUpTask.meeting_id == meeting_id).order_by(FollowUpTask.created_at, FollowUpTask.id))
    return [task_dict(t) for t in rows]


def visible_tasks(session: Session, meeting_ids: list[str]) -> list[dict[str, Any]]:
    if not meeting_ids:
        return []
    rows = session.scalars(select(FollowUpTask).where(FollowUpTask.meeting_id.in_(meeting_ids)).order_by(FollowUpTask.created_at, FollowUpTask.id))
    return [task_dict(t) for t in rows]


def overdue_for_meeting(session: Session, actor: Actor, meeting_id: str) -> list[dict[str, Any]]:
    """The open tasks of the meeting's body from its earlier meetings that are past their deadline:
    what this meeting's agenda should take up again."""
    meeting = get_meeting_row(session, actor, meeting_id)
    if meeting.body_id is None:
        return []
    return [t for t in overdue_tasks(session, meeting.body_id) if t["meeting_id"] != meeting.id]


def overdue_tasks(session: Session, body_id: str, today: date | None = None) -> list[dict[str, Any]]:
    """Open tasks of a body past their deadline: what the next meeting's agenda should take up."""
    today = today or utcnow().date()
    rows = session.scalars(select(FollowUpTask).where(FollowUpTask.body_id == body_id, FollowUpTask.status == "open", FollowUpTask.deadline < today)
                           .order_by(FollowUpTask.deadline, FollowUpTask.id))
    return [task_dict(t, today) for t in rows]
