"""Documents come to the device before the meeting: as soon as a meeting is published (not a draft)
and starts within the coming weeks, every document of it the user may read is downloaded in the
background, with progress, so the reader works in the chamber with the network off.

It listens to the session's changes (a new document, a meeting published, a fresh snapshot, the
connection back) and works on its own thread, one meeting at a time, soonest meeting first.
Progress is published as Change("download", (meeting_id,)) and read with `progress()`.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from app.domain.clock import utcnow
from app.errors import ChamberError
from app.events import Change, EventBus

log = logging.getLogger(__name__)

HORIZON = timedelta(days=30)  # a packet published further ahead waits until it comes closer
RECENT = timedelta(days=1)  # a meeting that started today is still worth having on the device
WAKE_ON = frozenset({"document", "meeting", "all", "connection"})
ACTIVE_STATUSES = frozenset({"scheduled", "open", "adjourned"})


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class AutoDownloader:
    def __init__(self, session: Any, bus: EventBus) -> None:
        self.session = session
        self.bus = bus
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._progress: dict[str, float] = {}
        self.last_error: ChamberError | None = None
        self._unsubscribe = bus.subscribe(self._on_change)
        self._thread = threading.Thread(target=self._run, name="chamber-autodownload", daemon=True)
        self._thread.start()
        self._wake.set()

    # --- what the UI reads --------------------------------------------------------------------
    def progress(self) -> dict[str, float]:
        """meeting id → fraction downloaded, for the meetings being fetched right now."""
        with self._lock:
            return dict(self._progress)

    def due(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Meetings whose documents belong on this device, soonest first."""
        now = now or utcnow()
        meetings = []
        for meeting in self.session.list_meetings():
            starts = _when(meeting.get("starts_at"))
            if meeting.get("status") in ACTIVE_STATUSES and starts is not None and now - RECENT <= starts <= now + HORIZON:
                meetings.append((starts, meeting))
        return [m for _s, m in sorted(meetings, key=lambda pair: pair[0])]

    def missing(self, meeting_id: str) -> list[dict[str, Any]]:
        return [d for d in self.session.list_documents(meeting_id) if self.session.document_file(d) is None]

    # --- the worker ---------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.kind in WAKE_ON:
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._fetch_due()
            except Exception:  # noqa: BLE001 - a background helper must never take the client down
                log.exception("automatic document download stopped")

    def _fetch_due(self) -> None:
        for meeting in self.due():
            if self._stop.is_set():
                return
            documents = self.missing(meeting["id"])
            if not documents:
                continue
            meeting_id = meeting["id"]
            self._report(meeting_id, 0.0)
            try:
                self.session.files.download_all(documents, lambda f, m=meeting_id: self._report(m, f))
                self.last_error = None
            except ChamberError as err:
                # Offline or refused: try again on the next change (the connection coming back is one).
                self.last_error = err
                log.info("automatic download of %s paused: %s", meeting_id, err)
                self._done(meeting_id)
                return
            self._done(meeting_id)

    def _report(self, meeting_id: str, fraction: float) -> None:
        if self._stop.is_set():
            raise _Stopped()
        with self._lock:
            previous = self._progress.get(meeting_id)
            self._progress[meeting_id] = fraction
        # Every whole percent at most: a view need not repaint for every 256 KB.
        if previous is None or int(fraction * 100) != int(previous * 100):
            self.bus.publish(Change("download", (meeting_id,)))

    def _done(self, meeting_id: str) -> None:
        with self._lock:
            self._progress.pop(meeting_id, None)
        self.bus.publish(Change("download", (meeting_id,)))
        self.bus.publish(Change("document", (meeting_id,)))  # lists show "on this device"

    def stop(self) -> None:
        self._stop.set()
        self._unsubscribe()
        self._wake.set()
        self._thread.join(timeout=5)


class _Stopped(ChamberError):
    """Raised from the progress callback to abandon a transfer when the session closes."""
