"""HallDisplay: the projector or second screen of the chamber. Meeting title, the current item and
its remaining time, who has the floor and for how long still, who is next, the vote under way and
its result once closed, the quorum at the opening; in type readable from the back of the room.

It only shows what the device's live state says (app/domain/live.py hall_view); the timers count
down locally from the times in that state, so the screen keeps time between events."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QWidget

from app.domain import live as live_rules
from app.i18n import N_, _, translate
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession
from ui.bridge import ChangeBatch, EventBridge
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.widgets.common import hbox, label, vbox

STYLE = """
QWidget#Hall { background: #0b1f33; }
QWidget#Hall QLabel { color: #ffffff; background: transparent; }
QWidget#Hall QLabel#HallCouncil { font-size: 15pt; font-weight: bold; color: #9fb3c8; }
QWidget#Hall QLabel#HallMeeting { font-size: 20pt; font-weight: bold; }
QWidget#Hall QLabel#HallState { font-size: 13pt; font-weight: bold; color: #0b1f33; background: #5eead4; border-radius: 10px; padding: 4px 14px; }
QWidget#Hall QLabel#HallEyebrow { font-size: 13pt; font-weight: bold; color: #5eead4; letter-spacing: 2px; }
QWidget#Hall QLabel#HallItem { font-size: 34pt; font-weight: bold; }
QWidget#Hall QLabel#HallTimer { font-size: 48pt; font-weight: bold; color: #ffffff; }
QWidget#Hall QLabel#HallTimer[warning="true"] { color: #fbbf24; }
QWidget#Hall QLabel#HallName { font-size: 26pt; font-weight: bold; }
QWidget#Hall QLabel#HallText { font-size: 17pt; color: #dce6f0; }
QWidget#Hall QLabel#HallSmall { font-size: 12pt; color: #8fa3b8; }
QWidget#Hall QLabel#HallResult { font-size: 22pt; font-weight: bold; }
QFrame#HallPanel { background: #133252; border: 1px solid #244b73; border-radius: 18px; }
"""

OPTION_LABELS = {"for": N_("For"), "against": N_("Against"), "abstain": N_("Abstain")}


def _option(option: str) -> str:
    return translate(OPTION_LABELS[option]) if option in OPTION_LABELS else option


def choose_meeting(session: ChamberSession) -> str | None:
    """The meeting in session (open or paused) on this device, else the last one that ever opened."""
    meetings = session.list_meetings()
    states = [(m, session.live_state(m["id"])) for m in meetings]
    sitting = [m for m, s in states if s["state"] in (live_rules.LiveState.OPEN, live_rules.LiveState.PAUSED)]
    if sitting:
        return sitting[0]["id"]
    ever = [m for m, s in states if s["state"] != live_rules.LiveState.SCHEDULED]
    return ever[-1]["id"] if ever else None


class HallDisplay(Translatable, QWidget):
    logged_out = Signal()
    login_again_requested = Signal()

    def __init__(self, session: ChamberSession, tasks: TaskRunner, *, meeting_id: str | None = None, start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("Hall")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.session = session
        self._owns_session = start
        self.tasks = tasks
        self.fixed_meeting = meeting_id
        self.meeting_id: str | None = meeting_id
        self.view: dict[str, Any] = {}
        self._closed = False
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self.on_changes)

        self.council = label("HallCouncil")
        self.meeting = label("HallMeeting", wrap=True)
        self.state = label("HallState")
        self.item_eyebrow = label("HallEyebrow")
        self.item = label("HallItem", wrap=True)
        self.item_timer = label("HallTimer")
        self.speaker_eyebrow = label("HallEyebrow")
        self.speaker = label("HallName", wrap=True)
        self.speaker_timer = label("HallTimer")
        self.next_speakers = label("HallText", wrap=True)
        self.vote_eyebrow = label("HallEyebrow")
        self.vote_question = label("HallText", wrap=True)
        self.vote_result = label("HallResult", wrap=True)
        self.quorum = label("HallSmall")
        self.hint = label("HallSmall")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        top = hbox(spacing=18)
        names = vbox(spacing=2)
        names.addWidget(self.council)
        names.addWidget(self.meeting)
        top.addLayout(names, 1)
        top.addWidget(self.state, 0, Qt.AlignmentFlag.AlignTop)

        item_row = hbox(spacing=24)
        item_texts = vbox(spacing=6)
        item_texts.addWidget(self.item_eyebrow)
        item_texts.addWidget(self.item)
        item_row.addLayout(item_texts, 1)
        item_row.addWidget(self.item_timer, 0, Qt.AlignmentFlag.AlignBottom)

        self.speaker_panel = QFrame()
        self.speaker_panel.setObjectName("HallPanel")
        speaker_layout = hbox(self.speaker_panel, margins=(32, 24, 32, 24), spacing=24)
        speaker_texts = vbox(spacing=6)
        speaker_texts.addWidget(self.speaker_eyebrow)
        speaker_texts.addWidget(self.speaker)
        speaker_texts.addWidget(self.next_speakers)
        speaker_layout.addLayout(speaker_texts, 1)
        speaker_layout.addWidget(self.speaker_timer, 0, Qt.AlignmentFlag.AlignVCenter)

        self.vote_panel = QFrame()
        self.vote_panel.setObjectName("HallPanel")
        vote_layout = vbox(self.vote_panel, margins=(32, 24, 32, 24), spacing=8)
        vote_layout.addWidget(self.vote_eyebrow)
        vote_layout.addWidget(self.vote_question)
        vote_layout.addWidget(self.vote_result)

        footer = hbox(spacing=14)
        footer.addWidget(self.quorum)
        footer.addStretch(1)
        footer.addWidget(self.hint)

        layout = vbox(self, margins=(56, 40, 56, 28), spacing=0)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addLayout(item_row)
        layout.addSpacing(28)
        layout.addWidget(self.speaker_panel)
        layout.addSpacing(20)
        layout.addWidget(self.vote_panel)
        layout.addStretch(1)
        layout.addLayout(footer)

        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.close)
        QShortcut(QKeySequence("F11"), self, activated=self._toggle_full_screen)
        self.resize(1280, 800)
        self.retranslate()
        if start:
            session.start()

    def _toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — hall display"))
        self.hint.setText(_("F11 full screen · Ctrl+Q closes"))
        self.refresh()

    def refresh(self, now: datetime | None = None) -> None:
        if self._closed:  # the language may change after the window closed its session
            return
        now = now or datetime.now(timezone.utc)
        if self.fixed_meeting is None:
            self.meeting_id = choose_meeting(self.session)
        council = next((b for b in self.session.list_bodies() if b.get("kind") == "council"), None)
        self.council.setText(council["name"] if council else self.session.server.name)
        meeting = self.session.cache.get_meeting(self.meeting_id) if self.meeting_id else None
        if meeting is None:
            self.view = {}
            self.meeting.setText(_("No meeting in session"))
            self.state.setVisible(False)
            for widget in (self.item_eyebrow, self.item, self.item_timer, self.quorum):
                widget.setText("")
            self.speaker_panel.setVisible(False)
            self.vote_panel.setVisible(False)
            return
        view = live_rules.hall_view(self.session.live_state(meeting["id"]), self.session.get_agenda(meeting["id"]), now)
        self.view = view
        self.meeting.setText(meeting.get("title", ""))
        self.state.setVisible(True)
        self.state.setText(translate(live_rules.STATE_LABELS[live_rules.LiveState(view["state"])]).upper())

        item = view["item"]
        self.item_eyebrow.setText(_("AGENDA ITEM %(number)s") % {"number": item["number"]} if item else "")
        self.item.setText(item["title"] if item else _("The meeting has not started yet."))
        self._set_timer(self.item_timer, view["item_remaining"], view["item_warning"])

        speaker = view["speaker"]
        self.speaker_panel.setVisible(bool(speaker or view["next_speakers"]))
        if speaker:
            self.speaker_eyebrow.setText(_("POINT OF ORDER") if speaker["point_of_order"] else _("HAS THE FLOOR"))
            self.speaker.setText(speaker["name"])
            self._set_timer(self.speaker_timer, speaker["remaining"], speaker["warning"])
        else:
            self.speaker_eyebrow.setText(_("SPEAKERS"))
            self.speaker.setText("")
            self.speaker_timer.setText("")
        self.next_speakers.setText(_("Next: %(names)s") % {"names": ", ".join(view["next_speakers"])} if view["next_speakers"] else "")
        self.next_speakers.setVisible(bool(view["next_speakers"]))

        vote = view["vote"]
        self.vote_panel.setVisible(vote is not None)
        if vote is not None:
            self.vote_question.setText(vote["question"])
            if vote["state"] == "open":
                self.vote_eyebrow.setText(_("VOTING IN PROGRESS") + (" · " + _("secret ballot") if vote["secret"] else ""))
                self.vote_result.setText(_("Vote on your tablet."))
            else:
                result = vote["result"] or {}
                self.vote_eyebrow.setText(_("RESULT") + " · " + translate(live_rules.RULE_LABELS[live_rules.MajorityRule(result.get("rule", "simple"))]))
                counts = " · ".join(f"{_option(o)}: {n}" for o, n in (result.get("counts") or {}).items())
                if live_rules.is_motion(vote["options"]):
                    verdict = _("ADOPTED") if result.get("adopted") else _("NOT ADOPTED")
                else:
                    verdict = (_("Chosen: %(option)s") % {"option": result["winner"]}) if result.get("winner") else _("NO DECISION")
                self.vote_result.setText(f"{verdict}   {counts}")

        quorum = view["quorum"]
        if quorum and quorum.get("applies"):
            reached = _("quorum reached") if quorum.get("reached") else _("quorum not reached")
            self.quorum.setText(_("At the opening: %(present)s of %(members)s members present, %(reached)s") % {
                "present": quorum.get("present"), "members": quorum.get("members"), "reached": reached})
        else:
            self.quorum.setText("")

    def _set_timer(self, widget, remaining: float | None, warning: bool) -> None:  # noqa: ANN001
        widget.setText(live_rules.clock(remaining) if remaining is not None else "")
        if widget.property("warning") != warning:
            widget.setProperty("warning", warning)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def on_changes(self, batch: ChangeBatch) -> None:
        if not self._closed and batch.touches("connection") and self.session.state == ConnectionState.SESSION_EXPIRED:
            self.login_again_requested.emit()
        if not self._closed and (batch.touches("live") or batch.touches("meeting") or batch.touches("agenda")):
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self.timer.stop()
            self.bridge.close()
            if self._owns_session:  # opened from the main window: its session lives on
                self.tasks.run(self.session.close, key=f"close-{id(self)}")
        super().closeEvent(event)
