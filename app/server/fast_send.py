"""A direct write for an event stream that is keeping up.

When the chair moves to the next item, one `live` event goes to every tablet in the hall. Through
ASGI, each tablet's stream task is woken and sends through five layers of coroutines; measured
with benchmarks/follow_me.py that was about twice the cost of a bare `websockets` broadcast. The
fan-out therefore writes the frame straight onto an idle stream's connection, as a bare broadcast
does, and falls back to the stream's own queue whenever that is not plainly safe: the connection is
not open, the transport asks to slow down, or something is already queued or being sent (order).

This reaches into uvicorn's websockets-sansio protocol (the `ws` implementation the server runner
chooses). With any other stack `direct_sender` returns None and every event takes the queue;
tests/integration/test_event_stream.py checks that the direct path is the one in use.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

log = logging.getLogger(__name__)

SCOPE_KEY = "chamber.raw_send"
_NEEDED = ("conn", "transport", "writable", "close_sent", "handshake_complete")

DirectSend = Callable[[bytes], bool]


class CaptureSend:
    """ASGI middleware: keeps the server's own `send` of a WebSocket in its scope."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]) -> None:
        if scope["type"] == "websocket":
            scope[SCOPE_KEY] = send
        await self.app(scope, receive, send)


def direct_sender(scope: dict[str, Any]) -> DirectSend | None:
    """A function that writes one text frame (UTF-8 bytes) at once and says whether it did."""
    protocol = getattr(scope.get(SCOPE_KEY), "__self__", None)
    if protocol is None or not all(hasattr(protocol, name) for name in _NEEDED):
        return None

    def write(data: bytes) -> bool:
        if protocol.close_sent or not protocol.handshake_complete or protocol.transport.is_closing() or not protocol.writable.is_set():
            return False
        try:
            protocol.conn.send_text(data)
        except Exception:  # a closing connection: the queued path meets and reports it
            return False
        protocol.transport.write(b"".join(protocol.conn.data_to_send()))
        return True

    return write
