"""ChairConsole: the chair's screen for running a meeting. Open, pause, adjourn and close it; move
through the agenda (every device follows); give and end the floor from the speakers' queue; open
a vote, watch how many have voted, close it and see the result; record the item's conclusion.

Every button is a ChamberSession command (checked with the server's rules, then queued); the
screen shows the live state the device has, so it reads the same as every tablet in the room."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.domain import live as live_rules
from app.errors import ChamberError
from app.i18n import _, translate
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession
from ui.bridge import ChangeBatch, EventBridge
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.views.hall_display import _option
from ui.widgets.common import button, card, hbox, label, vbox

Command = live_rules.Command
STATE_BUTTONS = (Command.OPEN, Command.PAUSE, Command.RESUME, Command.ADJOURN, Command.CLOSE)


def console_meeting(session: ChamberSession) -> str | None:
    """The meeting in session, else the next scheduled one (the chair's next job)."""
    meetings = session.list_meetings()
    for m in meetings:
        if session.live_state(m["id"])["state"] in (live_rules.LiveState.OPEN, live_rules.LiveState.PAUSED, live_rules.LiveState.ADJOURNED):
            return m["id"]
    scheduled = [m for m in meetings if m.get("status") == "scheduled"]
    return scheduled[0]["id"] if scheduled else None


class ChairConsole(Translatable, QWidget):
    logged_out = Signal()
    login_again_requested = Signal()

    def __init__(self, session: ChamberSession, tasks: TaskRunner, *, meeting_id: str | None = None, start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("ChairConsole")
        self.session = session
        self._owns_session = start
        self.tasks = tasks
        self.meeting_id = meeting_id
        self.state: dict[str, Any] = {}
        self._closed = False
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self.on_changes)

        self.title = label("SectionTitle", wrap=True)
        title_font = QFont(self.title.font())
        title_font.setPointSize(15)
        self.title.setFont(title_font)
        self.state_label = label("Eyebrow")
        self.item_timer = label("SectionTitle")
        self.message = label("Muted", wrap=True)
        self.message.setVisible(False)
        self.buttons = {c: button(variant="primary" if c == Command.OPEN else ("danger" if c == Command.CLOSE else ""), on_click=lambda c=c: self.command(c))
                        for c in STATE_BUTTONS}
        self.previous = button(icon_name="chevron-left", on_click=lambda: self.command(Command.PREVIOUS))
        self.next = button(variant="primary", icon_name="chevron-right", on_click=lambda: self.command(Command.NEXT))

        self.agenda_title = label("SectionTitle")
        self.agenda = QListWidget()
        self.agenda.setObjectName("ConsoleAgenda")
        self.agenda.itemDoubleClicked.connect(self._goto)
        self.goto = button(on_click=lambda: self._goto(self.agenda.currentItem()))
        # Show a page of a document: every open reader of it jumps there.
        self.show_document = QComboBox()
        self.show_document.setObjectName("ShowDocument")
        self.show_page_number = QSpinBox()
        self.show_page_number.setRange(1, 1)
        self.show_document.currentIndexChanged.connect(self._document_chosen)
        self.show_page = button(on_click=self._show_page)

        self.speakers_title = label("SectionTitle")
        self.floor = label("", wrap=True)
        self.floor_timer = label("SectionTitle")
        self.queue = QListWidget()
        self.queue.setObjectName("ConsoleQueue")
        self.speaking_seconds = QSpinBox()
        self.speaking_seconds.setRange(0, 3600)
        self.speaking_seconds.setSingleStep(30)
        self.speaking_seconds.setValue(180)
        self.speaking_label = label("Muted")
        self.give_floor = button(variant="primary", on_click=self._give_floor)
        self.end_floor = button(on_click=lambda: self.command(Command.END_FLOOR))

        self.vote_title = label("SectionTitle")
        self.question = QLineEdit()
        self.rule = QComboBox()
        self.secret = QCheckBox()
        self.open_vote = button(variant="primary", on_click=self._open_vote)
        self.vote_status = label("", wrap=True)
        self.close_vote = button(variant="danger", on_click=self._close_vote)
        self.conclusion_title = label("SectionTitle")
        self.conclusion = QPlainTextEdit()
        self.conclusion.setFixedHeight(90)
        self.save_conclusion = button(on_click=self._save_conclusion)
        self.tasks_title = label("SectionTitle")
        self.task_what = QLineEdit()
        self.task_unit = QLineEdit()
        self.task_deadline = QDateEdit(QDate.currentDate().addDays(30))
        self.task_deadline.setCalendarPopup(True)
        self.task_deadline.setDisplayFormat("dd/MM/yyyy")
        self.add_task = button(on_click=self._add_task)
        self.task_list = QListWidget()
        self.task_list.setObjectName("ConsoleTasks")
        self.task_list.setWordWrap(True)
        self.task_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        controls = hbox(spacing=8)
        for c in STATE_BUTTONS:
            controls.addWidget(self.buttons[c])
        controls.addStretch(1)
        controls.addWidget(self.previous)
        controls.addWidget(self.next)

        header = hbox(spacing=16)
        names = vbox(spacing=2)
        names.addWidget(self.state_label)
        names.addWidget(self.title)
        header.addLayout(names, 1)
        header.addWidget(self.item_timer, 0, Qt.AlignmentFlag.AlignBottom)

        agenda_card = card()
        agenda_layout = vbox(agenda_card, margins=(16, 14, 16, 14), spacing=8)
        agenda_layout.addWidget(self.agenda_title)
        agenda_layout.addWidget(self.agenda, 1)
        agenda_layout.addWidget(self.goto)
        agenda_layout.addWidget(self.show_document)
        page_row = hbox(spacing=8)
        page_row.addWidget(self.show_page_number, 1)
        page_row.addWidget(self.show_page)
        agenda_layout.addLayout(page_row)

        speakers_card = card()
        speakers_layout = vbox(speakers_card, margins=(16, 14, 16, 14), spacing=8)
        speakers_layout.addWidget(self.speakers_title)
        floor_row = hbox(spacing=8)
        floor_row.addWidget(self.floor, 1)
        floor_row.addWidget(self.floor_timer)
        speakers_layout.addLayout(floor_row)
        speakers_layout.addWidget(self.end_floor)
        speakers_layout.addWidget(self.queue, 1)
        time_row = hbox(spacing=8)
        time_row.addWidget(self.speaking_label)
        time_row.addWidget(self.speaking_seconds)
        speakers_layout.addLayout(time_row)
        speakers_layout.addWidget(self.give_floor)

        vote_card = card()
        vote_layout = vbox(vote_card, margins=(16, 14, 16, 14), spacing=8)
        vote_layout.addWidget(self.vote_title)
        vote_layout.addWidget(self.question)
        options_row = hbox(spacing=8)
        options_row.addWidget(self.rule, 1)
        options_row.addWidget(self.secret)
        vote_layout.addLayout(options_row)
        vote_layout.addWidget(self.open_vote)
        vote_layout.addWidget(self.vote_status)
        vote_layout.addWidget(self.close_vote)
        vote_layout.addSpacing(8)
        vote_layout.addWidget(self.conclusion_title)
        vote_layout.addWidget(self.conclusion)
        vote_layout.addWidget(self.save_conclusion)
        vote_layout.addSpacing(8)
        vote_layout.addWidget(self.tasks_title)
        vote_layout.addWidget(self.task_what)
        task_row = hbox(spacing=8)
        task_row.addWidget(self.task_unit, 1)
        task_row.addWidget(self.task_deadline)
        vote_layout.addLayout(task_row)
        vote_layout.addWidget(self.add_task)
        vote_layout.addWidget(self.task_list, 1)

        columns = hbox(spacing=14)
        columns.addWidget(agenda_card, 4)
        columns.addWidget(speakers_card, 3)
        columns.addWidget(vote_card, 3)

        layout = vbox(self, margins=(20, 16, 20, 16), spacing=12)
        layout.addLayout(header)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addLayout(columns, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.resize(1280, 760)
        self.retranslate()
        if start:
            session.start()

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — chair's console"))
        labels = {Command.OPEN: _("Open the meeting"), Command.PAUSE: _("Pause"), Command.RESUME: _("Resume"),
                  Command.ADJOURN: _("Adjourn"), Command.CLOSE: _("Close the meeting")}
        for c, text in labels.items():
            self.buttons[c].setText(text)
        self.previous.setText(_("Previous item"))
        self.next.setText(_("Next item"))
        self.agenda_title.setText(_("Agenda"))
        self.goto.setText(_("Go to the selected item"))
        self.show_page.setText(_("Show this page"))
        self.show_page_number.setPrefix(_("Page") + " ")
        self.speakers_title.setText(_("Speakers"))
        self.speaking_label.setText(_("Speaking time (seconds)"))
        self.give_floor.setText(_("Give the floor"))
        self.end_floor.setText(_("End the floor"))
        self.vote_title.setText(_("Vote on this item"))
        self.question.setPlaceholderText(_("Question put to the vote"))
        current_rule = self.rule.currentData()
        self.rule.clear()
        for rule in live_rules.MajorityRule:
            self.rule.addItem(translate(live_rules.RULE_LABELS[rule]), rule.value)
        self.rule.setCurrentIndex(max(0, self.rule.findData(current_rule)))
        self.secret.setText(_("Secret ballot"))
        self.open_vote.setText(_("Open the vote"))
        self.close_vote.setText(_("Close the vote"))
        self.conclusion_title.setText(_("Conclusion of this item"))
        self.save_conclusion.setText(_("Save the conclusion"))
        self.tasks_title.setText(_("Follow-up tasks"))
        self.task_what.setPlaceholderText(_("What is to be done"))
        self.task_unit.setPlaceholderText(_("Responsible person or unit"))
        self.add_task.setText(_("Add the task"))
        self.refresh()
        if self.layout() is not None:
            self.layout().activate()  # buttons take the width of their new text at once

    # --- showing the live state -------------------------------------------------------------------
    def refresh(self) -> None:
        if self._closed:  # the language may change after the window closed its session
            return
        if self.meeting_id is None:
            self.meeting_id = console_meeting(self.session)
        meeting = self.session.cache.get_meeting(self.meeting_id) if self.meeting_id else None
        enabled = meeting is not None
        for widget in (*self.buttons.values(), self.previous, self.next, self.goto, self.give_floor, self.end_floor, self.open_vote, self.close_vote, self.save_conclusion):
            widget.setEnabled(enabled)
        if meeting is None:
            self.title.setText(_("No meeting to run"))
            self.state_label.setText("")
            return
        self.state = self.session.live_state(meeting["id"])
        shown = live_rules.LiveState(self.state["state"])
        state = self.session.expected_live_state(meeting["id"])  # buttons follow what is already queued
        self.title.setText(meeting.get("title", ""))
        self.state_label.setText(translate(live_rules.STATE_LABELS[shown]).upper())
        for c in (*STATE_BUTTONS, Command.PREVIOUS, Command.NEXT):
            widget = self.buttons.get(c) or (self.previous if c == Command.PREVIOUS else self.next)
            widget.setEnabled(self._allowed(state, c))
        sitting = state in live_rules.IN_SESSION
        self.goto.setEnabled(sitting)
        self._fill_documents(meeting["id"])
        self.show_page.setEnabled(sitting and self.show_document.count() > 0)

        agenda = self.session.get_agenda(meeting["id"])
        selected = self.agenda.currentItem().data(Qt.ItemDataRole.UserRole) if self.agenda.currentItem() else None
        self.agenda.clear()
        for item in agenda:
            current = item["id"] == self.state.get("current_item_id")
            entry = QListWidgetItem(("▶ " if current else "    ") + "   " * item.get("depth", 0) + f"{item.get('number', '')}. {item['title']}")
            entry.setData(Qt.ItemDataRole.UserRole, item["id"])
            if current:
                font = entry.font()
                font.setBold(True)
                entry.setFont(font)
            self.agenda.addItem(entry)
            if item["id"] == selected:
                self.agenda.setCurrentItem(entry)

        floor = self.state.get("floor")
        self.floor.setText((_("Has the floor: %(name)s") % {"name": floor["name"]}) if floor else _("Nobody has the floor."))
        self.end_floor.setEnabled(bool(floor) and sitting)
        chosen = self.queue.currentItem().data(Qt.ItemDataRole.UserRole) if self.queue.currentItem() else None
        self.queue.clear()
        for request in self.state.get("queue") or []:
            text = request["name"] + ("  · " + _("point of order") if request["kind"] == live_rules.SpeakKind.POINT_OF_ORDER else "")
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, request["id"])
            self.queue.addItem(entry)
            if request["id"] == chosen:
                self.queue.setCurrentItem(entry)
        self.give_floor.setEnabled(sitting and self.queue.count() > 0)

        vote = self._current_vote()
        self.open_vote.setEnabled(state == live_rules.LiveState.OPEN and (vote is None or vote["state"] != "open"))
        self.close_vote.setEnabled(vote is not None and vote["state"] == "open")
        self.vote_status.setText(self._vote_text(vote))
        conclusion = (self.state.get("conclusions") or {}).get(self.state.get("current_item_id") or "")
        if conclusion and not self.conclusion.hasFocus() and not self.conclusion.toPlainText():
            self.conclusion.setPlainText(conclusion["text"])
        self.save_conclusion.setEnabled(bool(self.state.get("current_item_id")))
        self.task_list.clear()
        for task in self.session.list_tasks(meeting["id"]):
            timeliness = translate(live_rules.TIMELINESS_LABELS[live_rules.Timeliness(task["timeliness"])])
            deadline = "/".join(reversed(task["deadline"].split("-"))) if task.get("deadline") else "—"
            self.task_list.addItem(f"{task['what']} — {task.get('responsible_unit') or ''} — {deadline} · {timeliness}")
        self._tick()

    def _allowed(self, state: live_rules.LiveState, command: Command) -> bool:
        try:
            live_rules.check_allowed(state, command)
        except ChamberError:
            return False
        return True

    def _current_vote(self) -> dict[str, Any] | None:
        votes = [v for v in self.state.get("votes") or [] if v.get("agenda_item_id") == self.state.get("current_item_id") or v["state"] == "open"]
        open_votes = [v for v in votes if v["state"] == "open"]
        return open_votes[-1] if open_votes else (votes[-1] if votes else None)

    def _vote_text(self, vote: dict[str, Any] | None) -> str:
        if vote is None:
            return _("No vote on this item yet.")
        if vote["state"] == "open":
            count = self.session.ballot_count(vote["id"]) or {}
            text = _("Voting: %(cast)s of %(eligible)s have voted.") % {"cast": count.get("cast", 0), "eligible": vote["eligible_count"]}
            if count.get("counts"):
                text += "  " + " · ".join(f"{_option(o)}: {n}" for o, n in count["counts"].items())
            return text
        result = vote.get("result") or {}
        counts = " · ".join(f"{_option(o)}: {n}" for o, n in (result.get("counts") or {}).items())
        verdict = _("Adopted") if result.get("adopted") else _("Not adopted")
        if not live_rules.is_motion(vote["options"]):
            verdict = (_("Chosen: %(option)s") % {"option": result["winner"]}) if result.get("winner") else _("No decision")
        return f"{verdict} — {counts}"

    def _tick(self) -> None:
        view = live_rules.hall_view(self.state, [], datetime.now(timezone.utc)) if self.state else None
        remaining = view["item_remaining"] if view else None
        self.item_timer.setText(live_rules.clock(remaining) if remaining is not None else "")
        speaker = view["speaker"] if view else None
        self.floor_timer.setText(live_rules.clock(speaker["remaining"]) if speaker and speaker["remaining"] is not None else "")

    # --- commands -------------------------------------------------------------------------------
    def _run(self, fn) -> None:  # noqa: ANN001
        try:
            fn()
        except ChamberError as err:
            self._say(error_text(err))
            return
        self._say("")
        self.refresh()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def command(self, command: Command, **args: Any) -> None:
        if self.meeting_id:
            self._run(lambda: self.session.live_command(self.meeting_id, command.value, **args))

    def _goto(self, entry: QListWidgetItem | None) -> None:
        if entry is not None:
            self.command(Command.GOTO, item_id=entry.data(Qt.ItemDataRole.UserRole))

    def _fill_documents(self, meeting_id: str) -> None:
        """The meeting's documents, the current item's first (the one the chair most likely shows)."""
        item_id = self.state.get("current_item_id")
        documents = sorted(self.session.list_documents(meeting_id), key=lambda d: (d.get("agenda_item_id") != item_id, d.get("title") or d.get("file_name") or ""))
        wanted = [(d["id"], d.get("title") or d.get("file_name") or "", max(1, int(d.get("pages") or 1))) for d in documents]
        have = [(self.show_document.itemData(i), self.show_document.itemText(i), self.show_document.itemData(i, Qt.ItemDataRole.UserRole + 1))
                for i in range(self.show_document.count())]
        if wanted == have:
            return
        chosen = self.show_document.currentData()
        self.show_document.blockSignals(True)
        self.show_document.clear()
        for document_id, title, pages in wanted:
            self.show_document.addItem(title, document_id)
            self.show_document.setItemData(self.show_document.count() - 1, pages, Qt.ItemDataRole.UserRole + 1)
        self.show_document.setCurrentIndex(max(0, self.show_document.findData(chosen)))
        self.show_document.blockSignals(False)
        self._document_chosen()

    def _document_chosen(self) -> None:
        pages = self.show_document.currentData(Qt.ItemDataRole.UserRole + 1)
        self.show_page_number.setRange(1, int(pages or 1))

    def _show_page(self) -> None:
        document_id = self.show_document.currentData()
        if document_id:
            self.command(Command.SHOW_PAGE, document_id=document_id, page=self.show_page_number.value() - 1)

    def _give_floor(self) -> None:
        entry = self.queue.currentItem() or (self.queue.item(0) if self.queue.count() else None)
        if entry is not None:
            self.command(Command.GIVE_FLOOR, request_id=entry.data(Qt.ItemDataRole.UserRole), seconds=self.speaking_seconds.value())

    def _open_vote(self) -> None:
        question = self.question.text().strip()
        if not question:
            self._say(_("Type the question put to the vote first."))
            return
        self._run(lambda: self.session.open_vote(self.meeting_id, question, rule=self.rule.currentData(), secret=self.secret.isChecked()))
        self.question.clear()

    def _close_vote(self) -> None:
        vote = self._current_vote()
        if vote is not None:
            self._run(lambda: self.session.close_vote(vote["id"]))

    def _save_conclusion(self) -> None:
        item_id = self.state.get("current_item_id")
        vote = self._current_vote()
        if item_id:
            vote_id = vote["id"] if vote and vote["state"] == "closed" and vote.get("agenda_item_id") == item_id else None
            self._run(lambda: self.session.set_conclusion(self.meeting_id, item_id, self.conclusion.toPlainText(), vote_id=vote_id))

    def _add_task(self) -> None:
        what, unit = self.task_what.text().strip(), self.task_unit.text().strip()
        if not what or not unit:
            self._say(_("Say what is to be done and who is responsible."))
            return
        fields = {"what": what, "responsible_unit": unit, "deadline": self.task_deadline.date().toString("yyyy-MM-dd"),
                  "agenda_item_id": self.state.get("current_item_id")}
        self._run(lambda: self.session.create_task(self.meeting_id, fields))
        self.task_what.clear()
        self.task_unit.clear()

    def on_changes(self, batch: ChangeBatch) -> None:
        if not self._closed and batch.touches("connection") and self.session.state == ConnectionState.SESSION_EXPIRED:
            self.login_again_requested.emit()
        if self._closed:
            return
        if batch.touches("live") and self.state.get("current_item_id") != self.session.live_state(self.meeting_id or "").get("current_item_id"):
            self.conclusion.clear()  # another item: its own conclusion
        if any(batch.touches(k) for k in ("live", "ballot", "task", "meeting", "agenda", "document", "outbox")):
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self.timer.stop()
            self.bridge.close()
            if self._owns_session:  # opened from the main window: its session lives on
                self.tasks.run(self.session.close, key=f"close-{id(self)}")
        super().closeEvent(event)
