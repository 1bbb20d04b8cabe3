"""KioskWindow: the screen at the chamber door. A large clock, today's (or the next) meeting, the
live camera view with the face box, and beside it what the kiosk says, in type readable from a
step away: the prompt ("please look at the camera", "please blink"), then a large green
confirmation with the person's photo (where the chamber keeps photos; else their initials in a
circle), name, title and seat, or "please see the secretariat".

Faces are recognised on a CameraWorker thread (ui/views/kiosk_camera.py) against the gallery the
kiosk keeps sealed on disk (app/sync/faces.py KioskGallery, refreshed on every "faces" change);
what a final verdict does (check in once, "already checked in", manual) is app/sync/kiosk.py.
Without a camera the kiosk says so and sends everyone to the desk. Ctrl+E opens face enrolment
on the kiosk's camera for the secretariat (ui/views/kiosk_enrol.py); the recognition loop pauses
meanwhile."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from app.domain.meetings import MeetingStatus
from app.errors import ChamberError
from app.faces import FaceSettings, Gallery
from app.faces.checkin import PROMPT_LOOK, Verdict
from app.i18n import N_, _
from app.sync.engine import ConnectionState
from app.sync.faces import EVENT_KIND, KioskGallery, kiosk_face_settings
from app.sync.kiosk import KioskDesk, KioskOutcome
from app.sync.session import ChamberSession
from ui import format as fmt
from ui.bridge import ChangeBatch, EventBridge
from ui.language import Translatable, install_language_support, qt_locale, switch_language
from ui.tasks import TaskRunner
from ui.views.faces.enrol_dialog import EnrolDialog
from ui.views.kiosk_camera import CameraWorker
from ui.views.kiosk_enrol import KioskEnrolSignIn
from ui.widgets.avatar import avatar
from ui.widgets.common import StatusPill, hbox, icon_label, label, vbox
from ui.widgets.connection_badge import ConnectionBadge
from ui.widgets.language_switch import LanguageSwitch
from ui.widgets.icons import pixmap

_NOT_SHOWN = {MeetingStatus.DRAFT.value, MeetingStatus.CANCELLED.value}
VIEW_SIZE = QSize(560, 420)
HOLD_MS = 4000  # how long a confirmation stays before the next person's prompt
AVATAR_PX = 132

TONES = {  # card background, border
    "neutral": ("#17385a", "#2b527a"),
    "ok": ("#15803d", "#4ade80"),
    "info": ("#0e5e7a", "#38bdf8"),
    "warn": ("#8a4b0b", "#fbbf24"),
}
SEE_DESK = N_("Please see the secretariat at the desk")


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
    outcome_shown = Signal(object)  # KioskOutcome: what the screen just announced (tests, logs)

    def __init__(self, session: ChamberSession, tasks: TaskRunner, *, camera: str = "0", start: bool = True, paced: bool | None = None,
                 face_settings: FaceSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("Kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.session = session
        self.tasks = tasks
        self.camera = camera
        # A file or folder plays at its own frame rate, as a camera would deliver it.
        self.paced = (not camera.strip().isdigit()) if paced is None else paced
        self.face_settings = face_settings
        self.kind = "none"
        self.meeting: dict[str, Any] | None = None
        self._closed = False
        self.desk = KioskDesk(session)
        self.gallery_store = KioskGallery(session)
        self.gallery: Gallery | None = None
        self.gallery_fresh = False
        self.worker: CameraWorker | None = None
        self.camera_error: ChamberError | None = None
        self.camera_ended = False
        self.outcome: KioskOutcome | None = None
        self.verdict: Verdict | None = None
        self.frames_seen = 0
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
        self.badge = ConnectionBadge()
        self.language = LanguageSwitch(dark=True)
        self.language.language_chosen.connect(lambda lang: switch_language(lang, session.profile))
        self.exit_hint = label("KioskSmall")

        # The camera view: the picture with the face box, or a plain panel saying why not.
        self.view = QLabel()
        self.view.setObjectName("KioskCamera")
        self.view.setFixedSize(VIEW_SIZE)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setWordWrap(True)
        self.view.setStyleSheet("QLabel#KioskCamera { background: #081a2c; border: 1px solid #2b527a; border-radius: 16px; color: #9fb3c8; font-size: 15pt; padding: 24px; }")

        # The card: prompt, or the confirmation.
        self.card = QFrame()
        self.card.setObjectName("KioskCard")
        self.card_icon = QLabel()
        self.card_icon.setFixedSize(72, 72)
        self.card_avatar = QLabel()  # the person's photo or initials, on a welcome
        self.card_avatar.setObjectName("KioskAvatar")
        self.card_avatar.setFixedSize(AVATAR_PX, AVATAR_PX)
        self.card_avatar.hide()
        self.card_seat = label("KioskCardSeat")
        self.card_seat.hide()
        self.card_eyebrow = label("KioskCardEyebrow", wrap=True)
        self.card_title = label("KioskCardTitle", wrap=True)
        self.card_text = label("KioskCardText", wrap=True)
        self.card_note = label("KioskCardNote", wrap=True)
        card_layout = vbox(self.card, margins=(36, 32, 36, 32), spacing=14)
        head = hbox(spacing=18)
        head.addWidget(self.card_icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.card_avatar, 0, Qt.AlignmentFlag.AlignTop)
        head.addStretch(1)
        card_layout.addLayout(head)
        card_layout.addWidget(self.card_eyebrow)
        card_layout.addWidget(self.card_title)
        card_layout.addWidget(self.card_text)
        card_layout.addWidget(self.card_seat, 0, Qt.AlignmentFlag.AlignLeft)
        card_layout.addStretch(1)
        card_layout.addWidget(self.card_note)

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

        meeting = vbox(spacing=8)
        eyebrow_row = hbox(spacing=14)
        eyebrow_row.addWidget(self.eyebrow)
        eyebrow_row.addWidget(self.pill)
        eyebrow_row.addStretch(1)
        meeting.addLayout(eyebrow_row)
        meeting.addWidget(self.title)
        facts = hbox(spacing=28)
        for icon_name, widget in (("clock", self.when), ("map-pin", self.where)):
            row = hbox(spacing=10)
            row.addWidget(icon_label(icon_name, "#5eead4", 22), 0, Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(widget, 1)
            facts.addLayout(row, 1)
        meeting.addLayout(facts)

        door = hbox(spacing=28)
        door.addWidget(self.view, 0, Qt.AlignmentFlag.AlignTop)
        door.addWidget(self.card, 1)

        footer = hbox(spacing=14)
        footer.addWidget(self.badge)
        footer.addStretch(1)
        footer.addWidget(self.exit_hint)
        footer.addWidget(self.language)

        layout = vbox(self, margins=(48, 32, 48, 24), spacing=0)
        layout.addLayout(top)
        layout.addSpacing(18)
        layout.addLayout(meeting)
        layout.addSpacing(22)
        layout.addLayout(door, 1)
        layout.addSpacing(18)
        layout.addLayout(footer)
        self.setStyleSheet(
            "QLabel#KioskCardEyebrow { font-size: 13pt; font-weight: bold; color: #d1fae5; letter-spacing: 2px; }"
            "QLabel#KioskCardTitle { font-size: 34pt; font-weight: bold; color: #ffffff; }"
            "QLabel#KioskCardText { font-size: 19pt; color: #f0f6fc; }"
            "QLabel#KioskCardNote { font-size: 17pt; font-weight: bold; color: #f0f6fc; }"
            "QLabel#KioskCardSeat { font-size: 22pt; font-weight: bold; color: #14532d; background: #dcfce7; border-radius: 12px; padding: 6px 18px; }"
        )

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.hold = QTimer(self)
        self.hold.setSingleShot(True)
        self.hold.setInterval(HOLD_MS)
        self.hold.timeout.connect(self._release)
        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.close)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.open_enrolment)
        self.enrol_sign_in: KioskEnrolSignIn | None = None
        self.enrol_dialog: EnrolDialog | None = None
        self.resize(1280, 800)
        self._last_minute = -1
        self.retranslate()
        if start:
            session.start()
        self._refresh_gallery()

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Chamber — check-in kiosk"))
        council = next((b for b in self.session.list_bodies() if b.get("kind") == "council"), None)
        self.council.setText(council["name"] if council else self.session.server.name)
        self.place.setText(self.session.display_name)
        self.exit_hint.setText(_("Ctrl+Q closes the kiosk") + "  ·  " + _("Ctrl+E: face enrolment (secretariat)"))
        self.refresh()
        self._tick()
        self._show_card()
        if self.camera_error is not None or self.camera_ended or self.worker is None:
            self._show_view_message()

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

    @property
    def meeting_id(self) -> str | None:
        """The meeting a face check-in goes to: only one that is today."""
        return self.meeting["id"] if self.kind == "today" and self.meeting else None

    # --- the gallery and the camera -----------------------------------------------------------------
    def _refresh_gallery(self) -> None:
        if not self._closed:
            self.tasks.run(self.gallery_store.refresh, on_done=self._gallery_ready, key=f"kiosk-gallery-{id(self)}")

    def _gallery_ready(self, result: tuple[Gallery, bool]) -> None:
        if self._closed:
            return
        self.gallery, self.gallery_fresh = result
        if self.worker is None and self.camera_error is None:
            self._start_camera()
        elif self.worker is not None:
            self.worker.set_gallery(self.gallery)
        self._show_card()

    def _start_camera(self) -> None:
        settings = self.face_settings
        if settings is None:
            try:
                settings = kiosk_face_settings(self.session)
            except ChamberError as err:
                self._camera_failed(err)
                return
        self.worker = CameraWorker(self.camera, self.gallery or Gallery(), settings, view_size=VIEW_SIZE, paced=self.paced, parent=self)
        self.worker.frame_ready.connect(self.on_frame)
        self.worker.failed.connect(self._camera_failed)
        self.worker.ended.connect(self._camera_ended)
        self.worker.start()

    def on_frame(self, image: QImage, verdict: Verdict) -> None:
        if self._closed:
            return
        self.frames_seen += 1
        self.view.setPixmap(QPixmap.fromImage(image))
        self.verdict = verdict
        outcome = self.desk.handle(self.meeting_id, verdict)
        if outcome is not None:
            self.outcome = outcome
            self.hold.start()
        self._show_card()
        if outcome is not None:
            self.outcome_shown.emit(outcome)

    def _camera_failed(self, error: ChamberError) -> None:
        self.camera_error = error
        self._show_view_message()
        self._show_card()

    def _camera_ended(self) -> None:
        self.camera_ended = True
        self._show_view_message()
        self._show_card()

    def _release(self) -> None:
        self.outcome = None
        self._show_card()

    # --- enrolment at the kiosk (secretariat) ---------------------------------------------------------
    def open_enrolment(self) -> KioskEnrolSignIn | None:
        """Ctrl+E: a secretary signs in and chooses the person; then the enrolment dialog on this camera."""
        if self._closed or self.enrol_sign_in is not None or self.enrol_dialog is not None:
            return None
        dialog = KioskEnrolSignIn(self.session.server, self.session.list_persons(), self.tasks, self)
        dialog.finished.connect(lambda result: self._signed_in(dialog, result))
        self.enrol_sign_in = dialog
        dialog.open()
        return dialog

    def _signed_in(self, dialog: KioskEnrolSignIn, result: int) -> None:
        self.enrol_sign_in = None
        if result != KioskEnrolSignIn.DialogCode.Accepted or dialog.staff is None or dialog.person is None:
            return
        staff = dialog.staff
        if self.worker is not None:  # one reader of the camera at a time: recognition pauses
            worker, self.worker = self.worker, None
            worker.stop()
        self.view.setPixmap(QPixmap())
        self.view.setText(_("The camera is used for a face enrolment."))
        # Its own window, not a child: the kiosk's dark theme (QWidget#Kiosk QLabel) must not reach it.
        enrol = EnrolDialog(staff, self.tasks, dialog.person, camera=self.camera)
        enrol.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)  # above a full-screen kiosk
        enrol.finished.connect(lambda _result: self._enrolment_closed(staff))
        self.enrol_dialog = enrol
        enrol.open()

    def _enrolment_closed(self, staff) -> None:  # noqa: ANN001 - app.kiosk_enrol.StaffLogin
        self.enrol_dialog = None
        self.tasks.run(staff.close, key=f"kiosk-enrol-logout-{id(staff)}")  # the secretary's login ends here
        if not self._closed:
            self.camera_error, self.camera_ended = None, False
            self._start_camera()
            if self.worker is not None:
                self.view.setText(_("Starting the camera…"))
            self._show_card()

    # --- what the screen says ---------------------------------------------------------------------
    def _show_view_message(self) -> None:
        if self.camera_error is not None:
            self.view.setPixmap(QPixmap())
            self.view.setText(_("No camera picture.") + "\n\n" + self.camera_error.user_message())
        elif self.camera_ended:
            self.view.setPixmap(QPixmap())
            self.view.setText(_("The camera stream has ended (%(camera)s).") % {"camera": describe_camera(self.camera)})
        elif self.worker is None:
            self.view.setText(_("Starting the camera…"))

    def _set_card(self, tone: str, icon: str, eyebrow: str, title: str, text: str = "", note: str = "", person: dict[str, Any] | None = None) -> None:
        background, border = TONES[tone]
        self.card.setProperty("tone", tone)
        self.card.setStyleSheet(f"QFrame#KioskCard {{ background: {background}; border: 2px solid {border}; border-radius: 20px; }}")
        self.card_icon.setPixmap(pixmap(icon, "#ffffff", 72))
        # A welcome shows who: the photo (kept photos only) or initials in a circle, and the seat.
        self.card_avatar.setVisible(person is not None)
        self.card_icon.setVisible(person is None)
        if person is not None:
            photo = self.gallery_store.photo(person.get("id", ""))
            self.card_avatar.setPixmap(avatar(person.get("full_name") or "?", photo, AVATAR_PX, fill=border if tone != "ok" else "#166534"))
            self.card_avatar.setProperty("photo", photo is not None)
        seat = (person or {}).get("seat") or ""
        self.card_seat.setText(_("Seat %(seat)s") % {"seat": seat} if seat else "")
        self.card_seat.setVisible(bool(seat))
        self.card_eyebrow.setText(eyebrow)
        self.card_eyebrow.setVisible(bool(eyebrow))
        self.card_title.setText(title)
        self.card_text.setText(text)
        self.card_text.setVisible(bool(text))
        self.card_note.setText(note)
        self.card_note.setVisible(bool(note))

    def _person_lines(self, person: dict[str, Any] | None) -> str:
        if not person:
            return ""
        return "\n".join(x for x in (person.get("title"), person.get("unit")) if x)

    def _show_card(self) -> None:
        o = self.outcome
        if o is not None and o.kind == "checked_in":
            name = (o.person or {}).get("full_name") or "?"
            when = fmt.time_only(o.at)
            note = _("Checked in at %(time)s") % {"time": when} if when else _("Checked in")
            self._set_card("ok", "check", _("WELCOME"), name, self._person_lines(o.person), note, person=o.person or {"full_name": name})
            return
        if o is not None and o.kind == "already":
            name = (o.person or {}).get("full_name") or "?"
            when = fmt.time_only(o.at)
            self._set_card("info", "check", _("ALREADY CHECKED IN"), name, self._person_lines(o.person),
                           _("You were checked in at %(time)s. No need to check in again.") % {"time": when} if when else _("No need to check in again."),
                           person=o.person or {"full_name": name})
            return
        if o is not None and o.kind == "no_meeting":
            self._set_card("warn", "calendar", _("NO MEETING TODAY"), (o.person or {}).get("full_name") or "", _("There is no meeting to check in to today."), _(SEE_DESK))
            return
        if o is not None:  # manual
            reason = o.error.user_message() if o.error is not None else (_(o.reason) if o.reason else "")
            self._set_card("warn", "user", _("MANUAL CHECK-IN"), _(SEE_DESK), reason)
            return
        if self.camera_error is not None or self.camera_ended:
            self._set_card("warn", "camera", _("FACE CHECK-IN UNAVAILABLE"), _(SEE_DESK),
                           _("The camera cannot be used, so this kiosk cannot check anybody in by face right now."))
            return
        if self.gallery is not None and len(self.gallery) == 0:
            self._set_card("neutral", "users", _("FACE CHECK-IN"), _(SEE_DESK), _("Nobody is enrolled for face check-in yet."))
            return
        prompt = (self.verdict.prompt if self.verdict is not None and self.verdict.prompt else PROMPT_LOOK)
        note = "" if self.meeting_id else _("There is no meeting today: the kiosk recognises people but checks nobody in.")
        if self.gallery is not None and not self.gallery_fresh:
            note = (note + "\n" if note else "") + _("Offline: using the faces saved on this kiosk.")
        self._set_card("neutral", "camera", _("FACE CHECK-IN"), _(prompt), _("Stand in front of the camera, about one step away."), note)

    # --- events -----------------------------------------------------------------------------------
    def on_changes(self, batch: ChangeBatch) -> None:
        if self._closed:
            return
        if batch.touches("meeting") or batch.touches("directory"):
            self.refresh()
        if batch.touches(EVENT_KIND):
            self._refresh_gallery()  # somebody enrolled or withdrew
        if batch.touches("connection"):
            self.badge.set_state(self.session.state)
            if self.session.state == ConnectionState.ONLINE and not self.gallery_fresh:
                self._refresh_gallery()
            if self.session.state == ConnectionState.SESSION_EXPIRED:
                self.login_again_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self.timer.stop()
            self.hold.stop()
            self.bridge.close()
            if self.enrol_dialog is not None:
                self.enrol_dialog.reject()  # frees the camera and ends the secretary's login
            if self.worker is not None:
                self.worker.stop()
            # Stopping the sync thread may wait for a network call to time out: not on the GUI thread.
            self.tasks.run(self.session.close, key=f"close-{id(self)}")
        super().closeEvent(event)

