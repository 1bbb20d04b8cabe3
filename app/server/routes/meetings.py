"""Meetings and their agendas: /meetings, /meetings/{id}, /meetings/{id}/agenda, /agenda-items/{id}."""

from fastapi import APIRouter, Depends, Header, Request, Response

from app.domain.roles import EDITORS, MEMBERS, Actor
from app.net.schemas import AgendaItemCreate, AgendaItemPatch, AgendaMove, MeetingCreate, MeetingPatch
from app.server import operations
from app.server.deps import require
from app.services import agenda, meetings

router = APIRouter()
reader = require(*MEMBERS)
editor = require(*EDITORS)
OpId = Header(default=None, alias=operations.HEADER)


@router.get("/meetings")
def list_meetings(request: Request, actor: Actor = Depends(reader)) -> list:
    with request.app.state.ctx.db.read() as session:
        return meetings.list_meetings(session, actor)


@router.post("/meetings", status_code=201)
def create_meeting(body: MeetingCreate, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: meetings.create_meeting(s, actor, fields), status=201)


@router.get("/meetings/{meeting_id}")
def get_meeting(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> dict:
    with request.app.state.ctx.db.read() as session:
        return meetings.get_meeting(session, actor, meeting_id)


@router.patch("/meetings/{meeting_id}")
def update_meeting(meeting_id: str, body: MeetingPatch, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: meetings.update_meeting(s, actor, meeting_id, fields))


@router.delete("/meetings/{meeting_id}", status_code=204)
def delete_meeting(meeting_id: str, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: meetings.delete_meeting(s, actor, meeting_id), status=204)


@router.get("/meetings/{meeting_id}/agenda")
def get_agenda(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> list:
    with request.app.state.ctx.db.read() as session:
        return agenda.get_agenda(session, actor, meeting_id)


@router.post("/meetings/{meeting_id}/agenda", status_code=201)
def add_agenda_item(meeting_id: str, body: AgendaItemCreate, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: agenda.add_agenda_item(s, actor, meeting_id, fields), status=201)


@router.patch("/agenda-items/{item_id}")
def update_agenda_item(item_id: str, body: AgendaItemPatch, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: agenda.update_agenda_item(s, actor, item_id, fields))


@router.post("/agenda-items/{item_id}/move")
def move_agenda_item(item_id: str, body: AgendaMove, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    return operations.run(
        request.app.state.ctx, actor, op_id,
        lambda s: agenda.move_agenda_item(s, actor, item_id, parent_id=body.parent_id, position=body.position),
    )


@router.delete("/agenda-items/{item_id}", status_code=204)
def delete_agenda_item(item_id: str, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: agenda.delete_agenda_item(s, actor, item_id), status=204)
