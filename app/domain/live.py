"""The live meeting as pure rules: its states and allowed transitions, the item and speaking
timers, the order of the speakers' queue, vote majority rules and results, and follow-up task
timeliness. No database here: app/services/live.py stores what these rules decide, and a client
can check a command with the same rules before it is sent.

States: scheduled → open ⇄ paused; open/paused → adjourned → open (reconvened); open, paused or
adjourned → closed (final). "On item N" is `current_item_id` while open or paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any, Iterable

from app.domain.roles import Role
from app.errors import ConflictError, InvalidInputError, PermissionDeniedError
from app.i18n import N_

# Who runs the meeting: the chair, and the secretariat and admin standing in for the console.
RUNNERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR})
# Who takes part from a seat: asks to speak and votes (eligibility is then checked per person).
PARTICIPANTS = frozenset({Role.CHAIR, Role.DELEGATE})


class LiveState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    PAUSED = "paused"
    ADJOURNED = "adjourned"
    CLOSED = "closed"


STATE_LABELS = {
    LiveState.SCHEDULED: N_("Not started"),
    LiveState.OPEN: N_("In session"),
    LiveState.PAUSED: N_("Paused"),
    LiveState.ADJOURNED: N_("Adjourned"),
    LiveState.CLOSED: N_("Closed"),
}


class Command(StrEnum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    ADJOURN = "adjourn"
    CLOSE = "close"
    GOTO = "goto"
    NEXT = "next"
    PREVIOUS = "previous"
    SHOW_PAGE = "show_page"
    SET_ITEM_TIME = "set_item_time"
    GIVE_FLOOR = "give_floor"
    SET_SPEAKING_TIME = "set_speaking_time"
    END_FLOOR = "end_floor"


# Which state each state-changing command leads to, from which states.
TRANSITIONS: dict[Command, tuple[frozenset[LiveState], LiveState]] = {
    Command.OPEN: (frozenset({LiveState.SCHEDULED, LiveState.ADJOURNED}), LiveState.OPEN),
    Command.PAUSE: (frozenset({LiveState.OPEN}), LiveState.PAUSED),
    Command.RESUME: (frozenset({LiveState.PAUSED}), LiveState.OPEN),
    Command.ADJOURN: (frozenset({LiveState.OPEN, LiveState.PAUSED}), LiveState.ADJOURNED),
    Command.CLOSE: (frozenset({LiveState.OPEN, LiveState.PAUSED, LiveState.ADJOURNED}), LiveState.CLOSED),
}
# Commands that act inside a running meeting (moving between items, the page shown, the floor).
IN_SESSION = frozenset({LiveState.OPEN, LiveState.PAUSED})
# Delegates may ask to speak and vote only while the meeting sits.
SITTING = frozenset({LiveState.OPEN})


class NotAllowedNowError(ConflictError):
    message = N_("This cannot be done while the meeting is %(state)s.")


class UnknownCommandError(InvalidInputError):
    message = N_("Unknown meeting command: %(value)s.")


class NoSuchItemError(InvalidInputError):
    message = N_("This agenda item is not on the agenda of this meeting.")


class EndOfAgendaError(ConflictError):
    message = N_("There is no further agenda item in that direction.")


class InvalidDurationError(InvalidInputError):
    message = N_("A duration must be between 0 and %(limit)s seconds.")


MAX_SECONDS = 24 * 3600


def parse_command(value: Any) -> Command:
    try:
        return Command(value)
    except ValueError:
        raise UnknownCommandError(value=str(value)[:40]) from None


def check_allowed(state: LiveState, command: Command) -> LiveState:
    """The state after `command`; raises NotAllowedNowError when the state does not allow it."""
    if command in TRANSITIONS:
        sources, target = TRANSITIONS[command]
        if state not in sources:
            raise NotAllowedNowError(state=STATE_LABELS[state])
        return target
    if state not in IN_SESSION:
        raise NotAllowedNowError(state=STATE_LABELS[state])
    return state


def seconds(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SECONDS:
        raise InvalidDurationError(limit=MAX_SECONDS)
    return int(value)


def step_item(order: list[str], current: str | None, step: int) -> str:
    """The agenda item `step` places from `current` in reading order (first item when none)."""
    if not order:
        raise EndOfAgendaError()
    if current not in order:
        return order[0] if step > 0 else order[-1]
    n = order.index(current) + step
    if not 0 <= n < len(order):
        raise EndOfAgendaError()
    return order[n]


# --- timers ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Timer:
    """A countdown that can be paused: `elapsed` seconds ran before `running_since` (None when stopped)."""

    planned: int
    elapsed: float = 0.0
    running_since: datetime | None = None

    def used(self, now: datetime) -> float:
        extra = (now - self.running_since).total_seconds() if self.running_since else 0.0
        return self.elapsed + max(0.0, extra)

    def remaining(self, now: datetime) -> float:
        """Seconds left; negative once over time. Planned 0 means no limit (remaining 0)."""
        return self.planned - self.used(now) if self.planned else 0.0

    def warning(self, now: datetime, *, before: int = 60) -> bool:
        """True in the last `before` seconds (or the last fifth of a short slot) and once over time."""
        if not self.planned:
            return False
        return self.remaining(now) <= min(before, self.planned / 5)

    def stopped(self, now: datetime) -> "Timer":
        return Timer(self.planned, self.used(now), None)

    def started(self, now: datetime) -> "Timer":
        return self if self.running_since else Timer(self.planned, self.elapsed, now)


# --- speakers' queue --------------------------------------------------------------------------
class SpeakKind(StrEnum):
    SPEAK = "speak"
    POINT_OF_ORDER = "point_of_order"


class InvalidSpeakKindError(InvalidInputError):
    message = N_("A request to speak is either to speak or a point of order.")


def speak_kind(value: Any) -> SpeakKind:
    try:
        return SpeakKind(value or SpeakKind.SPEAK)
    except ValueError:
        raise InvalidSpeakKindError() from None


def queue_order(requests: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Waiting requests in the order the floor is given: points of order first, then by time asked."""
    waiting = [r for r in requests if r["state"] == "waiting"]
    return sorted(waiting, key=lambda r: (r["kind"] != SpeakKind.POINT_OF_ORDER, r["requested_at"], r["id"]))


# --- votes ------------------------------------------------------------------------------------
class MajorityRule(StrEnum):
    # More "for" than "against" among the ballots cast; abstentions are not counted (ties fail).
    SIMPLE = "simple"
    # More than half of all members of the body vote "for", whoever was present.
    ABSOLUTE = "absolute"
    # At least two thirds of all members of the body vote "for".
    TWO_THIRDS = "two_thirds"


RULE_LABELS = {
    MajorityRule.SIMPLE: N_("Simple majority of votes cast"),
    MajorityRule.ABSOLUTE: N_("Absolute majority of members"),
    MajorityRule.TWO_THIRDS: N_("Two-thirds of members"),
}

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
STANDARD_OPTIONS = (FOR, AGAINST, ABSTAIN)
MAX_OPTIONS = 20


class InvalidVoteError(InvalidInputError):
    message = N_("The vote is not valid: %(reason)s.")


class NotEligibleError(PermissionDeniedError):
    message = N_("You are not eligible to vote in this vote.")


class InvalidChoiceError(InvalidInputError):
    message = N_("This choice is not one of the options of the vote.")


def majority_rule(value: Any) -> MajorityRule:
    try:
        return MajorityRule(value or MajorityRule.SIMPLE)
    except ValueError:
        raise InvalidVoteError(reason=N_("unknown majority rule")) from None


def vote_options(value: Any) -> list[str]:
    """The options of a vote: for/against/abstain unless custom ones are given (2 to 20, distinct)."""
    if value in (None, [], ()):
        return list(STANDARD_OPTIONS)
    if not isinstance(value, (list, tuple)) or not all(isinstance(o, str) and 0 < len(o.replace("\x00", "").strip()) <= 200 for o in value):
        raise InvalidVoteError(reason=N_("options must be short texts"))
    options = [o.replace("\x00", "").strip() for o in value]  # PostgreSQL text cannot hold NUL
    if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
        raise InvalidVoteError(reason=N_("two to twenty different options are needed"))
    return options


def check_choice(options: list[str], choice: Any) -> str:
    if not isinstance(choice, str) or choice not in options:
        raise InvalidChoiceError()
    return choice


def is_motion(options: list[str]) -> bool:
    """A yes/no motion (for/against, maybe abstain) rather than a choice between custom options."""
    return options[:2] == [FOR, AGAINST] and set(options) <= set(STANDARD_OPTIONS)


def tally(options: list[str], choices: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(options, 0)
    for c in choices:
        if c in counts:
            counts[c] += 1
    return counts


def meets(rule: MajorityRule, votes: int, *, cast_counted: int, members: int) -> bool:
    """Whether `votes` in favour meet the rule. `cast_counted` is the ballots that count for a
    simple majority (abstentions excluded), `members` the body's seats when the vote opened."""
    if rule == MajorityRule.SIMPLE:
        return 2 * votes > cast_counted
    if rule == MajorityRule.ABSOLUTE:
        return 2 * votes > members
    return 3 * votes >= 2 * members and members > 0


def result(options: list[str], counts: dict[str, int], rule: MajorityRule, *, members: int) -> dict[str, Any]:
    """The outcome of a vote. A motion is adopted when "for" meets the rule. Between custom options
    the single option with the most votes wins if it meets the rule (a tie at the top decides nothing)."""
    cast = sum(counts.values())
    counted = cast - counts.get(ABSTAIN, 0)
    if is_motion(options):
        adopted = meets(rule, counts.get(FOR, 0), cast_counted=counted, members=members)
        return {"cast": cast, "counts": counts, "rule": rule.value, "members": members, "adopted": adopted, "winner": FOR if adopted else None}
    ranked = sorted(((n, o) for o, n in counts.items() if o != ABSTAIN), reverse=True)
    winner = None
    if ranked and ranked[0][0] > 0 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        if meets(rule, ranked[0][0], cast_counted=counted, members=members):
            winner = ranked[0][1]
    return {"cast": cast, "counts": counts, "rule": rule.value, "members": members, "adopted": winner is not None, "winner": winner}


# --- follow-up tasks --------------------------------------------------------------------------
class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    DONE = "done"
    DONE_LATE = "done_late"
    CANCELLED = "cancelled"


TIMELINESS_LABELS = {
    Timeliness.ON_TIME: N_("On time"),
    Timeliness.LATE: N_("Late"),
    Timeliness.DONE: N_("Done"),
    Timeliness.DONE_LATE: N_("Done late"),
    Timeliness.CANCELLED: N_("Cancelled"),
}


class InvalidTaskError(InvalidInputError):
    message = N_("The task is not valid: %(reason)s.")


def task_status(value: Any) -> TaskStatus:
    try:
        return TaskStatus(value)
    except ValueError:
        raise InvalidTaskError(reason=N_("unknown status")) from None


def progress(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidTaskError(reason=N_("progress is a whole number from 0 to 100"))
    return value


def timeliness(status: str, deadline: date | None, done_on: date | None, today: date) -> Timeliness:
    """On time until the deadline has passed; done (or done late) once finished."""
    if status == TaskStatus.CANCELLED:
        return Timeliness.CANCELLED
    if status == TaskStatus.DONE:
        return Timeliness.DONE_LATE if deadline and done_on and done_on > deadline else Timeliness.DONE
    return Timeliness.LATE if deadline and today > deadline else Timeliness.ON_TIME


def overdue(tasks: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Open tasks past their deadline, oldest deadline first: what the body's next meeting should
    take up again (the city's "clear timeline" made visible)."""
    late = [t for t in tasks if t.get("status") == TaskStatus.OPEN and t.get("deadline") and date.fromisoformat(t["deadline"][:10]) < today]
    return sorted(late, key=lambda t: (t["deadline"], t["id"]))


# --- what the hall display shows ----------------------------------------------------------------
def _at(value: str | None) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def clock(seconds: float) -> str:
    """Remaining time as the hall reads it: 4:05, 0:09, −1:30 once over time."""
    sign = "−" if seconds < 0 else ""
    whole = int(abs(seconds) + (0.999 if seconds > 0 else 0))
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def hall_view(state: dict[str, Any], agenda: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """The hall display's content from a meeting's live state (what every device has): the current
    item and its remaining time, who speaks and for how long still, who is next, the vote under
    way (never a count before it closes) or the last result, and the quorum at the opening."""
    item = next((i for i in agenda if i["id"] == state.get("current_item_id")), None)
    timer_data = state.get("item_timer") or {}
    timer = Timer(int(timer_data.get("planned_seconds") or 0), float(timer_data.get("elapsed_seconds") or 0.0), _at(timer_data.get("running_since")))
    floor = state.get("floor")
    speaker = None
    if floor:
        talk = Timer(int(floor.get("planned_seconds") or 0), 0.0, _at(floor.get("started_at")))
        speaker = {"name": floor.get("name") or "", "point_of_order": floor.get("kind") == SpeakKind.POINT_OF_ORDER,
                   "remaining": talk.remaining(now) if talk.planned else None, "warning": talk.warning(now, before=30)}
    votes = state.get("votes") or []
    open_votes = [v for v in votes if v.get("state") == "open"]
    closed = [v for v in votes if v.get("state") == "closed" and v.get("agenda_item_id") == state.get("current_item_id")]
    vote = open_votes[-1] if open_votes else (max(closed, key=lambda v: v.get("closed_at") or "") if closed else None)
    return {
        "state": state.get("state", LiveState.SCHEDULED.value),
        "item": {"number": item.get("number", ""), "title": item["title"]} if item else None,
        "item_remaining": timer.remaining(now) if timer.planned else None,
        "item_warning": timer.warning(now),
        "speaker": speaker,
        "next_speakers": [r.get("name") or "" for r in (state.get("queue") or [])[:3]],
        "vote": vote,
        "quorum": state.get("quorum"),
    }
