"""SidePanel: left of the pages, the page thumbnails, the document's outline or its annotations
(tabs; the annotations tab only when the reader keeps annotations); a click jumps to the page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QFrame, QHeaderView, QLabel, QPushButton, QSizePolicy, QStackedWidget, QTreeWidget,
                               QTreeWidgetItem, QWidget)

from app.i18n import _
from app.pdf.render import OutlineEntry
from ui.language import Translatable
from ui.views.reader.annotation_list import AnnotationList
from ui.widgets.common import hbox, vbox
from ui.widgets.thumbnail_strip import ROW, ThumbnailStrip

ANNOTATIONS_WIDTH = 250

STYLE = """
QFrame#SidePanel { background: #f7f9fb; border-right: 1px solid #dfe4ea; }
QFrame#SidePanel QLabel { background: transparent; }
QListView#ThumbnailStrip, QTreeWidget#OutlineTree { background: #f7f9fb; }
QTreeWidget#OutlineTree::item { padding: 5px 2px; }
QTreeWidget#OutlineTree::item:selected { background: #dcefec; color: #0b2d2a; }
QTreeWidget#OutlineTree::item:hover:!selected { background: #eef2f5; }
QPushButton[variant="paneltab"] {
    background: #ffffff; border: 1px solid #cdd5df; border-radius: 0; padding: 5px 4px;
    min-height: 14px; font-size: 9pt; color: #4a5666;
}
QPushButton[variant="paneltab"][segment="first"] { border-top-left-radius: 6px; border-bottom-left-radius: 6px; }
QPushButton[variant="paneltab"][segment="middle"] { border-left: none; }
QPushButton[variant="paneltab"][segment="last"] { border-top-right-radius: 6px; border-bottom-right-radius: 6px; border-left: none; }
QPushButton[variant="paneltab"]:checked { background: #14324f; border-color: #14324f; color: #ffffff; }
QLabel#OutlineEmpty { color: #5f6b7a; padding: 16px; }
"""


class SidePanel(Translatable, QFrame):
    page_chosen = Signal(int)
    tab_changed = Signal(str)  # "thumbnails", "outline" or "annotations"
    TABS = ("thumbnails", "outline", "annotations")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SidePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.tab = "thumbnails"
        self.tabs: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        tabs_row = hbox(margins=(10, 10, 10, 6), spacing=0)
        self.tabs_row = tabs_row
        for n, key in enumerate(self.TABS):
            btn = QPushButton()
            btn.setObjectName(f"tab_{key}")
            btn.setProperty("variant", "paneltab")
            btn.setProperty("segment", "first" if n == 0 else "last" if n == len(self.TABS) - 1 else "middle")
            btn.setCheckable(True)
            btn.setCursor(Qt.CursorShape.PointingHandCursor)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.clicked.connect(lambda _checked=False, k=key: self.show_tab(k))
            group.addButton(btn)
            btn.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            tabs_row.addWidget(btn, 1)
            self.tabs[key] = btn

        self.thumbnails = ThumbnailStrip()
        self.thumbnails.page_clicked.connect(self.page_chosen)
        self.outline = QTreeWidget()
        self.outline.setObjectName("OutlineTree")
        self.outline.setColumnCount(2)
        self.outline.setHeaderHidden(True)
        self.outline.setRootIsDecorated(True)
        self.outline.setIndentation(14)
        self.outline.setFrameShape(QFrame.Shape.NoFrame)
        self.outline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.outline.setWordWrap(True)  # long Vietnamese headings on two lines rather than cut
        self.outline.setUniformRowHeights(False)
        header = self.outline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.outline.itemClicked.connect(self._on_outline_clicked)
        self.outline.itemActivated.connect(self._on_outline_clicked)
        self.outline_empty = QLabel()
        self.outline_empty.setObjectName("OutlineEmpty")
        self.outline_empty.setWordWrap(True)
        self.outline_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.outline_stack = QStackedWidget()
        self.outline_stack.addWidget(self.outline)
        self.outline_stack.addWidget(self.outline_empty)

        self.annotations = AnnotationList()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.thumbnails)
        self.stack.addWidget(self.outline_stack)
        self.stack.addWidget(self.annotations)
        layout = vbox(self, spacing=0)
        layout.addLayout(tabs_row)
        layout.addWidget(self.stack, 1)
        self.setMinimumWidth(ROW.width() + 24)
        self.resize(ROW.width() + 48, self.height())
        self.set_annotations_shown(False)
        self.show_tab("thumbnails")
        self.retranslate()

    def retranslate(self) -> None:
        self.tabs["thumbnails"].setText(_("Pages"))
        self.tabs["outline"].setText(_("Outline"))
        self.tabs["annotations"].setText(_("Annotations"))
        # Widths in proportion to the labels: "Annotations" is twice as long as "Pages".
        metrics = self.tabs["annotations"].fontMetrics()
        for n, key in enumerate(self.TABS):
            self.tabs_row.setStretch(n, metrics.horizontalAdvance(self.tabs[key].text()) + 24)
        self.outline_empty.setText(_("This document has no outline."))

    def set_annotations_shown(self, shown: bool) -> None:
        self.tabs["annotations"].setVisible(shown)
        # Three tabs and the list's excerpts need more room than a column of thumbnails.
        self.setMinimumWidth(ANNOTATIONS_WIDTH if shown else ROW.width() + 24)
        self.tabs["outline"].setProperty("segment", "middle" if shown else "last")
        self.tabs["outline"].style().unpolish(self.tabs["outline"])
        self.tabs["outline"].style().polish(self.tabs["outline"])
        if not shown and self.tab == "annotations":
            self.show_tab("thumbnails")

    def show_tab(self, key: str) -> None:
        self.tab = key
        self.tabs[key].setChecked(True)
        self.stack.setCurrentIndex(self.TABS.index(key))
        self.tab_changed.emit(key)

    def set_outline(self, entries: list[OutlineEntry]) -> None:
        self.outline.clear()
        parents: list[QTreeWidgetItem | None] = [None]
        for entry in entries:
            level = max(1, min(entry.level, len(parents)))
            del parents[level:]
            parent = parents[level - 1]
            item = QTreeWidgetItem([entry.title, "" if entry.page is None else str(entry.page + 1)])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.page)
            item.setToolTip(0, entry.title)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(1, Qt.GlobalColor.gray)
            if parent is None:
                self.outline.addTopLevelItem(item)
            else:
                parent.addChild(item)
            parents.append(item)
        self.outline.expandToDepth(0)
        self.outline_stack.setCurrentIndex(0 if entries else 1)

    def _on_outline_clicked(self, item: QTreeWidgetItem) -> None:
        page = item.data(0, Qt.ItemDataRole.UserRole)
        if page is not None:
            self.page_chosen.emit(int(page))

    def outline_items(self) -> list[QTreeWidgetItem]:
        """Every entry, depth first (tests)."""
        found: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            found.append(item)
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.outline.topLevelItemCount()):
            walk(self.outline.topLevelItem(i))
        return found
