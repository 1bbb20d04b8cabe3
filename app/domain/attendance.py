"""Attendance rules, pure: what an attendance event may say, and from a meeting's events to each
person's state (present, left, absent, excused, represented by a substitute), the counts and the
quorum. The server and every client compute the board with these same functions, so a kiosk or a
secretary working offline sees what the server will see.

Events are facts from devices and are never changed: they are replayed in the order they happened
on the device (`at`), so an offline kiosk's check-ins sent later still land in their place. A
check-in of someone already present, or a check-out of someone not present, changes nothing.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, Iterable, Mapping

from app.domain.clock import aware
from app.domain.roles import Role
from app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_

# A kiosk, the secretariat and the admin record any check-in or check-out; the chair records by
# hand only (face check-ins come from a camera); excuses are for the secretariat, admin and chair.
RECORDERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.KIOSK})
READERS = RECORDERS
MANUAL_ONLY = frozenset({Role.CHAIR})
EXCUSERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR})
EXPORTERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR})
QUORUM_KEEPERS = frozenset({Role.ADMIN, Role.SECRETARIAT})

MAX_REASON = 500
MAX_DEVICE = 200
MAX_DISTANCE = 2.0  # face encodings are unit-ish vectors: any real distance is far below this


class Action(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"  # the excuse is taken back (marked by mistake)


class Method(StrEnum):
    FACE = "face"
    MANUAL = "manual"


class State(StrEnum):
    PRESENT = "present"
    SUBSTITUTE = "substitute"  # a member represented by a substitute who is present
    EXCUSED = "excused"
    LEFT = "left"  # came and went
    ABSENT = "absent"


class QuorumRule(StrEnum):
    MORE_THAN_HALF = "more_than_half"
    TWO_THIRDS = "two_thirds"
    AT_LEAST = "at_least"


STATE_LABELS = {
    State.PRESENT: N_("Present"),
    State.SUBSTITUTE: N_("Substitute present"),
    State.EXCUSED: N_("Excused"),
    State.LEFT: N_("Left the meeting"),
    State.ABSENT: N_("Absent"),
}
METHOD_LABELS = {Method.FACE: N_("Face"), Method.MANUAL: N_("Manual")}
QUORUM_RULE_LABELS = {
    QuorumRule.MORE_THAN_HALF: N_("More than half of the members"),
    QuorumRule.TWO_THIRDS: N_("At least two thirds of the members"),
    QuorumRule.AT_LEAST: N_("At least a set number of members"),
}


class UnknownAttendanceActionError(InvalidInputError):
    message = N_("Unknown attendance action: %(value)s.")


class UnknownCheckInMethodError(InvalidInputError):
    message = N_("Unknown check-in method: %(value)s.")


class ReasonRequiredError(InvalidInputError):
    message = N_("Give a reason: it goes into the attendance record.")


class ReasonTooLongError(InvalidInputError):
    message = N_("The reason is too long (at most %(limit)d characters).")


class FaceDistanceError(InvalidInputError):
    message = N_("A face check-in needs the match distance (a number from 0 to 2).")


class SubstituteForSelfError(InvalidInputError):
    message = N_("A person cannot be their own substitute.")


class BadEventIdError(InvalidInputError):
    message = N_("The attendance event id must be a UUID.")


class BadEventTimeError(InvalidInputError):
    message = N_("The time of the attendance event is not a valid date and time.")


class UnknownQuorumRuleError(InvalidInputError):
    message = N_("Unknown quorum rule: %(value)s.")


class QuorumCountError(InvalidInputError):
    message = N_("The number of members required must be between 1 and %(limit)d.")


class UnknownPersonError(NotFoundError):
    message = N_("This person is not in the chamber's directory.")


class BodyNotFoundError(NotFoundError):
    message = N_("This council body does not exist.")


class FaceCheckInNotAllowedError(PermissionDeniedError):
    message = N_("Face check-ins come from a check-in kiosk; check in by hand instead.")


class ExcuseNotAllowedError(PermissionDeniedError):
    message = N_("Only the secretariat or the chair can mark someone as excused.")


class SubstituteNotForMemberError(InvalidInputError):
    message = N_("A substitute can only stand in for a member of the body holding this meeting.")


class SubstituteIsMemberError(InvalidInputError):
    message = N_("%(name)s is a member and counts for themselves; they cannot also stand in for another member.")


def check_may_record(role: Role, event: Mapping[str, Any]) -> None:
    """The role rules of one clean event (the endpoint has already checked RECORDERS)."""
    if event["method"] == Method.FACE and role in MANUAL_ONLY:
        raise FaceCheckInNotAllowedError()
    if event["action"] in (Action.EXCUSED, Action.UNEXCUSED) and role not in EXCUSERS:
        raise ExcuseNotAllowedError()


def check_substitute(event: Mapping[str, Any], members: set[str], person_name: str) -> None:
    """A substitute stands in for a member, and is not a member themselves (who counts for
    themselves: one person cannot fill two seats)."""
    if event.get("substitute_for"):
        if event["substitute_for"] not in members:
            raise SubstituteNotForMemberError()
        if event["person_id"] in members:
            raise SubstituteIsMemberError(name=person_name)


def parse_time(value: Any) -> datetime:
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return aware(dt).astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:  # not a time, or year 1 at +14:00 (out of range in UTC)
        raise BadEventTimeError() from exc


def clean_event(fields: Mapping[str, Any], *, now: datetime) -> dict[str, Any]:
    """An attendance event as it is stored and sent: checked, with defaults, `at` in UTC ISO form.

    `at` defaults to `now` and is never later than `now`: a device whose clock runs ahead cannot
    record an arrival in the future."""
    try:
        action = Action(fields.get("action") or "")
    except ValueError:
        raise UnknownAttendanceActionError(value=str(fields.get("action"))) from None
    try:
        method = Method(fields.get("method") or Method.MANUAL)
    except ValueError:
        raise UnknownCheckInMethodError(value=str(fields.get("method"))) from None
    event_id = fields.get("id") or str(uuid.uuid4())
    try:
        event_id = str(uuid.UUID(str(event_id)))
    except ValueError:
        raise BadEventIdError() from None
    reason = (fields.get("reason") or "").strip()
    if len(reason) > MAX_REASON:
        raise ReasonTooLongError(limit=MAX_REASON)
    if action == Action.EXCUSED or (method == Method.MANUAL and action in (Action.CHECK_IN, Action.CHECK_OUT)):
        if not reason:
            raise ReasonRequiredError()
    distance = fields.get("distance")
    if method == Method.FACE and action in (Action.CHECK_IN, Action.CHECK_OUT):
        try:
            distance = float(distance)
        except (TypeError, ValueError):
            raise FaceDistanceError() from None
        if not 0 <= distance <= MAX_DISTANCE or math.isnan(distance):
            raise FaceDistanceError()
    else:
        distance = None
    if action in (Action.EXCUSED, Action.UNEXCUSED):
        method = Method.MANUAL
    substitute_for = fields.get("substitute_for") or None
    if action != Action.CHECK_IN:
        substitute_for = None
    person_id = str(fields.get("person_id") or "")
    if substitute_for is not None and substitute_for == person_id:
        raise SubstituteForSelfError()
    at = parse_time(fields["at"]) if fields.get("at") else now
    at = min(at, now.astimezone(timezone.utc))
    return {
        "id": event_id,
        "person_id": person_id,
        "action": action.value,
        "method": method.value,
        "at": at.isoformat(),
        "device": str(fields.get("device") or "")[:MAX_DEVICE],
        "distance": distance,
        "reason": reason,
        "substitute_for": substitute_for,
    }


# --- quorum ------------------------------------------------------------------------------------
def check_quorum_rule(rule: str, count: int | None, *, limit: int = 10_000) -> tuple[str, int]:
    try:
        chosen = QuorumRule(rule)
    except ValueError:
        raise UnknownQuorumRuleError(value=str(rule)) from None
    if chosen != QuorumRule.AT_LEAST:
        return chosen.value, 0
    if not isinstance(count, int) or not 1 <= count <= limit:
        raise QuorumCountError(limit=limit)
    return chosen.value, count


def required_for_quorum(rule: str, count: int, members: int) -> int:
    """How many members must be present (in person or by substitute)."""
    if rule == QuorumRule.TWO_THIRDS:
        return math.ceil(2 * members / 3)
    if rule == QuorumRule.AT_LEAST:
        return count
    return members // 2 + 1


# --- the board ---------------------------------------------------------------------------------
@dataclass
class Presence:
    """One person's attendance at one meeting, from their events."""

    person_id: str
    present: bool = False
    excused: bool = False
    excuse_reason: str = ""
    arrived_at: str | None = None
    left_at: str | None = None
    method: str | None = None
    distance: float | None = None
    device: str = ""
    reason: str = ""
    substitute_for: str | None = None
    intervals: list[list[str | None]] = field(default_factory=list)
    pending: bool = False  # an event not yet confirmed by the server (clients only)


def _order(event: Mapping[str, Any]) -> tuple:
    # Device time first; events recorded at the same instant keep the order the server stored them.
    return (parse_time(event["at"]), event.get("recorded_at") or "~", event["id"])


def presences(events: Iterable[Mapping[str, Any]]) -> dict[str, Presence]:
    """Each person's attendance, replaying their events in the order they happened."""
    seen: set[str] = set()
    out: dict[str, Presence] = {}
    for e in sorted(events, key=_order):
        if e["id"] in seen:  # the same event twice (a cache and an outbox): once
            continue
        seen.add(e["id"])
        p = out.setdefault(e["person_id"], Presence(e["person_id"]))
        p.pending = p.pending or bool(e.get("pending"))
        action = e["action"]
        if action == Action.CHECK_IN and not p.present:
            p.present, p.left_at = True, None
            p.arrived_at = p.arrived_at or e["at"]
            p.method, p.distance, p.device = e.get("method"), e.get("distance"), e.get("device") or ""
            p.reason, p.substitute_for = e.get("reason") or "", e.get("substitute_for")
            p.intervals.append([e["at"], None])
        elif action == Action.CHECK_OUT and p.present:
            p.present, p.left_at = False, e["at"]
            p.intervals[-1][1] = e["at"]
            if e.get("reason"):
                p.reason = e["reason"]
        elif action == Action.EXCUSED:
            p.excused, p.excuse_reason = True, e.get("reason") or ""
        elif action == Action.UNEXCUSED:
            p.excused, p.excuse_reason = False, ""
    return out


def _person(persons: Mapping[str, Mapping[str, Any]], person_id: str | None) -> dict[str, Any] | None:
    if person_id is None:
        return None
    p = persons.get(person_id) or {}
    return {"person_id": person_id, "full_name": p.get("full_name") or "?"}


def board(events: Iterable[Mapping[str, Any]], *, members: list[str], persons: Mapping[str, Mapping[str, Any]],
          quorum_rule: str = QuorumRule.MORE_THAN_HALF.value, quorum_count: int = 0) -> dict[str, Any]:
    """The attendance board: a row per member (in `members` order), then everyone else who
    checked in (substitutes, guests); the counts; and the quorum.

    A member counts for the quorum when present in person or when a substitute who is not a member
    themselves is present for them; a member and their substitute both present count once."""
    events = list(events)
    state = presences(events)
    roster = list(dict.fromkeys(members))
    member_set = set(roster)
    standing_in: dict[str, list[Presence]] = {}
    for p in state.values():
        if p.present and p.substitute_for in member_set and p.person_id not in member_set:
            standing_in.setdefault(p.substitute_for, []).append(p)

    def row(person_id: str, member: bool) -> dict[str, Any]:
        p = state.get(person_id) or Presence(person_id)
        info = persons.get(person_id) or {}
        subs = standing_in.get(person_id, []) if member else []
        if p.present:
            st = State.PRESENT
        elif subs:
            st = State.SUBSTITUTE
        elif p.excused:
            st = State.EXCUSED
        elif p.arrived_at:
            st = State.LEFT
        else:
            st = State.ABSENT
        sub = subs[0] if subs else None
        return {
            "person_id": person_id,
            "full_name": info.get("full_name") or "?",
            "title": info.get("title") or "",
            "unit": info.get("unit") or "",
            "member": member,
            "state": st.value,
            "arrived_at": p.arrived_at,
            "left_at": p.left_at,
            "method": p.method,
            "distance": p.distance,
            "device": p.device,
            "reason": p.reason,
            "excused": p.excused,
            "excuse_reason": p.excuse_reason,
            "intervals": [list(i) for i in p.intervals],
            "substitute": {**_person(persons, sub.person_id), "arrived_at": sub.arrived_at, "method": sub.method} if sub else None,
            "substitute_for": _person(persons, p.substitute_for) if not member and p.substitute_for else None,
            "pending": p.pending,
        }

    rows = [row(pid, True) for pid in roster]
    others = [pid for pid, p in state.items() if pid not in member_set and (p.arrived_at or p.excused)]
    others.sort(key=lambda pid: ((persons.get(pid) or {}).get("full_name") or "", pid))
    rows += [row(pid, False) for pid in others]

    counts = {s.value: 0 for s in State}
    for r in rows[: len(roster)]:
        counts[r["state"]] += 1
    counts["absent"] += counts[State.LEFT]  # "absent" is everyone not here now; "left" says who came and went
    counts["members"] = len(roster)
    counts["guests"] = sum(1 for r in rows[len(roster):] if r["state"] == State.PRESENT and not r["substitute_for"])
    counts["in_room"] = sum(1 for p in state.values() if p.present)
    present = counts[State.PRESENT] + counts[State.SUBSTITUTE]
    required = required_for_quorum(quorum_rule, quorum_count, len(roster))
    return {
        "rows": rows,
        "counts": counts,
        "quorum": {
            "rule": quorum_rule,
            "count": quorum_count,
            "members": len(roster),
            "present": present,
            "required": required,
            "reached": bool(roster) and present >= required,
            "applies": bool(roster),
        },
        "events": len({e["id"] for e in events}),
        "pending": sum(1 for e in events if e.get("pending")),
    }
