"""DelegateLive: a delegate's screen during the meeting. What the chair has on now (the item, the
page shown, who speaks), asking to speak or raising a point of order, and voting: one large button
per option, the vote can be changed until the chair closes it, then the result.

Everything goes through ChamberSession (queued in the outbox, so a tap during a network blip is
sent when the tablet is back); the screen shows the live state this device has."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QPushButton, QWidget

from app.domain import live as live_rules
from app.errors import ChamberError
from app.i18n import _, translate
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession
from ui.bridge import ChangeBatch, EventBridge
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.views.hall_display import _option, choose_meeting
from ui.widgets.common import button, card, hbox, label, repolish, vbox


class DelegateLive(Translatable, QWidget):
    logged_out = Signal()
    login_again_requested = Signal()

    def __init__(self, session: ChamberSession, tasks: TaskRunner, *, meeting_id: str | None = None, start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("DelegateLive")
        self.session = session
        self._owns_session = start
        self.tasks = tasks
        self.fixed_meeting = meeting_id
        self.meeting_id = meeting_id
        self.state: dict[str, Any] = {}
        self.my_request: str | None = None
        self._closed = False
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self.on_changes)

        self.status = label("Eyebrow")
        self.title = label("SectionTitle", wrap=True)
        self.item = label("SectionTitle", wrap=True)
        self.item_timer = label("SectionTitle")
        self.page = label("Muted", wrap=True)
        self.floor = label("", wrap=True)
        self.message = label("Muted", wrap=True)
        self.message.setVisible(False)
        self.ask = button(variant="primary", on_click=lambda: self._ask(False))
        self.point_of_order = button(on_click=lambda: self._ask(True))
        self.withdraw = button(on_click=self._withdraw)
        self.vote_title = label("SectionTitle")
        self.vote_question = label("", wrap=True)
        self.vote_note = label("Muted", wrap=True)
        self.option_row = hbox(spacing=10)
        self.option_buttons: dict[str, QPushButton] = {}

        now_card = card()
        now_layout = vbox(now_card, margins=(18, 16, 18, 16), spacing=8)
        head = hbox(spacing=10)
        head.addWidget(self.item, 1)
        head.addWidget(self.item_timer, 0, Qt.AlignmentFlag.AlignTop)
        now_layout.addLayout(head)
        now_layout.addWidget(self.page)
        now_layout.addWidget(self.floor)
        speak_row = hbox(spacing=10)
        speak_row.addWidget(self.ask)
        speak_row.addWidget(self.point_of_order)
        speak_row.addWidget(self.withdraw)
        speak_row.addStretch(1)
        now_layout.addLayout(speak_row)

        self.vote_card = card()
        vote_layout = vbox(self.vote_card, margins=(18, 16, 18, 16), spacing=10)
        vote_layout.addWidget(self.vote_title)
        vote_layout.addWidget(self.vote_question)
        vote_layout.addLayout(self.option_row)
        vote_layout.addWidget(self.vote_note)
        # Seats this delegate votes for as an approved proxy (app/services/proxies.py): one row each.
        self.proxies: list[dict] = []
        self._proxies_for: str | None = None  # the vote the proxies were fetched for
        self.proxy_box = QWidget()
        self.proxy_layout = vbox(self.proxy_box, spacing=8)
        self.proxy_buttons: dict[str, dict[str, QPushButton]] = {}
        vote_layout.addWidget(self.proxy_box)

        layout = vbox(self, margins=(22, 18, 22, 18), spacing=12)
        layout.addWidget(self.status)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(now_card)
        layout.addWidget(self.vote_card)
        layout.addStretch(1)

        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.resize(900, 640)
        self.retranslate()
        if start:
            session.start()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — the meeting, live"))
        self.ask.setText(_("Ask to speak"))
        self.point_of_order.setText(_("Point of order"))
        self.withdraw.setText(_("Withdraw my request"))
        self.vote_title.setText(_("Vote"))
        self.refresh()

    def refresh(self) -> None:
        if self._closed:  # the language may change after the window closed its session
            return
        if self.fixed_meeting is None:
            self.meeting_id = choose_meeting(self.session)
        meeting = self.session.cache.get_meeting(self.meeting_id) if self.meeting_id else None
        sitting = False
        if meeting is None:
            self.state = {}
            self.status.setText("")
            self.title.setText(_("No meeting in session"))
        else:
            self.state = self.session.live_state(meeting["id"])
            state = live_rules.LiveState(self.state["state"])
            sitting = state == live_rules.LiveState.OPEN
            self.status.setText(translate(live_rules.STATE_LABELS[state]).upper())
            self.title.setText(meeting.get("title", ""))
        agenda = self.session.get_agenda(self.meeting_id) if meeting else []
        item = next((i for i in agenda if i["id"] == self.state.get("current_item_id")), None)
        self.item.setText(f"{item.get('number', '')}. {item['title']}" if item else _("The meeting has not started yet."))
        page = self.state.get("page")
        document = self.session.cache.get_document(page["document_id"]) if page else None
        self.page.setText(_("The chair shows %(document)s, page %(page)s.") % {"document": document.get("title") or document.get("file_name"), "page": page["page"] + 1}
                          if document else "")
        self.page.setVisible(bool(document))
        floor = self.state.get("floor")
        self.floor.setText((_("Has the floor: %(name)s") % {"name": floor["name"]}) if floor else "")
        self.floor.setVisible(bool(floor))

        person = self.session.account.get("person_id")
        mine = [r for r in self.state.get("queue") or [] if r["person_id"] == person]
        self.my_request = mine[0]["id"] if mine else self.my_request if self._request_pending() else None
        waiting = bool(mine) or self._request_pending()
        self.ask.setEnabled(sitting and not waiting)
        self.point_of_order.setEnabled(sitting and not waiting)
        self.withdraw.setEnabled(bool(mine))
        if mine:
            position = [r["id"] for r in self.state.get("queue") or []].index(mine[0]["id"]) + 1
            self.ask.setText(_("You are number %(n)s in the queue") % {"n": position})
        else:
            self.ask.setText(_("Ask to speak"))
        self._show_vote(person)
        self._tick()

    def _request_pending(self) -> bool:
        return any(op["path"].endswith("/speakers") and op["meeting_id"] == self.meeting_id for op in self.session.pending_operations())

    def _show_vote(self, person: str | None) -> None:
        votes = self.state.get("votes") or []
        open_votes = [v for v in votes if v["state"] == "open"]
        vote = open_votes[-1] if open_votes else next((v for v in reversed(votes) if v.get("agenda_item_id") == self.state.get("current_item_id")), None)
        self.vote_card.setVisible(vote is not None)
        for b in self.option_buttons.values():
            self.option_row.removeWidget(b)
            b.deleteLater()
        self.option_buttons = {}
        self._show_proxy_votes(vote)
        if vote is None:
            return
        self.vote_question.setText(vote["question"])
        mine = self.session.my_ballot(vote["id"])
        if vote["state"] == "open":
            eligible = person in vote.get("eligible", [])
            for option in vote["options"]:
                b = button(_option(option), variant="primary" if option == mine else "", on_click=lambda o=option, v=vote["id"]: self._vote(v, o))
                b.setMinimumHeight(56)
                b.setEnabled(eligible)
                self.option_buttons[option] = b
                self.option_row.addWidget(b)
            if not eligible:
                self.vote_note.setText(_("You are not eligible to vote in this vote."))
            elif mine:
                self.vote_note.setText(_("Your vote: %(choice)s. You can change it until the chair closes the vote.") % {"choice": _option(mine)}
                                       + (" " + _("Secret ballot: nobody sees how you voted.") if vote["secret"] else ""))
            else:
                self.vote_note.setText(_("Tap your choice.") + (" " + _("Secret ballot: nobody sees how you voted.") if vote["secret"] else ""))
        else:
            result = vote.get("result") or {}
            counts = " · ".join(f"{_option(o)}: {n}" for o, n in (result.get("counts") or {}).items())
            verdict = _("Adopted") if result.get("adopted") else _("Not adopted")
            if not live_rules.is_motion(vote["options"]):
                verdict = (_("Chosen: %(option)s") % {"option": result["winner"]}) if result.get("winner") else _("No decision")
            self.vote_note.setText(f"{verdict} — {counts}")

    def _show_proxy_votes(self, vote: dict | None) -> None:
        """For an open vote: a row of buttons per seat this delegate holds an approved proxy for."""
        while self.proxy_layout.count():
            item = self.proxy_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
            elif item.layout() is not None:
                while item.layout().count():
                    inner = item.layout().takeAt(0)
                    if inner.widget() is not None:
                        inner.widget().deleteLater()
        self.proxy_buttons = {}
        if vote is None or vote["state"] != "open":
            return
        if self._proxies_for != vote["id"] and self.meeting_id:
            self._proxies_for = vote["id"]  # fetched once per vote: a proxy is approved before the vote opens
            meeting_id = self.meeting_id
            self.tasks.run(lambda: self.session.list_proxies(meeting_id), on_done=self._proxies_loaded, on_error=lambda _e: None,
                           key=f"proxies-{id(self)}")
        me = self.session.account.get("person_id")
        for proxy in self.proxies:
            seat = proxy["principal_id"]
            if proxy["state"] != "approved" or proxy["proxy_id"] != me or seat not in vote.get("eligible", []):
                continue
            chosen = self.session.my_ballot(vote["id"], on_behalf_of=seat)
            self.proxy_layout.addWidget(label("", _("As proxy for %(name)s:") % {"name": proxy["principal_name"]}))
            row = hbox(spacing=10)
            buttons = {}
            for option in vote["options"]:
                b = button(_option(option), variant="primary" if option == chosen else "",
                           on_click=lambda o=option, v=vote["id"], s=seat: self._vote(v, o, on_behalf_of=s))
                b.setMinimumHeight(48)
                buttons[option] = b
                row.addWidget(b)
            self.proxy_buttons[seat] = buttons
            self.proxy_layout.addLayout(row)

    def _proxies_loaded(self, proxies: list[dict]) -> None:
        if not self._closed:
            self.proxies = proxies
            self.refresh()

    def _tick(self) -> None:
        if not self.state:
            self.item_timer.setText("")
            return
        view = live_rules.hall_view(self.state, [], datetime.now(timezone.utc))
        self.item_timer.setText(live_rules.clock(view["item_remaining"]) if view["item_remaining"] is not None else "")

    def _run(self, fn) -> None:  # noqa: ANN001
        try:
            fn()
        except ChamberError as err:
            self.message.setText(error_text(err))
            self.message.setVisible(True)
            return
        self.message.setVisible(False)
        self.refresh()

    def _ask(self, point_of_order: bool) -> None:
        if self.meeting_id:
            self._run(lambda: setattr(self, "my_request", self.session.ask_to_speak(self.meeting_id, point_of_order=point_of_order)))

    def _withdraw(self) -> None:
        if self.meeting_id and self.my_request:
            self._run(lambda: self.session.withdraw_request(self.meeting_id, self.my_request))

    def _vote(self, vote_id: str, option: str, *, on_behalf_of: str | None = None) -> None:
        self._run(lambda: self.session.cast_vote(vote_id, option, on_behalf_of=on_behalf_of))
        for name, b in (self.proxy_buttons.get(on_behalf_of, {}) if on_behalf_of else self.option_buttons).items():
            b.setProperty("variant", "primary" if name == option else "")
            repolish(b)

    def on_changes(self, batch: ChangeBatch) -> None:
        if not self._closed and batch.touches("connection") and self.session.state == ConnectionState.SESSION_EXPIRED:
            self.login_again_requested.emit()
        if not self._closed and any(batch.touches(k) for k in ("live", "meeting", "agenda", "document", "outbox")):
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self.timer.stop()
            self.bridge.close()
            if self._owns_session:  # opened from the main window: its session lives on
                self.tasks.run(self.session.close, key=f"close-{id(self)}")
        super().closeEvent(event)
