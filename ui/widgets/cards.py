"""Painting the meeting cards shared by the meeting list and the invitation inbox: the rounded card
and the wall-calendar date block (day number over the short month)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen

from app.i18n import _
from ui import format as fmt
from ui.language import qt_locale


def paint_card(painter: QPainter, rect: QRect, *, selected: bool, hover: bool) -> QRectF:
    """Draw the card's background and border; returns the card's rectangle."""
    card = QRectF(rect.adjusted(8, 4, -8, -4))
    path = QPainterPath()
    path.addRoundedRect(card, 10, 10)
    painter.fillPath(path, QColor("#e6f3f1") if selected else QColor("#fafcfd") if hover else QColor("#ffffff"))
    painter.setPen(QPen(QColor("#0f766e") if selected else QColor("#dfe5ec"), 1.2 if selected else 1))
    painter.drawPath(path)
    return card


def paint_date_block(painter: QPainter, card: QRectF, starts_at: str | None, base: QFont, *, selected: bool) -> QRectF:
    """The day number over the short month at the card's left; returns the block's rectangle."""
    start = fmt.to_qdatetime(starts_at)
    block = QRectF(card.left() + 12, card.center().y() - 30, 52, 60)
    block_path = QPainterPath()
    block_path.addRoundedRect(block, 8, 8)
    painter.fillPath(block_path, QColor("#0f766e") if selected else QColor("#eef3f7"))
    if start is not None:
        day_font = QFont(base)
        day_font.setPointSizeF(base.pointSizeF() * 1.55)
        day_font.setBold(True)
        painter.setFont(day_font)
        painter.setPen(QColor("#ffffff") if selected else QColor("#14324f"))
        painter.drawText(QRectF(block.left(), block.top() + 6, block.width(), 28), Qt.AlignmentFlag.AlignCenter, start.toString("dd"))
        month_font = QFont(base)
        month_font.setPointSizeF(base.pointSizeF() * 0.78)
        month_font.setBold(True)
        painter.setFont(month_font)
        painter.setPen(QColor("#d9f2ee") if selected else QColor("#5f6b7a"))
        month = qt_locale().toString(start.date(), "MMM").upper()
        painter.drawText(QRectF(block.left(), block.top() + 34, block.width(), 18), Qt.AlignmentFlag.AlignCenter, month)
    return block


def paint_meeting_text(painter: QPainter, meeting: dict, *, left: float, y: float, width: int, lines: list[str], title_font: QFont, small: QFont, gap: int) -> float:
    """The card's text: the title's lines, then when and where; returns the y below the place."""
    fm_title, fm_small = QFontMetrics(title_font), QFontMetrics(small)
    painter.setFont(title_font)
    painter.setPen(QColor("#10263d"))
    for line in lines:
        painter.drawText(QRectF(left, y, width, fm_title.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
        y += fm_title.height()
    y += gap
    painter.setFont(small)
    painter.setPen(QColor("#3d4b5c"))
    painter.drawText(QRectF(left, y, width, fm_small.height()), Qt.AlignmentFlag.AlignLeft,
                     fm_small.elidedText(fmt.when(meeting), Qt.TextElideMode.ElideRight, width))
    y += fm_small.height() + 2
    painter.setPen(QColor("#6b7785"))
    place = meeting.get("location") or _("No location set")
    painter.drawText(QRectF(left, y, width, fm_small.height()), Qt.AlignmentFlag.AlignLeft,
                     fm_small.elidedText(place, Qt.TextElideMode.ElideRight, width))
    return y + fm_small.height()
