"""LiveActions: the buttons on a meeting's page that open its live windows from the normal client.

The chair and the secretariat open the chair's console and the minutes (also once the meeting
is closed); a delegate follows the meeting live; the secretariat opens the hall display (the
projector). Each window is opened on the meeting shown
with the main window's own session (it is not closed with the window) and kept here, so a second
click raises the window already open instead of opening another.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain import live as live_rules
from app.domain.roles import Role
from app.i18n import _
from ui.language import Translatable, install_language_support
from ui.widgets.common import button, hbox, vbox

LIVE_STATUSES = ("scheduled", "open", "adjourned")  # a meeting that can still sit
HALL_OPENERS = frozenset({Role.ADMIN, Role.SECRETARIAT})


class LiveActions(Translatable, QWidget):
    def __init__(self, session: Any, tasks: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("LiveActions")
        self.session = session
        self.tasks = tasks
        self.meeting_id: str | None = None
        self.windows: dict[str, QWidget] = {}
        role = session.role
        self.console = button(variant="primary", icon_name="landmark", on_click=lambda: self.open("console"))
        self.follow = button(variant="primary", icon_name="users", on_click=lambda: self.open("delegate"))
        self.hall = button(icon_name="monitor", on_click=lambda: self.open("hall"))
        self.minutes = button(icon_name="file-text", on_click=self.open_minutes)
        self.tasks_button = button(icon_name="clipboard", on_click=self.open_tasks)
        self.tasks_button.setVisible(role in live_rules.RUNNERS)
        self.proxies = button(icon_name="users", on_click=self.open_proxies)
        self._shown = {self.console: role in live_rules.RUNNERS, self.follow: role == Role.DELEGATE, self.hall: role in HALL_OPENERS,
                       self.proxies: role == Role.DELEGATE or role in HALL_OPENERS}
        self.minutes.setVisible(role in live_rules.RUNNERS)
        self._roles_allow = role in live_rules.RUNNERS or role == Role.DELEGATE
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        # Two right-aligned rows: the live windows, then the meeting's records (the secretariat has all six).
        rows = vbox(self, spacing=6)
        live_row, records_row = hbox(spacing=8), hbox(spacing=8)
        live_row.addStretch(1)
        records_row.addStretch(1)
        for widget in (self.hall, self.follow, self.console):
            live_row.addWidget(widget)
        for widget in (self.proxies, self.tasks_button, self.minutes):
            records_row.addWidget(widget)
        rows.addLayout(live_row)
        rows.addLayout(records_row)
        self.setVisible(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.console.setText(_("Open the live console"))
        self.follow.setText(_("Follow the meeting live"))
        self.hall.setText(_("Hall display"))
        self.minutes.setText(_("Meeting minutes"))
        self.tasks_button.setText(_("Follow-up tasks"))
        self.proxies.setText(_("Proxy votes"))

    def set_meeting(self, meeting: dict[str, Any] | None) -> None:
        self.meeting_id = meeting["id"] if meeting else None
        status = meeting.get("status") if meeting else None
        for widget, allowed in self._shown.items():
            widget.setVisible(allowed and status in LIVE_STATUSES)
        self.setVisible(self._roles_allow and status in (*LIVE_STATUSES, "closed"))

    def open_tasks(self) -> QWidget | None:
        """The follow-up tasks of the meeting shown (and of its body)."""
        if self.meeting_id is None:
            return None
        from ui.views.tasks_window import TasksWindow

        return self._show_once(f"tasks:{self.meeting_id}", lambda: TasksWindow(self.session, self.tasks, meeting_id=self.meeting_id, parent=self.window()),
                               own_window=True)

    def open_proxies(self) -> QWidget | None:
        """Proxy votes of the meeting shown: a delegate names one, the secretariat decides."""
        if self.meeting_id is None:
            return None
        from ui.views.proxies_dialog import ProxiesDialog

        return self._show_once(f"proxies:{self.meeting_id}", lambda: ProxiesDialog(self.session, self.tasks, self.meeting_id, parent=self.window()))

    def open_minutes(self) -> QWidget | None:
        """The minutes' editor of the meeting shown (one per meeting)."""
        if self.meeting_id is None:
            return None
        from ui.views.minutes_dialog import MinutesDialog

        return self._show_once(f"minutes:{self.meeting_id}", lambda: MinutesDialog(self.session, self.tasks, self.meeting_id, parent=self.window()))

    def open(self, kind: str) -> QWidget | None:
        """Open (or raise) the `kind` window — console, delegate or hall — on the meeting shown."""
        if self.meeting_id is None:
            return None
        # A window of its own, but a child of the main window: it goes when the main window goes.
        return self._show_once(f"{kind}:{self.meeting_id}",
                               lambda: self._make(kind)(self.session, self.tasks, meeting_id=self.meeting_id, start=False, parent=self.window()),
                               own_window=True, activate=True)

    def _show_once(self, key: str, make: Callable[[], QWidget], *, own_window: bool = False, activate: bool = False) -> QWidget:
        """Show the one window or dialog kept under `key`, made on first use and forgotten when closed."""
        window = self.windows.get(key)
        if window is None:
            window = make()
            if own_window:
                window.setWindowFlag(Qt.WindowType.Window, True)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            window.destroyed.connect(lambda _obj=None, key=key: self.windows.pop(key, None))
            self.windows[key] = window
        window.show()
        window.raise_()
        if activate:
            window.activateWindow()
        return window

    @staticmethod
    def _make(kind: str) -> Callable[..., QWidget]:
        from ui.views.chair_console import ChairConsole
        from ui.views.delegate_live import DelegateLive
        from ui.views.hall_display import HallDisplay

        return {"console": ChairConsole, "delegate": DelegateLive, "hall": HallDisplay}[kind]

    def close_windows(self) -> None:
        for window in list(self.windows.values()):
            window.close()
