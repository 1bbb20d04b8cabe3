"""ClientFlow: `python main.py client` and `kiosk`. Opens the last session from the offline cache
when there is one (no network needed); otherwise the connect screen. After a logout, or when the
server ends the session, the connect screen comes back at the login step."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.sync.profile import Profile
from app.sync.session import ChamberSession, NotLoggedInError
from ui.tasks import TaskRunner
from ui.views.connect.connect_window import ConnectWindow
from ui.views.kiosk import KioskWindow
from ui.views.main_window import MainWindow

log = logging.getLogger(__name__)


class ClientFlow(QObject):
    def __init__(self, profile: Profile, tasks: TaskRunner, *, kiosk_camera: str | None = None, live_window: str | None = None, discover: bool = True,
                 full_screen: bool = False, kiosk_locked: bool = False, parent: QObject | None = None) -> None:
        """`kiosk_locked`: the kiosk window can only be closed by an administrator (ui/views/kiosk_exit.py)."""
        super().__init__(parent)
        self.kiosk_locked = kiosk_locked
        self.profile = profile
        self.tasks = tasks
        self.kiosk_camera = kiosk_camera
        self.live_window = live_window  # console | delegate | hall (ui/views/chair_console.py, delegate_live.py, hall_display.py)
        self.discover = discover
        self.full_screen = full_screen
        self.connect_window: ConnectWindow | None = None
        self.window: QWidget | None = None

    def start(self) -> QWidget:
        try:
            session = ChamberSession.resume(self.profile)
        except NotLoggedInError:
            return self.show_connect()
        log.info("resuming the session of %s on %s", session.username, session.server.address)
        return self.open_window(session)

    def show_connect(self, *, username: str = "", message="") -> ConnectWindow:  # noqa: ANN001 - str or a function giving it
        if self.connect_window is not None and shiboken6.isValid(self.connect_window):
            self.connect_window.close()
        subtitle = _("The check-in kiosk: log in once with the kiosk account; it stays logged in.") if self.kiosk_camera is not None else ""
        window = ConnectWindow(self.profile, self.tasks, discover=self.discover, subtitle=subtitle)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.logged_in.connect(self._logged_in)
        window.start()
        if username or message:
            server = self.profile.server(self.profile.last_server_id) if self.profile.last_server_id else None
            if server is not None:
                window.show_login(server, username=username, message=message, kind="info")
        self.connect_window = window
        window.show()
        return window

    def _logged_in(self, session: ChamberSession) -> None:
        connect = self.connect_window
        self.open_window(session)  # first the new window, so the application never has none open
        if connect is not None and shiboken6.isValid(connect):
            connect.close()
        self.connect_window = None

    def open_window(self, session: ChamberSession) -> QWidget:
        if self.kiosk_camera is not None:
            window: QWidget = KioskWindow(session, self.tasks, camera=self.kiosk_camera)
        elif self.live_window is not None:
            from ui.views.chair_console import ChairConsole
            from ui.views.delegate_live import DelegateLive
            from ui.views.hall_display import HallDisplay

            window = {"console": ChairConsole, "delegate": DelegateLive, "hall": HallDisplay}[self.live_window](session, self.tasks)
        else:
            session.enable_auto_download()  # upcoming meetings' documents, ready for offline reading
            window = MainWindow(session, self.tasks)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.logged_out.connect(lambda: self.show_connect(username=session.username))
        window.login_again_requested.connect(lambda w=window: self._login_again(w, session))
        if self.kiosk_locked and self.kiosk_camera is not None:
            from app.kiosk_lock import ExitLock
            from ui.views.kiosk_exit import KioskExitGuard

            window.exit_guard = KioskExitGuard(window, ExitLock(self.profile, session.server), self.tasks)
        self.window = window
        if self.full_screen:
            window.showFullScreen()
        else:
            window.show()
        return window

    def _login_again(self, window: QWidget, session: ChamberSession) -> None:
        self.show_connect(username=session.username, message=lambda: _("Your session has ended. Please log in again."))
        guard = getattr(window, "exit_guard", None)
        if guard is not None:
            guard.release()  # the login screen takes its place; the kiosk account logs in again
        window.close()
