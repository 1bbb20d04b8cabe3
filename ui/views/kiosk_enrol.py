"""Face enrolment at the kiosk (Ctrl+E): KioskEnrolSignIn asks a secretary's or an
administrator's user name and password and whom to enrol; the kiosk then pauses its own camera
loop and opens the same EnrolDialog as a desk PC, on the kiosk's camera, with that login
(app/kiosk_enrol.py StaffLogin), which is revoked when the dialog closes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QDialogButtonBox, QLineEdit, QWidget

from app.i18n import _
from app.kiosk_enrol import StaffLogin
from app.sync.profile import PairedServer
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.widgets.common import label, vbox


class KioskEnrolSignIn(Translatable, QDialog):
    """On acceptance, `staff` is the open login and `person` the directory entry to enrol."""

    def __init__(self, server: PairedServer, persons: list[dict[str, Any]], tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("KioskEnrolSignIn")
        self.setModal(True)
        self.server = server
        self.tasks = tasks
        self.staff: StaffLogin | None = None
        self.person: dict[str, Any] | None = None
        self.title = label("DialogTitle", wrap=True)
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold; color: #14324f;")
        self.text = label("Muted", wrap=True)
        self.username_label, self.username = label("FieldLabel"), QLineEdit()
        self.password_label, self.password = label("FieldLabel"), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.person_label, self.persons = label("FieldLabel"), QComboBox()
        for p in persons:
            self.persons.addItem(" — ".join(x for x in (p.get("full_name"), p.get("title")) if x), p)
        self.error = label("ErrorText", wrap=True)
        self.error.setVisible(False)
        self._error_text = None
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setProperty("variant", "primary")
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = vbox(self, margins=(24, 22, 24, 18), spacing=8)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(6)
        for field_label, field in ((self.person_label, self.persons), (self.username_label, self.username), (self.password_label, self.password)):
            layout.addWidget(field_label)
            layout.addWidget(field)
        layout.addWidget(self.error)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.setPalette(QApplication.palette())  # light on the kiosk's dark screen
        self.setStyleSheet(
            "QDialog#KioskEnrolSignIn { background: #ffffff; }"
            "QDialog#KioskEnrolSignIn QLabel { color: #1f2933; }"
            "QDialog#KioskEnrolSignIn QLabel#Muted { color: #4a5666; }"
            "QDialog#KioskEnrolSignIn QLabel#FieldLabel { color: #4a5666; font-weight: bold; font-size: 9pt; }"
            "QDialog#KioskEnrolSignIn QLabel#ErrorText { color: #a61b1b; }"
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Face enrolment at the kiosk"))
        self.title.setText(_("Face enrolment at the kiosk"))
        self.text.setText(_("The secretariat or an administrator signs in for this enrolment only; the sign-in ends when the face data window closes."))
        self.person_label.setText(_("Person to enrol"))
        self.username_label.setText(_("User name (secretariat or administrator)"))
        self.password_label.setText(_("Password"))
        self.ok.setText(_("Sign in"))
        self.cancel.setText(_("Cancel"))
        if self._error_text is not None:
            self.error.setText(self._error_text())
        self._fit()

    def sign_in(self) -> None:
        username, password, person = self.username.text().strip(), self.password.text(), self.persons.currentData()
        if not username or not password or person is None:
            self._show_error(lambda: _("Enter a user name and password, and choose the person."))
            return
        self.ok.setEnabled(False)
        self.error.setVisible(False)
        self.tasks.run(lambda: StaffLogin.open(self.server, username, password), on_done=lambda staff: self._signed_in(staff, person),
                       on_error=self._failed, key=f"kiosk-enrol-{id(self)}")

    def _signed_in(self, staff: StaffLogin, person: dict[str, Any]) -> None:
        self.staff, self.person = staff, person
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        self.password.clear()
        self._show_error(lambda: error_text(error))

    def _show_error(self, text) -> None:  # noqa: ANN001 - a function giving the text
        self._error_text = text
        self.error.setText(text())
        self.error.setVisible(True)
        self._fit()

    def _fit(self) -> None:
        """Grow with the text (another language, an error): wrapped labels and buttons are never clipped."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.layout().heightForWidth(self.width()) if self.layout().hasHeightForWidth() else self.sizeHint().height()))
