"""AnnotationEditor: the card beside the selected annotation (never over it: right of it, else
left, below or above, else the pages' top right corner), or beside a sticky note being written.

Your own: its note (Save, or Ctrl+Enter), colour (applied at once), sharing (Share…) and Delete.
Someone else's shared one: who wrote it, the text it covers and the note, read-only. A note that
could not be placed in a new version opens here too, so its text is never out of reach. The card
only emits what the user asked; the reader calls the session.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGraphicsDropShadowEffect, QLabel, QPlainTextEdit, QPushButton, QWidget

from app.i18n import _
from ui.language import Translatable
from ui.views.reader.annotation_texts import KIND_ICONS, author_text, title_text, visibility_text
from ui.views.reader.toolbar import COLOURS, colour_dot
from ui.widgets.common import ElidedLabel, button, hbox, label, vbox
from ui.widgets.icons import icon, pixmap

STYLE = """
QFrame#AnnotationEditor { background: #ffffff; border: 1px solid #cdd5df; border-radius: 10px; }
QFrame#AnnotationEditor QLabel { background: transparent; }
QLabel#EditorTitle { font-weight: bold; color: #14324f; }
QLabel#EditorMeta { color: #5f6b7a; font-size: 8.5pt; }
QLabel#EditorQuote { color: #334155; font-style: italic; border-left: 3px solid #d6dde6; padding-left: 8px; }
QLabel#EditorNotice { color: #8a4b08; font-size: 8.5pt; }
QPlainTextEdit#NoteEdit { font-size: 10pt; }
QFrame#AnnotationEditor QPushButton[variant="swatch"] { background: transparent; border: 2px solid transparent; border-radius: 14px; padding: 0;
                               min-width: 24px; max-width: 24px; min-height: 24px; max-height: 24px; }
QFrame#AnnotationEditor QPushButton[variant="swatch"]:checked { border-color: #14324f; }
QFrame#AnnotationEditor QPushButton[variant="primary"], QFrame#AnnotationEditor QPushButton[variant="danger"],
QFrame#AnnotationEditor QPushButton#EditorShare { padding: 6px 10px; }
"""
WIDTH = 330
GAP = 14  # between the annotation and the card
QUOTE_CHARS = 220


class AnnotationEditor(Translatable, QFrame):
    note_saved = Signal(str, str)  # annotation id, the note
    note_created = Signal(str)  # the text of a new sticky note
    colour_changed = Signal(str, str)  # annotation id, colour
    share_requested = Signal(str)
    delete_requested = Signal(str)
    closed = Signal()  # dismissed (a new note is dropped)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AnnotationEditor")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.setFixedWidth(WIDTH)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(Qt.GlobalColor.gray)
        self.setGraphicsEffect(shadow)
        self.annotation: dict[str, Any] | None = None
        self.mine = False
        self.new_note = False

        self.kind_icon = QLabel()
        self.kind_icon.setFixedSize(18, 18)
        self.title = ElidedLabel("EditorTitle")
        self.close_button = QPushButton()
        self.close_button.setObjectName("EditorClose")
        self.close_button.setProperty("variant", "icon")
        self.close_button.setIcon(icon("x", "#5f6b7a", 16))
        self.close_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.close_button.clicked.connect(self.dismiss)
        self.meta = label("EditorMeta", wrap=True)
        self.notice = label("EditorNotice", wrap=True)
        self.quote = label("EditorQuote", wrap=True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("NoteEdit")
        self.note_edit.setFixedHeight(76)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.textChanged.connect(self._update_buttons)
        self.note_edit.installEventFilter(self)
        self.swatches: dict[str, QPushButton] = {}
        swatch_row = hbox(spacing=4)
        for colour, _name in COLOURS:
            swatch = QPushButton()
            swatch.setProperty("variant", "swatch")
            swatch.setObjectName(f"Swatch_{colour[1:]}")
            swatch.setCheckable(True)
            swatch.setIcon(colour_dot(colour, 18))
            swatch.setCursor(Qt.CursorShape.PointingHandCursor)
            swatch.clicked.connect(lambda _checked=False, c=colour: self._choose_colour(c))
            self.swatches[colour] = swatch
            swatch_row.addWidget(swatch)
        swatch_row.addStretch(1)
        self.swatch_box = QWidget()
        self.swatch_box.setLayout(swatch_row)
        self.delete_button = button(variant="danger", icon_name="trash", on_click=lambda: self._emit_for(self.delete_requested))
        self.delete_button.setObjectName("EditorDelete")
        self.share_button = button(icon_name="share-2", on_click=lambda: self._emit_for(self.share_requested))
        self.share_button.setObjectName("EditorShare")
        self.save_button = button(variant="primary", on_click=self.save)
        self.save_button.setObjectName("EditorSave")

        head = hbox(spacing=8)
        head.addWidget(self.kind_icon)
        head.addWidget(self.title, 1)
        head.addWidget(self.close_button)
        buttons = hbox(spacing=6)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.share_button)
        buttons.addWidget(self.save_button)
        layout = vbox(self, margins=(14, 10, 12, 12), spacing=8)
        layout.addLayout(head)
        layout.addWidget(self.meta)
        layout.addWidget(self.notice)
        layout.addWidget(self.quote)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.swatch_box)
        layout.addLayout(buttons)
        self.setVisible(False)
        self.retranslate()

    # --- what it shows ----------------------------------------------------------------------------
    def show_annotation(self, annotation: dict[str, Any], *, mine: bool) -> None:
        same = self.annotation is not None and not self.new_note and self.annotation.get("id") == annotation.get("id")
        edited = same and self.note_edit.toPlainText() != (self.annotation.get("note") or "")
        self.annotation, self.mine, self.new_note = annotation, mine, False
        if not edited:  # a refresh from elsewhere does not wipe what is being typed
            self.note_edit.setPlainText(annotation.get("note") or "")
        self._fill()

    def show_new_note(self, colour: str) -> None:
        self.annotation = {"id": "", "kind": "note", "colour": colour, "note": "", "visibility": "private"}
        self.mine, self.new_note = True, True
        self.note_edit.setPlainText("")
        self._fill()
        self.note_edit.setFocus()

    def _fill(self) -> None:
        a = self.annotation
        if a is None:
            return
        kind = a.get("kind", "")
        self.kind_icon.setPixmap(pixmap(KIND_ICONS.get(kind, "file-text"), "#14324f", 18))
        self.note_edit.setReadOnly(not self.mine)
        self.swatch_box.setVisible(self.mine)
        for colour, swatch in self.swatches.items():
            swatch.setChecked(colour.lower() == (a.get("colour") or "").lower())
        self.delete_button.setVisible(self.mine and not self.new_note)
        self.share_button.setVisible(self.mine and not self.new_note)
        self.save_button.setVisible(self.mine)
        text = " ".join((a.get("text") or "").split())
        self.quote.setVisible(bool(text))
        self.quote.setText(f"“{text[:QUOTE_CHARS]}{'…' if len(text) > QUOTE_CHARS else ''}”")
        self.note_edit.setVisible(self.mine or bool((a.get("note") or "").strip()))
        self.retranslate()
        self.setVisible(True)
        self.raise_()
        self.adjustSize()

    def retranslate(self) -> None:
        a = self.annotation
        self.close_button.setToolTip(_("Close (Esc)"))
        self.delete_button.setToolTip(_("Delete"))
        self.share_button.setText(_("Share…"))
        self.note_edit.setPlaceholderText(_("Write a note…") if self.mine else "")
        for colour, name in COLOURS:
            self.swatches[colour].setToolTip(_(name))
        if a is None:
            return
        if self.new_note:
            self.title.setText(_("New note"))
            self.meta.setText(_("Private: only you see it, on all your devices."))
            self.save_button.setText(_("Add note"))
        else:
            self.title.setText(title_text(a))
            who = author_text(a, self.mine)
            self.meta.setText(_("%(author)s · %(visibility)s") % {"author": who, "visibility": visibility_text(a)} if self.mine
                              else _("By %(author)s · read only") % {"author": who})
            self.save_button.setText(_("Save note"))
        notices = []
        if a.get("placement") == "unplaced":
            notices.append(_("Could not be placed in the new version of the document."))
        elif a.get("placement") == "moved":
            notices.append(_("Moved: its text is elsewhere in the new version."))
        if a.get("conflict_of"):
            notices.append(_("Edited on two devices at once: this is the other version, both are kept."))
        self.notice.setText("\n".join(notices))
        self.notice.setVisible(bool(notices))
        self._update_buttons()

    def _update_buttons(self) -> None:
        if self.annotation is None:
            return
        changed = self.note_edit.toPlainText() != (self.annotation.get("note") or "")
        self.save_button.setEnabled(self.new_note and bool(self.note_text()) or (not self.new_note and changed))

    def note_text(self) -> str:
        return self.note_edit.toPlainText().strip()

    # --- answers --------------------------------------------------------------------------------
    def save(self) -> None:
        if self.annotation is None or not self.mine or not self.save_button.isEnabled():
            return
        if self.new_note:
            self.note_created.emit(self.note_text())
        else:
            self.note_saved.emit(self.annotation["id"], self.note_edit.toPlainText().strip())

    def _choose_colour(self, colour: str) -> None:
        if self.annotation is None:
            return
        for c, swatch in self.swatches.items():
            swatch.setChecked(c == colour)
        if self.new_note:
            self.annotation["colour"] = colour
            self.colour_changed.emit("", colour)
        else:
            self.colour_changed.emit(self.annotation["id"], colour)

    def _emit_for(self, signal: Signal) -> None:
        if self.annotation is not None and self.annotation.get("id"):
            signal.emit(self.annotation["id"])

    def dismiss(self) -> None:
        """Close without saving (Esc, ×)."""
        self.hide_card()
        self.closed.emit()

    def hide_card(self) -> None:
        self.annotation = None
        self.new_note = False
        self.setVisible(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.note_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.dismiss()
                return True
        return super().eventFilter(watched, event)

    def place(self, area: QRect, target: QRectF | None = None) -> None:
        """Beside `target` (the annotation on screen, in the parent's coordinates) inside `area`."""
        self.adjustSize()
        w, h = self.width(), self.height()
        left, top, right, bottom = area.left() + 8, area.top() + 8, area.right() - 8, area.bottom() - 8

        def clamp(value: float, low: int, high: int) -> int:
            return int(max(low, min(value, high)))

        if target is not None and target.intersects(QRectF(area)):
            y = clamp(target.top() - 10, top, bottom - h)
            if target.right() + GAP + w <= right:
                self.move(int(target.right() + GAP), y)
                return
            if target.left() - GAP - w >= left:
                self.move(int(target.left() - GAP - w), y)
                return
            x = clamp(target.left(), left, right - w)
            if target.bottom() + GAP + h <= bottom:
                self.move(x, int(target.bottom() + GAP))
                return
            if target.top() - GAP - h >= top:
                self.move(x, int(target.top() - GAP - h))
                return
        self.move(max(left, right - w - 8), top + 6)
