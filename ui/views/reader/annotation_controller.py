"""ReaderAnnotations: the reader's annotation features wired together — the tools on the pages, the
toolbar's tool / colour / bookmark / export buttons, the side panel's list, the editor card and
the share dialog — over one AnnotationSet (the session's records of this document).

Everything the user does ends in a ChamberSession call (create/update/delete_annotation, local and
immediate through the outbox; export_annotated_pdf on the TaskRunner, it writes a file). Refusals
(ChamberError) are shown in the reader's notice banner in the current language.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSizeF, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.errors import ChamberError
from app.i18n import _
from app.pdf.text_select import invert, map_rect
from ui.feedback import confirm, error_text
from ui.views.reader.annotation_editor import AnnotationEditor
from ui.views.reader.annotation_geometry import bookmark_rect, bounds
from ui.views.reader.annotation_layer import PageMapping
from ui.views.reader.annotation_tools import AnnotationTools
from ui.views.reader.annotations import AnnotationSet
from ui.views.reader.share_dialog import ShareDialog

log = logging.getLogger(__name__)

BOOKMARK_COLOUR = "#E03131"
BOOKMARK_WORDS = 12  # the start of the page a bookmark remembers, so a new version can place it again

Notify = Callable[[Callable[[], str], str], None]  # (text in the current language, banner kind)


def export_file_name(title: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|]+", " ", title).strip()[:80] or "document"
    return _("%(title)s (annotated).pdf") % {"title": stem}


class ReaderAnnotations(QObject):
    def __init__(self, window: Any, session: Any, document: dict[str, Any], *, notify: Notify) -> None:  # window: ReaderWindow
        super().__init__(window)
        self.window = window
        self.session = session
        self.document_record = document
        self.notify = notify
        self.view = window.view
        self.toolbar = window.toolbar
        self.list = window.side.annotations
        self.set = AnnotationSet(session, document["id"], self)
        self.tools = AnnotationTools(self.view, self.set, self)
        self.editor = AnnotationEditor(self.view)
        self.share_dialog: ShareDialog | None = None
        self.export_dialog: QFileDialog | None = None
        self.question: QMessageBox | None = None
        self.exporting = False
        self._note_at: tuple[int, float, float] | None = None
        self._connect()

    def _connect(self) -> None:
        tb = self.toolbar
        tb.tool_chosen.connect(self.set_tool)
        tb.colour_chosen.connect(self.tools.set_colour)
        self.tools.set_colour(tb.colour)
        tb.bookmark_button.clicked.connect(lambda _checked=False: self.toggle_bookmark())
        tb.export_button.clicked.connect(lambda _checked=False: self.choose_export_file())
        self.tools.create_requested.connect(self._create)
        self.tools.note_requested.connect(self._start_note)
        self.tools.clicked.connect(self.select)
        self.tools.delete_requested.connect(self.ask_delete)
        self.set.changed.connect(self._on_records)
        self.set.selection_changed.connect(self._on_selection)
        self.list.chosen.connect(self.jump_to)
        self.editor.note_saved.connect(lambda aid, note: self._update(aid, {"note": note}))
        self.editor.note_created.connect(self._create_note)
        self.editor.colour_changed.connect(self._on_editor_colour)
        self.editor.share_requested.connect(self.open_share_dialog)
        self.editor.delete_requested.connect(self.ask_delete)
        self.editor.closed.connect(self._on_editor_closed)
        self.window.page_changed.connect(lambda _page: self._sync_bookmark())
        self.view.layout_changed.connect(self._place_editor)
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._place_editor())
        self.view.horizontalScrollBar().valueChanged.connect(lambda _v: self._place_editor())
        self.view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._place_editor()
        return super().eventFilter(watched, event)

    def start(self, document: Any) -> None:
        """The PDF is open (ReaderDocument): draw over it, show the tools, load the records."""
        self.tools.set_document(document)
        self.view.set_overlay(self.tools)
        self.view.viewport().setMouseTracking(True)
        self.toolbar.set_annotations_shown(True)
        self.window.side.set_annotations_shown(True)
        self.reload()

    def reload(self) -> None:
        try:
            self.set.reload()
        except ChamberError as err:
            self.notify(lambda: error_text(err), "error")

    # --- tools ----------------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        self._drop_note()
        self.tools.set_tool(tool)
        self.toolbar.set_tool(tool)
        self.tools.set_colour(self.toolbar.colour)

    def _create(self, fields: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self.set.create(**fields)
        except ChamberError as err:
            self.notify(lambda: error_text(err), "error")
            return None

    def _update(self, annotation_id: str, changes: dict[str, Any]) -> bool:
        try:
            self.set.update(annotation_id, changes)
        except ChamberError as err:
            self.notify(lambda: error_text(err), "error")
            return False
        return True

    # --- notes ----------------------------------------------------------------------------------
    def _start_note(self, page: int, x: float, y: float) -> None:
        self.set.select(None)
        self._note_at = (page, x, y)
        self.tools.show_note_draft(page, x, y)
        self.editor.show_new_note(self.tools.colour)
        self._place_editor()

    def _create_note(self, text: str) -> None:
        if self._note_at is None:
            return
        page, x, y = self._note_at
        draft = self.tools.note_draft or {}
        created = self._create({"kind": "note", "page": page, "rects": draft.get("rects") or [], "note": text,
                                "colour": draft.get("colour") or self.tools.colour})
        if created is not None:
            self._drop_note()
            self.set.select(created["id"])

    def _on_editor_colour(self, annotation_id: str, colour: str) -> None:
        if not annotation_id:  # the note being written
            if self.tools.note_draft is not None:
                self.tools.note_draft["colour"] = colour
                self.view.viewport().update()
            return
        self._update(annotation_id, {"colour": colour})

    def _on_editor_closed(self) -> None:
        self._drop_note()
        self.set.select(None)

    def _drop_note(self) -> None:
        if self._note_at is not None:
            self._note_at = None
            self.tools.show_note_draft(None)
            if self.editor.new_note:
                self.editor.hide_card()

    # --- selection ------------------------------------------------------------------------------
    def select(self, annotation_id: str | None) -> None:
        if annotation_id is not None:
            self._drop_note()
        self.set.select(annotation_id)

    def _on_selection(self, annotation: dict[str, Any] | None) -> None:
        self.list.show_selected(None if annotation is None else annotation["id"])
        if annotation is None:
            if not self.editor.new_note:
                self.editor.hide_card()
        else:
            self.editor.show_annotation(annotation, mine=self.set.is_mine(annotation))
            self._place_editor()
        self.view.viewport().update()

    def jump_to(self, annotation_id: str) -> None:
        """Show the annotation on its page (an unplaced one only opens in the editor) and select it."""
        annotation = self.set.get(annotation_id)
        if annotation is None:
            return
        self.select(annotation_id)
        box = bounds(annotation)
        if annotation.get("placement") != "unplaced" and box is not None:
            page = int(annotation["page"])
            matrix = self.window.document.matrix(page) if self.window.document is not None else None
            self.view.ensure_visible(page, map_rect(matrix, box))
        self.view.setFocus()

    def _place_editor(self) -> None:
        if not self.editor.isVisible():
            return
        viewport = self.view.viewport()
        area = QRect(viewport.mapTo(self.view, QPoint(0, 0)), viewport.size())
        annotation = self.tools.note_draft if self.editor.new_note else self.set.selected
        target = None
        if annotation is not None and annotation.get("placement") != "unplaced" and self.window.document is not None:
            box = bounds(annotation)
            page = int(annotation.get("page", 0))
            rect = self.view.page_rect(page)
            if box is not None and not rect.isEmpty():
                target = PageMapping(rect, self.view.scale, self.window.document.matrix(page)).box(box)
                if annotation.get("kind") == "note":  # drawn at least 14 px wide
                    target.setSize(target.size().expandedTo(QSizeF(14, 14)))
                target.translate(area.left(), area.top())
        self.editor.place(area, target)

    # --- records changed (here or elsewhere) ------------------------------------------------------
    def _on_records(self) -> None:
        self.list.set_records(self.set.items, self.set.unplaced, self.set.is_mine)
        selected = self.set.selected
        if selected is not None and self.editor.isVisible() and not self.editor.new_note:
            self.editor.show_annotation(selected, mine=self.set.is_mine(selected))
        self._sync_bookmark()

    def _sync_bookmark(self) -> None:
        self.toolbar.set_bookmarked(self.set.bookmark_on(self.view.current_page) is not None)

    # --- bookmarks ------------------------------------------------------------------------------
    def toggle_bookmark(self, page: int | None = None) -> None:
        page = self.view.current_page if page is None else page
        existing = self.set.bookmark_on(page)
        if existing is not None:
            try:
                self.set.delete(existing["id"])
            except ChamberError as err:
                self.notify(lambda: error_text(err), "error")
        else:
            document = self.window.document
            width, height = document.page_sizes()[page]
            rect = map_rect(invert(document.matrix(page)), bookmark_rect(width, height))
            words = document.words(page) or []
            text = " ".join(w.text for w in words[:BOOKMARK_WORDS])
            self._create({"kind": "bookmark", "page": page, "rects": [[round(v, 2) for v in rect]], "text": text, "colour": BOOKMARK_COLOUR})
        self._sync_bookmark()

    # --- delete -------------------------------------------------------------------------------------
    def ask_delete(self, annotation_id: str) -> None:
        annotation = self.set.get(annotation_id)
        if annotation is None or not self.set.is_mine(annotation):
            return
        self.question = confirm(self.window, _("Delete the annotation"), _("Delete this annotation on all your devices? This cannot be undone."),
                                yes=_("Delete"), on_yes=lambda: self.delete(annotation_id))

    def delete(self, annotation_id: str) -> None:
        try:
            self.set.delete(annotation_id)
        except ChamberError as err:
            self.notify(lambda: error_text(err), "error")

    # --- sharing --------------------------------------------------------------------------------
    def open_share_dialog(self, annotation_id: str) -> ShareDialog | None:
        annotation = self.set.get(annotation_id)
        if annotation is None or not self.set.is_mine(annotation):
            return None
        dialog = ShareDialog(self.window, annotation, self.session.list_persons(), me=self.set.me)

        def chosen(visibility: str, person_ids: list[str]) -> None:
            try:
                self.set.update(annotation_id, {"visibility": visibility, "shared_with": person_ids})
            except ChamberError as err:
                dialog.show_error(lambda: error_text(err))
                return
            dialog.accept()

        dialog.chosen.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        self.share_dialog = dialog
        dialog.open()
        return dialog

    # --- export ---------------------------------------------------------------------------------
    def choose_export_file(self) -> QFileDialog:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        dialog = QFileDialog(self.window, _("Export with annotations"), folder)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("pdf")
        dialog.setNameFilter(_("PDF document (*.pdf)"))
        dialog.selectFile(export_file_name(self.window.title))
        dialog.fileSelected.connect(self.export_to)
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: str | Path) -> None:
        """Write the document with my annotations (and those shared with me) to `path`, off the GUI thread."""
        if self.exporting:
            return
        self.tools.commit_ink()
        session, document_id, target = self.session, self.document_record["id"], Path(path)
        self.exporting = True
        self.toolbar.export_button.setEnabled(False)
        self.window.spinner.start()
        self.notify(lambda: _("Exporting the document with your annotations…"), "info")
        self.window.tasks.run(lambda: session.export_annotated_pdf(document_id, target), on_done=self._exported, on_error=self._export_failed,
                              key=f"reader-export-{id(self)}")

    def _exported(self, path: Path) -> None:
        self._export_over()
        self.notify(lambda: _("Saved to %(path)s") % {"path": str(path)}, "success")

    def _export_failed(self, error: BaseException) -> None:
        self._export_over()
        if isinstance(error, OSError):
            self.notify(lambda: _("The file could not be written: %(reason)s") % {"reason": error.strerror or str(error)}, "error")
        else:
            self.notify(lambda: _("The export failed: %(reason)s") % {"reason": error_text(error)}, "error")

    def _export_over(self) -> None:
        self.exporting = False
        self.toolbar.export_button.setEnabled(True)
        self.window.spinner.stop()

    # --- the end ----------------------------------------------------------------------------------
    def close(self) -> None:
        """The window closes: strokes not saved yet are saved, then stop listening."""
        self.tools.commit_ink()
        self.set.close()
