"""KioskWindow: the screen at the chamber door. A large clock, today's (or the next) meeting in
type readable from a few metres, and an honest note that face check-in is not enabled yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QWidget

from app.domain.meetings import MeetingStatus
from app.i18n import _
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession
from ui import format as fmt
from ui.bridge import ChangeBatch, EventBridge
from ui.language import Translatable, install_language_support, qt_locale, switch_language
from ui.tasks import TaskRunner
from ui.widgets.common import StatusPill, hbox, icon_label, label, vbox
from ui.widgets.connection_badge import ConnectionBadge
from ui.widgets.language_switch import LanguageSwitch

_NOT_SHOWN = {MeetingStatus.DRAFT.value, MeetingStatus.CANCELLED.value}


def kiosk_meeting(meetings: list[dict[str, Any]], now: datetime | None = None) -> tuple[str, dict[str, Any] | None]:
    """("today" | "next" | "none", meeting): a meeting in session or today first, else the next one."""
    now = now or datetime.now().astimezone()
    candidates = [m for m in meetings if m.get("status") not in _NOT_SHOWN and fmt.parse(m.get("starts_at"))]
    today = [m for m in candidates if fmt.parse(m["starts_at"]).date() == now.date()]
    if today:
        in_session = [m for m in today if m.get("status") == MeetingStatus.OPEN.value]
        return "today", (in_session or sorted(today, key=lambda m: m["starts_at"]))[0]
    upcoming = sorted((m for m in candidates if fmt.parse(m["starts_at"]) > now), key=lambda m: m["starts_at"])
    return ("next", upcoming[0]) if upcoming else ("none", None)


def describe_camera(camera: str) -> str:
    if camera.strip().isdigit():
        return _("camera device %(index)s") % {"index": camera.strip()}
    return camera


class KioskWindow(Translatable, QWidget):
    logged_out = Signal()
    login_again_requested = Signal()

    def __init__(self, session: ChamberSession, tasks: TaskRunner, *, camera: str = "0", start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("Kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.session = session
        self.tasks = tasks
        self.camera = camera
        self.kind = "none"
        self.meeting: dict[str, Any] | None = None
        self._closed = False
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self.on_changes)

        self.council = label("KioskCouncil")
        self.place = label("KioskSmall")
        self.clock = label("KioskClock")
        self.date = label("KioskDate")
        self.eyebrow = label("KioskEyebrow")
        self.title = label("KioskTitle", wrap=True)
        self.pill = StatusPill()
        self.when = label("KioskFact", wrap=True)
        self.where = label("KioskFact", wrap=True)
        self.panel_title = label("KioskPanelTitle", wrap=True)
        self.panel_text = label("KioskPanelText", wrap=True)
        self.badge = ConnectionBadge()
        self.language = LanguageSwitch(dark=True)
        self.language.language_chosen.connect(lambda lang: switch_language(lang, session.profile))
        self.exit_hint = label("KioskSmall")

        top = hbox(spacing=16)
        top.addWidget(icon_label("landmark", "#5eead4", 44), 0, Qt.AlignmentFlag.AlignTop)
        names = vbox(spacing=4)
        names.addWidget(self.council)
        names.addWidget(self.place)
        names.addStretch(1)
        top.addLayout(names, 1)
        clock = vbox(spacing=0)
        clock.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignRight)
        clock.addWidget(self.date, 0, Qt.AlignmentFlag.AlignRight)
        top.addLayout(clock)

        meeting = vbox(spacing=14)
        eyebrow_row = hbox(spacing=14)
        eyebrow_row.addWidget(self.eyebrow)
        eyebrow_row.addWidget(self.pill)
        eyebrow_row.addStretch(1)
        meeting.addLayout(eyebrow_row)
        meeting.addWidget(self.title)
        for icon_name, widget in (("clock", self.when), ("map-pin", self.where)):
            row = hbox(spacing=14)
            row.addWidget(icon_label(icon_name, "#5eead4", 26), 0, Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(widget, 1)
            meeting.addLayout(row)

        panel = QFrame()
        panel.setObjectName("KioskPanel")
        panel_layout = hbox(panel, margins=(28, 24, 28, 24), spacing=22)
        panel_layout.addWidget(icon_label("camera", "#9fb3c8", 44), 0, Qt.AlignmentFlag.AlignTop)
        panel_texts = vbox(spacing=8)
        panel_texts.addWidget(self.panel_title)
        panel_texts.addWidget(self.panel_text)
        panel_layout.addLayout(panel_texts, 1)

        footer = hbox(spacing=14)
        footer.addWidget(self.badge)
        footer.addStretch(1)
        footer.addWidget(self.exit_hint)
        footer.addWidget(self.language)

        layout = vbox(self, margins=(56, 44, 56, 32), spacing=0)
        layout.addLayout(top)
        layout.addStretch(2)
        layout.addLayout(meeting)
        layout.addStretch(2)
        layout.addWidget(panel)
        layout.addSpacing(28)
        layout.addLayout(footer)

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.close)
        self.resize(1280, 800)
        self._last_minute = -1
        self.retranslate()
        if start:
            session.start()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — check-in kiosk"))
        council = next((b for b in self.session.list_bodies() if b.get("kind") == "council"), None)
        self.council.setText(council["name"] if council else self.session.server.name)
        self.place.setText(self.session.display_name)
        self.panel_title.setText(_("Face check-in is not enabled on this kiosk yet"))
        self.panel_text.setText(
            _("Please sign in with the secretariat at the desk: they check delegates in. When face check-in is switched on, this kiosk will use %(camera)s.")
            % {"camera": describe_camera(self.camera)}
        )
        self.exit_hint.setText(_("Ctrl+Q closes the kiosk"))
        self.refresh()
        self._tick()

    def _tick(self) -> None:
        now = QDateTime.currentDateTime()
        self.clock.setText(now.toString("HH:mm"))
        self.date.setText(qt_locale().toString(now.date(), "dddd, dd/MM/yyyy"))
        if now.time().minute() != self._last_minute:
            self._last_minute = now.time().minute()
            self.refresh()  # "next meeting" becomes "today" as time passes

    def refresh(self) -> None:
        self.kind, self.meeting = kiosk_meeting(self.session.list_meetings())
        self.badge.set_state(self.session.state)
        m = self.meeting
        self.eyebrow.setText({"today": _("TODAY"), "next": _("NEXT MEETING"), "none": _("NO MEETING SCHEDULED")}[self.kind])
        self.pill.setVisible(m is not None)
        if m is None:
            self.title.setText(_("There is no meeting on the calendar."))
            self.when.setText("")
            self.where.setText("")
            return
        self.pill.set_status(m.get("status", "scheduled"))
        self.title.setText(m.get("title", ""))
        self.when.setText(fmt.when(m))
        self.where.setText(m.get("location") or _("No location set"))

    def on_changes(self, batch: ChangeBatch) -> None:
        if self._closed:
            return
        if batch.touches("meeting") or batch.touches("directory"):
            self.refresh()
        if batch.touches("connection"):
            self.badge.set_state(self.session.state)
            if self.session.state == ConnectionState.SESSION_EXPIRED:
                self.login_again_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self.timer.stop()
            self.bridge.close()
            # Stopping the sync thread may wait for a network call to time out: not on the GUI thread.
            self.tasks.run(self.session.close, key=f"close-{id(self)}")
        super().closeEvent(event)
