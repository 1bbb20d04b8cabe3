"""LoginPage: user name, password and a name for this device, for one paired server."""

from __future__ import annotations

import socket

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from app.i18n import _
from app.sync.profile import PairedServer
from ui.language import Translatable
from ui.widgets.common import Banner, Text, button, hbox, icon_label, label, repolish, vbox
from ui.widgets.spinner import Spinner


class LoginPage(Translatable, QWidget):
    login_requested = Signal(str, str, str)  # username, password, device name
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server: PairedServer | None = None
        self.title = label("PageTitle", wrap=True)
        self.server_line = label("Small", wrap=True)
        self.error = Banner("error")
        self.username_label, self.username = label("FieldLabel"), QLineEdit()
        self.password_label, self.password = label("FieldLabel"), QLineEdit()
        self.device_label, self.device = label("FieldLabel"), QLineEdit()
        self.device_hint = label("Small", wrap=True)
        self.username.setObjectName("Username")
        self.password.setObjectName("Password")
        self.device.setObjectName("DeviceName")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.device.setText(socket.gethostname())
        for edit in (self.username, self.password, self.device):
            edit.returnPressed.connect(self._login)
            edit.textEdited.connect(lambda _t, e=edit: self._mark(e, False))
        self.back_button = button(variant="link", icon_name="chevron-left", icon_color="#0f766e", on_click=self.back_requested.emit)
        self.spinner = Spinner()
        self.login_button = button(variant="primary", icon_name="lock", on_click=self._login)
        self.login_button.setObjectName("LoginButton")

        server_row = hbox(spacing=6)
        server_row.addWidget(icon_label("shield", "#0f766e", 16))
        server_row.addWidget(self.server_line, 1)
        buttons = hbox(spacing=10)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.spinner)
        buttons.addWidget(self.login_button)
        layout = vbox(self, spacing=6)
        layout.addWidget(self.title)
        layout.addLayout(server_row)
        layout.addSpacing(8)
        layout.addWidget(self.error)
        for lbl, edit in ((self.username_label, self.username), (self.password_label, self.password), (self.device_label, self.device)):
            layout.addSpacing(4)
            layout.addWidget(lbl)
            layout.addWidget(edit)
        layout.addWidget(self.device_hint)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        name = self.server.name if self.server else ""
        self.title.setText(_("Log in to %(name)s") % {"name": name} if name else _("Log in"))
        if self.server is not None:
            self.server_line.setText(_("%(address)s · paired, connection protected by the server's certificate") % {"address": self.server.address})
        self.username_label.setText(_("User name"))
        self.password_label.setText(_("Password"))
        self.device_label.setText(_("Name of this device"))
        self.device_hint.setText(_("Shown to the administrator in the list of signed-in devices."))
        self.back_button.setText(_("Use another server"))
        self.login_button.setText(_("Log in"))

    def show_server(self, server: PairedServer, *, username: str = "", message: Text = "", kind: str = "success") -> None:
        self.server = server
        self.error.clear()
        if message:
            self.error.show_message(message, kind)
        if username:
            self.username.setText(username)
        self.password.clear()
        self.set_busy(False)
        self.retranslate()
        (self.password if username else self.username).setFocus()

    def _login(self) -> None:
        if not self.username.text().strip():
            self.show_error(lambda: _("Type your user name."), field=self.username)
            return
        if not self.password.text():
            self.show_error(lambda: _("Type your password."), field=self.password)
            return
        self.error.clear()
        self.login_requested.emit(self.username.text().strip(), self.password.text(), self.device.text().strip())

    def _mark(self, edit: QLineEdit, invalid: bool) -> None:
        if bool(edit.property("invalid")) != invalid:
            edit.setProperty("invalid", invalid)
            repolish(edit)

    def set_busy(self, busy: bool) -> None:
        (self.spinner.start if busy else self.spinner.stop)()
        for w in (self.username, self.password, self.device, self.login_button, self.back_button):
            w.setEnabled(not busy)

    def show_error(self, text: Text, *, danger: bool = False, field: QLineEdit | None = None) -> None:
        self.error.show_message(text, "danger" if danger else "error")
        if field is not None:
            self._mark(field, True)
            field.setFocus()
            field.selectAll()
