"""ThumbnailStrip: a small picture of every page in a column, the current page framed; a click
jumps to it. Only the rows on screen are asked for (a 400-page document does not render 400
thumbnails up front), from a ThumbnailSource that renders them off the GUI thread."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QPoint, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.widgets.page_view import PageImage

BOX = QSize(104, 140)  # logical px: a thumbnail fits in it
ROW = QSize(BOX.width() + 32, BOX.height() + 40)


class ThumbnailSource(Protocol):
    thumbnail_ready: Signal  # (page)

    def page_sizes(self) -> list[tuple[float, float]]: ...
    def thumbnail(self, page: int) -> PageImage | None: ...
    def request_thumbnails(self, pages: list[int], width_px: int, height_px: int) -> None: ...


class _Pages(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = 0

    def set_count(self, count: int) -> None:
        self.beginResetModel()
        self.count = count
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else self.count

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return str(index.row() + 1)
        return None


class _Delegate(QStyledItemDelegate):
    def __init__(self, strip: ThumbnailStrip) -> None:
        super().__init__(strip)
        self.strip = strip

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 - Qt override
        return ROW

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        page = index.row()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        cell = QRectF(option.rect).adjusted(6, 3, -6, -3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected or hover:
            path = QPainterPath()
            path.addRoundedRect(cell, 8, 8)
            painter.fillPath(path, QColor("#dcefec") if selected else QColor("#eef2f5"))
        # The page fitted in the box, as tall as the box allows.
        w, h = self.strip.page_size(page)
        scale = min(BOX.width() / w, BOX.height() / h)
        pw, ph = w * scale, h * scale
        frame = QRectF(cell.center().x() - pw / 2, cell.top() + 8 + (BOX.height() - ph) / 2, pw, ph)
        painter.fillRect(frame.adjusted(-1, -1, 1, 2), QColor(20, 40, 60, 45))
        image = self.strip.source.thumbnail(page) if self.strip.source is not None else None
        if image is None:
            painter.fillRect(frame, QColor("#eceff3"))
            self.strip.want(page)
        else:
            painter.fillRect(frame, Qt.GlobalColor.white)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(frame, image.image)
        if selected:
            painter.setPen(QPen(QColor("#0f766e"), 2.5))
            painter.drawRoundedRect(frame.adjusted(-2.5, -2.5, 2.5, 2.5), 2, 2)
        marks = self.strip.marks.get(page)
        if marks:  # search results on this page: a yellow tab with their number
            badge_font = QFont(option.font)
            badge_font.setPointSizeF(badge_font.pointSizeF() * 0.8)
            badge_font.setBold(True)
            painter.setFont(badge_font)
            text = str(marks)
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            badge = QRectF(frame.right() - width + 4, frame.top() - 4, width, 16)
            path = QPainterPath()
            path.addRoundedRect(badge, 8, 8)
            painter.fillPath(path, QColor("#ffd60a"))
            painter.setPen(QColor("#5c4400"))
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        font.setBold(selected)
        painter.setFont(font)
        painter.setPen(QColor("#0f5c55") if selected else QColor("#5f6b7a"))
        label = QRectF(cell.left(), cell.top() + BOX.height() + 12, cell.width(), 20)
        painter.drawText(label, int(Qt.AlignmentFlag.AlignCenter), str(page + 1))
        painter.restore()


class ThumbnailStrip(QListView):
    page_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ThumbnailStrip")
        self.source: ThumbnailSource | None = None
        self._sizes: list[tuple[float, float]] = []
        self._wanted: set[int] = set()
        self.marks: dict[int, int] = {}  # page → search results on it
        self._pages = _Pages(self)
        self.setModel(self._pages)
        self.setItemDelegate(_Delegate(self))
        self.setUniformItemSizes(True)
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(lambda index: self.page_clicked.emit(index.row()))
        self.activated.connect(lambda index: self.page_clicked.emit(index.row()))
        # Rows painted without their image ask for it; the requests of one repaint go together.
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._request)

    def set_source(self, source: ThumbnailSource) -> None:
        self.source = source
        self._sizes = source.page_sizes()
        source.thumbnail_ready.connect(self._on_ready)
        self._pages.set_count(len(self._sizes))

    def page_size(self, page: int) -> tuple[float, float]:
        return self._sizes[page]

    def set_current(self, page: int) -> None:
        if not 0 <= page < self._pages.count:
            return
        index = self._pages.index(page)
        if self.currentIndex() != index:
            self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def set_marks(self, marks: dict[int, int]) -> None:
        """Search results per page, shown as a count on the thumbnail ({} clears them)."""
        self.marks = marks
        self.viewport().update()

    def want(self, page: int) -> None:
        """Called while painting a row that has no image yet."""
        self._wanted.add(page)
        self._flush.start()

    def visible_rows(self) -> list[int]:
        rows = []
        top = self.indexAt(QPoint(8, 1))
        start = top.row() if top.isValid() else 0
        for row in range(start, self._pages.count):
            if self.visualRect(self._pages.index(row)).top() > self.viewport().height():
                break
            rows.append(row)
        return rows

    def _request(self) -> None:
        """Ask for every row on screen still without its picture (earlier requests for rows
        scrolled away are dropped by the source)."""
        if self.source is None or not self._wanted:
            return
        self._wanted.clear()
        pages = [row for row in self.visible_rows() if self.source.thumbnail(row) is None]
        if not pages:
            return
        dpr = self.devicePixelRatioF()
        self.source.request_thumbnails(pages, int(BOX.width() * dpr), int(BOX.height() * dpr))

    def _on_ready(self, page: int) -> None:
        if 0 <= page < self._pages.count:
            self.viewport().update(self.visualRect(self._pages.index(page)))
