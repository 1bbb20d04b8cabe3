"""MainWindow: one window for every role after login. Header on top, meetings on the left, the
selected meeting and its agenda on the right; editors (secretariat, admin) can change them and
track its invitations, everyone else reads. Members of the council switch in the header to their
invitations inbox. It owns its session: starts it when shown, closes it when closed."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QWidget

from app import about
from app.i18n import _
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession
from ui import format as fmt
from ui.bridge import ChangeBatch, EventBridge
from ui.feedback import confirm, error_text
from ui.language import Translatable, install_language_support, switch_language
from ui.tasks import TaskRunner
from ui.views.about import AboutDialog
from ui.views.header import HeaderBar
from ui.views.pair_device_dialog import PairDeviceDialog
from ui.views.invitations.inbox import InvitationInbox
from ui.views.meetings.meeting_list import MeetingListView
from ui.views.meetings.meeting_page import MeetingPage
from ui.views.outbox_panel import OutboxPanel
from ui.views.password_dialog import ChangePasswordDialog
from ui.widgets.common import Banner, vbox

log = logging.getLogger(__name__)

# While online, a change normally leaves within a fraction of a second; only one still waiting
# after this long is worth showing in the header (no flicker on every edit).
PENDING_GRACE_MS = 1200


class MainWindow(Translatable, QMainWindow):
    logged_out = Signal()  # the user logged out: show the login screen again
    login_again_requested = Signal()  # the server ended the session

    def __init__(self, session: ChamberSession, tasks: TaskRunner, *, start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.session = session
        self.tasks = tasks
        self._closed = False
        self._logging_out = False
        self._force_close = False
        # Subscribe before reading anything: a change that lands in between is then not lost.
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self.on_changes)

        self.header = HeaderBar(session)
        self.header.language.language_chosen.connect(lambda lang: switch_language(lang, session.profile))
        self.header.logout_clicked.connect(self.logout)
        self.header.outbox_clicked.connect(self.toggle_outbox)
        self.header.about_clicked.connect(self.show_about)
        self.header.audit_clicked.connect(self.show_audit_log)
        self.audit_window: QWidget | None = None
        self.header.change_password_clicked.connect(self.show_change_password)
        self.header.pair_device_clicked.connect(self.show_pair_device)
        self.pair_device_dialog: PairDeviceDialog | None = None
        # The server's health answer (name, version, API), asked once online: an older client is warned.
        self.server_health: dict | None = None
        self._api_checked = False
        self.about_dialog: AboutDialog | None = None
        self.password_dialog: ChangePasswordDialog | None = None
        self.version_banner = Banner("warning")
        self.connection_banner = Banner("warning")
        self.connection_banner.action_clicked.connect(self._on_banner_action)
        self.outbox = OutboxPanel(session)
        self.outbox.setVisible(False)
        self.meetings = MeetingListView(session)
        self.page = MeetingPage(session, tasks)
        self.meetings.meeting_selected.connect(self._on_meeting_selected)
        self.meetings.new_meeting_requested.connect(self.new_meeting)
        self.page.meeting_created.connect(self._on_meeting_created)
        self.page.meeting_deleted.connect(lambda _id: self.meetings.refresh())

        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.meetings)
        self.splitter.addWidget(self.page)
        self.meetings.setMinimumWidth(300)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 900])
        # Members of the council: their invitations, one click away in the header.
        self.views = QStackedWidget()
        self.views.addWidget(self.splitter)
        self.inbox: InvitationInbox | None = None
        if self.header.has_inbox:
            self.inbox = InvitationInbox(session)
            self.inbox.unread_changed.connect(self.header.set_unread)
            self.views.addWidget(self.inbox)
            self.header.section_chosen.connect(self.show_section)
            self.header.set_unread(self.inbox.unread_count())

        central = QWidget()
        central.setObjectName("Page")
        layout = vbox(central, spacing=0)
        layout.addWidget(self.header)
        banner_holder = QWidget()
        vbox(banner_holder, margins=(16, 10, 16, 0)).addWidget(self.connection_banner)
        self.banner_holder = banner_holder
        layout.addWidget(banner_holder)
        version_holder = QWidget()
        vbox(version_holder, margins=(16, 10, 16, 0)).addWidget(self.version_banner)
        version_holder.setVisible(False)
        self.version_holder = version_holder
        layout.addWidget(version_holder)
        layout.addWidget(self.outbox)
        layout.addWidget(self.views, 1)
        self.setCentralWidget(central)
        self.resize(1280, 800)

        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_since: float | None = None
        self._failed_seen = 0
        self._pending_timer.timeout.connect(self._update_outbox)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_meeting)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.meetings.search.setFocus)

        self.retranslate()
        self._update_connection()
        self._update_outbox()
        if start:
            session.start()

    def event(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange and (self._closed or self._logging_out):
            return True  # its session is closed or closing: nothing inside may read from it any more
        return super().event(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — %(name)s (%(role)s)") % {"name": self.session.display_name, "role": fmt.role_label(self.session.role)})
        self._update_connection()

    # --- events from the session --------------------------------------------------------------
    def on_changes(self, batch: ChangeBatch) -> None:
        if self._closed or self._logging_out:
            return  # the session is being closed on a worker thread: do not read from it
        if batch.touches("connection"):
            self._update_connection()
        if batch.touches("outbox") or batch.touches("connection"):
            self._update_outbox()
        if "download" in batch.kinds:
            progress = self.session.download_progress()
            self.header.set_download(sum(progress.values()) / len(progress) if progress else None)
        if batch.touches("meeting") or "directory" in batch.kinds:
            self.meetings.refresh()
        if "all" in batch.kinds:
            self.header.retranslate()  # council name and bodies may be new
        self.page.apply_changes(batch)
        if self.inbox is not None:
            self.inbox.apply_changes(batch)

    def _update_connection(self) -> None:
        state = self.session.state
        self.header.set_state(state)
        banner = self.connection_banner
        error = self.session.last_error
        if state == ConnectionState.CERTIFICATE_CHANGED:
            banner.show_message(error_text(error) if error else _("The server's certificate has changed."), "danger")
        elif state == ConnectionState.SESSION_EXPIRED:
            banner.show_message(_("Your session has ended on the server (the device was signed out, or the account changed). Log in again to continue; nothing you did here is lost."), "error", action=_("Log in again"))
        elif state == ConnectionState.OFFLINE:
            banner.show_message(_("The server cannot be reached. You can keep working: your changes are kept on this device and sent when the server is back."), "warning", action=_("Try again now"))
        else:
            banner.clear()
        self.banner_holder.setVisible(banner.isVisibleTo(self.banner_holder))
        if state == ConnectionState.ONLINE and not self._api_checked:
            self._check_server_api()

    def _check_server_api(self) -> None:
        self._api_checked = True

        def failed(_error: BaseException) -> None:
            self._api_checked = False  # asked again the next time the server is reached

        self.tasks.run(lambda: self.session.api.health(), on_done=self._on_server_health, on_error=failed, key=f"server-health-{id(self)}")

    def _on_server_health(self, health: dict) -> None:
        if self._closed:
            return
        self.server_health = health
        warning = about.check_server_api(health)
        if warning is None:
            self.version_banner.clear()
        else:
            self.version_banner.show_message(lambda: warning.user_message(), "warning")
        self.version_holder.setVisible(warning is not None)
        if self.about_dialog is not None:
            self.about_dialog.set_server(health)

    def show_about(self) -> AboutDialog:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(server=self.server_health, parent=self)
            self.about_dialog.finished.connect(lambda _result: setattr(self, "about_dialog", None))
            self.about_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.about_dialog.open()
        return self.about_dialog

    def show_audit_log(self) -> QWidget | None:
        """The audit log (administrators): one window, a child of this one, raised when open again."""
        if not self.session.can_read_audit:
            return None
        if self.audit_window is None:
            from ui.views.audit_log import AuditLogWindow

            self.audit_window = AuditLogWindow(self.session, self.tasks, parent=self)
            self.audit_window.setWindowFlag(Qt.WindowType.Window, True)
            self.audit_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self.audit_window.destroyed.connect(lambda _obj=None: setattr(self, "audit_window", None))
        self.audit_window.show()
        self.audit_window.raise_()
        self.audit_window.activateWindow()
        return self.audit_window

    def show_change_password(self) -> ChangePasswordDialog:
        if self.password_dialog is None:
            self.password_dialog = ChangePasswordDialog(self.session, self.tasks, parent=self)
            self.password_dialog.finished.connect(lambda _result: setattr(self, "password_dialog", None))
            self.password_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.password_dialog.open()
        return self.password_dialog

    def show_pair_device(self) -> PairDeviceDialog:
        """A one-time pairing code for a new device (secretariat and administrators)."""
        if self.pair_device_dialog is None:
            self.pair_device_dialog = PairDeviceDialog(self.session, self.tasks, parent=self)
            self.pair_device_dialog.finished.connect(lambda _result: setattr(self, "pair_device_dialog", None))
            self.pair_device_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self.pair_device_dialog.new_code()
        self.pair_device_dialog.open()
        return self.pair_device_dialog

    def _on_banner_action(self) -> None:
        state = self.session.state
        if state == ConnectionState.SESSION_EXPIRED:
            self.login_again_requested.emit()
        elif state == ConnectionState.OFFLINE:
            self.session.engine.reconnect_now()

    def _update_outbox(self) -> None:
        if self._closed or self._logging_out:
            return  # a late timer after the session was closed (or while it closes)
        pending = len(self.session.pending_operations())
        failed = len(self.session.failed_operations())
        if not pending:
            self._pending_since = None
        elif self._pending_since is None:
            self._pending_since = time.monotonic()
        shown = pending
        if pending and self.session.state == ConnectionState.ONLINE and self.header.pending == 0:
            waited_ms = (time.monotonic() - self._pending_since) * 1000
            if waited_ms < PENDING_GRACE_MS:
                shown = 0  # probably on its way: look again in a moment
                self._pending_timer.start(int(PENDING_GRACE_MS - waited_ms) + 10)
        self.header.set_outbox(shown, failed)
        newly_refused = failed > self._failed_seen
        self._failed_seen = failed
        if self.outbox.isVisible():
            self.outbox.refresh()
        elif newly_refused:
            self.outbox.refresh()
            self.outbox.setVisible(True)  # a refused change needs the user's decision

    def toggle_outbox(self) -> None:
        visible = not self.outbox.isVisible()
        if visible:
            self.outbox.refresh()
        self.outbox.setVisible(visible)

    # --- actions ------------------------------------------------------------------------------
    def show_section(self, key: str) -> None:
        """"meetings" or "invitations" (members of the council)."""
        if self.inbox is None:
            return
        self.header.set_section(key)
        self.views.setCurrentWidget(self.inbox if key == "invitations" else self.splitter)

    def _unsaved(self) -> bool:
        return self.page.form is not None and self.page.stack.currentWidget() is self.page.scroll and self.page.form.has_unsaved_input()

    def _then_discard(self, action) -> bool:  # noqa: ANN001
        """Run `action` now, or after the user agreed to drop unsaved edits. True if run now."""
        if not self._unsaved():
            action()
            return True
        confirm(
            self, _("Unsaved changes"),
            _("Your changes to “%(title)s” are not saved yet. Discard them?") % {"title": self.page.form.unsaved_title()},
            yes=_("Discard changes"), on_yes=action,
        )
        return False

    def _on_meeting_selected(self, meeting_id: str | None) -> None:
        if meeting_id == (self.page.meeting or {}).get("id") and not self.page.form_is_new():
            return
        previous = (self.page.meeting or {}).get("id")

        def switch() -> None:
            self.meetings.select(meeting_id, notify=False)
            self.page.show_meeting(meeting_id)

        if not self._then_discard(switch):
            self.meetings.select(previous, notify=False)  # stay until the user has answered

    def new_meeting(self) -> None:
        if not self.session.can_edit:
            return

        def start() -> None:
            self.meetings.select(None, notify=False)
            self.page.show_new()

        self._then_discard(start)

    def _on_meeting_created(self, meeting_id: str) -> None:
        self.meetings.refresh()
        self.meetings.select(meeting_id)

    def logout(self) -> None:
        if self._logging_out:
            return
        self._then_discard(self._logout)

    def _logout(self) -> None:
        self._logging_out = True
        self.header.logout_button.setEnabled(False)
        self.header.spinner.start()
        self.page.live_actions.close_windows()
        self.bridge.close()
        self._pending_timer.stop()
        # Revoking the token is a network call: off the GUI thread. logout() also closes the session.
        self.tasks.run(self.session.logout, on_done=self._logged_out, on_error=self._logged_out, key=f"logout-{id(self)}")

    def _logged_out(self, _result: object = None) -> None:
        self.header.spinner.stop()
        self._closed = True
        self._pending_timer.stop()
        self.logged_out.emit()
        self.close()

    def close_now(self) -> None:
        """Close without asking about unsaved edits (the application is quitting)."""
        self._force_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._logging_out and not self._closed:
            event.ignore()  # the logout finishes first; it closes the window itself
            return
        if not self._closed and not self._force_close and self._unsaved():
            event.ignore()
            self._then_discard(self.close_now)
            return
        if not self._closed:
            self._closed = True
            self._pending_timer.stop()
            self.page.live_actions.close_windows()  # they use this window's session
            if self.audit_window is not None:
                self.audit_window.close()
            self.bridge.close()
            # Stopping the sync thread may wait for a network call to time out: not on the GUI thread.
            self.tasks.run(self.session.close, key=f"close-{id(self)}")
        super().closeEvent(event)
