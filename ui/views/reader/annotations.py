"""AnnotationSet: the annotations of the open document as the reader shows them — read from the
session's cache, kept by page, the selected one, and the commands forwarded to the session.

ChamberSession (app/sync/session.py) owns the records and their sync: commands go through its
outbox and return at once, so they run on the GUI thread. Changes from elsewhere (the delegate's
tablet, a colleague sharing a note) arrive on the session's bus; an EventBridge hands them over
here in batches and the set reloads when one touches "annotation" (or the document: a new
version moves annotations).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.bridge import ChangeBatch, EventBridge

log = logging.getLogger(__name__)


class AnnotationSet(QObject):
    changed = Signal()  # the records were (re)loaded
    selection_changed = Signal(object)  # the selected record, or None

    def __init__(self, session: Any = None, document_id: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.document_id = document_id
        self.items: list[dict[str, Any]] = []  # placed (or moved): drawn on their page
        self.unplaced: list[dict[str, Any]] = []  # mine, lost in a new version: listed only
        self.selected_id: str | None = None
        self._by_page: dict[int, list[dict[str, Any]]] = {}
        account = getattr(session, "account", None) or {}
        self.account_id: str | None = account.get("id")
        self.me: str | None = account.get("person_id")  # the person others share with
        self.bridge: EventBridge | None = None
        if session is not None:
            self.bridge = EventBridge(session.bus, self)
            self.bridge.changed.connect(self._on_changes)

    @property
    def enabled(self) -> bool:
        return self.session is not None and self.document_id is not None

    # --- reading ------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.enabled:
            return
        items = self.session.annotations(self.document_id)
        unplaced = self.session.unplaced_annotations(self.document_id)
        self.set_records(items, unplaced)

    def set_records(self, items: list[dict[str, Any]], unplaced: list[dict[str, Any]] = ()) -> None:
        """Show these records (from the session, or plain dicts in the contract's format)."""
        lost = {a["id"] for a in unplaced}
        self.unplaced = list(unplaced) + [a for a in items if a.get("placement") == "unplaced" and a["id"] not in lost]
        lost |= {a["id"] for a in self.unplaced}
        self.items = sorted((a for a in items if a["id"] not in lost), key=lambda a: (a.get("page", 0), a.get("created_at") or ""))
        self._by_page = {}
        for annotation in self.items:
            self._by_page.setdefault(int(annotation.get("page", 0)), []).append(annotation)
        if self.selected_id is not None and self.get(self.selected_id) is None:
            self.selected_id = None
            self.selection_changed.emit(None)
        self.changed.emit()

    def for_page(self, page: int) -> list[dict[str, Any]]:
        return self._by_page.get(page, [])

    def get(self, annotation_id: str) -> dict[str, Any] | None:
        return next((a for a in self.items + self.unplaced if a["id"] == annotation_id), None)

    @property
    def selected(self) -> dict[str, Any] | None:
        return None if self.selected_id is None else self.get(self.selected_id)

    def is_mine(self, annotation: dict[str, Any]) -> bool:
        """Written by this account (the only one that may change it); records without the account
        (plain dicts in tests) fall back to the person."""
        if annotation.get("author_account_id") is not None:
            return annotation["author_account_id"] == self.account_id
        return self.me is not None and annotation.get("author_id") == self.me

    def bookmarks(self) -> list[dict[str, Any]]:
        return sorted((a for a in self.items if a.get("kind") == "bookmark"), key=lambda a: a.get("page", 0))

    def bookmark_on(self, page: int) -> dict[str, Any] | None:
        """My bookmark on `page` (someone else's shared one is not mine to toggle)."""
        return next((a for a in self.for_page(page) if a.get("kind") == "bookmark" and self.is_mine(a)), None)

    def select(self, annotation_id: str | None) -> None:
        if annotation_id == self.selected_id:
            return
        self.selected_id = annotation_id
        self.selection_changed.emit(self.selected)

    # --- commands (raise ChamberError subclasses: the window shows them) ----------------------------
    def create(self, **fields: Any) -> dict[str, Any]:
        created = self.session.create_annotation(self.document_id, origin=self, **fields)
        self.reload()
        return created

    def update(self, annotation_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        updated = self.session.update_annotation(annotation_id, changes, origin=self)
        self.reload()
        return updated

    def delete(self, annotation_id: str) -> None:
        self.session.delete_annotation(annotation_id, origin=self)
        if self.selected_id == annotation_id:
            self.select(None)
        self.reload()

    # --- from elsewhere -------------------------------------------------------------------------
    def _on_changes(self, batch: ChangeBatch) -> None:
        if batch.touches("annotation", ignore_origin=self) or batch.touches("document", self.document_id, ignore_origin=self):
            self.reload()

    def close(self) -> None:
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None
