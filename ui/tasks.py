"""TaskRunner: the only place where worker threads meet widgets.

Work (network, discovery, anything that may block) runs on a QThreadPool; its result or its
exception comes back to the GUI thread through a queued signal, and only there are the callbacks
called. A `key` gives "latest wins": when a view starts the same kind of work again (the user
pressed Refresh twice), only the last answer is delivered.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal

from app.errors import ChamberError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


@dataclass
class _Pending:
    key: str | None
    on_done: Callback | None
    on_error: Callback | None


class _Worker(QRunnable):
    """Runs one function; never touches a widget, only emits the outcome."""

    def __init__(self, task_id: int, fn: Callable[[], Any], emit: Callable[[int, Any, Any], None]) -> None:
        super().__init__()
        self.task_id = task_id
        self.fn = fn
        self.emit = emit

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self.fn()
        except ChamberError as err:  # expected: the view shows err.user_message()
            log.info("task %s: %s", self.task_id, err)
            error = err
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error, never swallowed
            log.exception("task %s failed", self.task_id)
            error = exc
        self.emit(self.task_id, result, error)


def _alive(callback: Callback) -> bool:
    """False when the callback is a method of a widget that has already been destroyed."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class TaskRunner(QObject):
    """Run `fn` off the GUI thread: `run(fn, on_done=..., on_error=..., key=...)`."""

    busy_changed = Signal(bool)
    _finished = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._latest: dict[str, int] = {}
        # Queued explicitly: a worker emits from its own thread, the slot must run on ours.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def run(self, fn: Callable[[], Any], *, on_done: Callback | None = None, on_error: Callback | None = None, key: str | None = None) -> int:
        task_id = next(self._ids)
        was_busy = self.busy
        self._pending[task_id] = _Pending(key, on_done, on_error)
        if key is not None:
            self._latest[key] = task_id
        self._pool.start(_Worker(task_id, fn, self._emit))
        if not was_busy:
            self.busy_changed.emit(True)
        return task_id

    def _emit(self, task_id: int, result: Any, error: Any) -> None:
        # Called on the worker thread. The runner lives as long as the application; if it is
        # gone the process is shutting down and nobody is left to tell.
        if shiboken6.isValid(self):
            self._finished.emit(task_id, result, error)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def is_running(self, key: str) -> bool:
        task_id = self._latest.get(key)
        return task_id is not None and task_id in self._pending

    def forget(self, key: str) -> None:
        """Drop the answer of the running task with this key (its view no longer wants it)."""
        self._latest.pop(key, None)

    def _deliver(self, task_id: int, result: Any, error: Any) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        try:
            if pending.key is not None:
                if self._latest.get(pending.key) != task_id:
                    log.debug("task %s superseded (key %s)", task_id, pending.key)
                    return
                del self._latest[pending.key]
            if error is not None:
                if pending.on_error is not None and _alive(pending.on_error):
                    pending.on_error(error)
                elif pending.on_error is None:
                    log.error("task %s failed and nobody handles it: %r", task_id, error)
            elif pending.on_done is not None and _alive(pending.on_done):
                pending.on_done(result)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until every started task has finished (application exit, tests)."""
        return self._pool.waitForDone(timeout_ms)
