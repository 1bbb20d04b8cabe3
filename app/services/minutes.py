"""The minutes of a meeting. The record the draft is made from (app/domain/minutes.py renders it):
attendance with times, the items in the order they were taken up with their times, speakers,
votes with the rule applied and the result, conclusions, and the follow-up tasks. Then editing
and approval: every text the secretary saves is a new version, kept; the chair approves one and
the minutes are locked from then on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import minutes as minutes_rules
from app.domain.clock import iso, utcnow
from app.domain.roles import Actor
from app.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services import live
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import get_meeting_row
from app.storage.models import (
    Account,
    Body,
    FollowUpTask,
    ItemConclusion,
    LiveMeeting,
    Meeting,
    MeetingMinutes,
    MinutesVersion,
    Person,
    SpeakerRequest,
    Vote,
)


def minutes_record(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    live._require(actor, live.RUNNERS)
    meeting = get_meeting_row(session, actor, meeting_id)
    state = session.get(LiveMeeting, meeting.id)
    times: dict[str, dict[str, str | None]] = {}
    for entry in (state.item_log if state else []) or []:  # an item taken up twice: first start, last end
        seen = times.setdefault(entry["item_id"], {"started_at": entry["started_at"], "ended_at": None})
        seen["ended_at"] = entry.get("ended_at")
    speakers: dict[str | None, list[dict[str, Any]]] = {}
    for r in session.scalars(select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.started_at.is_not(None))
                             .order_by(SpeakerRequest.started_at)):
        speakers.setdefault(r.agenda_item_id, []).append({"name": r.name, "kind": r.kind, "started_at": iso(r.started_at), "ended_at": iso(r.ended_at)})
    votes: dict[str | None, list[dict[str, Any]]] = {}
    for v in session.scalars(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.opened_at, Vote.id)):
        votes.setdefault(v.agenda_item_id, []).append({"question": v.question, "options": list(v.options), "secret": v.secret, "rule": v.rule,
                                                       "result": v.result if v.state == "closed" else None})
    conclusions = {c.agenda_item_id: c.text for c in session.scalars(select(ItemConclusion).where(ItemConclusion.meeting_id == meeting.id))}
    items = [{"number": i["number"], "title": i["title"], **times.get(i["id"], {}), "speakers": speakers.get(i["id"], []),
              "votes": votes.get(i["id"], []), "conclusion": conclusions.get(i["id"], "")} for i in live._agenda(session, meeting.id)]

    from app.services import attendance

    board = attendance._board(session, meeting)
    rows = [{"name": r["full_name"], "state": r["state"], "arrived_at": r.get("arrived_at")} for r in board["rows"]]
    tasks = []
    for t in session.scalars(select(FollowUpTask).where(FollowUpTask.meeting_id == meeting.id).order_by(FollowUpTask.created_at, FollowUpTask.id)):
        person = session.get(Person, t.responsible_person_id) if t.responsible_person_id else None
        responsible = ", ".join(x for x in (person.full_name if person else "", t.responsible_unit) if x)
        tasks.append({**live.task_dict(t), "responsible": responsible})
    body = session.get(Body, meeting.body_id) if meeting.body_id else None
    return {
        "meeting": {"title": meeting.title, "starts_at": iso(meeting.starts_at), "location": meeting.location},
        "body": body.name if body else "",
        "opened_at": iso(state.opened_at) if state else None,
        "closed_at": iso(state.closed_at) if state else None,
        "quorum": state.quorum if state else None,
        "attendance": rows,
        "items": items,
        "tasks": tasks,
    }


# --- editing and approval: every saved text is kept; the approved one is locked ---------------------
APPROVERS = minutes_rules.APPROVERS
MAX_TEXT = 500_000  # characters: a long session's minutes are a few tens of thousands


class MinutesApprovedError(ConflictError):
    message = N_("These minutes are approved and can no longer be changed.")


class MinutesChangedError(ConflictError):
    message = N_("Someone saved these minutes in the meantime (version %(version)s). Reload them before saving.")


class MinutesVersionNotFoundError(NotFoundError):
    message = N_("This version of the minutes does not exist.")


class MinutesTextError(InvalidInputError):
    message = N_("The minutes must be a text of at most %(max)s characters.")


def _actor_name(session: Session, actor: Actor) -> str:
    account = session.get(Account, actor.account_id) if actor.account_id else None
    if account is None:
        return actor.username
    return account.display_name or (account.person.full_name if account.person else account.username)


def _minutes_dict(row: MeetingMinutes | None, meeting_id: str, text: str, versions: list[MinutesVersion]) -> dict[str, Any]:
    return {
        "meeting_id": meeting_id,
        "state": row.state if row else "draft",
        "version": row.version if row else 0,
        "text": text,
        "approved_at": iso(row.approved_at) if row and row.approved_at else None,
        "approved_by_name": row.approved_by_name if row else "",
        "versions": [{"version": v.version, "saved_at": iso(v.saved_at), "saved_by_name": v.saved_by_name} for v in versions],
    }


def _versions(session: Session, meeting_id: str) -> list[MinutesVersion]:
    return list(session.scalars(select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id).order_by(MinutesVersion.version)))


def get_minutes(session: Session, actor: Actor, meeting_id: str, lang: str = "vi") -> dict[str, Any]:
    """The minutes as they stand: the last saved text, or (nothing saved yet, version 0) the draft
    generated from what was recorded; the state, who approved, and the list of saved versions."""
    record = minutes_record(session, actor, meeting_id)  # checks the role and the meeting
    row = session.get(MeetingMinutes, meeting_id)
    versions = _versions(session, meeting_id)
    text = versions[-1].text if versions else minutes_rules.to_markdown(record, lang)
    result = _minutes_dict(row, meeting_id, text, versions)
    result["title"] = record["meeting"]["title"]
    return result


def minutes_version(session: Session, actor: Actor, meeting_id: str, version: int) -> dict[str, Any]:
    minutes_record(session, actor, meeting_id)
    row = session.scalar(select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id, MinutesVersion.version == version))
    if row is None:
        raise MinutesVersionNotFoundError()
    return {"meeting_id": meeting_id, "version": row.version, "text": row.text, "saved_at": iso(row.saved_at), "saved_by_name": row.saved_by_name}


def _event(session: Session, actor: Actor, action: str, minutes: dict[str, Any]) -> None:
    """The change event of a save or an approval, without the text (the open editors fetch it).
    With the meeting's body: app/services/visibility.py sends approved minutes to its members."""
    meeting = session.get(Meeting, minutes["meeting_id"])
    record_event(session, kind="minutes", action=action, entity_id=minutes["meeting_id"], data={k: v for k, v in minutes.items() if k != "text"},
                 actor=actor, meeting_id=minutes["meeting_id"], body_id=meeting.body_id if meeting else None)


def _lock_row(session: Session, meeting_id: str) -> MeetingMinutes:
    row = session.get(MeetingMinutes, meeting_id, with_for_update=True)
    if row is None:
        row = MeetingMinutes(meeting_id=meeting_id, state="draft", version=0, approved_by_name="")
        session.add(row)
        session.flush()
    return row


def save_minutes(session: Session, actor: Actor, meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """{"text", "base_version"?}: a new version (the chair, the secretariat, an admin). Refused
    (409) once approved, and when `base_version` is given and another save came in between."""
    record = minutes_record(session, actor, meeting_id)
    text = body.get("text")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise MinutesTextError(max=MAX_TEXT)
    row = _lock_row(session, meeting_id)
    if row.state == "approved":
        raise MinutesApprovedError()
    base = body.get("base_version")
    if base is not None and base != row.version:
        raise MinutesChangedError(version=row.version)
    name = _actor_name(session, actor)
    row.version += 1
    session.add(MinutesVersion(meeting_id=meeting_id, version=row.version, text=text, saved_at=utcnow(), saved_by=actor.account_id, saved_by_name=name))
    session.flush()
    result = _minutes_dict(row, meeting_id, text, _versions(session, meeting_id))
    audit(session, actor, "minutes.save", record["meeting"]["title"], meeting_id=meeting_id, version=row.version, characters=len(text))
    _event(session, actor, "saved", result)
    return result


def approve_minutes(session: Session, actor: Actor, meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """{"version"}: the chair (or an admin) approves the version they read; from then on the
    minutes are locked. Nothing saved yet: the generated draft is saved as version 1 first."""
    if actor.role not in APPROVERS:
        raise PermissionDeniedError()
    record = minutes_record(session, actor, meeting_id)
    row = _lock_row(session, meeting_id)
    if row.state == "approved":
        raise MinutesApprovedError()
    version = body.get("version", row.version)
    if version != row.version:
        raise MinutesChangedError(version=row.version)
    name = _actor_name(session, actor)
    if row.version == 0:
        row.version = 1
        session.add(MinutesVersion(meeting_id=meeting_id, version=1, text=minutes_rules.to_markdown(record, "vi"), saved_at=utcnow(),
                                   saved_by=actor.account_id, saved_by_name=name))
    row.state = "approved"
    row.approved_at = utcnow()
    row.approved_by = actor.account_id
    row.approved_by_name = name
    session.flush()
    versions = _versions(session, meeting_id)
    result = _minutes_dict(row, meeting_id, versions[-1].text, versions)
    audit(session, actor, "minutes.approve", record["meeting"]["title"], meeting_id=meeting_id, version=row.version)
    _event(session, actor, "approved", result)
    return result
