"""HeaderBar: who and where (council, server, user and role), the connection state, the changes
waiting in the outbox, the language, the account menu (change password) and log out. Shown on top of the main window. A user who is a
member of the council (a delegate, the chair) also switches here between the meetings and their
invitations, with the count of invitations not read yet."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QMenu, QPushButton, QWidget

from app.i18n import _, ngettext
from app.services.pairing import ISSUERS as PAIRING_ISSUERS
from app.sync.engine import ConnectionState
from ui import format as fmt
from ui.language import Translatable
from ui.views.invitations.parts import BadgeButton
from ui.widgets.common import ElidedLabel, button, hbox, icon_label, repolish, vbox
from ui.widgets.connection_badge import ConnectionBadge
from ui.widgets.icons import icon as menu_icon, icon_size, pixmap
from ui.widgets.language_switch import LanguageSwitch
from ui.widgets.spinner import Spinner


class HeaderBar(Translatable, QWidget):
    outbox_clicked = Signal()
    logout_clicked = Signal()
    about_clicked = Signal()
    audit_clicked = Signal()
    change_password_clicked = Signal()
    pair_device_clicked = Signal()
    section_chosen = Signal(str)  # "meetings" or "invitations"
    NAV_STYLE = """
    QPushButton[variant="header"] { font-weight: bold; }
    QPushButton[variant="header"]:checked { background: #ffffff; color: #14324f; border-color: #ffffff; }
    QPushButton[variant="header"][segment="first"] { border-top-right-radius: 0; border-bottom-right-radius: 0; }
    QPushButton[variant="header"][segment="last"] { border-top-left-radius: 0; border-bottom-left-radius: 0; border-left: none; }
    """

    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.session = session
        self.setObjectName("HeaderBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.pending = 0
        self.failed = 0

        self.council = ElidedLabel("HeaderTitle")
        self.server = ElidedLabel("HeaderMuted")
        self.badge = ConnectionBadge()
        self.outbox_button = QPushButton()
        self.outbox_button.setObjectName("OutboxButton")
        self.outbox_button.setProperty("variant", "outbox")
        self.outbox_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.outbox_button.clicked.connect(self.outbox_clicked)
        self.outbox_button.setVisible(False)
        # Documents of upcoming meetings coming to the device in the background.
        self.download_label = QLabel()
        self.download_label.setObjectName("HeaderDownload")
        self.download_label.setStyleSheet("color: #dbe7f3; font-size: 9pt;")
        self.download_label.setVisible(False)
        self.download_fraction: float | None = None
        self.user = ElidedLabel("HeaderUser")
        self.user.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.role = ElidedLabel("HeaderMuted")
        self.role.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for name_label in (self.user, self.role):
            name_label.setMaximumWidth(220)
        self.language = LanguageSwitch(dark=True, compact=True)
        self.spinner = Spinner(size=16, color="#ffffff")
        self.logout_button = button(variant="header", icon_name="log-out", on_click=self.logout_clicked.emit)
        self.logout_button.setObjectName("LogoutButton")
        # The account menu, next to the user's name: the account's own settings, and the tools of
        # the staff who set up devices and of administrators (kept out of the crowded header).
        self.account_button = button(variant="header", icon_name="user")
        self.account_button.setObjectName("AccountButton")
        self.account_menu = QMenu(self.account_button)
        self.account_menu.setToolTipsVisible(True)
        self.change_password_action = self.account_menu.addAction("")
        self.change_password_action.setObjectName("ChangePasswordAction")
        self.change_password_action.triggered.connect(self.change_password_clicked.emit)
        staff_tools = session.role in PAIRING_ISSUERS or bool(getattr(session, "can_read_audit", False))
        self.account_menu.addSeparator().setVisible(staff_tools)
        # A one-time pairing code for a new device (app/services/pairing.py).
        self.pair_device_action = self.account_menu.addAction(menu_icon("monitor"), "")
        self.pair_device_action.setObjectName("PairDeviceAction")
        self.pair_device_action.triggered.connect(self.pair_device_clicked.emit)
        self.pair_device_action.setVisible(session.role in PAIRING_ISSUERS)
        # Administrators only: the audit log (the server refuses everyone else too).
        self.audit_action = self.account_menu.addAction(menu_icon("shield"), "")
        self.audit_action.setObjectName("AuditAction")
        self.audit_action.triggered.connect(self.audit_clicked.emit)
        self.audit_action.setVisible(bool(getattr(session, "can_read_audit", False)))
        self.account_button.setMenu(self.account_menu)
        self.about_button = button(variant="header", icon_name="info", on_click=self.about_clicked.emit)
        self.about_button.setObjectName("AboutButton")

        # Members of the council have an inbox of invitations next to their meetings.
        self.has_inbox = bool(session.account.get("person_id"))
        self.nav = QWidget()
        self.nav.setStyleSheet(self.NAV_STYLE)
        nav_row = hbox(self.nav, spacing=0)
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[str, QPushButton] = {}
        for n, (key, icon_name) in enumerate((("meetings", "calendar"), ("invitations", "inbox"))):
            nav_button = BadgeButton() if key == "invitations" else QPushButton()
            nav_button.setObjectName(f"nav_{key}")
            nav_button.setProperty("variant", "header")
            nav_button.setProperty("segment", "first" if n == 0 else "last")
            nav_button.setCheckable(True)
            nav_button.setCursor(Qt.CursorShape.PointingHandCursor)
            nav_icon = QIcon()
            nav_icon.addPixmap(pixmap(icon_name, "#ffffff", 16), QIcon.Mode.Normal, QIcon.State.Off)
            nav_icon.addPixmap(pixmap(icon_name, "#14324f", 16), QIcon.Mode.Normal, QIcon.State.On)
            nav_button.setIcon(nav_icon)
            nav_button.setIconSize(icon_size(16))
            nav_button.clicked.connect(lambda _c=False, k=key: self.section_chosen.emit(k))
            self.nav_group.addButton(nav_button)
            self.nav_buttons[key] = nav_button
            nav_row.addWidget(nav_button)
        self.nav_buttons["meetings"].setChecked(True)
        self.invitations_button: BadgeButton = self.nav_buttons["invitations"]
        self.nav.setVisible(self.has_inbox)

        titles = vbox(spacing=0)
        titles.addWidget(self.council)
        titles.addWidget(self.server)
        who = vbox(spacing=0)
        who.addWidget(self.user)
        who.addWidget(self.role)
        divider = QFrame()
        divider.setFixedSize(1, 30)
        divider.setStyleSheet("background: rgba(255,255,255,0.25);")

        # The names give way (elided) before the state, the outbox and the buttons do.
        row = hbox(self, margins=(20, 10, 16, 10), spacing=12)
        row.addWidget(icon_label("landmark", "#ffffff", 26))
        row.addLayout(titles)
        row.addSpacing(8)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.outbox_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.download_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        row.addWidget(self.nav, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addSpacing(6)
        row.addLayout(who)
        row.addWidget(self.account_button)
        row.addWidget(divider)
        row.addWidget(self.language)
        row.addWidget(self.spinner)
        row.addWidget(self.about_button)
        row.addWidget(self.logout_button)
        self.retranslate()

    def council_name(self) -> str:
        try:
            council = next((b for b in self.session.list_bodies() if b.get("kind") == "council"), None)
        except sqlite3.ProgrammingError:
            # The window's session is already closed (the window is on its way out) but a language
            # switch still reaches it: keep the name it shows.
            return self.council.text()
        return council["name"] if council else (self.session.server.name or _("Chamber"))

    def retranslate(self) -> None:
        self.council.setText(self.council_name())
        name, address = self.session.server.name, self.session.server.address
        if name and name != self.council.text():
            self.server.setText(_("Server: %(name)s · %(address)s") % {"name": name, "address": address})
        else:
            self.server.setText(_("Server %(address)s") % {"address": address})
        self.user.setText(self.session.display_name)
        self.role.setText(fmt.role_label(self.session.role))
        self.logout_button.setText(_("Log out"))
        self.account_button.setToolTip(_("Your account"))
        self.account_button.setAccessibleName(_("Your account"))
        self.change_password_action.setText(_("Change password…"))
        self.pair_device_action.setText(_("Pair a new device…"))
        self.pair_device_action.setToolTip(_("Show a one-time code to pair a new computer or tablet with this server"))
        self.about_button.setToolTip(_("About Chamber"))
        self.audit_action.setText(_("Audit log"))
        self.audit_action.setToolTip(_("Who viewed or changed attendance, votes, documents and face data"))
        self.about_button.setAccessibleName(_("About Chamber"))
        self.nav_buttons["meetings"].setText(_("Meetings"))
        self.set_unread(self.invitations_button.count)
        self.set_outbox(self.pending, self.failed)
        self.set_download(self.download_fraction)

    def set_download(self, fraction: float | None) -> None:
        """Progress of the automatic download of upcoming meetings' documents (None: nothing to do)."""
        self.download_fraction = fraction
        if fraction is None:
            self.download_label.setVisible(False)
            return
        self.download_label.setText(_("Downloading documents… %(percent)d%%") % {"percent": int(fraction * 100)})
        self.download_label.setToolTip(_("The documents of upcoming meetings are copied to this device so they open without the network."))
        self.download_label.setVisible(True)

    def set_section(self, key: str) -> None:
        self.nav_buttons[key].setChecked(True)

    def set_unread(self, count: int) -> None:
        """The number of invitations not read yet (or changed since they were read)."""
        self.invitations_button.setText(_("Invitations"))
        self.invitations_button.set_count(count)
        self.invitations_button.setToolTip(
            ngettext("%(count)d invitation not read yet", "%(count)d invitations not read yet", count) % {"count": count} if count else _("Your invitations to meetings")
        )

    def set_state(self, state: ConnectionState) -> None:
        self.badge.set_state(state)
        self.set_outbox(self.pending, self.failed)

    def set_outbox(self, pending: int, failed: int) -> None:
        self.pending, self.failed = pending, failed
        if failed:
            text = ngettext("%(count)d change refused", "%(count)d changes refused", failed) % {"count": failed}
        else:
            text = ngettext("%(count)d change not sent yet", "%(count)d changes not sent yet", pending) % {"count": pending}
        self.outbox_button.setText(text)
        self.outbox_button.setProperty("failed", bool(failed))
        repolish(self.outbox_button)
        self.outbox_button.setVisible(bool(failed or pending))
        self.outbox_button.setToolTip(_("Show the changes that have not reached the server"))
