"""Bodies and delegates (a person's seat is the one thing edited here), and the snapshot a client
starts its cache from."""

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.domain.roles import MEMBERS, Actor
from app.server import operations
from app.server.deps import require
from app.services import agenda, annotations, directory, documents, invitations, live, meetings
from app.services.attendance import visible_events as visible_attendance
from app.services.events import last_seq

router = APIRouter()
reader = require(*MEMBERS)


@router.get("/bodies")
def list_bodies(request: Request, actor: Actor = Depends(reader)) -> list:
    with request.app.state.ctx.db.read() as session:
        return directory.list_bodies(session, actor)


@router.get("/persons")
def list_persons(request: Request, body_id: str | None = None, actor: Actor = Depends(reader)) -> list:
    with request.app.state.ctx.db.read() as session:
        return directory.list_persons(session, actor, body_id=body_id)


class SeatBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seat: str = Field(max_length=directory.MAX_SEAT * 4)  # spaces are squeezed before the real limit


@router.patch("/persons/{person_id}")
def set_seat(person_id: str, body: SeatBody, request: Request, actor: Actor = Depends(require(*directory.SEAT_KEEPERS)),
             op_id: str | None = Header(default=None, alias=operations.HEADER)) -> Response:
    """`{"seat": "12"}`: the person's seat in the chamber, shown on the kiosk's welcome card."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: directory.set_seat(s, actor, person_id, body.seat))


@router.get("/sync/snapshot")
def snapshot(request: Request, actor: Actor = Depends(reader)) -> dict:
    """Everything the caller may see, and the sequence number to follow the event stream from.

    The number is read first: anything committed while the rest is read comes again as an event,
    and applying an event twice is harmless (events carry whole records)."""
    with request.app.state.ctx.db.read() as session:
        seq = last_seq(session)
        visible = meetings.list_meetings(session, actor)
        return {
            "seq": seq,
            "server_id": request.app.state.ctx.server_id,
            "meetings": visible,
            "agendas": {m["id"]: agenda.get_agenda(session, actor, m["id"]) for m in visible},
            "bodies": directory.list_bodies(session, actor),
            "persons": directory.list_persons(session, actor),
            "invitations": invitations.visible_invitations(session, actor),
            "documents": documents.visible_documents(session, actor),
            "attendance": visible_attendance(session, actor),
            "annotations": annotations.visible_annotations(session, actor),
            "live": live.visible_live(session, [m["id"] for m in visible]),
            "tasks": live.visible_tasks(session, [m["id"] for m in visible]),
        }
