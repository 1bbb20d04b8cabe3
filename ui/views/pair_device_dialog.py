"""PairDeviceDialog: "Pair a new device…" for the secretariat and administrators. Asks the server
for a one-time pairing code (POST /pairing/codes, on a worker thread) and shows it large, with the
server's address and a countdown; "New code" asks for another."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from app.domain.clock import aware
from app.i18n import _
from ui import format as fmt
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.widgets.common import Banner, label, vbox
from ui.widgets.pairing_code import PairingCodeView
from ui.widgets.spinner import Spinner


class PairDeviceDialog(Translatable, QDialog):
    def __init__(self, session, tasks: TaskRunner, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        install_language_support()
        self.setObjectName("PairDeviceDialog")
        self.session = session
        self.tasks = tasks
        self.title = label("DialogTitle")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold; color: #14324f;")
        self.intro = label("Muted", wrap=True)
        self.view = PairingCodeView()
        self.view.expired.connect(self.retranslate)
        self.steps = label("", wrap=True)
        self.error = Banner("error")
        self.spinner = Spinner()
        self.buttons = QDialogButtonBox()  # own buttons: Qt relabels standard ones on a language change
        self.new_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.setObjectName("NewCodeButton")
        self.new_button.clicked.connect(self.new_code)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout = vbox(self, margins=(24, 22, 24, 16), spacing=10)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.view)
        layout.addWidget(self.steps)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.spinner)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self.retranslate()

    def new_code(self) -> None:
        if self.tasks.is_running(f"pairing-code-{id(self)}"):
            return
        self.error.clear()
        self.spinner.start()
        self.new_button.setEnabled(False)
        self.tasks.run(self.session.api.issue_pairing_code, on_done=self._got_code, on_error=self._failed, key=f"pairing-code-{id(self)}")

    def _got_code(self, issued: dict) -> None:
        self.spinner.stop()
        self.new_button.setEnabled(True)
        self.view.show_code(issued["code"], aware(fmt.parse(issued["expires_at"])), address=self.session.server.address)
        self.retranslate()

    def _failed(self, error: BaseException) -> None:
        self.spinner.stop()
        self.new_button.setEnabled(True)
        self.error.show_message(lambda: error_text(error), "error")

    def retranslate(self) -> None:
        self.setWindowTitle(_("Pair a new device"))
        self.title.setText(_("Pair a new device"))
        self.intro.setText(_("Give this code to the person setting up the new computer or tablet. It works once, for one device, and only for a short time."))
        self.steps.setText(
            _("On the new device: open Chamber, choose this server in the list (or type its address), then type the 12 digits. After three wrong tries the code stops working.")
        )
        self.new_button.setText(_("New code"))
        self.close_button.setText(_("Close"))
