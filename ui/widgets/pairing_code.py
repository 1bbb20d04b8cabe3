"""PairingCodeView: a one-time pairing code in large digits, the server's address and a countdown
to its expiry (app/services/pairing.py). Used by the "Pair a new device" dialog and the setup
wizard's last page."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.domain.clock import utcnow
from app.i18n import _
from ui import format as fmt
from ui.language import Translatable
from ui.widgets.common import label, vbox


class PairingCodeView(Translatable, QWidget):
    expired = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_text = ""
        self.address = ""
        self.expires_at: datetime | None = None
        self.code = label("PairingCode", selectable=True)
        self.code.setStyleSheet("font-size: 30pt; font-weight: bold; color: #14324f; letter-spacing: 3px;")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.address_label = label("Muted", wrap=True, selectable=True)
        self.address_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", wrap=True)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        layout = vbox(self, margins=(16, 14, 16, 14), spacing=6)
        layout.addWidget(self.code)
        layout.addWidget(self.address_label)
        layout.addWidget(self.countdown)
        self.setObjectName("PairingCodeView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#PairingCodeView { background: #f3f6fa; border: 1px solid #d5dde7; border-radius: 10px; }")
        self.retranslate()

    def show_code(self, code: str, expires_at: datetime, *, address: str = "") -> None:
        self.code_text, self.expires_at, self.address = code, expires_at, address
        self.timer.start()
        self.retranslate()

    def seconds_left(self) -> int:
        if self.expires_at is None:
            return 0
        return max(0, int((self.expires_at - utcnow()).total_seconds()))

    def is_expired(self) -> bool:
        return self.expires_at is not None and self.seconds_left() == 0

    def _tick(self) -> None:
        self.retranslate()
        if self.is_expired():
            self.timer.stop()
            self.expired.emit()

    def retranslate(self) -> None:
        expired = self.is_expired()
        self.code.setText(self.code_text or "····  ····  ····")
        self.code.setEnabled(not expired)
        self.address_label.setText(_("Server address: %(address)s") % {"address": self.address} if self.address else "")
        self.address_label.setVisible(bool(self.address))
        if self.expires_at is None:
            self.countdown.setText("")
        elif expired:
            self.countdown.setText(_("This code has expired."))
            self.countdown.setStyleSheet("color: #a61b1b; font-weight: bold;")
        else:
            left = self.seconds_left()
            self.countdown.setText(
                _("Works once, for one device · %(left)s left (until %(until)s)")
                % {"left": f"{left // 60}:{left % 60:02d}", "until": fmt.time_only(self.expires_at)}
            )
            self.countdown.setStyleSheet("color: #5f6b7a;")
