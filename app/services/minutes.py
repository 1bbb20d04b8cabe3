"""The record the draft minutes are made from (app/domain/minutes.py renders it): attendance with
times, the items in the order they were taken up with their times, speakers, votes with the rule
applied and the result, conclusions, and the follow-up tasks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.clock import iso
from app.domain.roles import Actor
from app.services import live
from app.services.meetings import get_meeting_row
from app.storage.models import Body, FollowUpTask, ItemConclusion, LiveMeeting, Person, SpeakerRequest, Vote


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
