"""ConnectionBadge: the sync state in words a secretary understands, as a coloured pill."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.i18n import N_, _
from app.sync.engine import ConnectionState
from ui.language import Translatable
from ui.widgets.common import repolish

TEXTS = {
    ConnectionState.ONLINE: N_("● Online"),
    ConnectionState.CONNECTING: N_("Connecting…"),
    ConnectionState.OFFLINE: N_("Offline — changes kept and sent later"),
    ConnectionState.CERTIFICATE_CHANGED: N_("Certificate changed!"),
    ConnectionState.SESSION_EXPIRED: N_("Session ended — log in again"),
    ConnectionState.STOPPED: N_("Not connected"),
}


class ConnectionBadge(Translatable, QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectionBadge")
        self.state = ConnectionState.STOPPED
        self.set_state(ConnectionState.STOPPED)

    def set_state(self, state: ConnectionState) -> None:
        self.state = ConnectionState(state)
        self.setProperty("state", self.state.value)
        repolish(self)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(_(TEXTS[self.state]))
