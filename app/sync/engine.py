"""SyncEngine: follows the server's event stream into the local cache and sends the outbox.

It runs on its own thread with its own asyncio loop. After a disconnect it reconnects with
back-off and asks for the events after the last sequence number it applied (no full reload, no
lost events). Outbox operations are sent one at a time, in order, each with its operation id, so
a retry after a lost answer is applied once by the server.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import threading
import time
from enum import StrEnum
from typing import Any, Callable

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from app.domain.annotations import EVENT_SCOPE_KEYS
from app.errors import CertificateChangedError, ChamberError, NotFoundError, PermissionDeniedError, ServerUnreachableError, SessionExpiredError
from app.events import Change, EventBus
from app.net.client import ApiClient, error_from_body
from app.sync.cache import LocalCache
from app.sync.pending import replay_agenda, replay_annotation, replay_annotations, replay_invitation

log = logging.getLogger(__name__)

MAX_BACKOFF = 10.0
SESSION_ENDED = 4401  # the server closed the stream: this device's token was ended (app/server/routes/events.py)


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    CERTIFICATE_CHANGED = "certificate_changed"
    SESSION_EXPIRED = "session_expired"
    STOPPED = "stopped"


# Operations the server takes over the open event stream (app/server/routes/events.py): a vote's
# ballots all arrive within a second, and a request each would cost more than the ballot.
STREAM_KINDS = frozenset({"ballot"})
STREAM_ANSWER_TIMEOUT = 5.0


class _Reset(Exception):
    """The server's history does not continue ours (new database): start again from a snapshot."""


class SyncEngine:
    def __init__(self, api: ApiClient, cache: LocalCache, bus: EventBus, *, server_id: str) -> None:
        self.api = api
        self.cache = cache
        self.bus = bus
        self.server_id = server_id
        self.state = ConnectionState.STOPPED
        self.last_error: ChamberError | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._wake: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self._ws = None
        self._ready = threading.Event()
        self._answers: dict[str, asyncio.Future] = {}

    # --- control from any thread --------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._thread_main, name="chamber-sync", daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = None
        self._set_state(ConnectionState.STOPPED)

    def kick(self) -> None:
        """Something was queued: send it now if online."""
        loop = self._loop
        if loop is not None and not loop.is_closed() and self._wake is not None:
            loop.call_soon_threadsafe(self._wake.set)

    def reconnect_now(self) -> None:
        """Drop the connection and connect again at once (the user pressed "Retry")."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._retry_now)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return predicate()

    def idle(self) -> bool:
        return self.state == ConnectionState.ONLINE and self.cache.next_pending() is None

    # --- internals ----------------------------------------------------------------------------
    def _set_state(self, state: ConnectionState, error: ChamberError | None = None) -> None:
        if state != self.state or error is not None:
            self.state = state
            self.last_error = error
            self.bus.publish(Change("connection"))

    def _retry_now(self) -> None:
        self._backoff = 0.0
        self._retry.set()
        if self._ws is not None:
            asyncio.ensure_future(self._ws.close())

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.close()

    async def _main(self) -> None:
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._retry = asyncio.Event()
        self._ready.set()
        flusher = asyncio.create_task(self._flush_loop())
        self._backoff = 0.5
        while not self._stopping.is_set():
            self._set_state(ConnectionState.CONNECTING if self.state != ConnectionState.OFFLINE else ConnectionState.OFFLINE)
            try:
                await self._follow()
                self._backoff = 0.5
            except _Reset:
                self.cache.set_meta("server_id", None)
                continue
            except CertificateChangedError as err:
                self._set_state(ConnectionState.CERTIFICATE_CHANGED, err)
                break  # never send credentials to that server again; the user must act
            except SessionExpiredError as err:
                self._set_state(ConnectionState.SESSION_EXPIRED, err)
                break
            except (ChamberError, OSError, WebSocketException, asyncio.TimeoutError) as exc:
                log.info("event stream interrupted: %s", exc)
                if self.state != ConnectionState.STOPPED:
                    self._set_state(ConnectionState.OFFLINE, exc if isinstance(exc, ChamberError) else ServerUnreachableError(address=self.api.address))
            self._retry.clear()
            try:
                await asyncio.wait_for(self._first(self._stopping, self._retry), timeout=self._backoff)
            except asyncio.TimeoutError:
                pass
            self._backoff = min(max(self._backoff, 0.25) * 2, MAX_BACKOFF)
        if not self._stopping.is_set():
            await self._stopping.wait()
        flusher.cancel()
        await asyncio.gather(flusher, return_exceptions=True)

    @staticmethod
    async def _first(*events: asyncio.Event) -> None:
        tasks = [asyncio.create_task(e.wait()) for e in events]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()

    async def _snapshot(self) -> None:
        snap = await asyncio.to_thread(self.api.snapshot)
        self.cache.replace_all(snap)
        self.cache.replace_live(snap.get("live") or {}, snap.get("tasks") or [])
        self.bus.publish(Change("all", seq=snap["seq"]))

    async def _follow(self) -> None:
        if self.cache.get_meta("server_id") != self.server_id:
            await self._snapshot()
        after = self.cache.last_seq
        url = f"{self.api.ws_url}?after={after}"
        try:
            ws_cm = websockets.connect(
                url, ssl=self.api.ssl_context, additional_headers=self.api.auth_headers(), open_timeout=5, max_size=16 * 2**20, ping_interval=15, ping_timeout=15
            )
            async with ws_cm as ws:
                self._ws = ws
                stop_wait = asyncio.create_task(self._close_on_stop(ws))
                try:
                    async for raw in ws:
                        await self._handle(json.loads(raw), after)
                except ConnectionClosed as closed:
                    if closed.rcvd is not None and closed.rcvd.code == SESSION_ENDED:
                        await asyncio.to_thread(self.api.me)  # raises SessionExpiredError: signed out elsewhere
                    raise
                finally:
                    stop_wait.cancel()
                    self._ws = None
        except ssl.SSLCertVerificationError as exc:
            raise CertificateChangedError(address=self.api.address) from exc
        except InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                await asyncio.to_thread(self.api.me)  # raises SessionExpiredError when that is why
            raise ServerUnreachableError(address=self.api.address) from exc
        if not self._stopping.is_set():
            raise ServerUnreachableError(address=self.api.address)

    async def _close_on_stop(self, ws) -> None:  # noqa: ANN001
        await self._stopping.wait()
        await ws.close()

    async def _handle(self, msg: dict[str, Any], after: int) -> None:
        kind = msg.get("type")
        if kind == "hello":
            if msg.get("server_id") != self.server_id or msg.get("seq", 0) < after:
                raise _Reset()
        elif kind == "synced":
            self._set_state(ConnectionState.ONLINE)
            self._wake.set()
        elif kind == "event":
            await self._apply(msg)
        elif kind == "op_result":
            waiting = self._answers.get(msg.get("id"))
            if waiting is not None and not waiting.done():
                waiting.set_result(msg)

    async def _apply(self, ev: dict[str, Any]) -> None:
        kind, action, entity_id = ev["kind"], ev["action"], ev["id"]
        if kind == "meeting":
            if action == "deleted":
                self.cache.remove_meeting(entity_id)
            else:
                known = self.cache.get_meeting(entity_id) is not None
                if not known and action != "created":
                    # A meeting that just became visible to us: fetch its agenda first.
                    try:
                        self.cache.put_agenda(entity_id, await asyncio.to_thread(self.api.get_agenda, entity_id))
                    except NotFoundError:
                        pass
                    await self._fetch_documents(entity_id)
                self.cache.put_meeting({**ev["data"], **self.cache.pending_fields("meeting", entity_id)})
        elif kind == "agenda":
            if self.cache.get_meeting(entity_id) is not None:
                items = replay_agenda(ev["data"]["items"], self.cache.operations("pending"), entity_id)
                self.cache.put_agenda(entity_id, items)
        elif kind == "invitation":
            self.cache.put_invitation(replay_invitation(ev["data"], self.cache.operations("pending")))
            meeting_id = ev["meeting_id"]
            if self.cache.get_meeting(meeting_id) is None:
                # Invited in person to a meeting we did not see before: fetch it and its agenda.
                try:
                    meeting = await asyncio.to_thread(self.api.request, "GET", f"/meetings/{meeting_id}")
                    items = await asyncio.to_thread(self.api.get_agenda, meeting_id)
                    # Agenda first: a view that sees the meeting must find its agenda too.
                    self.cache.put_agenda(meeting_id, items)
                    await self._fetch_documents(meeting_id)
                    self.cache.put_meeting(meeting)
                    self.bus.publish(Change("meeting", (meeting_id,), seq=ev["seq"]))
                except NotFoundError:
                    pass
        elif kind == "attendance":
            if ev.get("data"):  # entity_id is the meeting; the data is the event, stored by its own id
                self.cache.put_attendance_event(ev["data"])
        elif kind == "body":
            if ev.get("data"):
                self.cache.put_body(ev["data"])
        elif kind == "person":
            if ev.get("data"):  # only the changed fields (the seat): contact details are not in events
                persons = self.cache.get_meta("persons") or []
                self.cache.set_meta("persons", [{**p, **ev["data"]} if p["id"] == entity_id else p for p in persons])
        elif kind == "document":
            if action == "deleted" or not ev.get("data"):
                self.cache.remove_document(entity_id)
            else:
                document = {k: v for k, v in ev["data"].items() if k != "meeting_status"}
                known = self.cache.get_document(entity_id) is not None
                if document.get("replaces_id"):
                    self.cache.remove_document(document["replaces_id"])  # the cache keeps current versions
                self.cache.put_document(document)
                if not known and action != "created":
                    # A document just shared with us: the annotations on it shared with us too.
                    await self._fetch_annotations(entity_id)
        elif kind == "annotation":
            if action == "deleted" or not ev.get("data"):
                self.cache.remove_annotation(entity_id)
            else:
                record = replay_annotation({k: v for k, v in ev["data"].items() if k not in EVENT_SCOPE_KEYS}, self.cache.operations("pending"))
                if record is None:
                    self.cache.remove_annotation(entity_id)
                else:
                    self.cache.put_annotation(record)
        elif kind == "live" and ev.get("data"):
            self.cache.put_live(entity_id, ev["data"])
        elif kind == "task" and ev.get("data"):
            self.cache.put_task(ev["data"])
        elif kind == "ballot" and ev.get("data"):
            self.cache.set_meta(f"ballots:{entity_id}", ev["data"])  # the running count, for the chair's console
        self.cache.set_meta("last_seq", ev["seq"])
        self.bus.publish(Change(kind, (entity_id,), seq=ev["seq"]))

    async def _fetch_documents(self, meeting_id: str) -> None:
        """The document list of a meeting that just became visible (not for roles that read none),
        with the annotations on them that we may see."""
        try:
            self.cache.put_documents(meeting_id, await asyncio.to_thread(self.api.request, "GET", f"/meetings/{meeting_id}/documents"))
        except (NotFoundError, PermissionDeniedError):
            return
        for document in self.cache.list_documents(meeting_id):
            await self._fetch_annotations(document["id"])

    async def _fetch_annotations(self, document_id: str) -> None:
        """A document's annotations from the server, with this device's unsent edits on top."""
        try:
            listed = await asyncio.to_thread(self.api.request, "GET", f"/documents/{document_id}/annotations")
        except (NotFoundError, PermissionDeniedError):
            return
        local = {a["id"]: a for a in self.cache.list_annotations(document_id)}
        self.cache.put_annotations(document_id, replay_annotations(listed, self.cache.operations("pending"), document_id, local))
        ids = sorted(set(local) | {a["id"] for a in listed})
        if ids:
            self.bus.publish(Change("annotation", tuple(ids)))

    async def _flush_loop(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=5)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if self.state == ConnectionState.ONLINE:
                await self._flush()

    async def _flush(self) -> None:
        while (op := self.cache.next_pending()) is not None:
            self.cache.mark_attempt(op["operation_id"])
            try:
                answer = await self._send(op)
            except (ServerUnreachableError, CertificateChangedError, SessionExpiredError):
                if self._ws is not None:
                    await self._ws.close()
                return
            except ChamberError as err:
                if err.status >= 500:
                    return  # the server's trouble, not the operation's: try again later
                if isinstance(err, NotFoundError) and op["method"] == "DELETE":
                    self.cache.mark_done(op["operation_id"])  # already gone: that is what was asked
                else:
                    self.cache.mark_failed(op["operation_id"], err.message, err.params)
                    await self._reconcile(op)
            else:
                if op["kind"] == "attendance" and isinstance(answer, dict) and answer.get("event"):
                    # Keep the confirmed event before the outbox forgets it, so the board never
                    # blinks between the answer and the same event arriving on the stream.
                    self.cache.put_attendance_event(answer["event"])
                self.cache.mark_done(op["operation_id"])
            self.bus.publish(Change("outbox", (op["operation_id"],)))

    async def _send(self, op: dict[str, Any]) -> Any:
        """Send one operation: over the event stream when it takes that kind, else over HTTPS.
        Both carry the same operation id, so one that went both ways still counts once."""
        if op["kind"] in STREAM_KINDS:
            reply = await self._over_stream(op)
            if reply is not None and not reply.get("unsupported"):
                if reply.get("status", 500) >= 400:
                    raise error_from_body(reply["status"], reply.get("error") or {})
                return reply.get("body")
        return await asyncio.to_thread(self.api.request, op["method"], op["path"], json=op["body"], operation_id=op["operation_id"])

    async def _over_stream(self, op: dict[str, Any]) -> dict[str, Any] | None:
        """The server's answer, or None when the stream is down or did not answer in time."""
        ws = self._ws
        if ws is None or self.state != ConnectionState.ONLINE:
            return None
        op_id = op["operation_id"]
        answer = asyncio.get_running_loop().create_future()
        self._answers[op_id] = answer
        try:
            await ws.send(json.dumps({"type": "op", "id": op_id, "method": op["method"], "path": op["path"], "body": op["body"]}, ensure_ascii=False))
            return await asyncio.wait_for(answer, STREAM_ANSWER_TIMEOUT)
        except (WebSocketException, OSError, asyncio.TimeoutError) as exc:
            log.info("operation %s not answered on the event stream (%s); sending it over HTTPS", op_id, exc)
            return None
        finally:
            self._answers.pop(op_id, None)

    async def _reconcile(self, op: dict[str, Any]) -> None:
        """Undo what a refused operation showed locally: take the server's version back."""
        meeting_id = op.get("meeting_id")
        if not meeting_id:
            return
        if op.get("kind") == "annotation":
            # The server's annotations of the meeting's documents (the record may be gone locally).
            for document in self.cache.list_documents(meeting_id):
                try:
                    await self._fetch_annotations(document["id"])
                except ChamberError:
                    return
            return
        try:
            meeting = await asyncio.to_thread(self.api.request, "GET", f"/meetings/{meeting_id}")
            self.cache.put_meeting(meeting)
            self.cache.put_agenda(meeting_id, await asyncio.to_thread(self.api.get_agenda, meeting_id))
            if op.get("kind") == "document":
                await self._fetch_documents(meeting_id)
        except NotFoundError:
            self.cache.remove_meeting(meeting_id)
        except ChamberError:
            return
        self.bus.publish(Change("meeting", (meeting_id,)))
        self.bus.publish(Change("agenda", (meeting_id,)))
        if op.get("kind") == "document":
            self.bus.publish(Change("document", (op.get("entity_id") or meeting_id,)))
