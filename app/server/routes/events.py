"""WebSocket /api/v1/events?after=SEQ: every change event after SEQ, in order, then live ones.

Messages (JSON text): `hello` (server id, newest seq), every missed `event`, `synced` (caught up),
then live `event`s. The subscription starts before the backlog is read, so nothing committed in
between is lost; duplicates are skipped by sequence number.

A client may send operations the other way on the same stream (today: ballots, which arrive all
at once when a vote opens):
    {"type": "op", "id": "<operation id>", "method": "POST", "path": "/votes/<id>/ballots", "body": {…}}
and gets {"type": "op_result", "id": …, "status": 200, "body": {…}} — or, refused, the same error
body as over HTTPS under "error". An operation the stream does not take gets status 404, and the
client sends it over HTTPS instead (same operation id, so it can never count twice).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from app.domain.roles import ALL_ROLES
from app.errors import AuthenticationError, ChamberError, PermissionDeniedError
from app.i18n import normalise
from app.server.ballot_lane import Ballot, error_body
from app.server.broadcaster import encode
from app.server.deps import bearer_token
from app.server.errors import UnknownAddressError
from app.server.fast_send import direct_sender
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
MAX_OP_TEXT = 64 * 1024
MAX_OPS_IN_FLIGHT = 16
_BALLOTS = re.compile(r"/votes/([^/]{1,64})/ballots")


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

    lang = normalise(ws.headers.get("accept-language", "vi"))
    in_flight: set[asyncio.Task] = set()

    def not_taken(op_id: str) -> None:
        # `unsupported`: not refused, only not taken here; the client sends it over HTTPS.
        if not sub.queue.full():
            reply = {"type": "op_result", "id": op_id, "status": 404, "unsupported": True, "error": error_body(UnknownAddressError(), lang)}
            sub.queue.put_nowait((None, json.dumps(reply, ensure_ascii=False)))

    async def run_op(op_id: str, path: str, body: dict) -> None:
        match = _BALLOTS.fullmatch(path)
        if match is None:
            not_taken(op_id)
            return
        status, answer = await ws.app.state.ballot_lane.submit(Ballot(token=token, operation_id=op_id, vote_id=match.group(1), body=body, lang=lang))
        reply = {"type": "op_result", "id": op_id, "status": status, ("body" if status < 400 else "error"): answer}
        if not sub.queue.full():
            sub.queue.put_nowait((None, json.dumps(reply, ensure_ascii=False)))

    def take_op(text: str) -> None:
        try:
            msg = json.loads(text) if len(text) <= MAX_OP_TEXT else None
        except ValueError:
            msg = None
        if not isinstance(msg, dict) or msg.get("type") != "op" or not isinstance(msg.get("id"), str) or not isinstance(msg.get("body", {}), dict):
            return  # not an operation: ignored, as the stream always did
        if msg.get("method") != "POST" or len(in_flight) >= MAX_OPS_IN_FLIGHT:
            not_taken(msg["id"])  # too many at once from one device, or not a kind the stream takes
            return
        task = asyncio.create_task(run_op(msg["id"], str(msg.get("path", "")), msg.get("body") or {}))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)

    async def watch_disconnect() -> None:
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("text"):
                    take_op(message["text"])
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
        # Caught up: from now on the fan-out may write an event straight to this connection when
        # nothing is waiting in the queue (app/server/fast_send.py). What it queued meanwhile
        # still comes first, in order, with the duplicates of the backlog skipped.
        sub.direct = direct_sender(ws.scope)
        while True:
            item = await sub.queue.get()
            if item is None:
                if sub.ended:
                    await ws.close(code=CLOSE_UNAUTHORISED, reason="session_expired")
                elif sub.overflowed:
                    await ws.close(code=CLOSE_TOO_SLOW, reason="resume")
                break
            seq, text = item
            if seq is not None and seq <= sent:
                continue
            sub.busy = True
            try:
                await ws.send_text(text)
            finally:
                sub.busy = False
            if seq is not None:  # None: an operation's answer, not an event
                sent = seq
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        broadcaster.unsubscribe(sub)
        watcher.cancel()
        rechecker.cancel()
        for task in list(in_flight):
            task.cancel()  # the lane still writes a ballot already handed over; the device resends and is answered from its operation id


event_stream.roles = ROLES  # type: ignore[attr-defined]  # declared like `require()`; read by the role-matrix test
