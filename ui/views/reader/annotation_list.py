"""AnnotationList: the side panel's "Annotations" tab — the document's bookmarks, its annotations in
page order (kind, page, the text or note, author, whether shared), and those that could not be
placed in the new version of the document. A click on a row selects that annotation (and the
reader jumps to it)."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QListWidget, QListWidgetItem, QWidget

from app.i18n import _
from ui.language import Translatable
from ui.views.reader.annotation_layer import colour_of
from ui.views.reader.annotation_texts import KIND_ICONS, author_text, excerpt, title_text, visibility_text
from ui.widgets.common import ElidedLabel, hbox, vbox
from ui.widgets.icons import pixmap

STYLE = """
QListWidget#AnnotationList { background: #f7f9fb; border: none; }
QListWidget#AnnotationList::item { border: none; padding: 0; }
QListWidget#AnnotationList::item:selected { background: #dcefec; }
QListWidget#AnnotationList::item:hover:!selected { background: #eef2f5; }
QLabel#AnnotationSection { color: #4a5666; font-size: 8.5pt; font-weight: bold; padding: 10px 12px 2px 12px; }
QLabel#AnnotationHint { color: #8a4b08; font-size: 8.5pt; padding: 0 12px 4px 12px; }
QLabel#AnnotationTitle { color: #1f2933; font-weight: bold; font-size: 9pt; }
QLabel#AnnotationExcerpt { color: #334155; font-size: 9pt; }
QLabel#AnnotationMeta { color: #5f6b7a; font-size: 8pt; }
QLabel#SharedBadge { color: #0f5c55; background: #dcefec; border-radius: 7px; padding: 0 6px; font-size: 7.5pt; }
QLabel#ConflictBadge { color: #8a4b08; background: #fff1d6; border-radius: 7px; padding: 0 6px; font-size: 7.5pt; }
QLabel#AnnotationsEmpty { color: #5f6b7a; padding: 16px; }
"""

ID_ROLE = Qt.ItemDataRole.UserRole
ROW_HEIGHT = 66


class AnnotationRow(QWidget):
    """One annotation: a swatch with its kind's icon, "Highlight · page 3", the excerpt, author and sharing."""

    def __init__(self, annotation: dict[str, Any], mine: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.annotation = annotation
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # the list takes the clicks
        colour = colour_of(annotation)
        swatch = QLabel()
        swatch.setFixedSize(26, 26)
        swatch.setAlignment(Qt.AlignmentFlag.AlignCenter)
        swatch.setStyleSheet(f"background: {colour.name()}; border: 1px solid {colour.darker(135).name()}; border-radius: 6px;")
        swatch.setPixmap(pixmap(KIND_ICONS.get(annotation.get("kind", ""), "file-text"), "#1f2933", 15))
        self.title = ElidedLabel("AnnotationTitle")
        self.title.setText(title_text(annotation))
        self.excerpt = ElidedLabel("AnnotationExcerpt")
        self.excerpt.setText(excerpt(annotation) or "—")
        self.meta = ElidedLabel("AnnotationMeta")
        self.meta.setText(author_text(annotation, mine))
        text = vbox(spacing=1)
        meta = hbox(spacing=6)
        meta.addWidget(self.meta, 1)
        self.badges: list[QLabel] = []
        if annotation.get("conflict_of"):
            self._badge(meta, "ConflictBadge", _("Conflict copy"), _("Edited on two devices at once: both versions are kept."))
        if annotation.get("visibility", "private") != "private":
            self._badge(meta, "SharedBadge", _("Shared"), visibility_text(annotation))
        text.addWidget(self.title)
        text.addWidget(self.excerpt)
        text.addLayout(meta)
        row = hbox(self, margins=(12, 6, 10, 6), spacing=10)
        row.addWidget(swatch, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def _badge(self, layout, name: str, text: str, tip: str) -> None:  # noqa: ANN001
        badge = QLabel(text)
        badge.setObjectName(name)
        badge.setToolTip(tip)
        self.badges.append(badge)
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)


class AnnotationList(Translatable, QWidget):
    chosen = Signal(str)  # an annotation id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self.items: list[dict[str, Any]] = []
        self.unplaced: list[dict[str, Any]] = []
        self.is_mine: Callable[[dict[str, Any]], bool] = lambda _a: False
        self.selected_id: str | None = None
        self.rows: dict[str, QListWidgetItem] = {}
        self.sections: list[tuple[QListWidgetItem, QWidget]] = []
        self.list = QListWidget()
        self.list.setObjectName("AnnotationList")
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.itemActivated.connect(self._on_clicked)
        self.list.viewport().installEventFilter(self)  # wrapped section texts follow the list's width
        self.empty = QLabel()
        self.empty.setObjectName("AnnotationsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        layout = vbox(self, spacing=0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty, 1)
        self.retranslate()

    def set_records(self, items: list[dict[str, Any]], unplaced: list[dict[str, Any]], is_mine: Callable[[dict[str, Any]], bool]) -> None:
        self.items, self.unplaced, self.is_mine = list(items), list(unplaced), is_mine
        self._fill()

    def retranslate(self) -> None:
        self.empty.setText(_("No annotations yet. Choose a tool above the page to highlight, underline, draw or add a note."))
        self._fill()

    def _fill(self) -> None:
        bar = self.list.verticalScrollBar()
        keep = bar.value()
        self.list.clear()
        self.rows = {}
        self.sections = []
        bookmarks = [a for a in self.items if a.get("kind") == "bookmark"]
        others = [a for a in self.items if a.get("kind") != "bookmark"]
        if bookmarks:
            self._section(_("Bookmarks (%(count)s)") % {"count": len(bookmarks)})
            for annotation in bookmarks:
                self._row(annotation)
        if others:
            self._section(_("Annotations (%(count)s)") % {"count": len(others)})
            for annotation in others:
                self._row(annotation)
        if self.unplaced:
            self._section(_("Could not be placed in the new version (%(count)s)") % {"count": len(self.unplaced)},
                          hint=_("The text they marked is no longer in the document. Open one to read its note, or delete it."))
            for annotation in self.unplaced:
                self._row(annotation)
        empty = not (self.items or self.unplaced)
        self.list.setVisible(not empty)
        self.empty.setVisible(empty)
        self.show_selected(self.selected_id)
        bar.setValue(keep)

    def _section(self, text: str, *, hint: str = "") -> None:
        holder = QWidget()
        layout = vbox(holder, spacing=0)
        title = QLabel(text.upper())
        title.setObjectName("AnnotationSection")
        title.setWordWrap(True)
        layout.addWidget(title)
        if hint:
            note = QLabel(hint)
            note.setObjectName("AnnotationHint")
            note.setWordWrap(True)
            layout.addWidget(note)
        item = QListWidgetItem()
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(item)
        self.list.setItemWidget(item, holder)  # styled from here on: its height can be measured
        self.sections.append((item, holder))
        self._fit_section(item, holder)

    def _fit_section(self, item: QListWidgetItem, holder: QWidget) -> None:
        """Wrapped titles and hints take the height they need at the list's width."""
        for child in holder.findChildren(QLabel):
            child.ensurePolished()
        width = max(120, self.list.viewport().width())
        layout = holder.layout()
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else holder.sizeHint().height()
        item.setSizeHint(QSize(10, height))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.list.viewport() and event.type() == QEvent.Type.Resize:
            for item, holder in self.sections:
                self._fit_section(item, holder)
        return super().eventFilter(watched, event)

    def _row(self, annotation: dict[str, Any]) -> None:
        item = QListWidgetItem()
        item.setData(ID_ROLE, annotation["id"])
        item.setSizeHint(QSize(10, ROW_HEIGHT))
        self.list.addItem(item)
        self.list.setItemWidget(item, AnnotationRow(annotation, self.is_mine(annotation)))
        self.rows[annotation["id"]] = item

    def _on_clicked(self, item: QListWidgetItem) -> None:
        annotation_id = item.data(ID_ROLE)
        if annotation_id:
            self.chosen.emit(annotation_id)

    def show_selected(self, annotation_id: str | None) -> None:
        self.selected_id = annotation_id
        item = self.rows.get(annotation_id) if annotation_id else None
        if item is None:
            self.list.clearSelection()
            return
        self.list.setCurrentItem(item)
        self.list.scrollToItem(item)

    def row_texts(self) -> list[dict[str, str]]:
        """What each row shows, in order (tests)."""
        found = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            widget = self.list.itemWidget(item)
            if isinstance(widget, AnnotationRow):
                found.append({"id": item.data(ID_ROLE), "title": widget.title.text(), "excerpt": widget.excerpt.text(),
                              "meta": widget.meta.text(), "badges": " ".join(b.text() for b in widget.badges)})
            elif widget is not None:
                found.append({"section": widget.findChild(QLabel, "AnnotationSection").text()})
        return found
