"""Launcher: the demo's first window. The council's name, one large card per role (each logs in
as its demo account on a device of its own), the language, and the embedded server's address
and pairing code for a second computer or tablet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from app.i18n import N_, _
from ui import format as fmt
from ui.language import Translatable, install_language_support
from ui.widgets.common import Banner, button, hbox, icon_label, label, vbox
from ui.widgets.icons import pixmap
from ui.widgets.language_switch import LanguageSwitch
from ui.widgets.spinner import Spinner


@dataclass(frozen=True)
class RoleChoice:
    username: str
    title: str  # msgid
    description: str  # msgid
    icon: str


ROLES = (
    RoleChoice("thuky", N_("Secretariat"), N_("Prepare meetings and their agendas, and publish them to the delegates."), "clipboard"),
    RoleChoice("daibieu", N_("Delegate"), N_("Read the meetings and agendas you are invited to, on your own device."), "user"),
    RoleChoice("chutoa", N_("Chair"), N_("Follow the session and its agenda from the chair's seat."), "mic"),
    RoleChoice("kiosk", N_("Check-in kiosk"), N_("The screen at the chamber door: today's meeting and check-in."), "monitor"),
)


class RoleCard(Translatable, QPushButton):
    """A large button: icon, role, one line on what it does, and the demo account it uses."""

    def __init__(self, choice: RoleChoice, account_name: str) -> None:
        super().__init__()
        self.choice = choice
        self.account_name = account_name
        self.setObjectName("RoleCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.icon_label = QLabel()
        self.icon_label.setObjectName("RoleIcon")
        self.icon_label.setFixedSize(60, 60)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon_label.setPixmap(pixmap(choice.icon, "#0f766e", 30))
        self.title = label("RoleTitle")
        self.description = label("RoleDescription", wrap=True)
        self.account_caption = label("Small")
        self.account = label("RoleAccount", wrap=True)
        self.account.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Room for two lines on every card, so the captions line up across the row.
        self.account.setMinimumHeight(2 * self.account.fontMetrics().height() + 4)
        self.error = label("ErrorText", wrap=True)
        self.error.setVisible(False)
        self.spinner = Spinner(size=22)
        for w in (self.icon_label, self.title, self.description, self.account_caption, self.account, self.error, self.spinner):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # A tall card: icon on top, then the role, what it does, and the account at the bottom.
        head = hbox(spacing=8)
        head.addWidget(self.icon_label)
        head.addStretch(1)
        head.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignTop)
        column = vbox(self, margins=(24, 24, 24, 22), spacing=8)
        column.addLayout(head)
        column.addSpacing(8)
        column.addWidget(self.title)
        column.addWidget(self.description)
        column.addStretch(1)
        column.addWidget(self.account_caption)
        column.addWidget(self.account)
        column.addWidget(self.error)
        self.retranslate()

    # Qt overrides: the size comes from the layout, not from the (empty) button text; the width
    # stays modest so that four cards share the row equally, the labels wrap inside.
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(260, max(self.layout().heightForWidth(260), 270))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, 270)

    def retranslate(self) -> None:
        self.title.setText(_(self.choice.title))
        self.description.setText(_(self.choice.description))
        self.account_caption.setText(_("Logging in…") if self.spinner.running else _("Demo account"))
        self.account.setText(f"{self.choice.username} · {self.account_name}" if self.account_name else self.choice.username)
        self.setAccessibleName(_(self.choice.title))

    def set_busy(self, busy: bool) -> None:
        (self.spinner.start if busy else self.spinner.stop)()
        self.error.setVisible(False)
        self.retranslate()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.setVisible(True)


class Launcher(Translatable, QWidget):
    role_chosen = Signal(str)  # username
    language_chosen = Signal(str)
    closing = Signal()

    def __init__(self, *, council: str = "", accounts: dict[str, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("Launcher")
        self.council_name = council
        self.server_address = ""
        self.pairing_code = ""
        self.code_until: datetime | None = None
        self.password = ""
        self.ready = False
        accounts = accounts or {}

        self.eyebrow = label("Eyebrow")
        self.council = label("HeroTitle", wrap=True)
        self.subtitle = label("HeroSubtitle", wrap=True)
        self.language = LanguageSwitch()
        self.language.language_chosen.connect(self.language_chosen)
        self.status = Banner("info")
        self.cards = {c.username: RoleCard(c, accounts.get(c.username, "")) for c in ROLES}
        for username, card_widget in self.cards.items():
            card_widget.clicked.connect(lambda _checked=False, u=username: self._choose(u))
        self.tips_title = label("Eyebrow")
        self.tips = [label("Muted", wrap=True) for _n in range(3)]
        self.footer = label("Small", wrap=True, selectable=True)
        self.footer_spinner = Spinner(size=14)

        top = hbox(spacing=16)
        brand = hbox(spacing=10)
        brand.addWidget(icon_label("landmark", "#14324f", 28))
        word = label("", "Chamber")
        word.setStyleSheet("font-size: 15pt; font-weight: bold; color: #14324f;")
        brand.addWidget(word)
        top.addLayout(brand)
        top.addStretch(1)
        self.about_button = button(variant="link", icon_name="info", icon_color="#14324f", on_click=self.show_about)
        self.about_button.setObjectName("AboutButton")
        top.addWidget(self.about_button, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.language, 0, Qt.AlignmentFlag.AlignVCenter)

        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(20)
        for n, c in enumerate(ROLES):
            grid.addWidget(self.cards[c.username], 0, n)
            grid.setColumnStretch(n, 1)

        tips = hbox(spacing=20)
        for n, tip in enumerate(self.tips, start=1):
            bubble = QLabel(str(n))
            bubble.setFixedSize(26, 26)
            bubble.setAlignment(Qt.AlignmentFlag.AlignCenter)
            bubble.setStyleSheet("background: #14324f; color: #ffffff; border-radius: 13px; font-weight: bold;")
            step = hbox(spacing=10)
            step.addWidget(bubble, 0, Qt.AlignmentFlag.AlignTop)
            tip.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            tip.setContentsMargins(0, 4, 0, 0)  # the first line sits level with the number
            step.addWidget(tip, 1, Qt.AlignmentFlag.AlignTop)
            tips.addLayout(step, 1)

        footer = hbox(spacing=8)
        footer.addWidget(icon_label("server", "#7b8794", 16))
        footer.addWidget(self.footer, 1)
        footer.addWidget(self.footer_spinner)

        self.subtitle.setMaximumWidth(900)
        layout = vbox(self, margins=(48, 28, 48, 24), spacing=0)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addWidget(self.eyebrow)
        layout.addSpacing(6)
        layout.addWidget(self.council)
        layout.addSpacing(8)
        layout.addWidget(self.subtitle)
        layout.addSpacing(24)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addSpacing(32)
        layout.addWidget(self.tips_title)
        layout.addSpacing(12)
        layout.addLayout(tips)
        layout.addStretch(1)
        layout.addSpacing(20)
        layout.addLayout(footer)
        self.resize(1120, 760)
        self.set_ready(False)
        self.retranslate()

    def show_about(self):  # noqa: ANN201 - ui.views.about.AboutDialog
        from ui.views.about import AboutDialog

        dialog = AboutDialog(parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        self.about_dialog = dialog
        return dialog

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — demo"))
        self.about_button.setText(_("About"))
        self.eyebrow.setText(_("DEMO · EVERYTHING RUNS ON THIS COMPUTER"))
        self.council.setText(self.council_name or _("Starting the demo council…"))
        self.subtitle.setText(
            _("Choose a role to open its window. Each role is a separate device connected to the server on this computer, so you can watch a change travel from the secretariat to a delegate.")
        )
        self.tips_title.setText(_("TRY IT"))
        self.tips[0].setText(_("Open the Secretariat and a Delegate side by side."))
        self.tips[1].setText(_("As the secretariat, create a meeting, add its agenda and set it to Scheduled."))
        self.tips[2].setText(_("It appears on the delegate's screen at once. Edits made while the server is unreachable are kept and sent when it is back."))
        if self.server_address and self.pairing_code:
            self.footer.setText(
                _("Server %(address)s · pairing code %(code)s (one device, until %(until)s) · password of every demo account: %(password)s")
                % {"address": self.server_address, "code": self.pairing_code, "until": fmt.time_only(self.code_until), "password": self.password}
            )
        elif self.server_address:
            self.footer.setText(
                _("Server %(address)s · password of every demo account: %(password)s") % {"address": self.server_address, "password": self.password}
            )
        else:
            self.footer.setText(_("Starting the server on this computer…"))

    def set_ready(self, ready: bool) -> None:
        self.ready = ready
        for c in self.cards.values():
            c.setEnabled(ready)
        (self.footer_spinner.stop if ready else self.footer_spinner.start)()

    def show_server(self, *, council: str, address: str, password: str) -> None:
        self.council_name, self.server_address, self.password = council, address, password
        self.set_ready(True)
        self.retranslate()

    def show_code(self, code: str, expires_at: datetime) -> None:
        """The one-time pairing code for another device, until it is used or expires."""
        self.pairing_code, self.code_until = code, expires_at
        self.retranslate()

    def show_error(self, text) -> None:  # noqa: ANN001 - str or a function giving it
        self.status.show_message(text, "error")

    def _choose(self, username: str) -> None:
        if self.ready and not self.cards[username].spinner.running:
            self.role_chosen.emit(username)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.closing.emit()
        super().closeEvent(event)
