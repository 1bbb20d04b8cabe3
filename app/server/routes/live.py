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
from app.services import minutes, minutes_export, proxies
from app.services.minutes import minutes_record

router = APIRouter()
log = logging.getLogger(__name__)
reader = require(*MEMBERS)
runner = require(*live.RUNNERS)
participant = require(*live.PARTICIPANTS)
approver = require(*minutes.APPROVERS)
proxy_decider = require(*proxies.DECIDERS)
proxy_viewer = require(*proxies.VIEWERS)
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
    """{"choice": "for", "receipt": "…", "on_behalf_of"?} — the receipt (made by the device) only for a
    secret vote; `on_behalf_of`: the seat an approved proxy votes for."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: live.cast_ballot(s, actor, vote_id, choice=body.get("choice"), receipt=body.get("receipt"),
                                                                                   on_behalf_of=body.get("on_behalf_of")))


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
def minutes_document(meeting_id: str, request: Request, format: str = Query("md", pattern="^(md|html|pdf)$"), lang: str | None = None,
                     version: int | None = None, actor: Actor = Depends(runner)) -> Response:
    """The minutes as Markdown (`format=md`), an HTML page or a PDF: the last saved version (or
    `version`), or while nothing is saved the draft written from what was recorded."""
    language = normalise(lang or request.headers.get("accept-language", "vi"))
    with request.app.state.ctx.db.read() as session:
        current = minutes.get_minutes(session, actor, meeting_id, language)
        record = minutes_record(session, actor, meeting_id) if current["version"] == 0 and format != "pdf" else None
        text = minutes.minutes_version(session, actor, meeting_id, version)["text"] if version is not None else current["text"]
    footer = minutes_rules.approval_line(current, language) if version in (None, current["version"]) else ""
    if format == "pdf":
        data = minutes_export.to_pdf(text, current["title"], language, footer=footer)
        return Response(data, media_type="application/pdf", headers={"Content-Disposition": 'attachment; filename="minutes.pdf"'})
    if record is not None and version is None:  # nothing saved yet: the generated draft, as before
        if format == "html":
            return Response(minutes_rules.to_html(record, language), media_type="text/html; charset=utf-8")
        return Response(minutes_rules.to_markdown(record, language), media_type="text/markdown; charset=utf-8")
    if format == "html":
        return Response(minutes_rules.text_to_html(text, current["title"], language, footer=footer), media_type="text/html; charset=utf-8")
    return Response(text + (f"\n*{footer}*\n" if footer else ""), media_type="text/markdown; charset=utf-8")


@router.get("/meetings/{meeting_id}/minutes/text")
def minutes_text(meeting_id: str, request: Request, lang: str | None = None, version: int | None = None, actor: Actor = Depends(runner)) -> dict:
    """For the editor: {state, version, text, approved_at, approved_by_name, versions: [{version,
    saved_at, saved_by_name}]}; with `version`, that saved version's text."""
    language = normalise(lang or request.headers.get("accept-language", "vi"))
    with request.app.state.ctx.db.read() as session:
        if version is not None:
            return minutes.minutes_version(session, actor, meeting_id, version)
        return minutes.get_minutes(session, actor, meeting_id, language)


@router.put("/meetings/{meeting_id}/minutes")
def save_minutes(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(runner), op_id: str | None = OpId) -> Response:
    """{"text", "base_version"?}: a new version; 409 once approved or when someone saved in between."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: minutes.save_minutes(s, actor, meeting_id, body))


@router.post("/meetings/{meeting_id}/minutes/approve")
def approve_minutes(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(approver), op_id: str | None = OpId) -> Response:
    """{"version"?}: the chair approves the version they read; the minutes are locked from then on."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: minutes.approve_minutes(s, actor, meeting_id, body))


@router.post("/meetings/{meeting_id}/proxies")
def name_proxy(meeting_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(participant), op_id: str | None = OpId) -> Response:
    """{"proxy_person_id"}: the caller names who votes for them in this meeting (the secretariat approves)."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: proxies.name_proxy(s, actor, meeting_id, body))


@router.post("/proxies/{proxy_id}/decide")
def decide_proxy(proxy_id: str, request: Request, body: dict[str, Any] = JsonBody, actor: Actor = Depends(proxy_decider), op_id: str | None = OpId) -> Response:
    """{"approve": true | false}."""
    return operations.run(request.app.state.ctx, actor, op_id, lambda s: proxies.decide_proxy(s, actor, proxy_id, body))


@router.get("/meetings/{meeting_id}/proxies")
def list_proxies(meeting_id: str, request: Request, actor: Actor = Depends(proxy_viewer)) -> list:
    with request.app.state.ctx.db.read() as session:
        return proxies.list_proxies(session, actor, meeting_id)


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
