"""PairPage: trust a server once by typing a one-time 12-digit code from its staff or console.

The code proves, through a key exchange (app/net/pairing.py), that the server holding the
certificate shown here knows the code; a machine pretending to be the server cannot, so it is
never trusted. After pairing, this device trusts that certificate only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from app.i18n import _
from app.net.tls import format_fingerprint
from ui.language import Translatable
from ui.widgets.common import Banner, Text, button, hbox, label, vbox
from ui.widgets.spinner import Spinner


class PairPage(Translatable, QWidget):
    pair_requested = Signal(str)  # the code as typed
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server_name = ""
        self.address = ""
        self.fingerprint = ""
        self.title = label("PageTitle", wrap=True)
        self.intro = label("Muted", wrap=True)
        self.warning = Banner("danger")
        self.code_label = label("FieldLabel")
        self.code = QLineEdit()
        self.code.setObjectName("CodeInput")
        self.code.setInputMask("9999 9999 9999;_")
        self.code.textChanged.connect(self._update_button)
        self.code.returnPressed.connect(self._pair)
        self.error = Banner("error")
        self.fingerprint_title = label("FieldLabel")
        self.fingerprint_label = label("Mono", wrap=True, selectable=True)
        self.fingerprint_label.setObjectName("Mono")
        self.back_button = button(variant="link", icon_name="chevron-left", icon_color="#0f766e", on_click=self.back_requested.emit)
        self.spinner = Spinner()
        self.pair_button = button(variant="primary", icon_name="shield", on_click=self._pair)
        self.pair_button.setObjectName("PairButton")

        buttons = hbox(spacing=10)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.spinner)
        buttons.addWidget(self.pair_button)
        layout = vbox(self, spacing=10)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.warning)
        layout.addSpacing(6)
        layout.addWidget(self.code_label)
        layout.addWidget(self.code)
        layout.addWidget(self.error)
        layout.addSpacing(6)
        layout.addWidget(self.fingerprint_title)
        layout.addWidget(self.fingerprint_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        if self.server_name:
            self.title.setText(_("Pair this device with %(name)s") % {"name": self.server_name})
        else:
            self.title.setText(_("Pair this device with the server at %(address)s") % {"address": self.address})
        self.intro.setText(
            _("Type the 12-digit pairing code from the secretariat or the administrator (“Pair a new device…” in Chamber, or the server's console). A code works once and only for a short time. You do this once per device; afterwards this device trusts only this server.")
        )
        self.code_label.setText(_("Pairing code"))
        self.fingerprint_title.setText(_("Certificate fingerprint of %(address)s") % {"address": self.address})
        self.back_button.setText(_("Back to the server list"))
        self.pair_button.setText(_("Pair"))

    def show_server(self, *, name: str, address: str, fingerprint: str, warning: Text = "") -> None:
        self.server_name, self.address, self.fingerprint = name, address, fingerprint
        pairs = format_fingerprint(fingerprint)
        self.fingerprint_label.setText(pairs[:47] + "\n" + pairs[48:])  # 16 of the 32 pairs per line
        self.code.clear()
        self.error.clear()
        if warning:
            self.warning.show_message(warning, "danger")
        else:
            self.warning.clear()
        self.set_busy(False)
        self.retranslate()
        self.code.setFocus()
        self.code.setCursorPosition(0)

    def _update_button(self) -> None:
        self.pair_button.setEnabled(self.code.hasAcceptableInput() and not self.spinner.running)

    def _pair(self) -> None:
        if not self.code.hasAcceptableInput():
            self.error.show_message(lambda: _("The pairing code has 12 digits."), "error")
            return
        self.error.clear()
        self.pair_requested.emit(self.code.text())

    def set_busy(self, busy: bool) -> None:
        (self.spinner.start if busy else self.spinner.stop)()
        self.code.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self._update_button()

    def show_error(self, text: Text, *, danger: bool = False) -> None:
        self.error.show_message(text, "danger" if danger else "error")
        self.code.setFocus()
        self.code.selectAll()
