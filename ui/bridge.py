"""EventBridge: app.events.EventBus → one queued Qt signal `changed(ChangeBatch)` on the GUI thread.

The sync engine publishes from its own thread, sometimes a thousand changes in a burst (a resume
catching up). The bridge collects them and hands views one batch at most every `interval_ms`, so
a view refreshes once per burst instead of once per change.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.events import Change, EventBus


@dataclass(frozen=True)
class ChangeBatch:
    """The changes that arrived since the last batch, oldest first."""

    changes: tuple[Change, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(c.kind for c in self.changes)

    def touches(self, kind: str, entity_id: str | None = None, *, ignore_origin: Any = None) -> bool:
        """Whether a view showing `kind` (and `entity_id`, if given) must refresh.

        "all" (a fresh snapshot) touches everything. Changes made by `ignore_origin` itself are
        skipped: that view already shows them.
        """
        for change in self.changes:
            if ignore_origin is not None and change.origin is ignore_origin:
                continue
            if change.kind == "all":
                return True
            if change.kind == kind and (entity_id is None or not change.ids or entity_id in change.ids):
                return True
        return False


class EventBridge(QObject):
    changed = Signal(object)  # ChangeBatch
    _arrived = Signal()

    def __init__(self, bus: EventBus, parent: QObject | None = None, *, interval_ms: int = 50) -> None:
        super().__init__(parent)
        self._interval = interval_ms / 1000
        self._lock = threading.Lock()
        self._pending: list[Change] = []
        self._signalled = False
        self._last_flush = 0.0
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = bus.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        """Any thread. Only the first change of a burst wakes the GUI thread; the rest just queue."""
        with self._lock:
            self._pending.append(change)
            if self._signalled:
                return
            self._signalled = True
        if shiboken6.isValid(self):
            self._arrived.emit()

    def _on_arrived(self) -> None:
        if self._closed or self._timer.isActive():
            return
        wait = self._interval - (time.monotonic() - self._last_flush)
        if wait <= 0:
            self._flush()  # quiet until now: answer the first change at once
        else:
            self._timer.start(max(1, int(wait * 1000)))

    def _flush(self) -> None:
        if self._closed:
            return  # a wake-up queued before close(): the session behind it may be gone
        with self._lock:
            batch, self._pending = self._pending, []
            self._signalled = False
        self._last_flush = time.monotonic()
        if batch:
            self.changed.emit(ChangeBatch(tuple(batch)))

    def close(self) -> None:
        """Stop listening (the window closes); queued changes are dropped."""
        self._closed = True
        self._unsubscribe()
        self._timer.stop()
        with self._lock:
            self._pending = []
