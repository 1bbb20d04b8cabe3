"""ServersPage: the Chamber servers found on the LAN and those already paired, plus a field for a
manual address (multicast is often blocked). A found server whose certificate differs from the
one this device paired with is flagged: it may be another machine using the server's name."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget

from app.i18n import _, ngettext
from app.net.discovery import DiscoveredServer
from app.sync.profile import PairedServer
from ui.language import Translatable
from ui.widgets.common import Banner, Text, button, hbox, icon_label, label, vbox
from ui.widgets.spinner import Spinner

ENTRY_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class ServerEntry:
    """One line of the list: where the server is, and what this device knows about it."""

    name: str
    host: str
    port: int
    server_id: str
    fingerprint: str | None  # None: known only from this device's profile
    paired: PairedServer | None
    found: bool

    @property
    def mismatch(self) -> bool:
        return self.paired is not None and self.fingerprint is not None and self.fingerprint != self.paired.fingerprint

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def merge_entries(found: list[DiscoveredServer], paired: list[PairedServer]) -> list[ServerEntry]:
    """Found servers first (marked paired or not), then paired servers that did not answer."""
    by_id = {p.server_id: p for p in paired}
    entries = [ServerEntry(d.name, d.address, d.port, d.server_id, d.fingerprint, by_id.get(d.server_id), True) for d in found]
    seen = {d.server_id for d in found}
    entries += [ServerEntry(p.name, p.host, p.port, p.server_id, None, p, False) for p in paired if p.server_id not in seen]
    return entries


class _ServerRow(QWidget):
    def __init__(self, entry: ServerEntry) -> None:
        super().__init__()
        self.entry = entry
        self.name = label("SectionTitle", entry.name or entry.address, wrap=True)
        self.address = label("Small", entry.address)
        self.tag = QLabel()  # styled like a status pill, but its text is ours (not a meeting status)
        self.tag.setObjectName("StatusPill")
        texts = vbox(spacing=2)
        texts.addWidget(self.name)
        texts.addWidget(self.address)
        row = hbox(self, margins=(12, 10, 12, 10), spacing=12)
        row.addWidget(icon_label("alert" if entry.mismatch else "server", "#c81e1e" if entry.mismatch else "#14324f", 24))
        row.addLayout(texts, 1)
        row.addWidget(self.tag)
        self.retranslate()

    def retranslate(self) -> None:
        e = self.entry
        if e.mismatch:
            text, fg, bg = _("Certificate differs from the paired one!"), "#9b1c1c", "#fbe3e3"
        elif e.paired is not None and e.found:
            text, fg, bg = _("Paired"), "#0b6b4f", "#d9f3e8"
        elif e.paired is not None:
            text, fg, bg = _("Paired · not found on the network now"), "#4b5563", "#eceff3"
        else:
            text, fg, bg = _("Not paired yet"), "#1d4e89", "#e1ecf8"
        self.tag.setText(text)
        self.tag.setStyleSheet(f"color: {fg}; background: {bg};")


class ServersPage(Translatable, QWidget):
    entry_chosen = Signal(object)  # ServerEntry
    address_entered = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ServerEntry] = []
        self.searching = False
        self.title = label("PageTitle", wrap=True)
        self.intro = label("Muted", wrap=True)
        self.found_title = label("FieldLabel")
        self.spinner = Spinner(size=16)
        self.status = label("Small", wrap=True)
        self.refresh_button = button(variant="tool", icon_name="refresh", on_click=self.refresh_requested.emit)
        self.refresh_button.setObjectName("RefreshServers")
        self.list = QListWidget()
        self.list.setObjectName("ServerList")
        self.list.setMinimumHeight(150)
        self.list.setMaximumHeight(260)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(lambda item: self.entry_chosen.emit(item.data(ENTRY_ROLE)))
        self.list.itemActivated.connect(lambda item: self.entry_chosen.emit(item.data(ENTRY_ROLE)))
        self.warning = Banner("danger")
        self.manual_title = label("FieldLabel")
        self.address = QLineEdit()
        self.address.setObjectName("AddressInput")
        self.address.returnPressed.connect(self._connect_address)
        self.connect_button = button(variant="primary", on_click=self._connect_address)
        self.connect_button.setObjectName("ConnectAddress")
        self.error = Banner("error")

        head = hbox(spacing=8)
        head.addWidget(self.found_title, 1)
        head.addWidget(self.spinner)
        head.addWidget(self.refresh_button)
        manual = hbox(spacing=8)
        manual.addWidget(self.address, 1)
        manual.addWidget(self.connect_button)
        layout = vbox(self, spacing=10)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.warning)
        layout.addSpacing(8)
        layout.addWidget(self.manual_title)
        layout.addLayout(manual)
        layout.addWidget(self.error)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Connect to your chamber's server"))
        self.intro.setText(_("Chamber servers on this network appear below. Choose yours, or type the address shown on the server's screen."))
        self.found_title.setText(_("Servers on this network"))
        self.refresh_button.setText(_("Search again"))
        self.manual_title.setText(_("Or type the server address"))
        self.address.setPlaceholderText(_("host:port, for example 192.168.1.20:8443"))
        self.connect_button.setText(_("Connect"))
        for i in range(self.list.count()):
            widget = self.list.itemWidget(self.list.item(i))
            if isinstance(widget, _ServerRow):
                widget.retranslate()
        self._update_status()

    def set_searching(self, searching: bool) -> None:
        self.searching = searching
        self.refresh_button.setEnabled(not searching)
        (self.spinner.start if searching else self.spinner.stop)()
        self._update_status()

    def set_entries(self, entries: list[ServerEntry]) -> None:
        self.entries = entries
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem()
            item.setData(ENTRY_ROLE, entry)
            row = _ServerRow(entry)
            item.setSizeHint(QSize(0, max(64, row.sizeHint().height())))
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
        self._update_status()

    def _update_status(self) -> None:
        found = sum(1 for e in self.entries if e.found)
        if self.searching:
            text = _("Searching the local network…")
        elif found:
            text = ngettext("%(count)d server found.", "%(count)d servers found.", found) % {"count": found}
        else:
            text = _("No Chamber server answered on this network. Multicast may be blocked: type the server's address below.")
        self.status.setText(text)

    def show_warning(self, text: Text) -> None:
        self.warning.show_message(text, "danger")

    def _connect_address(self) -> None:
        self.error.clear()
        self.address_entered.emit(self.address.text())

    def show_error(self, text: Text) -> None:
        self.error.show_message(text, "error")

    def set_busy(self, busy: bool) -> None:
        self.connect_button.setEnabled(not busy)
        self.list.setEnabled(not busy)
