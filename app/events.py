"""Change notices inside one process: `Change(kind, ids)` and a thread-safe EventBus.

Services and the sync engine publish what changed after it is stored; each view subscribes and
decides for itself whether to refresh (Anki's OpChanges idea). The bus knows nothing of Qt:
ui/bridge.py turns it into a queued Qt signal on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    kind: str  # meeting, agenda, outbox, connection, directory, session
    ids: tuple[str, ...] = ()
    seq: int | None = None
    origin: Any = field(default=None, compare=False)


Listener = Callable[[Change], None]


class EventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                log.exception("change listener failed for %s", change)
