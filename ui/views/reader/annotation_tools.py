"""AnnotationTools: what the pointer does on the pages, by tool — the PageView's overlay.

- select: a click on an annotation selects it (its editor opens), a click elsewhere clears it;
- highlight / underline: a drag selects words like a text editor (app/pdf/text_select.py) and
  shows them as it goes; on release the words become one annotation (one rectangle per line,
  and the text they cover). A page without text (a scan) takes the dragged rectangle instead;
- ink: each drag is a stroke (pen pressure when a pen is used, 0.5 for a mouse), smoothed when the
  pen lifts; strokes written in a row on one page make one annotation, saved when the hand rests
  (INK_PAUSE_MS), another page or tool is chosen, or Enter is pressed;
- note: a click places a sticky note there; its editor asks for the text.

Points arrive in displayed page points (rotation applied) and leave in unrotated PDF points, the
records' space. A click without a drag (under MIN_DRAG) with highlight or underline selects, so
an existing annotation stays reachable without changing tools.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPainter

from app.pdf.text_select import Matrix, apply, invert, line_rects, select_words, selection_text
from ui.views.reader.annotation_geometry import HIT_TOLERANCE, annotation_at, clamp_point, note_rect, smooth_stroke
from ui.views.reader.annotation_layer import PageMapping, paint_annotations
from ui.views.reader.annotations import AnnotationSet

TOOLS = ("select", "highlight", "underline", "ink", "note")
INK_PAUSE_MS = 1500
MIN_DRAG = 2.0  # points
HIT_PIXELS = 6.0  # a click this close (on screen) to a thin line still hits it

CURSORS = {
    "select": Qt.CursorShape.ArrowCursor,
    "highlight": Qt.CursorShape.IBeamCursor,
    "underline": Qt.CursorShape.IBeamCursor,
    "ink": Qt.CursorShape.CrossCursor,
    "note": Qt.CursorShape.CrossCursor,
}


class AnnotationTools(QObject):
    tool_changed = Signal(str)
    create_requested = Signal(dict)  # the fields of ChamberSession.create_annotation (kind, page, rects, ink, text, colour)
    note_requested = Signal(int, float, float)  # page, x, y (unrotated points): a new note there
    clicked = Signal(object)  # the annotation id a click selected, or None
    delete_requested = Signal(str)  # Delete pressed on the selected annotation

    def __init__(self, view: Any, annotations: AnnotationSet, parent: QObject | None = None) -> None:  # view: PageView
        super().__init__(parent)
        self.view = view
        self.annotations = annotations
        self.document: Any = None  # ReaderDocument: words, rotation, sizes
        self.tool = "select"
        self.colour = "#FFD43B"
        self._sizes: list[tuple[float, float]] = []
        self._drag: dict[str, Any] | None = None  # highlight/underline: page, start, end (unrotated), moved
        self._ink: dict[str, Any] | None = None  # page, strokes (done), stroke (being drawn)
        self._finish_when_words: dict[str, Any] | None = None  # a drag released before its page's words were there
        self.note_draft: dict[str, Any] | None = None  # the note being written, drawn where it will be
        self._ink_timer = QTimer(self)
        self._ink_timer.setSingleShot(True)
        self._ink_timer.setInterval(INK_PAUSE_MS)
        self._ink_timer.timeout.connect(self.commit_ink)
        annotations.changed.connect(self._repaint)
        annotations.selection_changed.connect(lambda _a: self._repaint())

    def set_document(self, document: Any) -> None:
        self.document = document
        self._sizes = document.page_sizes()
        document.words_ready.connect(self._on_words)

    # --- state ----------------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(tool)
        self.commit_ink()
        self._drag = self._finish_when_words = None
        self.tool = tool
        self.view.viewport().setCursor(CURSORS[tool])
        if tool in ("highlight", "underline") and self.document is not None:
            for page in self.view.visible_pages():  # ready before the first drag
                self.document.request_words(page)
        self.tool_changed.emit(tool)
        self._repaint()

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        if self._ink is not None:
            self._repaint()

    @property
    def busy(self) -> bool:
        """Something drawn is not saved yet (an ink draft, a drag, a note being written)."""
        return self._ink is not None or self._drag is not None or self._finish_when_words is not None

    def drafts(self, page: int) -> list[dict[str, Any]]:
        """What is being drawn on `page`, as records (painted like the saved ones)."""
        found = []
        if self._drag is not None and self._drag["page"] == page and self._drag["moved"]:
            fields = self._selection(self._drag)
            if fields is not None:
                found.append({"id": "", **fields})
        if self._ink is not None and self._ink["page"] == page:
            strokes = self._ink["strokes"] + ([self._ink["stroke"]] if self._ink["stroke"] else [])
            found.append({"id": "", "kind": "ink", "page": page, "ink": strokes, "colour": self.colour})
        if self.note_draft is not None and self.note_draft["page"] == page:
            found.append(self.note_draft)
        return found

    # --- coordinates ----------------------------------------------------------------------------
    def matrix(self, page: int) -> Matrix | None:
        return None if self.document is None else self.document.matrix(page)

    def to_pdf(self, page: int, x: float, y: float) -> tuple[float, float]:
        """Displayed points → unrotated PDF points."""
        return apply(invert(self.matrix(page)), x, y)

    def _clamped(self, page: int, x: float, y: float) -> tuple[float, float]:
        if page < len(self._sizes):
            x, y = clamp_point(x, y, *self._sizes[page])
        return self.to_pdf(page, x, y)

    # --- the overlay (PageView) -------------------------------------------------------------------
    def paint_page(self, painter: QPainter, page: int, rect: QRectF, scale: float) -> None:
        items = self.annotations.for_page(page)
        drafts = self.drafts(page)
        if not items and not drafts:
            return
        mapping = PageMapping(rect, scale, self.matrix(page))
        paint_annotations(painter, items, mapping, selected=self.annotations.selected_id)
        if drafts:
            paint_annotations(painter, drafts, mapping, selected=self.note_draft["id"] if self.note_draft else None)

    def pointer(self, phase: str, page: int, x: float, y: float, pressure: float) -> bool:
        if phase == "hover":
            if self.tool == "select":
                hit = self._hit(page, x, y)
                self.view.viewport().setCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)
            return False
        if self.tool == "select":
            if phase == "press":
                hit = self._hit(page, x, y)
                self.clicked.emit(hit["id"] if hit else None)
                return hit is not None
            return False
        if self.tool in ("highlight", "underline"):
            return self._text_tool(phase, page, x, y)
        if self.tool == "ink":
            return self._ink_tool(phase, page, x, y, pressure)
        if self.tool == "note":
            if phase == "release":
                px, py = self._clamped(page, x, y)
                self.note_requested.emit(page, px, py)
            return True
        return False

    def key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self._drag is not None or self._ink is not None:
                self._drag = None
                self._ink = None
                self._ink_timer.stop()
                self._repaint()
                return True
            if self.annotations.selected_id is not None:
                self.clicked.emit(None)
                return True
            return False
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._ink is not None:
            self.commit_ink()
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            selected = self.annotations.selected
            if selected is not None and self.annotations.is_mine(selected):
                self.delete_requested.emit(selected["id"])
                return True
        return False

    def _hit(self, page: int, x: float, y: float) -> dict[str, Any] | None:
        px, py = self.to_pdf(page, x, y)
        tolerance = max(HIT_TOLERANCE / 2, HIT_PIXELS / self.view.scale)
        return annotation_at(self.annotations.for_page(page), page, px, py, tolerance)

    # --- highlight / underline --------------------------------------------------------------------
    def _text_tool(self, phase: str, page: int, x: float, y: float) -> bool:
        point = self._clamped(page, x, y)
        if phase == "press":
            self._drag = {"page": page, "start": point, "end": point, "moved": False, "kind": self.tool, "colour": self.colour}
            self._finish_when_words = None
            if self.document is not None:
                self.document.request_words(page)
            return True
        drag = self._drag
        if drag is None:
            return False
        drag["end"] = point
        if math.dist(drag["start"], drag["end"]) * self.view.scale >= MIN_DRAG:
            drag["moved"] = True
        if phase == "release":
            self._drag = None
            if not drag["moved"]:  # a click: select what is under it
                hit = self._hit(page, x, y)
                self.clicked.emit(hit["id"] if hit else None)
            elif self.document is not None and self.document.words(page) is None:
                self._finish_when_words = drag  # finished in _on_words
            else:
                self._finish_text(drag)
        self._repaint()
        return True

    def _selection(self, drag: dict[str, Any]) -> dict[str, Any] | None:
        """The record fields a drag stands for now (None while the page's words are not known)."""
        page = drag["page"]
        words = None if self.document is None else self.document.words(page)
        if words is None:
            return None
        if words:
            chosen = select_words(words, drag["start"], drag["end"])
            if not chosen:
                return None
            rects, text = line_rects(chosen), selection_text(chosen)
        else:  # no text on this page (a scan): the rectangle dragged over
            (x0, y0), (x1, y1) = drag["start"], drag["end"]
            rects, text = [(round(min(x0, x1), 2), round(min(y0, y1), 2), round(max(x0, x1), 2), round(max(y0, y1), 2))], ""
        return {"kind": drag["kind"], "page": page, "rects": [list(r) for r in rects], "text": text, "colour": drag["colour"]}

    def _finish_text(self, drag: dict[str, Any]) -> None:
        fields = self._selection(drag)
        if fields is not None:
            self.create_requested.emit(fields)

    def _on_words(self, page: int) -> None:
        pending = self._finish_when_words
        if pending is not None and pending["page"] == page:
            self._finish_when_words = None
            self._finish_text(pending)
        if self._drag is not None and self._drag["page"] == page:
            self._repaint()

    # --- ink ----------------------------------------------------------------------------------------
    def _ink_tool(self, phase: str, page: int, x: float, y: float, pressure: float) -> bool:
        px, py = self._clamped(page, x, y)
        sample = [round(px, 2), round(py, 2), round(pressure, 3)]
        if phase == "press":
            self._ink_timer.stop()
            if self._ink is not None and self._ink["page"] != page:
                self.commit_ink()
            if self._ink is None:
                self._ink = {"page": page, "strokes": [], "stroke": [], "colour": self.colour}
            self._ink["stroke"] = [sample]
        elif self._ink is None or not self._ink["stroke"]:
            return False
        else:
            self._ink["stroke"].append(sample)
            if phase == "release":
                self._ink["strokes"].append(smooth_stroke(self._ink["stroke"]))
                self._ink["stroke"] = []
                self._ink_timer.start()
        self._repaint()
        return True

    def commit_ink(self) -> None:
        """Save the strokes drawn so far as one ink annotation."""
        self._ink_timer.stop()
        ink, self._ink = self._ink, None
        if ink is None:
            return
        strokes = ink["strokes"] + ([smooth_stroke(ink["stroke"])] if ink["stroke"] else [])
        if strokes:
            self.create_requested.emit({"kind": "ink", "page": ink["page"], "ink": strokes, "colour": self.colour})
        self._repaint()

    # --- notes --------------------------------------------------------------------------------------
    def show_note_draft(self, page: int | None, x: float = 0.0, y: float = 0.0) -> None:
        """Draw a note being written at (x, y) (unrotated points) until it is saved or dropped."""
        if page is None:
            self.note_draft = None
        else:
            self.note_draft = {"id": "draft-note", "kind": "note", "page": page, "rects": [list(note_rect(x, y))], "note": "", "colour": self.colour}
        self._repaint()

    def _repaint(self) -> None:
        self.view.viewport().update()
