"""ChairFollower: a reader open on a meeting document follows the page the chair shows.

The live state (ChamberSession.live_state) says which document and page the chair shows; every
change of it is a "live" change on the session's bus. When it names this reader's document, the
reader jumps there — unless the delegate stepped away: scrolling to another page stops following,
and `back()` (the "Back to the chair" button) jumps to the chair's page and follows again.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from app.domain import live as live_rules
from ui.bridge import ChangeBatch, EventBridge


class ChairFollower(QObject):
    changed = Signal()  # following or not, or the chair's page, changed

    def __init__(self, session: Any, document: dict[str, Any], go_to_page: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.document_id: str = document["id"]
        self.meeting_id: str | None = document.get("meeting_id")
        self._go_to_page = go_to_page
        self.following = True  # until the delegate steps away
        self.chair_page: int | None = None  # the page of this document the chair shows, if any
        self._ready = False
        self._jumping = False
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self._on_changes)

    @property
    def active(self) -> bool:
        """The chair shows a page of this document now (the indicator and the button show)."""
        return self.chair_page is not None

    def start(self) -> None:
        """The document is open: go to the chair's page if it is one of ours."""
        self._ready = True
        self._read(jump=True)

    def _read(self, *, jump: bool) -> None:
        page = None
        if self.meeting_id:
            state = self.session.live_state(self.meeting_id)
            shown = state.get("page")
            if shown and shown.get("document_id") == self.document_id and state.get("state") in live_rules.IN_SESSION:
                page = int(shown.get("page") or 0)
        moved = page != self.chair_page
        self.chair_page = page
        if page is not None and moved and self.following and jump:
            self._jump(page)
        if moved:
            self.changed.emit()

    def _jump(self, page: int) -> None:
        if not self._ready:
            return
        self._jumping = True
        try:
            self._go_to_page(page)
        finally:
            self._jumping = False

    def page_changed(self, page: int) -> None:
        """The reader is on `page` now: a page the delegate chose by themselves stops following."""
        if self._jumping or self.chair_page is None or not self.following:
            return
        if page != self.chair_page:
            self.following = False
            self.changed.emit()

    def back(self) -> None:
        """Back to the chair's page, and follow again."""
        self.following = True
        if self.chair_page is not None:
            self._jump(self.chair_page)
        self.changed.emit()

    def _on_changes(self, batch: ChangeBatch) -> None:
        if batch.touches("live") or batch.touches("meeting"):
            self._read(jump=True)

    def close(self) -> None:
        self.bridge.close()
