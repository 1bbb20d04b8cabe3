"""InvitationInbox: a delegate's invitations, newest meeting first, and the one opened: the
invitation text, the meeting's agenda, and three big answers (accept, decline with a reason,
send a substitute). Opening an invitation tells the server it was read; a meeting whose time or
place changed since it was last opened says so. Answers work offline: they wait in the outbox.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSplitter, QStackedWidget, QWidget

from app.domain.invitations import InvalidEmailError
from app.domain.meetings import MeetingStatus
from app.errors import ChamberError
from app.i18n import _, ngettext
from ui import format as fmt
from ui.bridge import ChangeBatch
from ui.feedback import error_text
from ui.language import Translatable
from ui.views.invitations import present
from ui.views.invitations.answer_dialogs import DeclineDialog, SubstituteDialog
from ui.views.invitations.inbox_card import INVITATION_ROLE, InvitationCardDelegate, is_unread
from ui.views.invitations.parts import Pill
from ui.views.meetings.agenda_editor import AgendaEditor
from ui.widgets.common import Banner, card, hbox, icon_label, label, repolish, vbox
from ui.widgets.icons import icon, icon_size

log = logging.getLogger(__name__)

ANSWER_STYLE = """
QPushButton[variant="answer"] {
    padding: 11px 20px; font-size: 11pt; font-weight: bold; border-radius: 8px; background: #ffffff; min-height: 22px;
}
QPushButton[variant="answer"][kind="accepted"] { color: #0b6b4f; border: 1px solid #9fd8bf; }
QPushButton[variant="answer"][kind="accepted"]:hover { background: #ecf8f2; }
QPushButton[variant="answer"][kind="declined"] { color: #a61b1b; border: 1px solid #efc2bd; }
QPushButton[variant="answer"][kind="declined"]:hover { background: #fdf0ef; }
QPushButton[variant="answer"][kind="substitute"] { color: #8a4b08; border: 1px solid #f0cf8e; }
QPushButton[variant="answer"][kind="substitute"]:hover { background: #fff8e8; }
QPushButton[variant="answer"][kind="accepted"][chosen="true"] { background: #0b6b4f; border-color: #0b6b4f; color: #ffffff; }
QPushButton[variant="answer"][kind="declined"][chosen="true"] { background: #b42318; border-color: #b42318; color: #ffffff; }
QPushButton[variant="answer"][kind="substitute"][chosen="true"] { background: #b7791f; border-color: #b7791f; color: #ffffff; }
QPushButton[variant="answer"]:disabled { color: #9aa5b1; background: #f6f7f9; border: 1px solid #e1e6ec; }
QLabel#InvitationBody { font-size: 10pt; color: #1f2933; }
QListWidget#InboxList { background: transparent; }
"""
ANSWER_COLORS = {"accepted": "#0b6b4f", "declined": "#b42318", "substitute": "#8a4b08"}


class InvitationInbox(Translatable, QWidget):
    unread_changed = Signal(int)

    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.setObjectName("Page")
        self.setStyleSheet(ANSWER_STYLE)
        self.session = session
        self.invitations: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.changed_seen: set[str] = set()  # opened while changed: keep saying so while it is shown
        self.dialog: DeclineDialog | SubstituteDialog | None = None
        self._filling = False
        self._selected: str | None = None

        # --- the list
        self.list_title = label("SectionTitle")
        self.list_count = label("Muted")
        self.list = QListWidget()
        self.list.setObjectName("InboxList")
        self.list.setItemDelegate(InvitationCardDelegate(self.list))
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list_empty = label("Muted", wrap=True)
        self.list_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QWidget()
        left_layout = vbox(left, margins=(0, 16, 0, 0), spacing=10)
        head = hbox(margins=(16, 0, 16, 0), spacing=8)
        head.addWidget(self.list_title, 1)
        head.addWidget(self.list_count)
        left_layout.addLayout(head)
        left_layout.addWidget(self.list_empty)
        left_layout.addWidget(self.list, 1)
        left.setMinimumWidth(300)

        # --- nothing open
        self.empty = QWidget()
        empty_layout = vbox(self.empty, spacing=10)
        empty_layout.addStretch(1)
        empty_layout.addWidget(icon_label("inbox", "#9aa8b6", 48), 0, Qt.AlignmentFlag.AlignHCenter)
        self.empty_title = label("EmptyTitle")
        self.empty_text = label("Muted", wrap=True)
        for w in (self.empty_title, self.empty_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty_layout.addWidget(w)
        empty_layout.addStretch(2)

        # --- one invitation
        self.eyebrow = label("Eyebrow")
        self.pill = Pill()
        self.title = label("PageTitle", wrap=True, selectable=True)
        self.when = label("", wrap=True)
        self.where = label("", wrap=True)
        self.body_name = label("", wrap=True)
        self.change_note = Banner("warning")
        self.answer_title = label("SectionTitle")
        self.answer_state = label("", wrap=True)
        self.answer_state.setTextFormat(Qt.TextFormat.RichText)
        self.answer_pending = label("Small", wrap=True)
        self.answer_error = Banner("error", closable=True)
        self.accept_button = self._answer_button("accepted", "check", self.accept)
        self.decline_button = self._answer_button("declined", "x", self.decline)
        self.substitute_button = self._answer_button("substitute", "users", self.send_substitute)
        self.text_title = label("SectionTitle")
        self.subject = label("", wrap=True, selectable=True)
        self.subject.setStyleSheet("font-weight: bold; font-size: 11pt; color: #14324f;")
        self.body = label("InvitationBody", wrap=True, selectable=True)
        self.agenda = AgendaEditor(session)

        column = QWidget()
        column.setObjectName("Page")
        col = vbox(column, margins=(24, 18, 24, 18), spacing=14)
        top = hbox(spacing=10)
        top.addWidget(self.eyebrow)
        top.addWidget(self.pill)
        top.addStretch(1)
        col.addLayout(top)
        col.addWidget(self.title)
        facts = vbox(spacing=6)
        for icon_name, widget in (("calendar", self.when), ("map-pin", self.where), ("users", self.body_name)):
            row = hbox(spacing=10)
            row.addWidget(icon_label(icon_name, "#0f766e", 18), 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(widget, 1)
            facts.addLayout(row)
        col.addLayout(facts)
        col.addWidget(self.change_note)
        answer_card = card()
        answer_layout = vbox(answer_card, margins=(20, 16, 20, 16), spacing=10)
        answer_layout.addWidget(self.answer_title)
        answer_layout.addWidget(self.answer_state)
        answer_layout.addWidget(self.answer_error)
        buttons = hbox(spacing=12)
        for b in (self.accept_button, self.decline_button, self.substitute_button):
            buttons.addWidget(b, 1)
        answer_layout.addLayout(buttons)
        answer_layout.addWidget(self.answer_pending)
        col.addWidget(answer_card)
        text_card = card()
        text_layout = vbox(text_card, margins=(20, 16, 20, 18), spacing=8)
        text_layout.addWidget(self.text_title)
        text_layout.addWidget(self.subject)
        text_layout.addWidget(self.body)
        col.addWidget(text_card)
        agenda_card = card()
        agenda_card.setMinimumHeight(300)
        vbox(agenda_card, margins=(20, 16, 20, 16)).addWidget(self.agenda)
        col.addWidget(agenda_card)
        col.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(column)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.scroll)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 900])
        vbox(self).addWidget(self.splitter)
        self.retranslate()
        self.refresh()

    def _answer_button(self, kind: str, icon_name: str, slot) -> QPushButton:  # noqa: ANN001
        b = QPushButton()
        b.setObjectName(f"answer_{kind}")
        b.setProperty("variant", "answer")
        b.setProperty("kind", kind)
        b.setProperty("icon_name", icon_name)
        b.setIconSize(icon_size(20))
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.clicked.connect(lambda _c=False: slot())
        return b

    def retranslate(self) -> None:
        self.list_title.setText(_("Invitations"))
        self.list_empty.setText(_("No invitations yet. When the secretariat invites you to a meeting, it appears here."))
        self.empty_title.setText(_("No invitation open"))
        self.empty_text.setText(_("Choose an invitation on the left to read it and answer."))
        self.eyebrow.setText(_("INVITATION"))
        self.answer_title.setText(_("Your answer"))
        self.accept_button.setText(_("Accept"))
        self.decline_button.setText(_("Decline"))
        self.substitute_button.setText(_("Send a substitute"))
        self.text_title.setText(_("Invitation text"))
        self._update_count()
        self._show_current()

    # --- data ---------------------------------------------------------------------------------
    def unread_count(self) -> int:
        return sum(1 for inv in self.invitations if is_unread(inv))

    def refresh(self) -> None:
        self.invitations = self.session.my_invitations()
        self._filling = True
        try:
            self.list.clear()
            current = None
            for inv in self.invitations:
                item = QListWidgetItem(inv["meeting"].get("title", ""))
                item.setData(INVITATION_ROLE, inv)
                item.setToolTip(inv["meeting"].get("title", ""))
                self.list.addItem(item)
                if inv["id"] == self._selected:
                    current = item
            if current is not None:
                self.list.setCurrentItem(current)
        finally:
            self._filling = False
        self.list_empty.setVisible(not self.invitations)
        self.list.setVisible(bool(self.invitations))
        if self._selected is not None and current is None:
            self._selected = None
        self.current = next((i for i in self.invitations if i["id"] == self._selected), None)
        self._open_current()
        self._update_count()
        self.unread_changed.emit(self.unread_count())

    def _update_count(self) -> None:
        unread = self.unread_count()
        self.list_count.setText(ngettext("%(count)d new", "%(count)d new", unread) % {"count": unread} if unread else "")

    def invitation_ids(self) -> list[str]:
        return [inv["id"] for inv in self.invitations]

    def select(self, invitation_id: str | None) -> None:
        item = next((self.list.item(i) for i in range(self.list.count()) if self.list.item(i).data(INVITATION_ROLE)["id"] == invitation_id), None)
        self.list.setCurrentItem(item)
        if item is None:
            self._selected = None
            self.current = None
            self._show_current()

    def _on_current_changed(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if self._filling:
            return
        self._selected = item.data(INVITATION_ROLE)["id"] if item is not None else None
        self.current = next((i for i in self.invitations if i["id"] == self._selected), None)
        self.answer_error.clear()
        self._open_current()

    def _open_current(self) -> None:
        """Show the open invitation; while it is on screen, it counts as read."""
        inv = self.current
        if inv is not None and self.isVisible() and is_unread(inv):
            if inv.get("has_unseen_change"):
                self.changed_seen.add(inv["id"])
            try:
                self.session.mark_invitation_read(inv["id"])  # publishes a change: the list refreshes
            except ChamberError as err:
                log.info("could not mark the invitation read: %s", err)
        self._show_current()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._open_current()

    # --- showing one invitation ---------------------------------------------------------------
    def _show_current(self) -> None:
        inv = self.current
        if inv is None:
            self.stack.setCurrentWidget(self.empty)
            self.agenda.set_meeting(None)
            return
        meeting = inv["meeting"]
        self.pill.show_pill(present.response_label(inv["response"]), present.response_colors(inv["response"]))
        self.title.setText(meeting.get("title", ""))
        self.when.setText(fmt.when(meeting))
        self.where.setText(meeting.get("location") or _("No location set"))
        bodies = {b["id"]: b.get("name", "") for b in self.session.list_bodies()}
        self.body_name.setText(bodies.get(meeting.get("body_id"), ""))
        self.body_name.setVisible(bool(self.body_name.text()))
        if inv.get("has_unseen_change") or inv["id"] in self.changed_seen:
            self.change_note.show_message(
                lambda: _("Changed since the invitation was sent: the meeting is now on %(when)s, at %(place)s.") % {
                    "when": fmt.when(meeting), "place": meeting.get("location") or _("No location set")}, "warning")
        else:
            self.change_note.clear()
        self._show_answer(inv, meeting)
        self.subject.setText(inv.get("subject") or "")
        self.subject.setVisible(bool(inv.get("subject")))
        self.body.setText(inv.get("body") or _("The invitation text is not available on this device yet."))
        if (self.agenda.meeting or {}).get("id") != meeting["id"] or self.agenda.meeting != meeting:
            self.agenda.set_meeting(meeting)
        self.stack.setCurrentWidget(self.scroll)

    def _show_answer(self, inv: dict[str, Any], meeting: dict[str, Any]) -> None:
        response = inv["response"]
        when = fmt.date_time(inv.get("responded_at"))
        name = html.escape(inv.get("substitute_name") or "")
        reason = html.escape(inv.get("response_reason") or "")
        if response == "accepted":
            text = _("You accepted on %(when)s.") % {"when": when}
        elif response == "declined":
            text = _("You declined on %(when)s.") % {"when": when}
            if reason:
                text += " " + _("Reason: %(reason)s") % {"reason": f"<i>{reason}</i>"}
        elif response == "substitute":
            text = _("You named %(name)s to attend in your place.") % {"name": f"<b>{name}</b>"}
            status = inv.get("substitute_status")
            if status == "approved":
                text += " " + _("The secretariat approved; %(name)s is invited.") % {"name": name}
            elif status == "rejected":
                text += " " + _("The secretariat did not approve the substitute: please accept or decline.")
            else:
                text += " " + _("The secretariat has not decided yet.")
        else:
            text = _("You have not answered yet. Please tell the secretariat whether you will attend.")
        status = meeting.get("status")
        over = status in (MeetingStatus.CLOSED.value, MeetingStatus.CANCELLED.value)
        if status == MeetingStatus.CANCELLED.value:
            text = _("This meeting was cancelled.")
        elif over:
            text += " " + _("The meeting is over; answers are closed.")
        self.answer_state.setText(text)
        for b in (self.accept_button, self.decline_button, self.substitute_button):
            kind = b.property("kind")
            chosen = response == kind
            b.setProperty("chosen", chosen)
            b.setEnabled(not over)
            color = "#ffffff" if chosen and not over else ANSWER_COLORS[kind]
            b.setIcon(icon(b.property("icon_name"), color, 20))
            repolish(b)
        pending = any(op.get("entity_id") == inv["id"] and op.get("path", "").endswith("/response") for op in self.session.pending_operations())
        self.answer_pending.setText(_("Not sent yet: your answer is kept on this device and leaves as soon as the server can be reached.") if pending else "")
        self.answer_pending.setVisible(pending)

    # --- answering ----------------------------------------------------------------------------
    def _respond(self, response: str, **kwargs: Any) -> bool:
        if self.current is None:
            return False
        try:
            self.session.respond_to_invitation(self.current["id"], response, **kwargs)
        except ChamberError as err:
            log.info("answer refused: %s", err)
            if isinstance(self.dialog, SubstituteDialog):
                self.dialog.show_error(lambda e=err: error_text(e), email_invalid=isinstance(err, InvalidEmailError))
            elif self.dialog is not None:
                self.dialog.show_error(lambda e=err: error_text(e))
            else:
                self.answer_error.show_message(lambda e=err: error_text(e), "error")
            return False
        self.answer_error.clear()
        self.refresh()
        return True

    def accept(self) -> None:
        self._respond("accepted")

    def _open_dialog(self, dialog: DeclineDialog | SubstituteDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def decline(self) -> DeclineDialog | None:
        if self.current is None:
            return None
        previous = self.current.get("response_reason", "") if self.current["response"] == "declined" else ""
        dialog = DeclineDialog(self.window(), self.current["meeting"], reason=previous)
        dialog.submitted.connect(lambda reason, d=dialog: self._submit(d, "declined", reason=reason))
        self._open_dialog(dialog)
        return dialog

    def send_substitute(self) -> SubstituteDialog | None:
        if self.current is None:
            return None
        me = self.session.account.get("person_id")
        persons = [p for p in self.session.list_persons() if p["id"] != me]
        dialog = SubstituteDialog(self.window(), self.current["meeting"], persons)
        dialog.submitted.connect(lambda answer, d=dialog: self._submit(d, "substitute", **answer))
        self._open_dialog(dialog)
        return dialog

    def _submit(self, dialog: QWidget, response: str, **kwargs: Any) -> None:
        if self._respond(response, **kwargs):
            dialog.accept()

    # --- live updates -------------------------------------------------------------------------
    def apply_changes(self, batch: ChangeBatch) -> None:
        if batch.touches("invitation") or batch.touches("meeting"):
            self.refresh()
        if self.current is not None and batch.touches("agenda", self.current["meeting_id"]):
            self.agenda.refresh()
        if not (batch.touches("invitation") or batch.touches("meeting")) and batch.touches("outbox") and self.current is not None:
            self._show_answer(self.current, self.current["meeting"])
