"""The locked kiosk's exit (`main.py kiosk --fullscreen`): KioskExitGuard keeps the kiosk window
open and full screen until KioskExitDialog has checked an administrator's password (on the
server) or the kiosk's exit PIN (app/kiosk_lock.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit, QWidget

from app.i18n import _
from app.kiosk_lock import ExitLock
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.widgets.common import label, vbox


class KioskExitDialog(Translatable, QDialog):
    def __init__(self, lock: ExitLock, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("KioskExitDialog")
        self.setModal(True)
        self.lock = lock
        self.tasks = tasks
        self.title = label("DialogTitle", wrap=True)
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold; color: #14324f;")
        self.text = label("Muted", wrap=True)
        self.username_label, self.username = label("FieldLabel"), QLineEdit()
        self.password_label, self.password = label("FieldLabel"), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_label, self.pin = label("FieldLabel"), QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.error = label("ErrorText", wrap=True)
        self.error.setVisible(False)
        self._error_text = None
        # Own buttons, not standard ones: Qt relabels standard buttons itself on a language change.
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        self.ok.setProperty("variant", "danger")

        layout = vbox(self, margins=(24, 22, 24, 18), spacing=8)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(6)
        for field_label, field in ((self.username_label, self.username), (self.password_label, self.password), (self.pin_label, self.pin)):
            layout.addWidget(field_label)
            layout.addWidget(field)
        has_pin = lock.has_pin
        self.pin_label.setVisible(has_pin)
        self.pin.setVisible(has_pin)
        layout.addWidget(self.error)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        # Light on the kiosk's dark screen: the kiosk's own colours must not reach this dialog.
        self.setPalette(QApplication.palette())
        self.setStyleSheet(
            "QDialog#KioskExitDialog { background: #ffffff; }"
            "QDialog#KioskExitDialog QLabel { color: #1f2933; }"
            "QDialog#KioskExitDialog QLabel#Muted { color: #4a5666; }"
            "QDialog#KioskExitDialog QLabel#FieldLabel { color: #4a5666; font-weight: bold; font-size: 9pt; }"
            "QDialog#KioskExitDialog QLabel#ErrorText { color: #a61b1b; }"
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Close the kiosk"))
        self.title.setText(_("Close the kiosk"))
        if self.lock.has_pin:
            self.text.setText(_("Only an administrator can close the kiosk: enter an administrator's user name and password, or this kiosk's exit PIN."))
        else:
            self.text.setText(_("Only an administrator can close the kiosk: enter an administrator's user name and password."))
        self.username_label.setText(_("Administrator's user name"))
        self.password_label.setText(_("Password"))
        self.pin_label.setText(_("or the kiosk's exit PIN"))
        self.ok.setText(_("Close the kiosk"))
        self.cancel.setText(_("Cancel"))
        if self._error_text is not None:
            self.error.setText(self._error_text())
        self._fit()

    def _fit(self) -> None:
        """Grow with the text (another language, an error): wrapped labels and buttons are never clipped."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.layout().heightForWidth(self.width()) if self.layout().hasHeightForWidth() else self.sizeHint().height()))

    def check(self) -> None:
        pin, username, password = self.pin.text().strip(), self.username.text().strip(), self.password.text()
        if pin:
            work = lambda: self.lock.check_pin(pin)  # noqa: E731
        elif username and password:
            work = lambda: self.lock.check_admin(username, password)  # noqa: E731
        else:
            self._show_error(lambda: _("Enter an administrator's user name and password."))
            return
        self.ok.setEnabled(False)
        self.error.setVisible(False)
        self.tasks.run(work, on_done=self._passed, on_error=self._failed, key=f"kiosk-exit-{id(self)}")

    def _passed(self, _result: object = None) -> None:
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        self.password.clear()
        self.pin.clear()
        self._show_error(lambda: error_text(error))

    def _show_error(self, text) -> None:  # noqa: ANN001 - a function giving the text
        self._error_text = text
        self.error.setText(text())
        self.error.setVisible(True)
        self._fit()


class KioskExitGuard(QObject):
    """Refuses every close of `window` (Alt+F4, Ctrl+Q, the window manager) and every way out of
    full screen, and asks KioskExitDialog instead. `release()` lets the program itself close it
    (the session ended and the login screen replaces it)."""

    def __init__(self, window: QWidget, lock: ExitLock, tasks: TaskRunner) -> None:
        super().__init__(window)
        self.window = window
        self.lock = lock
        self.tasks = tasks
        self.released = False
        self.dialog: KioskExitDialog | None = None
        window.installEventFilter(self)

    def release(self) -> None:
        self.released = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and not self.released:
            if event.type() == QEvent.Type.Close:
                event.ignore()
                QTimer.singleShot(0, self.ask)
                return True
            if event.type() == QEvent.Type.WindowStateChange and not self.window.isFullScreen():
                QTimer.singleShot(0, self.window.showFullScreen)
        return False

    def ask(self) -> KioskExitDialog | None:
        if self.released or (self.dialog is not None and self.dialog.isVisible()):
            return self.dialog
        dialog = KioskExitDialog(self.lock, self.tasks, parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(self._unlocked)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _unlocked(self) -> None:
        self.released = True
        self.window.close()
