"""InvitationCardDelegate: an invitation in the delegate's inbox list, painted as a card like a meeting:
date block, meeting title, time and place, the answer pill, a dot while it is unread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.i18n import _
from ui.views.invitations import present
from ui.views.invitations.parts import paint_pill
from ui.views.meetings.meeting_list import two_lines
from ui.widgets.cards import paint_card, paint_date_block, paint_meeting_text

INVITATION_ROLE = Qt.ItemDataRole.UserRole


def is_unread(inv: dict[str, Any]) -> bool:
    return not inv.get("read_at") or bool(inv.get("has_unseen_change"))


class InvitationCardDelegate(QStyledItemDelegate):
    """An invitation as a card: date block, meeting title, time and place, the answer pill, and a
    dot while it is unread (or changed since it was read)."""

    CARD_HEIGHT = 112

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        return QSize(option.rect.width(), self.CARD_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        inv = index.data(INVITATION_ROLE)
        meeting = inv["meeting"]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = QFont(option.font)
        card_rect = paint_card(painter, option.rect, selected=selected, hover=hover)
        block = paint_date_block(painter, card_rect, meeting.get("starts_at"), base, selected=selected)

        unread = is_unread(inv)
        if unread:
            painter.setBrush(QColor("#f59e0b") if inv.get("has_unseen_change") else QColor("#0f766e"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRectF(card_rect.left() + 5, card_rect.top() + 6, 9, 9))

        left = block.right() + 14
        width = int(card_rect.right() - 12 - left)
        title_font = QFont(base)
        title_font.setBold(unread)
        if not unread:
            title_font.setWeight(QFont.Weight.DemiBold)
        fm_title = QFontMetrics(title_font)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.9)
        fm_small = QFontMetrics(small)
        lines = two_lines(fm_title, meeting.get("title", ""), width, width)
        pill_h = QFontMetrics(base).height() + 6
        block_h = len(lines) * fm_title.height() + 4 + fm_small.height() + 2 + fm_small.height() + 6 + pill_h
        y = card_rect.center().y() - block_h / 2
        y = paint_meeting_text(painter, meeting, left=left, y=y, width=width, lines=lines, title_font=title_font, small=small, gap=4) + 6
        pill = paint_pill(painter, QRectF(left, y, width, pill_h), present.response_label(inv["response"]), present.response_colors(inv["response"]), base)
        if inv.get("has_unseen_change"):
            paint_pill(painter, QRectF(pill.right() + 6, y, width - pill.width() - 6, pill_h), _("Changed"), ("#7a3e00", "#fde7b0"), base)
        painter.restore()


