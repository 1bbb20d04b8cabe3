"""MeetingListView: the meetings this user may see, grouped by day (today, upcoming, earlier),
searchable by title (with or without Vietnamese accents), each shown as a card with its status."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.i18n import _
from ui import format as fmt
from ui.language import Translatable
from ui.widgets.common import button, hbox, label, vbox
from ui.widgets.cards import paint_card, paint_date_block, paint_meeting_text
from ui.widgets.icons import icon

KIND_ROLE = Qt.ItemDataRole.UserRole
MEETING_ROLE = Qt.ItemDataRole.UserRole + 1


def fold(text: str) -> str:
    """Lower case without accents, so "ky hop" finds "Kỳ họp" (đ is a letter of its own in Unicode)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def group_meetings(meetings: list[dict[str, Any]], now: datetime | None = None) -> list[tuple[str, list[dict[str, Any]]]]:
    """(group, meetings) in display order: today, upcoming (soonest first), earlier (latest first)."""
    today = (now or datetime.now().astimezone()).date()
    groups: dict[str, list[dict[str, Any]]] = {"today": [], "upcoming": [], "earlier": []}
    for m in meetings:
        start = fmt.parse(m.get("starts_at"))
        day = start.date() if start else today
        groups["today" if day == today else "upcoming" if day > today else "earlier"].append(m)
    groups["today"].sort(key=lambda m: m.get("starts_at") or "")
    groups["upcoming"].sort(key=lambda m: m.get("starts_at") or "")
    groups["earlier"].sort(key=lambda m: m.get("starts_at") or "", reverse=True)
    return [(name, items) for name, items in groups.items() if items]


def group_title(name: str) -> str:
    return {"today": _("Today"), "upcoming": _("Upcoming"), "earlier": _("Earlier")}[name]


def two_lines(fm: QFontMetrics, text: str, first_width: int, second_width: int) -> list[str]:
    """Break a title into at most two lines at spaces; the second is elided when still too long."""
    if fm.horizontalAdvance(text) <= first_width:
        return [text]
    words = text.split(" ")
    first = ""
    for n, word in enumerate(words):
        candidate = f"{first} {word}".strip()
        if fm.horizontalAdvance(candidate) > first_width and first:
            rest = " ".join(words[n:])
            return [first, fm.elidedText(rest, Qt.TextElideMode.ElideRight, second_width)]
        first = candidate
    return [fm.elidedText(text, Qt.TextElideMode.ElideRight, first_width)]


class MeetingCardDelegate(QStyledItemDelegate):
    """Paints a meeting as a card: date block, title on up to two lines, time, place, status pill."""

    CARD_HEIGHT = 104
    HEADER_HEIGHT = 34

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        kind = index.data(KIND_ROLE)
        return QSize(option.rect.width(), self.HEADER_HEIGHT if kind == "header" else self.CARD_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = QFont(option.font)
        if index.data(KIND_ROLE) == "header":
            self._paint_header(painter, option.rect, index.data(Qt.ItemDataRole.DisplayRole), base)
        else:
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
            self._paint_card(painter, option.rect, index.data(MEETING_ROLE), base, selected, hover)
        painter.restore()

    @staticmethod
    def _paint_header(painter: QPainter, rect: QRect, text: str, base: QFont) -> None:
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * 0.9)
        font.setBold(True)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.8)
        painter.setFont(font)
        painter.setPen(QColor("#5f6b7a"))
        painter.drawText(rect.adjusted(14, 10, -8, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text.upper())

    @staticmethod
    def _paint_card(painter: QPainter, rect: QRect, meeting: dict[str, Any], base: QFont, selected: bool, hover: bool) -> None:
        card = paint_card(painter, rect, selected=selected, hover=hover)
        block = paint_date_block(painter, card, meeting.get("starts_at"), base, selected=selected)

        # Status pill, top right.
        status = meeting.get("status", "draft")
        pill_font = QFont(base)
        pill_font.setPointSizeF(base.pointSizeF() * 0.82)
        pill_font.setBold(True)
        fm_pill = QFontMetrics(pill_font)
        text = fmt.status_label(status)
        pill_w = fm_pill.horizontalAdvance(text) + 18
        left = block.right() + 14
        fg, bg = fmt.status_colors(status)

        title_font = QFont(base)
        title_font.setBold(True)
        fm_title = QFontMetrics(title_font)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.9)
        fm_small = QFontMetrics(small)
        width = int(card.right() - 12 - left)
        # Both lines leave room for the pill: it is taller than one line of the title.
        lines = two_lines(fm_title, meeting.get("title", ""), width - pill_w - 10, width - pill_w - 10)
        block_h = len(lines) * fm_title.height() + 6 + 2 * fm_small.height() + 2
        y = card.center().y() - block_h / 2

        pill = QRectF(card.right() - 12 - pill_w, y, pill_w, fm_pill.height() + 6)
        pill_path = QPainterPath()
        pill_path.addRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.fillPath(pill_path, QColor(bg))
        painter.setFont(pill_font)
        painter.setPen(QColor(fg))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)

        paint_meeting_text(painter, meeting, left=left, y=y, width=width, lines=lines, title_font=title_font, small=small, gap=6)


class MeetingListView(Translatable, QWidget):
    meeting_selected = Signal(object)  # meeting id, or None when nothing is selected
    new_meeting_requested = Signal()

    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.session = session
        self.setObjectName("MeetingListView")
        self._selected: str | None = None
        self._filling = False

        self.title = label("SectionTitle")
        self.new_button = button(variant="primary", icon_name="plus", on_click=self.new_meeting_requested.emit)
        self.new_button.setObjectName("NewMeetingButton")
        self.new_button.setVisible(session.can_edit)
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self.refresh)
        self.list = QListWidget()
        self.list.setObjectName("MeetingList")
        self.list.setItemDelegate(MeetingCardDelegate(self.list))
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        # Cards wrap to the list's width; a horizontal bar would only ever show the scrollbar gap.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(False)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.empty = label("Muted", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setVisible(False)

        top = hbox(spacing=8)
        top.addWidget(self.title, 1)
        top.addWidget(self.new_button)
        layout = vbox(self, margins=(0, 16, 0, 0), spacing=10)
        top.setContentsMargins(16, 0, 16, 0)
        layout.addLayout(top)
        search_row = hbox(margins=(16, 0, 16, 4))
        search_row.addWidget(self.search)
        layout.addLayout(search_row)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Meetings"))
        self.new_button.setText(_("New meeting"))
        self.search.setPlaceholderText(_("Search by title"))
        self.refresh()

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        query = fold(self.search.text().strip())
        meetings = [m for m in self.session.list_meetings() if not query or query in fold(m.get("title", ""))]
        self._filling = True
        try:
            self.list.clear()
            current = None
            for name, items in group_meetings(meetings):
                header = QListWidgetItem(group_title(name))
                header.setData(KIND_ROLE, "header")
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(header)
                for m in items:
                    item = QListWidgetItem(m.get("title", ""))
                    item.setData(KIND_ROLE, "meeting")
                    item.setData(MEETING_ROLE, m)
                    item.setToolTip(m.get("title", ""))
                    self.list.addItem(item)
                    if m["id"] == self._selected:
                        current = item
            if current is not None:
                self.list.setCurrentItem(current)
        finally:
            self._filling = False
        if self._selected is not None and current is None and not query:
            self._selected = None  # the meeting is gone (deleted, or no longer visible to us)
            self.meeting_selected.emit(None)
        self.empty.setVisible(not meetings)
        self.empty.setText(_("No meeting matches “%(query)s”.") % {"query": self.search.text().strip()} if query else _("No meetings yet."))

    def meeting_ids(self) -> list[str]:
        return [self.list.item(i).data(MEETING_ROLE)["id"] for i in range(self.list.count()) if self.list.item(i).data(KIND_ROLE) == "meeting"]

    @property
    def selected_id(self) -> str | None:
        return self._selected

    def select(self, meeting_id: str | None, *, notify: bool = True) -> None:
        """Select a meeting (None: none); `meeting_selected` follows as if the user clicked,
        unless `notify` is False (putting the selection back after a refused switch)."""
        item = next(
            (self.list.item(i) for i in range(self.list.count())
             if self.list.item(i).data(KIND_ROLE) == "meeting" and self.list.item(i).data(MEETING_ROLE)["id"] == meeting_id),
            None,
        )
        self._filling = not notify
        try:
            self.list.setCurrentItem(item)
            if item is not None:
                self.list.scrollToItem(item)
        finally:
            self._filling = False
        if not notify:
            self._selected = meeting_id
        elif item is None and self._selected is not None:
            self._selected = None
            self.meeting_selected.emit(None)

    def _on_current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if self._filling:
            return
        meeting_id = current.data(MEETING_ROLE)["id"] if current is not None and current.data(KIND_ROLE) == "meeting" else None
        if meeting_id != self._selected:
            self._selected = meeting_id
            self.meeting_selected.emit(meeting_id)
