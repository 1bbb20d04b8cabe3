"""WebSocket /api/v1/events?after=SEQ: every change event after SEQ, in order, then live ones.

Messages (JSON text): `hello` (server id, newest seq), every missed `event`, `synced` (caught up),
then live `event`s. The subscription starts before the backlog is read, so nothing committed in
between is lost; duplicates are skipped by sequence number.
"""

from __future__ import annotations

import asyncio
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from app.domain.roles import ALL_ROLES
from app.errors import AuthenticationError, ChamberError, PermissionDeniedError
from app.server.broadcaster import encode
from app.server.deps import bearer_token
from app.services import accounts
from app.services.events import events_after, last_seq
from app.services.visibility import scope_for, visible_event

router = APIRouter()
log = logging.getLogger(__name__)

# Every role may follow the stream; what each receives is filtered by app/services/visibility.py.
ROLES = ALL_ROLES

BACKLOG_PAGE = 2000
# A token ended outside this server process (`main.py admin password` or `admin disable`), or
# expired, is noticed this often on an open stream; ends within the server close it at once.
RECHECK_TOKEN_S = 60.0
CLOSE_UNAUTHORISED = 4401
CLOSE_TOO_SLOW = 4000


@router.websocket("/events")
async def event_stream(ws: WebSocket, after: int = 0) -> None:
    ctx = ws.app.state.ctx
    broadcaster = ws.app.state.broadcaster

    def authorise():
        token = bearer_token(ws.headers.get("authorization"))
        with ctx.db.read() as session:
            actor = accounts.authenticate(session, token)
            if actor.role not in ROLES:
                raise PermissionDeniedError()
            return token, actor, scope_for(session, actor), last_seq(session)

    try:
        token, actor, scope, newest = await run_in_threadpool(authorise)
    except ChamberError as err:
        await ws.close(code=CLOSE_UNAUTHORISED, reason=err.code)
        return
    await ws.accept()
    sub = broadcaster.subscribe(scope, actor.token_id)

    async def watch_disconnect() -> None:
        try:
            while (await ws.receive())["type"] != "websocket.disconnect":
                pass
        finally:
            sub.queue.put_nowait(None) if not sub.queue.full() else None

    watcher = asyncio.create_task(watch_disconnect())

    async def recheck_token() -> None:
        def still_valid() -> bool:
            try:
                with ctx.db.read() as session:
                    accounts.authenticate(session, token)
            except AuthenticationError:
                return False
            except Exception:  # noqa: BLE001 - a database in trouble signs nobody out
                log.warning("could not recheck an event stream's token", exc_info=True)
            return True

        while True:
            await asyncio.sleep(ws.app.state.recheck_token_s)
            if not await run_in_threadpool(still_valid):
                broadcaster.end_sessions([actor.token_id])
                return

    rechecker = asyncio.create_task(recheck_token())
    try:
        await ws.send_text(json.dumps({"type": "hello", "server_id": ctx.server_id, "seq": newest}))
        sent = max(0, min(after, newest))  # a client ahead of us (new database) gets everything new

        def page(start: int):
            with ctx.db.read() as session:
                return events_after(session, start, limit=BACKLOG_PAGE)

        while True:
            batch = await run_in_threadpool(page, sent)
            if not batch:
                break
            for event in batch:
                shown = visible_event(scope, event)
                if shown is not None:
                    await ws.send_text(encode(shown))
            sent = batch[-1]["seq"]
        await ws.send_text(json.dumps({"type": "synced", "seq": sent}))
        while True:
            item = await sub.queue.get()
            if item is None:
                if sub.ended:
                    await ws.close(code=CLOSE_UNAUTHORISED, reason="session_expired")
                elif sub.overflowed:
                    await ws.close(code=CLOSE_TOO_SLOW, reason="resume")
                break
            seq, text = item
            if seq <= sent:
                continue
            await ws.send_text(text)
            sent = seq
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        broadcaster.unsubscribe(sub)
        watcher.cancel()
        rechecker.cancel()


event_stream.roles = ROLES  # type: ignore[attr-defined]  # declared like `require()`; read by the role-matrix test
