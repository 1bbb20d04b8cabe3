"""ConnectWindow: the three steps before the main window (find the server, pair, log in).

Every network call (discovery, reading the certificate, pairing, login) runs through the
TaskRunner with a spinner; the answer or the error comes back here on the GUI thread.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QWidget

from app.errors import AuthenticationError, CertificateChangedError, ChamberError, PairingInterceptedError, SessionExpiredError
from app.i18n import _
from app.net.tls import fingerprint_of_pem
from app.sync.profile import PairedServer, Profile, pair, parse_address, read_certificate
from app.sync.session import ChamberSession
from ui.feedback import error_text
from ui.language import Translatable, install_language_support, switch_language
from ui.tasks import TaskRunner
from ui.views.connect.login_page import LoginPage
from ui.views.connect.pair_page import PairPage
from ui.views.connect.servers_page import ServerEntry, ServersPage, merge_entries
from ui.widgets.common import Text, card, hbox, icon_label, label, vbox
from ui.widgets.language_switch import LanguageSwitch

log = logging.getLogger(__name__)

DISCOVERY_SECONDS = 2.0


def _discover() -> list:
    from app.net.discovery import discover  # zeroconf is only loaded when someone searches

    return discover(DISCOVERY_SECONDS)


class _Steps(Translatable, QWidget):
    """The three steps on the left, the current one highlighted."""

    def __init__(self) -> None:
        super().__init__()
        self.current = 0
        self.rows: list[tuple[QLabel, QLabel]] = []
        layout = vbox(self, spacing=14)
        for n in range(3):
            number = QLabel(str(n + 1))
            number.setFixedSize(28, 28)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text = QLabel()
            row = hbox(spacing=12)
            row.addWidget(number)
            row.addWidget(text, 1)
            layout.addLayout(row)
            self.rows.append((number, text))
        self.retranslate()

    def set_current(self, index: int) -> None:
        self.current = index
        self.retranslate()

    def retranslate(self) -> None:
        names = (_("Find the server"), _("Pair this device"), _("Log in"))
        for n, (number, text) in enumerate(self.rows):
            text.setText(names[n])
            active, done = n == self.current, n < self.current
            number.setText("✓" if done else str(n + 1))
            number.setStyleSheet(
                f"border-radius: 14px; font-weight: bold; color: {'#0f2740' if active else '#ffffff'};"
                f" background: {'#5eead4' if active else 'rgba(255,255,255,0.14)' if not done else '#0f766e'};"
            )
            text.setStyleSheet(f"color: {'#ffffff' if active else '#a9bccf'}; font-weight: {'bold' if active else 'normal'}; font-size: 11pt;")


class ConnectWindow(Translatable, QWidget):
    logged_in = Signal(object)  # a ChamberSession, logged in but not started

    def __init__(self, profile: Profile, tasks: TaskRunner, *, discover: bool = True, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("ConnectWindow")
        self.profile = profile
        self.tasks = tasks
        self.discover_enabled = discover
        self.subtitle_text = subtitle
        self.found: list = []
        self.pending_pair: dict | None = None  # host, port, pem of the server being paired
        self.server: PairedServer | None = None

        side = QFrame()
        side.setObjectName("ConnectSide")
        side.setStyleSheet("QFrame#ConnectSide { background: #14324f; } QFrame#ConnectSide QLabel { background: transparent; }")
        side.setFixedWidth(340)
        self.brand = label("", "Chamber")
        self.brand.setStyleSheet("color: #ffffff; font-size: 22pt; font-weight: bold;")
        self.tagline = label("", wrap=True)
        self.tagline.setStyleSheet("color: #c7d5e3; font-size: 11pt;")
        self.steps = _Steps()
        self.language = LanguageSwitch(dark=True)
        self.language.language_chosen.connect(lambda lang: switch_language(lang, profile))
        side_layout = vbox(side, margins=(32, 36, 32, 28), spacing=12)
        brand_row = hbox(spacing=12)
        brand_row.addWidget(icon_label("landmark", "#5eead4", 34))
        brand_row.addWidget(self.brand, 1)
        side_layout.addLayout(brand_row)
        side_layout.addWidget(self.tagline)
        side_layout.addSpacing(36)
        side_layout.addWidget(self.steps)
        side_layout.addStretch(1)
        side_layout.addWidget(self.language, 0, Qt.AlignmentFlag.AlignLeft)

        self.servers = ServersPage()
        self.pair_page = PairPage()
        self.login_page = LoginPage()
        self.stack = QStackedWidget()
        for page in (self.servers, self.pair_page, self.login_page):
            self.stack.addWidget(page)
        panel = card()
        panel.setFixedWidth(620)
        vbox(panel, margins=(36, 32, 36, 28)).addWidget(self.stack)
        right = QWidget()
        right_layout = vbox(right, margins=(40, 32, 40, 32))
        right_layout.addStretch(1)
        right_layout.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        right_layout.addStretch(1)

        row = hbox(self, spacing=0)
        row.addWidget(side)
        row.addWidget(right, 1)

        self.servers.refresh_requested.connect(self.discover)
        self.servers.entry_chosen.connect(self.choose_entry)
        self.servers.address_entered.connect(self.connect_address)
        self.pair_page.pair_requested.connect(self.pair)
        self.pair_page.back_requested.connect(self.show_servers)
        self.login_page.login_requested.connect(self.login)
        self.login_page.back_requested.connect(self.show_servers)
        self.resize(1180, 760)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — connect"))
        self.tagline.setText(self.subtitle_text or _("Paperless meetings for the council: agendas, documents and attendance on every desk."))

    # --- step 1: find ---------------------------------------------------------------------------
    def start(self) -> None:
        """Open at the login of the last server used on this device, else at the server list."""
        last = self.profile.last_server_id
        server = self.profile.server(last) if last else None
        if server is not None:
            saved = self.profile.session(last) or {}
            self.show_login(server, username=saved.get("username", ""))
        else:
            self.show_servers()

    def show_servers(self) -> None:
        self.steps.set_current(0)
        self.stack.setCurrentWidget(self.servers)
        self.servers.set_busy(False)
        self.servers.set_entries(merge_entries(self.found, self.profile.servers()))
        if self.discover_enabled and not self.found and not self.tasks.is_running("discover"):
            self.discover()

    def discover(self) -> None:
        self.servers.set_searching(True)
        self.tasks.run(_discover, on_done=self.show_found, on_error=self._on_discovery_failed, key="discover")

    def show_found(self, found: list) -> None:
        self.found = found
        self.servers.set_searching(False)
        entries = merge_entries(found, self.profile.servers())
        self.servers.set_entries(entries)
        mismatched = [e for e in entries if e.mismatch]
        if mismatched:
            first = mismatched[0]
            self.servers.show_warning(
                lambda: _("“%(name)s” at %(address)s presents a different certificate than the one this device paired with. It may be another machine using the server's name. Do not log in there; ask your administrator.")
                % {"name": first.name, "address": first.address}
            )

    def _on_discovery_failed(self, error: BaseException) -> None:
        self.servers.set_searching(False)
        log.warning("discovery failed: %s", error)
        self.servers.set_entries(merge_entries([], self.profile.servers()))

    def choose_entry(self, entry: ServerEntry) -> None:
        if entry.paired is not None and not entry.mismatch:
            server = entry.paired
            if (server.host, server.port) != (entry.host, entry.port) and entry.found:
                server = replace(server, host=entry.host, port=entry.port)  # same certificate, new address
                self.profile.save_server(server)
            self.show_login(server)
            return
        warning = CertificateChangedError(address=entry.address).user_message if entry.mismatch else ""
        self._read_certificate(entry.host, entry.port, entry.name, warning)

    def connect_address(self, text: str) -> None:
        try:
            host, port = parse_address(text)
        except ChamberError as err:
            self.servers.show_error(lambda err=err: error_text(err))
            return
        self._read_certificate(host, port, "", "")

    def _read_certificate(self, host: str, port: int, name: str, warning: Text) -> None:
        self.servers.set_busy(True)
        self.servers.spinner.start()
        self.tasks.run(
            lambda: read_certificate(host, port),
            on_done=lambda pem: self._got_certificate(host, port, name, pem, warning),
            on_error=self._certificate_failed,
            key="certificate",
        )

    def _certificate_failed(self, error: BaseException) -> None:
        self.servers.set_busy(False)
        self.servers.spinner.stop()
        self.servers.show_error(lambda: error_text(error))

    def _got_certificate(self, host: str, port: int, name: str, pem: str, warning: Text) -> None:
        self.servers.set_busy(False)
        self.servers.spinner.stop()
        fingerprint = fingerprint_of_pem(pem)
        servers = self.profile.servers()
        known = next((s for s in servers if s.fingerprint == fingerprint), None)
        if known is not None and not warning:
            if (known.host, known.port) != (host, port):
                known = replace(known, host=host, port=port)
                self.profile.save_server(known)
            self.show_login(known)
            return
        same_place = next((s for s in servers if (s.host, s.port) == (host, port)), None)
        if same_place is not None and same_place.fingerprint != fingerprint:
            warning = CertificateChangedError(address=f"{host}:{port}").user_message
        self.show_pair(host=host, port=port, pem=pem, name=name, warning=warning)

    # --- step 2: pair -----------------------------------------------------------------------------
    def show_pair(self, *, host: str, port: int, pem: str, name: str = "", warning: Text = "") -> None:
        self.pending_pair = {"host": host, "port": port, "pem": pem}
        self.steps.set_current(1)
        self.pair_page.show_server(name=name, address=f"{host}:{port}", fingerprint=fingerprint_of_pem(pem), warning=warning)
        self.stack.setCurrentWidget(self.pair_page)

    def pair(self, code: str) -> None:
        target = dict(self.pending_pair or {})
        if not target:
            return
        self.pair_page.set_busy(True)
        self.tasks.run(
            lambda: pair(self.profile, target["host"], target["port"], code, pem=target["pem"], device_name=socket.gethostname()),
            on_done=self._paired, on_error=self._pair_failed, key="pair",
        )

    def _paired(self, server: PairedServer) -> None:
        self.pair_page.set_busy(False)
        self.show_login(server, message=lambda: _("Paired. This device now trusts %(name)s.") % {"name": server.name or server.address})

    def _pair_failed(self, error: BaseException) -> None:
        self.pair_page.set_busy(False)
        self.pair_page.show_error(lambda: error_text(error), danger=isinstance(error, (CertificateChangedError, PairingInterceptedError)))

    # --- step 3: log in ---------------------------------------------------------------------------
    def show_login(self, server: PairedServer, *, username: str = "", message: Text = "", kind: str = "success") -> None:
        self.server = server
        self.steps.set_current(2)
        self.login_page.show_server(server, username=username, message=message, kind=kind)
        self.stack.setCurrentWidget(self.login_page)

    def login(self, username: str, password: str, device: str) -> None:
        server = self.server
        if server is None:
            return
        self.login_page.set_busy(True)
        self.tasks.run(
            lambda: ChamberSession.login(self.profile, server, username, password, device_name=device),
            on_done=self._logged_in, on_error=self._login_failed, key="login",
        )

    def _logged_in(self, session: ChamberSession) -> None:
        self.login_page.set_busy(False)
        self.logged_in.emit(session)

    def _login_failed(self, error: BaseException) -> None:
        self.login_page.set_busy(False)
        wrong_password = isinstance(error, AuthenticationError) and not isinstance(error, SessionExpiredError)
        self.login_page.show_error(
            lambda: error_text(error), danger=isinstance(error, CertificateChangedError), field=self.login_page.password if wrong_password else None
        )
