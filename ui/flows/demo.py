"""DemoFlow: `python main.py demo`. Starts the embedded server (SQLite, demo council, 127.0.0.1,
a free port, not advertised), shows the Launcher, and opens one window per chosen role, each
logged in as its demo account from a device profile of its own (data_dir/clients/<username>)."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

from app.config import ServerSettings
from app.demo import ACCOUNTS, COUNCIL, DEMO_PASSWORD, DELEGATES, seed
from app.domain.roles import Role
from app.i18n import _
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.services.pairing import IssuedCode, code_to_show
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession
from ui.feedback import error_text
from ui.language import switch_language
from ui.tasks import TaskRunner
from ui.views.kiosk import KioskWindow
from ui.views.launcher import Launcher
from ui.views.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class _Server:
    ctx: ServerContext
    runner: ServerRunner


def _account_names() -> dict[str, str]:
    return {username: display or (DELEGATES[index][0] if index is not None else username) for username, _role, display, index in ACCOUNTS}


def boot_server(data_dir: Path) -> _Server:
    """Open (first time: create and fill) the demo chamber and start serving it. Blocking."""
    settings = ServerSettings(data_dir=data_dir / "server", host="127.0.0.1", port=0, name=COUNCIL, advertise=False)
    ctx = ServerContext.open(settings)
    if seed(ctx.db, settings.data_dir):
        log.info("demo council created in %s", settings.data_dir)
    runner = ServerRunner(ctx, host="127.0.0.1", port=0, advertise=False).start()
    return _Server(ctx, runner)


class DemoFlow(QObject):
    def __init__(self, data_dir: Path, tasks: TaskRunner, *, camera: str = "0", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.tasks = tasks
        self.camera = camera
        self.settings = Profile(self.data_dir)  # the launcher's own settings (language)
        self.server: _Server | None = None
        self.windows: dict[str, QWidget] = {}
        self.launcher = Launcher(accounts=_account_names())
        self.launcher.role_chosen.connect(self.open_role)
        self.launcher.language_chosen.connect(lambda lang: switch_language(lang, self.settings))
        self.launcher.closing.connect(self.shutdown)
        self._shut = False
        # The launcher shows a one-time pairing code for a second computer or tablet, replaced
        # when it is used or expires (checked every few seconds).
        self.code: IssuedCode | None = None
        self.code_timer = QTimer(self)
        self.code_timer.setInterval(3000)
        self.code_timer.timeout.connect(self.refresh_code)

    def start(self) -> Launcher:
        self.launcher.show()
        self.tasks.run(lambda: boot_server(self.data_dir), on_done=self._booted, on_error=self._boot_failed, key="demo-server")
        return self.launcher

    def _booted(self, server: _Server) -> None:
        if self._shut:  # the launcher was closed while the server started
            server.runner.stop()
            server.ctx.db.dispose()
            return
        self.server = server
        self.launcher.show_server(council=COUNCIL, address=f"{server.runner.host}:{server.runner.port}", password=DEMO_PASSWORD)
        self.refresh_code()
        self.code_timer.start()

    def refresh_code(self) -> None:
        if self.server is None or self.tasks.is_running("demo-pairing-code"):
            return
        db, code_id = self.server.ctx.db, self.code.id if self.code else None
        minutes = self.server.ctx.settings.pairing_code_minutes
        self.tasks.run(lambda: code_to_show(db, code_id, minutes=minutes), on_done=self._show_code,
                       on_error=lambda err: log.warning("demo: no pairing code: %s", err), key="demo-pairing-code")

    def _show_code(self, issued: IssuedCode) -> None:
        if self._shut:
            return
        self.code = issued
        self.launcher.show_code(issued.code, issued.expires_at)

    def _boot_failed(self, error: BaseException) -> None:
        self.launcher.show_error(lambda: _("The demo server could not start: %(reason)s") % {"reason": error_text(error)})

    # --- roles --------------------------------------------------------------------------------
    def open_role(self, username: str) -> None:
        window = self.windows.get(username)
        if window is not None and shiboken6.isValid(window):
            window.showNormal()
            window.raise_()
            window.activateWindow()
            return
        if self.server is None:
            return
        ctx, runner = self.server.ctx, self.server.runner
        profile = Profile(self.data_dir / "clients" / username)
        paired = pin_local(profile, host="127.0.0.1", port=runner.port, pem=ctx.certificate.pem, server_id=ctx.server_id, name=ctx.name)
        card = self.launcher.cards.get(username)
        if card is not None:
            card.set_busy(True)
        device = f"{socket.gethostname()} (demo {username})"
        self.tasks.run(
            lambda: ChamberSession.login(profile, paired, username, DEMO_PASSWORD, device_name=device),
            on_done=lambda session: self._logged_in(username, session),
            on_error=lambda err: self._login_failed(username, err),
            key=f"demo-login-{username}",
        )

    def _login_failed(self, username: str, error: BaseException) -> None:
        card = self.launcher.cards.get(username)
        if card is not None:
            card.show_error(error_text(error))

    def _logged_in(self, username: str, session: ChamberSession) -> None:
        card = self.launcher.cards.get(username)
        if card is not None:
            card.set_busy(False)
        if self._shut:
            session.close()
            return
        if session.role == Role.KIOSK:
            window: QWidget = KioskWindow(session, self.tasks, camera=self.camera)
        else:
            session.enable_auto_download()  # upcoming meetings' documents, ready for offline reading
            window = MainWindow(session, self.tasks)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.login_again_requested.connect(lambda u=username, w=window: self._login_again(u, w))
        window.destroyed.connect(lambda _obj=None, u=username: self.windows.pop(u, None))
        self.windows[username] = window
        window.show()

    def _login_again(self, username: str, window: QWidget) -> None:
        window.close()
        self.windows.pop(username, None)
        self.open_role(username)

    def open_windows(self) -> list[QWidget]:
        return [w for w in self.windows.values() if shiboken6.isValid(w)]

    # --- the end ------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Close every role window, then stop the server. Called when the launcher closes."""
        if self._shut:
            return
        self._shut = True
        self.code_timer.stop()
        for window in self.open_windows():
            getattr(window, "close_now", window.close)()
        self.windows.clear()
        if self.server is not None:
            self.server.runner.stop()
            self.server.ctx.db.dispose()
            self.server = None
