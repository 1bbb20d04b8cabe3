"""A client that stops reading is cut off instead of growing the server's memory, and a client
cut off that way resumes from its last sequence number without losing anything."""

from __future__ import annotations

import asyncio

from app.server import broadcaster
from app.server.broadcaster import Broadcaster
from app.services.visibility import Scope


def test_overflowing_subscriber_is_told_to_resume(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(broadcaster, "MAX_QUEUE", 5)

    async def run() -> tuple[list, bool]:
        b = Broadcaster()
        b.attach(asyncio.get_running_loop())
        sub = b.subscribe(Scope(all_meetings=True))
        b._fanout([{"seq": n, "kind": "meeting", "action": "updated", "id": "m", "meeting_id": "m", "body_id": None, "data": {}} for n in range(1, 20)])
        items = []
        while not sub.queue.empty():
            items.append(sub.queue.get_nowait())
        return items, sub.overflowed

    items, overflowed = asyncio.run(run())
    assert overflowed
    assert items == [None]  # the stream handler closes with "resume" on None
