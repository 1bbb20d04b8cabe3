"""Small parts of the invitation screens: coloured pills (as a label and painted in a table),
count tiles, the answers bar, underlined section tabs and a button with a count badge.

They carry their own small style sheets (object names scoped), on top of resources/theme.qss.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPainterPath
from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QPushButton, QSizePolicy, QWidget

from ui.widgets.common import hbox, label, vbox


class Pill(QLabel):
    """A short status on a coloured background (the look of the meeting status pill)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusPill")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def show_pill(self, text: str, colors: tuple[str, str]) -> None:
        fg, bg = colors
        self.setStyleSheet(f"color: {fg}; background: {bg};")
        self.setText(text)
        self.setVisible(bool(text))


def paint_pill(painter: QPainter, rect: QRectF, text: str, colors: tuple[str, str], font: QFont, *, align_left: bool = True) -> QRectF:
    """Draw a pill vertically centred in `rect`; returns where it went."""
    fg, bg = colors
    pill_font = QFont(font)
    pill_font.setPointSizeF(font.pointSizeF() * 0.86)
    pill_font.setBold(True)
    fm = QFontMetrics(pill_font)
    width = min(rect.width(), fm.horizontalAdvance(text) + 20)
    height = fm.height() + 6
    left = rect.left() if align_left else rect.center().x() - width / 2
    pill = QRectF(left, rect.center().y() - height / 2, width, height)
    path = QPainterPath()
    path.addRoundedRect(pill, height / 2, height / 2)
    painter.fillPath(path, QColor(bg))
    painter.setFont(pill_font)
    painter.setPen(QColor(fg))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width - 12)))
    return pill


class CountTile(QFrame):
    """One number of the board with its caption; clicking it may filter the table."""

    clicked = Signal()

    def __init__(self, key: str, color: str = "#14324f", *, clickable: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.color = color
        self.clickable = clickable
        self.setObjectName("CountTile")
        self.number = QLabel("0")
        self.number.setObjectName("CountNumber")
        self.caption = label("CountCaption", wrap=True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = vbox(self, margins=(12, 8, 8, 8), spacing=0)
        layout.addWidget(self.number)
        layout.addWidget(self.caption, 1)
        self.setMinimumHeight(68)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.set_value(0)

    def set_value(self, value: int | str, *, alert: bool = False, muted: bool = False) -> None:
        self.number.setText(str(value))
        color = "#a61b1b" if alert else "#9aa5b1" if muted else self.color
        self.number.setStyleSheet(f"color: {color};")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.clickable and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


TILES_STYLE = """
QFrame#TileStrip { background: #ffffff; border: 1px solid #e1e6ec; border-radius: 10px; }
QFrame#TileStrip QLabel { background: transparent; }
QFrame#CountTile { background: transparent; border: none; border-left: 1px solid #eef1f4; border-radius: 0; }
QFrame#CountTile[first="true"] { border-left: none; }
QFrame#CountTile:hover { background: #f7fafb; }
QLabel#CountNumber { font-size: 17pt; font-weight: bold; }
QLabel#CountCaption { color: #5f6b7a; font-size: 8.5pt; }
"""


class AnswerBar(QWidget):
    """A thin bar split by answer: accepted, substitute, declined, not yet answered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts: list[tuple[int, str]] = []
        self.setFixedHeight(8)

    def set_parts(self, parts: list[tuple[int, str]]) -> None:
        self.parts = parts
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, 8)

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        clip = QPainterPath()
        clip.addRoundedRect(rect, 4, 4)
        painter.setClipPath(clip)
        painter.fillRect(rect, QColor("#eceff3"))
        total = sum(n for n, _c in self.parts)
        x = rect.left()
        for n, color in self.parts:
            if not n or not total:
                continue
            w = rect.width() * n / total
            painter.fillRect(QRectF(x, rect.top(), w, rect.height()), QColor(color))
            x += w
        painter.end()


class SectionTabs(QWidget):
    """Underlined tabs ("Meeting | Invitations") switching the sections of a page."""

    current_changed = Signal(str)
    STYLE = """
    QPushButton[variant="tab"] {
        background: transparent; border: none; border-bottom: 3px solid transparent; border-radius: 0;
        padding: 3px 2px 5px 2px; margin-right: 20px; color: #5f6b7a; font-weight: bold; min-height: 16px;
    }
    QPushButton[variant="tab"]:hover { color: #14324f; }
    QPushButton[variant="tab"]:checked { color: #0f766e; border-bottom: 3px solid #0f766e; }
    QPushButton[variant="tab"]:focus { color: #0a4f4a; }
    """

    def __init__(self, keys: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SectionTabs")
        self.setStyleSheet(self.STYLE)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        row = hbox(self, spacing=0)
        for key in keys:
            btn = QPushButton()
            btn.setProperty("variant", "tab")
            btn.setObjectName(f"tab_{key}")
            btn.setCheckable(True)
            btn.setCursor(Qt.CursorShape.PointingHandCursor)
            btn.clicked.connect(lambda _checked=False, k=key: self._choose(k))
            self.group.addButton(btn)
            self.buttons[key] = btn
            row.addWidget(btn)
        row.addStretch(1)
        self.current = keys[0]
        self.buttons[self.current].setChecked(True)

    def _choose(self, key: str) -> None:
        if key != self.current:
            self.set_current(key)
            self.current_changed.emit(key)

    def set_current(self, key: str) -> None:
        self.current = key
        self.buttons[key].setChecked(True)

    def set_text(self, key: str, text: str) -> None:
        self.buttons[key].setText(text)


class BadgeButton(QPushButton):
    """A button with a small round count in its top-right corner (hidden at 0)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge = QLabel(self)
        self.badge.setObjectName("CountBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setStyleSheet(
            "QLabel#CountBadge { background: #f5b942; color: #3d2a00; border-radius: 9px; font-size: 8pt; font-weight: bold; padding: 0 5px; }"
        )
        self.badge.setFixedHeight(18)
        self.badge.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.count = 0
        self.set_count(0)

    def set_count(self, count: int) -> None:
        self.count = count
        self.badge.setText(str(count) if count < 100 else "99+")
        self.badge.adjustSize()
        self.badge.setFixedWidth(max(18, self.badge.sizeHint().width()))
        self.badge.setVisible(count > 0)
        self._place()
        # Room for the badge inside the button, so it never covers the text.
        self.setStyleSheet(f"padding-right: {self.badge.width() + 14}px;" if count > 0 else "")

    def _place(self) -> None:
        self.badge.move(self.width() - self.badge.width() - 6, (self.height() - self.badge.height()) // 2)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        self._place()
