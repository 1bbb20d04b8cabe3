"""SetupWizard: `main.py setup --data DIR`, the first run of a chamber server (app/setup.py): the
chamber's name, the first administrator, optional e-mail with a test message, and at the end the
a one-time pairing code and the certificate fingerprint to give to the devices. Each page saves what it asks for
when the user goes on, on a worker thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QSpinBox, QWidget, QWizard, QWizardPage

from app import setup
from app.domain.passwords import PasswordMismatchError
from app.errors import ChamberError
from app.i18n import _
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.widgets.common import hbox, label, vbox
from ui.widgets.pairing_code import PairingCodeView

SECURITY_LABELS = {"starttls": "STARTTLS (587)", "ssl": "SSL/TLS (465)", "none": ""}  # "none" is labelled in retranslate()


class _Page(Translatable, QWizardPage):
    """A page that saves on Next: `save()` gives the work for a worker thread, or None to go on at once."""

    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__()
        self.owner = wizard
        self.saved = False
        self.error = label("ErrorText", wrap=True)
        self.error.setVisible(False)

    def save(self) -> Callable[[], Any] | None:
        return None

    def saved_with(self, _result: Any) -> None:
        """On the GUI thread once `save()`'s work is done."""

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.saved:
            return True
        self.error.setVisible(False)
        try:
            work = self.save()
        except ChamberError as exc:  # a check made here, before any work (e.g. two different passwords)
            self.show_error(lambda: exc.user_message())
            return False
        if work is None:
            return True
        self.owner.button(QWizard.WizardButton.NextButton).setEnabled(False)
        self.owner.tasks.run(work, on_done=self._done, on_error=self._failed, key=f"setup-{id(self)}")
        return False

    def _done(self, result: Any) -> None:
        self.saved_with(result)
        self.saved = True
        self.owner.button(QWizard.WizardButton.NextButton).setEnabled(True)
        self.owner.next()

    def _failed(self, error: BaseException) -> None:
        self.owner.button(QWizard.WizardButton.NextButton).setEnabled(True)
        self.show_error(lambda: error_text(error))

    def show_error(self, text: Callable[[], str]) -> None:
        self._error = text
        self.error.setText(text())
        self.error.setVisible(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.saved = False  # back and forth: saved again with what is on the page now

    def retranslate(self) -> None:
        if self.error.isVisible() and getattr(self, "_error", None):
            self.error.setText(self._error())


class NamePage(_Page):
    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__(wizard)
        self.name_label, self.name = label("FieldLabel"), QLineEdit()
        self.name.setObjectName("ChamberName")
        self.hint = label("Muted", wrap=True)
        layout = vbox(self, spacing=8)
        layout.addWidget(self.name_label)
        layout.addWidget(self.name)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("The chamber"))
        self.setSubTitle(_("Every device shows this name when it finds the server and after login."))
        self.name_label.setText(_("Name of the chamber"))
        self.name.setPlaceholderText(_("e.g. HĐND Phường Hòa Bình"))
        self.hint.setText(_("It is written to %(file)s and can be changed later.") % {"file": str(self.owner.data_dir / "server.toml")})
        super().retranslate()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        # Not before the data directory has been opened once: two first openings at the same time
        # would both try to create the database.
        return self.owner.info is not None

    def save(self) -> Callable[[], Any]:
        name, data_dir = self.name.text().strip(), self.owner.data_dir

        def work() -> setup.ChamberInfo:
            setup.save_name(data_dir, name)
            return setup.open_chamber(data_dir, name=name)

        return work

    def saved_with(self, info: setup.ChamberInfo) -> None:
        self.owner.info = info


class AdminPage(_Page):
    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__(wizard)
        self.username_label, self.username = label("FieldLabel"), QLineEdit()
        self.display_label, self.display_name = label("FieldLabel"), QLineEdit()
        self.password_label, self.password = label("FieldLabel"), QLineEdit()
        self.repeat_label, self.repeat = label("FieldLabel"), QLineEdit()
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = label("Muted", wrap=True)
        layout = vbox(self, spacing=6)
        for field_label, field in ((self.username_label, self.username), (self.display_label, self.display_name), (self.password_label, self.password), (self.repeat_label, self.repeat)):
            layout.addWidget(field_label)
            layout.addWidget(field)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        super().initializePage()
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("The first administrator"))
        self.setSubTitle(_("The administrator creates the other accounts (secretariat, chair, delegates, kiosks) from a Chamber client."))
        self.username_label.setText(_("User name"))
        self.display_label.setText(_("Name shown in the interface"))
        self.password_label.setText(_("Password"))
        self.repeat_label.setText(_("Repeat the password"))
        admins = self.owner.info.admins if self.owner.info else 0
        self.note.setText(_("This chamber already has an administrator: leave these fields empty to keep it as it is.") if admins else "")
        self.note.setVisible(bool(admins))
        super().retranslate()

    def save(self) -> Callable[[], Any] | None:
        username, password = self.username.text().strip(), self.password.text()
        if not username and not password and self.owner.info and self.owner.info.admins:
            return None
        if password != self.repeat.text():
            raise PasswordMismatchError()
        display, data_dir = self.display_name.text().strip(), self.owner.data_dir
        return lambda: setup.create_admin(data_dir, username=username, password=password, display_name=display)

    def saved_with(self, _account: Any) -> None:
        self.password.clear()
        self.repeat.clear()


class MailPage(_Page):
    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__(wizard)
        self.enabled = QCheckBox()
        self.enabled.toggled.connect(self._enable)
        self.fields = QWidget()
        self.host_label, self.host = label("FieldLabel"), QLineEdit()
        self.port_label, self.port = label("FieldLabel"), QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security_label, self.security = label("FieldLabel"), QComboBox()
        for key, text in SECURITY_LABELS.items():
            self.security.addItem(text, key)
        self.user_label, self.user = label("FieldLabel"), QLineEdit()
        self.password_label, self.password = label("FieldLabel"), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sender_label, self.sender = label("FieldLabel"), QLineEdit()
        self.sender_name_label, self.sender_name = label("FieldLabel"), QLineEdit()
        self.test_label, self.test_to = label("FieldLabel"), QLineEdit()
        self.test_button = QPushButton()
        self.test_button.setObjectName("SendTestEmail")
        self.test_button.clicked.connect(self.send_test)
        self.test_result = label("", wrap=True)
        self.test_result.setVisible(False)

        form = vbox(self.fields, spacing=4)
        server_row = hbox(spacing=8)
        for field_label, field, stretch in ((self.host_label, self.host, 3), (self.port_label, self.port, 1), (self.security_label, self.security, 2)):
            column = vbox(spacing=4)
            column.addWidget(field_label)
            column.addWidget(field)
            server_row.addLayout(column, stretch)
        form.addLayout(server_row)
        for left, right in (((self.user_label, self.user), (self.password_label, self.password)), ((self.sender_label, self.sender), (self.sender_name_label, self.sender_name))):
            row = hbox(spacing=8)
            for field_label, field in (left, right):
                column = vbox(spacing=4)
                column.addWidget(field_label)
                column.addWidget(field)
                row.addLayout(column, 1)
            form.addLayout(row)
        form.addSpacing(8)
        form.addWidget(self.test_label)
        test_row = hbox(spacing=8)
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        form.addLayout(test_row)
        form.addWidget(self.test_result)
        layout = vbox(self, spacing=8)
        layout.addWidget(self.enabled)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._enable(False)
        self.retranslate()

    def _enable(self, on: bool) -> None:
        self.fields.setEnabled(on)

    def retranslate(self) -> None:
        self.setTitle(_("E-mail (optional)"))
        self.setSubTitle(_("Without e-mail, invitations reach delegates in the app only. With it, they also arrive by e-mail with a calendar entry."))
        self.enabled.setText(_("Send invitations by e-mail too"))
        self.host_label.setText(_("Mail server"))
        self.port_label.setText(_("Port"))
        self.security_label.setText(_("Security"))
        self.user_label.setText(_("User name (if the mail server asks for one)"))
        self.password_label.setText(_("Password"))
        self.sender_label.setText(_("Sender address"))
        self.sender_name_label.setText(_("Sender name"))
        self.test_label.setText(_("Send a test e-mail to"))
        self.test_button.setText(_("Send a test e-mail"))
        self.security.setItemText(self.security.findData("none"), _("None (a closed network only)"))
        if getattr(self, "_result", None):
            self.test_result.setText(self._result())
        super().retranslate()

    def values(self) -> dict[str, Any]:
        return {"host": self.host.text(), "port": self.port.value(), "security": self.security.currentData(), "user": self.user.text(),
                "sender": self.sender.text(), "sender_name": self.sender_name.text() or (self.owner.info.name if self.owner.info else "Chamber")}

    def send_test(self) -> None:
        values, password, to_addr = self.values(), self.password.text(), self.test_to.text()
        chamber = self.owner.info.name if self.owner.info else "Chamber"
        data_dir = self.owner.data_dir
        self.test_button.setEnabled(False)
        self._show_result(lambda: _("Sending…"), "Muted")
        self.owner.tasks.run(lambda: setup.send_test_email(setup.smtp_settings(values, data_dir=data_dir, password=password or None), to_addr, chamber=chamber),
                             on_done=self._test_sent, on_error=self._test_failed, key=f"setup-test-mail-{id(self)}")

    def _test_sent(self, _result: object = None) -> None:
        self.test_button.setEnabled(True)
        to_addr = self.test_to.text().strip()
        self._show_result(lambda: _("The test e-mail was accepted by the mail server for %(address)s. Check that it arrived.") % {"address": to_addr}, "SuccessText")

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        self._show_result(lambda: error_text(error), "ErrorText")

    def _show_result(self, text: Callable[[], str], kind: str) -> None:
        self._result = text
        self.test_result.setObjectName(kind)
        self.test_result.setStyleSheet({"SuccessText": "color: #0b6b4f;", "ErrorText": "color: #a61b1b;"}.get(kind, "color: #5f6b7a;"))
        self.test_result.setText(text())
        self.test_result.setVisible(True)

    def save(self) -> Callable[[], Any]:
        data_dir = self.owner.data_dir
        if not self.enabled.isChecked():
            return lambda: setup.save_smtp(data_dir, None)
        values, password = self.values(), self.password.text()
        return lambda: setup.save_smtp(data_dir, values, password=password or None)


class DonePage(Translatable, QWizardPage):
    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__()
        self.owner = wizard
        self.code_caption = label("FieldLabel")
        self.code_view = PairingCodeView()
        self.code = self.code_view.code
        self.code_note = label("Muted", wrap=True, selectable=True)
        self.issued = None  # app.services.pairing.IssuedCode on screen
        # A used or expired code is replaced by a new one: asked again every few seconds.
        self.code_timer = QTimer(self)
        self.code_timer.setInterval(5000)
        self.code_timer.timeout.connect(self.refresh_code)
        self.fingerprint_caption = label("FieldLabel")
        self.fingerprint = label("", wrap=True, selectable=True)
        self.fingerprint.setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 10pt;")
        self.next_steps = label("Muted", wrap=True, selectable=True)
        layout = vbox(self, spacing=6)
        layout.addWidget(self.code_caption)
        layout.addWidget(self.code_view)
        layout.addWidget(self.code_note)
        layout.addSpacing(8)
        layout.addWidget(self.fingerprint_caption)
        layout.addWidget(self.fingerprint)
        layout.addSpacing(12)
        layout.addWidget(self.next_steps)
        layout.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.retranslate()
        self.refresh_code()
        self.code_timer.start()

    def refresh_code(self) -> None:
        key = f"setup-code-{id(self)}"
        if self.owner.tasks.is_running(key):
            return
        data_dir, code_id = self.owner.data_dir, self.issued.id if self.issued else None
        self.owner.tasks.run(lambda: setup.pairing_code(data_dir, code_id), on_done=self._show_code, key=key)

    def _show_code(self, issued) -> None:  # noqa: ANN001 - app.services.pairing.IssuedCode
        self.issued = issued
        self.code_view.show_code(issued.code, issued.expires_at)

    def retranslate(self) -> None:
        info = self.owner.info
        self.setTitle(_("Ready"))
        self.setSubTitle(_("Give these to whoever sets up a device: they prove that the device talks to this server and no other."))
        self.code_caption.setText(_("Pairing code for the first device"))
        self.code_note.setText(
            _("A new code appears here when this one is used or expires. Later, staff make codes in Chamber with “Pair a new device…”, or on the server with: %(command)s")
            % {"command": "main.py admin pairing-code"}
        )
        self.fingerprint_caption.setText(_("Certificate fingerprint (the devices show it too: compare)"))
        # Two lines of 16 pairs: one line is wider than the window, and a person compares it in halves.
        pairs = info.fingerprint.split(":") if info else []
        self.fingerprint.setText(":".join(pairs[:16]) + ("\n" + ":".join(pairs[16:]) if len(pairs) > 16 else ""))
        self.next_steps.setText(
            _("Start the server now, or restart it if it was running, so that it reads the new settings: %(command)s") % {"command": "systemctl restart chamber-server"}
        )


class SetupWizard(Translatable, QWizard):
    def __init__(self, data_dir: Path, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("SetupWizard")
        self.data_dir = Path(data_dir)
        self.tasks = tasks
        self.info: setup.ChamberInfo | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)  # everything is saved by then
        self.name_page, self.admin_page, self.mail_page, self.done_page = NamePage(self), AdminPage(self), MailPage(self), DonePage(self)
        for page in (self.name_page, self.admin_page, self.mail_page, self.done_page):
            self.addPage(page)
        self.resize(720, 600)
        self.retranslate()

    def start(self) -> None:
        """Read what the data directory already holds (name, administrators), off the GUI thread."""
        self.tasks.run(lambda: setup.open_chamber(self.data_dir), on_done=self._opened, on_error=self.name_page._failed, key=f"setup-open-{id(self)}")

    def _opened(self, info: setup.ChamberInfo) -> None:
        self.info = info
        if not self.name_page.name.text():
            self.name_page.name.setText(info.name)
        self.name_page.completeChanged.emit()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber server: first run"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("Save and continue"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
