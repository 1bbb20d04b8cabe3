"""LanguageSwitch: a two-segment control, "Tiếng Việt | English", reflecting the current language."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

from app import i18n

# Each language is named in itself, as users look for their own language: never translated.
NAMES = (("vi", "Tiếng Việt"), ("en", "English"))


class LanguageSwitch(QWidget):
    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("LanguageSwitch")
        self.setProperty("dark", dark)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for n, (code, name) in enumerate(NAMES):
            # Compact (the crowded header): the codes, with the full name as tooltip.
            btn = QPushButton(code.upper() if compact else name)
            btn.setToolTip(name)
            btn.setProperty("compact", compact)
            btn.setCheckable(True)
            btn.setProperty("segment", "first" if n == 0 else "last")
            btn.setProperty("dark", dark)
            btn.setObjectName(f"lang_{code}")
            btn.clicked.connect(lambda _checked=False, c=code: self._choose(c))
            self.group.addButton(btn)
            self.buttons[code] = btn
            row.addWidget(btn)
        self.sync()

    def _choose(self, code: str) -> None:
        self.sync_to(code)
        if code != i18n.current_language():
            self.language_chosen.emit(code)

    def sync_to(self, code: str) -> None:
        for c, btn in self.buttons.items():
            btn.setChecked(c == code)

    def sync(self) -> None:
        self.sync_to(i18n.current_language())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.sync()  # another window switched the language
        super().changeEvent(event)
