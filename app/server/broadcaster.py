"""Fan-out of committed change events to every connected event stream, in sequence order.

Events arrive from whichever thread committed them; they are handed to the server's asyncio loop
and serialised to JSON once, then queued for each subscriber that may see them. A subscriber that
falls too far behind is disconnected and resumes from its last sequence number; one whose token
has just been ended (password change, reset, disabled account, revoked device) is disconnected too.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from app.server.fast_send import DirectSend
from app.services.visibility import Scope, visible_event

log = logging.getLogger(__name__)

MAX_QUEUE = 20_000


def encode(event: dict[str, Any]) -> str:
    return json.dumps({"type": "event", **event}, ensure_ascii=False, separators=(",", ":"))


class Subscriber:
    def __init__(self, scope: Scope, token_id: str | None = None) -> None:
        self.scope = scope
        self.token_id = token_id
        self.queue: asyncio.Queue[tuple[int | None, str] | None] = asyncio.Queue(MAX_QUEUE)
        self.overflowed = False
        self.ended = False  # its token is no longer valid
        # Set by the stream once it has caught up (app/server/fast_send.py); `busy` while the
        # stream's task is sending something it took from the queue, so nothing overtakes it.
        self.direct: DirectSend | None = None
        self.busy = False
        self.sent_directly = 0

    def offer(self, event: dict[str, Any], text: str, data: bytes | None = None) -> None:
        if self.overflowed or self.ended:
            return
        shown = visible_event(self.scope, event)
        if shown is None:
            return
        if shown is event and data is not None and self.direct is not None and not self.busy and self.queue.empty() and self.direct(data):
            self.sent_directly += 1
            return
        try:
            self.queue.put_nowait((event["seq"], text if shown is event else encode(shown)))
        except asyncio.QueueFull:
            # A client this far behind is cut off; it resumes from its last seq when it reconnects,
            # so what it has not read yet can go.
            self.overflowed = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class Broadcaster:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.subscribers: set[Subscriber] = set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def publish(self, events: list[dict[str, Any]]) -> None:
        """Called after a commit, from any thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._fanout, events)

    def _fanout(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            text = encode(event)
            data = text.encode()
            for sub in list(self.subscribers):
                sub.offer(event, text, data)

    def close_all(self) -> None:
        """End every stream (server shutdown); clients reconnect and resume by sequence number."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return

        def _close() -> None:
            for sub in list(self.subscribers):
                if not sub.queue.full():
                    sub.queue.put_nowait(None)

        loop.call_soon_threadsafe(_close)

    def end_sessions(self, token_ids: list[str]) -> None:
        """End the streams of these tokens, from any thread (after the commit that revoked them)."""
        loop = self.loop
        ended = set(token_ids)
        if not ended or loop is None or loop.is_closed():
            return

        def _end() -> None:
            for sub in list(self.subscribers):
                if sub.token_id in ended and not sub.ended:
                    sub.ended = True
                    while not sub.queue.empty():
                        sub.queue.get_nowait()
                    sub.queue.put_nowait(None)

        loop.call_soon_threadsafe(_end)

    def subscribe(self, scope: Scope, token_id: str | None = None) -> Subscriber:
        sub = Subscriber(scope, token_id)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
