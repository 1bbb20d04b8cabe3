"""ProxiesDialog: proxy votes for one meeting (app/services/proxies.py). A delegate names the member
who votes for them when they cannot attend; the secretariat approves or refuses each proxy. Both
see the meeting's proxies and their state. Network calls run off the GUI thread. The list follows
the "proxy" change events (through the EventBridge): a proxy named, approved or refused elsewhere
shows at once, without pressing anything."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QListWidget, QListWidgetItem, QWidget

from app.domain import live as live_rules
from app.domain.roles import Role
from app.i18n import N_, _, translate
from ui.bridge import ChangeBatch, EventBridge
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.widgets.common import button, hbox, label, vbox

DECIDERS = frozenset({Role.ADMIN, Role.SECRETARIAT})
STATE_LABELS = {"requested": N_("waiting for approval"), "approved": N_("approved"), "refused": N_("refused")}


class ProxiesDialog(Translatable, QDialog):
    loaded = Signal()

    def __init__(self, session: Any, tasks: Any, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("ProxiesDialog")
        self.session = session
        self.tasks = tasks
        self.meeting_id = meeting_id
        self.proxies: list[dict[str, Any]] = []
        self.can_name = session.role in live_rules.PARTICIPANTS and bool(session.account.get("person_id"))
        self.can_decide = session.role in DECIDERS
        self.title = label("SectionTitle", wrap=True)
        self.hint = label("Muted", wrap=True)
        self.member = QComboBox()
        self.name = button(variant="primary", on_click=self._name)
        self.list = QListWidget()
        self.list.setObjectName("ProxyList")
        self.approve = button(variant="primary", on_click=lambda: self._decide(True))
        self.refuse = button(on_click=lambda: self._decide(False))
        self.message = label("Muted", wrap=True)
        self.message.setVisible(False)
        for widget in (self.member, self.name):
            widget.setVisible(self.can_name)
        for widget in (self.approve, self.refuse):
            widget.setVisible(self.can_decide)

        name_row = hbox(spacing=8)
        name_row.addWidget(self.member, 1)
        name_row.addWidget(self.name)
        decide_row = hbox(spacing=8)
        decide_row.addStretch(1)
        decide_row.addWidget(self.refuse)
        decide_row.addWidget(self.approve)
        layout = vbox(self, margins=(20, 16, 20, 16), spacing=10)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(name_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(decide_row)
        self.resize(620, 460)
        self._fill_members()
        self.retranslate()
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self._on_changes)
        self.load()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Proxy votes — Chamber"))
        self.title.setText(_("Proxy votes for this meeting"))
        self.hint.setText(_("A delegate who cannot attend names another member to vote for them; the secretariat approves."))
        self.name.setText(_("Name as my proxy"))
        self.approve.setText(_("Approve"))
        self.refuse.setText(_("Refuse"))
        self._show()
        if self.layout() is not None:
            self.layout().activate()

    def _fill_members(self) -> None:
        meeting = self.session.cache.get_meeting(self.meeting_id) or {}
        body = next((b for b in self.session.list_bodies() if b["id"] == meeting.get("body_id")), None)
        members = set(body["member_ids"]) if body else set()
        me = self.session.account.get("person_id")
        for person in sorted(self.session.list_persons(), key=lambda p: p["full_name"]):
            if person["id"] in members and person["id"] != me:
                self.member.addItem(person["full_name"], person["id"])

    def _show(self) -> None:
        chosen = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.list.clear()
        for proxy in self.proxies:
            text = _("%(principal)s → %(proxy)s (%(state)s)") % {"principal": proxy["principal_name"], "proxy": proxy["proxy_name"],
                                                               "state": translate(STATE_LABELS.get(proxy["state"], proxy["state"]))}
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, proxy["id"])
            self.list.addItem(entry)
            if proxy["id"] == chosen:
                self.list.setCurrentItem(entry)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def load(self) -> None:
        self.tasks.run(lambda: self.session.list_proxies(self.meeting_id), on_done=self._loaded, on_error=self._failed, key=f"proxies-{id(self)}")

    def _loaded(self, proxies: list[dict[str, Any]]) -> None:
        self.proxies = proxies
        self._show()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self._say(error_text(error))
        self.loaded.emit()

    def _on_changes(self, batch: ChangeBatch) -> None:
        # A proxy event names the proxy, not its meeting, and they are few: any one reloads the list.
        if batch.touches("proxy"):
            self.load()

    def done(self, result: int) -> None:  # Qt override: the dialog closes, by any means
        self.bridge.close()
        super().done(result)

    def _then_reload(self, _result: object = None) -> None:
        self._say("")
        self.load()

    def _name(self) -> None:
        person_id = self.member.currentData()
        if person_id:
            self.tasks.run(lambda: self.session.name_proxy(self.meeting_id, person_id), on_done=self._then_reload, on_error=self._failed,
                           key=f"proxies-name-{id(self)}")

    def _decide(self, approve: bool) -> None:
        entry = self.list.currentItem()
        if entry is None:
            self._say(_("Select a proxy in the list."))
            return
        proxy_id = entry.data(Qt.ItemDataRole.UserRole)
        self.tasks.run(lambda: self.session.decide_proxy(proxy_id, approve=approve), on_done=self._then_reload, on_error=self._failed,
                       key=f"proxies-decide-{id(self)}")
