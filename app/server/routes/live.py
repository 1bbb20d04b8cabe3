"""The live meeting: /meetings/{id}/live (state and the chair's commands), the speakers' queue,
votes and ballots, item conclusions and follow-up tasks. Rules in app/services/live.py."""

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app.domain.roles import MEMBERS, Actor
from app.server import operations
from app.server.deps import require
from app.domain import minutes as minutes_rules
from app.i18n import normalise
from app.services import live
from app.services.minutes import minutes_record

router = APIRouter()
log = logging.getLogger(__name__)
reader = require(*MEMBERS)
runner = require(*live.RUNNERS)
participant = require(*live.PARTICIPANTS)
OpId = Header(default=None, alias=operations.HEADER)
JsonBody = Body(default_factory=dict)


@router.get("/meetings/{meeting_id}/live")
def get_live(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> dict:
    with request.app.state.ctx.db.read() as session:
        return live.get_live(session, actor, meeting_id)


@router.post("/meetings/{meeting_id}/live/commands")
def run_command(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    """{"command": open|pause|resume|adjourn|close|goto|next|previous|show_page|set_item_time|give_floor|set_speaking_time|end_floor, …}"""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.run_command(s, actor, meeting_id, body))


@router.post("/meetings/{meeting_id}/speakers", status_code=201)
def ask_to_speak(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(participant), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id,
                          lambda s: live.ask_to_speak(s, actor, meeting_id, kind=body.get("kind"), request_id=body.get("id")), status=201)


@router.post("/speakers/{request_id}/withdraw")
def withdraw(request_id: str, request: Request, actor: Actor = Depends(participant), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.withdraw_request(s, actor, request_id))


@router.post("/meetings/{meeting_id}/votes", status_code=201)
def open_vote(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.open_vote(s, actor, meeting_id, body), status=201)


@router.get("/votes/{vote_id}")
def get_vote(vote_id: str, request: Request, actor: Actor = Depends(reader)) -> dict:
    with request.app.state.ctx.db.read() as session:
        return live.get_vote(session, actor, vote_id)


@router.post("/votes/{vote_id}/ballots")
def cast_ballot(vote_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(participant), op_id: str | None = OpId) -> Response:
    """{"choice": "for", "receipt": "…"} — the receipt (made by the device) only for a secret vote."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.cast_ballot(s, actor, vote_id, choice=body.get("choice"), receipt=body.get("receipt")))


@router.post("/votes/{vote_id}/close")
def close_vote(vote_id: str, request: Request, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.close_vote(s, actor, vote_id))


@router.put("/meetings/{meeting_id}/conclusions/{item_id}")
def set_conclusion(meeting_id: str, item_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id,
                          lambda s: live.set_conclusion(s, actor, meeting_id, item_id, text=body.get("text"), vote_id=body.get("vote_id")))


@router.get("/meetings/{meeting_id}/tasks")
def list_tasks(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> list:
    with request.app.state.ctx.db.read() as session:
        return live.list_tasks(session, actor, meeting_id)


@router.get("/meetings/{meeting_id}/overdue-tasks")
def overdue_tasks(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> list:
    """Late tasks from the body's earlier meetings, for this meeting's agenda."""
    with request.app.state.ctx.db.read() as session:
        return live.overdue_for_meeting(session, actor, meeting_id)


@router.post("/meetings/{meeting_id}/tasks", status_code=201)
def create_task(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.create_task(s, actor, meeting_id, body), status=201)


@router.patch("/tasks/{task_id}")
def update_task(task_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.update_task(s, actor, task_id, body))


@router.get("/meetings/{meeting_id}/minutes")
def draft_minutes(meeting_id: str, request: Request, format: str = Query("md", pattern="^(md|html)$"), lang: str | None = None,
                  actor: Actor = Depends(runner)) -> Response:
    """The draft minutes from what was recorded, as Markdown (`format=md`) or an HTML page."""
    language = normalise(lang or request.headers.get("accept-language", "vi"))
    with request.app.state.ctx.db.read() as session:
        record = minutes_record(session, actor, meeting_id)
    if format == "html":
        return Response(minutes_rules.to_html(record, language), media_type="text/html; charset=utf-8")
    return Response(minutes_rules.to_markdown(record, language), media_type="text/markdown; charset=utf-8")


async def close_votes_on_time(ctx: Any, every: float = 1.0) -> None:
    """Runs with the server: a vote with a duration closes by itself when its time is up (within
    `every` seconds), also one that ran out while the server was down. Reads first, so an idle
    chamber never takes the write lock for it."""

    def tick() -> int:
        with ctx.db.read() as session:
            if not live.expired_votes(session):
                return 0
        with ctx.db.write() as session:
            return live.close_expired_votes(session)

    while True:
        try:
            await run_in_threadpool(tick)
        except Exception:  # a failed tick must not stop the next one
            log.exception("closing the votes whose time is up failed")
        await asyncio.sleep(every)
