"""Building blocks styled by resources/theme.qss: cards, labels with a role, pills, banners."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui import format as fmt
from ui.language import Translatable
from ui.widgets.icons import icon, pixmap


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property used by a selector changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def label(object_name: str = "", text: str = "", *, wrap: bool = False, selectable: bool = False) -> QLabel:
    lbl = QLabel(text)
    if object_name:
        lbl.setObjectName(object_name)
    lbl.setWordWrap(wrap)
    if selectable:
        lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lbl


def button(text: str = "", *, variant: str = "", icon_name: str = "", icon_color: str | None = None, on_click: Callable[[], None] | None = None) -> QPushButton:
    btn = QPushButton(text)
    if variant:
        btn.setProperty("variant", variant)
    if icon_name:
        color = icon_color or {"primary": "#ffffff", "danger": "#b42318", "header": "#ffffff"}.get(variant, "#334155")
        btn.setIcon(icon(icon_name, color, 18))
    btn.setCursor(Qt.CursorShape.PointingHandCursor)
    if on_click is not None:
        btn.clicked.connect(lambda _checked=False: on_click())
    return btn


def card(parent: QWidget | None = None, *, object_name: str = "Card") -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName(object_name)
    return frame


def icon_label(name: str, color: str = "#5f6b7a", size: int = 18) -> QLabel:
    lbl = QLabel()
    lbl.setPixmap(pixmap(name, color, size))
    lbl.setFixedSize(size, size)
    return lbl


class ElidedLabel(QLabel):
    """A one-line label that gives up width when space is short, ending in "…" (full text in
    the tooltip), instead of forcing its window to grow."""

    def __init__(self, object_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(min(80, super().minimumSizeHint().width()), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 4, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(10, self.width()))
        if shown != super().text():
            super().setText(shown)


class StatusPill(Translatable, QLabel):
    """A meeting's status as a small coloured pill ("Scheduled", "In session" …)."""

    def __init__(self, status: str = "draft", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusPill")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.status = status
        self.set_status(status)

    def set_status(self, status: str) -> None:
        self.status = status
        fg, bg = fmt.status_colors(status)
        self.setStyleSheet(f"color: {fg}; background: {bg};")
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(fmt.status_label(self.status))


Text = str | Callable[[], str]


class Banner(Translatable, QFrame):
    """A message across a view: info, success, warning, error or danger, with an optional action.

    The text may be a function (e.g. `lambda: error_text(err)`): it is called again when the
    language changes, so a message already on screen switches language with everything else.
    """

    action_clicked = Signal()
    ICONS = {"info": ("file-text", "#1d4e89"), "success": ("check", "#0b6b4f"), "warning": ("alert", "#8a4b08"), "error": ("alert", "#a61b1b")}

    def __init__(self, kind: str = "info", parent: QWidget | None = None, *, closable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        self._text: Text = ""
        self._action: Text = ""
        self._icon = QLabel()
        self._icon.setFixedSize(20, 20)
        self.text = QLabel()
        self.text.setObjectName("BannerText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.setProperty("variant", "banner")
        self.action.setCursor(Qt.CursorShape.PointingHandCursor)
        self.action.setVisible(False)
        self.action.clicked.connect(self.action_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(10)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        row.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        if closable:
            close = QPushButton()
            close.setProperty("variant", "icon")
            close.setIcon(icon("x", "#5f6b7a", 16))
            close.setCursor(Qt.CursorShape.PointingHandCursor)
            close.clicked.connect(self.hide)
            self.close_button = close
            row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.set_kind(kind)
        self.setVisible(False)

    def set_kind(self, kind: str) -> None:
        self.setProperty("kind", kind)
        name, color = self.ICONS.get(kind, self.ICONS["info"])
        self._icon.setPixmap(pixmap(name, color, 20))
        repolish(self)
        repolish(self.text)  # its colour depends on the banner's kind

    def show_message(self, text: Text, kind: str | None = None, *, action: Text = "") -> None:
        if kind:
            self.set_kind(kind)
        self._text, self._action = text, action
        self.retranslate()
        self.setVisible(True)

    def retranslate(self) -> None:
        text = self._text() if callable(self._text) else self._text
        action = self._action() if callable(self._action) else self._action
        self.text.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))

    @property
    def message(self) -> str:
        return "" if self.isHidden() else self.text.text()

    def clear(self) -> None:
        self._text = self._action = ""
        self.text.clear()
        self.setVisible(False)


def vbox(widget: QWidget | None = None, *, margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int = 8) -> QVBoxLayout:
    layout = QVBoxLayout(widget) if widget is not None else QVBoxLayout()
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return layout


def hbox(widget: QWidget | None = None, *, margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int = 8) -> QHBoxLayout:
    layout = QHBoxLayout(widget) if widget is not None else QHBoxLayout()
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return layout
