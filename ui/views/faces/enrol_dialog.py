"""EnrolDialog: the secretariat's face data screen for one person. Consent first (the text, its
version, who records it); then 1–5 photos — files, or frames taken with a camera shown live in the
dialog (the kiosk's OpenCV sources: a device index, a video file, a folder of frames) — each shown
with its verdict (accepted, or the reason: no face, too dark, possible duplicate of somebody
else...); and deleting the face data on request (withdrawal of consent), after a confirmation.

Every call goes to the server (app/sync/faces.py) on the TaskRunner: the photos are checked there
against everyone already enrolled, which takes a few tenths of a second a photo. A camera capture
is also checked here first (app/faces/capture.py, on the TaskRunner); the camera is read on its own
thread (camera_preview.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QBuffer, QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QWidget

from app.errors import ChamberError
from app.faces.capture import CapturedPhoto, capture_photo

from app.i18n import N_, _
from app.sync import faces as face_calls
from app.sync.faces import MAX_PHOTOS
from ui import format as fmt
from ui.feedback import error_text
from ui.language import Translatable
from ui.tasks import TaskRunner
from ui.widgets.common import Banner, button, hbox, label, vbox
from ui.views.faces.camera_preview import CameraPreview

CONSENT_VERSION = "2026-01"
CONSENT_TEXT = N_(
    "I agree that the council office keeps an encoding of my face, made from the photos I give, to check me in at the chamber door. "
    "The encoding is stored encrypted; my photos are not kept unless the administrator has chosen so. Every access is logged. "
    "I can withdraw this consent at any time: my face data are then deleted, and I check in with the secretariat."
)
THUMB = QSize(88, 88)
PHOTO_FILTER = N_("Photos (*.jpg *.jpeg *.png *.webp *.bmp)")
PREVIEW = QSize(400, 300)

Photo = Path | CapturedPhoto


def thumbnail(source: Path | bytes) -> QPixmap:
    """A small preview, decoded at thumbnail size (not the whole photo): a file or JPEG bytes."""
    if isinstance(source, bytes):
        buffer = QBuffer()
        buffer.setData(QByteArray(source))
        buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
    else:
        reader = QImageReader(str(source))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    square = QPixmap(THUMB)  # every row's picture the same width, so the texts line up
    square.fill(Qt.GlobalColor.transparent)
    if not image.isNull():
        painter = QPainter(square)
        painter.drawImage((THUMB.width() - image.width()) // 2, (THUMB.height() - image.height()) // 2, image)
        painter.end()
    return square


class EnrolDialog(Translatable, QDialog):
    changed = Signal(str)  # person id: consent or face data changed

    def __init__(self, session, tasks: TaskRunner, person: dict[str, Any], parent: QWidget | None = None, *,  # noqa: ANN001 - ChamberSession
                 camera: str = "0") -> None:
        super().__init__(parent)
        self.setObjectName("EnrolDialog")
        self.setModal(True)
        self.setMinimumWidth(720)
        self.session = session
        self.tasks = tasks
        self.person = person
        self.status: dict[str, Any] | None = None
        self.photos: list[Photo] = []
        self.preview: CameraPreview | None = None
        self.camera_error: ChamberError | None = None
        self.camera_ended = False
        self.has_frame = False  # Capture waits for the first picture
        self.capturing = False
        self._captures = 0
        self.results: list[dict[str, Any]] | None = None
        self.busy = False

        self.heading = label("PageTitle", wrap=True)
        self.status_label = label("", wrap=True)
        self.banner = Banner("error")
        self.banner.hide()

        # 1. Consent.
        self.consent_box = QFrame()
        self.consent_box.setObjectName("Card")
        self.consent_title = label("SectionTitle")
        self.consent_text = label("", wrap=True)
        self.version_label = label("Muted")
        self.version = QLineEdit(CONSENT_VERSION)
        self.version.setMaximumWidth(160)
        self.recorder = label("Muted", wrap=True)
        self.agreed = QCheckBox()
        self.consent_button = button(variant="primary", icon_name="shield", on_click=self.record_consent)
        self.agreed.toggled.connect(lambda _checked: self._update())
        consent = vbox(self.consent_box, margins=(18, 16, 18, 16), spacing=10)
        consent.addWidget(self.consent_title)
        consent.addWidget(self.consent_text)
        row = hbox(spacing=10)
        row.addWidget(self.version_label)
        row.addWidget(self.version)
        row.addStretch(1)
        consent.addLayout(row)
        consent.addWidget(self.recorder)
        consent.addWidget(self.agreed)
        consent.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignLeft)

        # 2. Photos.
        self.photos_title = label("SectionTitle")
        self.photos_hint = label("Muted", wrap=True)
        self.list = QListWidget()
        self.list.setObjectName("EnrolPhotos")
        self.list.setIconSize(THUMB)
        self.list.setMinimumHeight(200)
        self.list.setWordWrap(True)
        self.choose_button = button(variant="tool", icon_name="plus", on_click=self.choose_photos)
        self.clear_button = button(variant="link", on_click=lambda: self.set_photos([]))
        self.enrol_button = button(variant="primary", icon_name="check", on_click=self.enrol)
        self.camera_button = button(variant="tool", icon_name="camera", on_click=self.toggle_camera)

        # The camera: a source field, the live picture and Capture (shown once started).
        self.camera_label = label("Muted")
        self.camera_field = QLineEdit(camera)
        self.camera_field.setObjectName("EnrolCameraSource")
        self.camera_field.setMaximumWidth(260)
        self.camera_view = QLabel()
        self.camera_view.setObjectName("EnrolCameraView")
        self.camera_view.setFixedSize(PREVIEW)
        self.camera_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_view.setWordWrap(True)
        self.camera_view.setStyleSheet("QLabel#EnrolCameraView { background: #0f172a; color: #cbd5e1; border-radius: 10px; padding: 12px; }")
        self.capture_button = button(variant="primary", icon_name="camera", on_click=self.capture)
        self.capture_hint = label("Muted", wrap=True)
        self.camera_box = QFrame()
        camera_layout = hbox(self.camera_box, spacing=14)
        camera_layout.addWidget(self.camera_view, 0, Qt.AlignmentFlag.AlignTop)
        camera_side = vbox(spacing=10)
        camera_side.addWidget(self.capture_hint)
        camera_side.addWidget(self.capture_button, 0, Qt.AlignmentFlag.AlignLeft)
        camera_side.addStretch(1)
        camera_layout.addLayout(camera_side, 1)
        self.camera_box.hide()

        # 3. Deletion.
        self.erase_button = button(variant="danger", icon_name="trash", on_click=lambda: self.erase())
        self.close_button = button(on_click=self.accept)

        layout = vbox(self, margins=(24, 22, 24, 18), spacing=12)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.consent_box)
        layout.addWidget(self.photos_title)
        layout.addWidget(self.photos_hint)
        layout.addWidget(self.camera_box)
        layout.addWidget(self.list, 1)
        actions = hbox(spacing=10)
        actions.addWidget(self.choose_button)
        actions.addWidget(self.camera_button)
        actions.addWidget(self.camera_label)
        actions.addWidget(self.camera_field)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        actions.addWidget(self.enrol_button)
        layout.addLayout(actions)
        footer = hbox(spacing=10)
        footer.addWidget(self.erase_button)
        footer.addStretch(1)
        footer.addWidget(self.close_button)
        layout.addSpacing(6)
        layout.addLayout(footer)
        self.resize(820, 900)
        self.retranslate()
        self.load_status()

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Face check-in"))
        self.heading.setText(_("Face check-in: %(name)s") % {"name": self.person.get("full_name", "")})
        self.consent_title.setText(_("1. Consent"))
        self.consent_text.setText(_(CONSENT_TEXT))
        self.version_label.setText(_("Version of the consent text"))
        self.recorder.setText(_("Recorded by %(name)s, now.") % {"name": self.session.display_name})
        self.agreed.setText(_("The person has read this text and agrees"))
        self.consent_button.setText(_("Record consent"))
        self.photos_title.setText(_("2. Photos"))
        self.photos_hint.setText(_("Choose 1 to %(limit)d clear photos of the face alone, facing the camera, eyes open. Each is checked on the server.")
                                 % {"limit": MAX_PHOTOS})
        self.choose_button.setText(_("Choose photos…"))
        self.retranslate_camera_button()
        self.camera_label.setText(_("Camera"))
        self.camera_field.setToolTip(_("A camera number (0 is the first camera), a video file or a folder of frames"))
        self.capture_button.setText(_("Capture"))
        self.capture_hint.setText(_("Ask the person to look at the camera, eyes open, face alone in the picture, then Capture. "
                                    "Each capture is checked at once; take 1 to %(limit)d.") % {"limit": MAX_PHOTOS})
        self._show_camera_message()
        self.clear_button.setText(_("Clear"))
        self.enrol_button.setText(_("Enrol"))
        self.erase_button.setText(_("Delete face data…"))
        self.close_button.setText(_("Close"))
        self._show_status()
        self._fill_list()

    def _show_status(self) -> None:
        s = self.status
        if s is None:
            self.status_label.setText(_("Loading…"))
            return
        c = s.get("consent")
        if c:
            text = _("Consent in force since %(date)s (text version %(version)s, recorded by %(by)s).") % {
                "date": fmt.date_time(c.get("given_at")), "version": c.get("text_version", ""), "by": c.get("given_by_name") or "?"}
        else:
            text = _("No consent in force: this person can only be checked in by hand.")
        if s.get("photos"):
            text += " " + _("%(count)d photos enrolled.") % {"count": s["photos"]}
        else:
            text += " " + _("No face data.")
        self.status_label.setText(text)
        self._update()

    @property
    def has_consent(self) -> bool:
        return bool(self.status and self.status.get("consent"))

    def _update(self) -> None:
        idle = not self.busy and self.status is not None
        self.consent_box.setVisible(not self.has_consent)
        self.consent_button.setEnabled(idle and self.agreed.isChecked() and bool(self.version.text().strip()))
        for widget in (self.choose_button, self.clear_button, self.list, self.camera_button):
            widget.setEnabled(idle and self.has_consent)
        self.camera_field.setEnabled(idle and self.has_consent and self.preview is None)
        room = len(self.photos) < MAX_PHOTOS or self.results is not None  # after an enrolment a capture starts a new set
        self.capture_button.setEnabled(idle and self.has_consent and self.preview is not None and self.camera_error is None
                                       and self.has_frame and not self.capturing and room)
        self.enrol_button.setEnabled(idle and self.has_consent and bool(self.photos) and self.results is None)
        self.erase_button.setEnabled(idle and (self.has_consent or bool(self.status and self.status.get("photos"))))

    # --- photos -----------------------------------------------------------------------------------
    def choose_photos(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Choose photos"), str(Path.home()), _(PHOTO_FILTER))
        if paths:
            self.set_photos([Path(p) for p in paths])

    def set_photos(self, paths: Sequence[Photo]) -> None:
        if len(paths) > MAX_PHOTOS:
            self._error(_("Choose between 1 and %(limit)d photos of the person.") % {"limit": MAX_PHOTOS})
            paths = list(paths)[:MAX_PHOTOS]
        self.photos = [p if isinstance(p, CapturedPhoto) else Path(p) for p in paths]
        self.results = None
        self._fill_list()
        self._update()

    def _fill_list(self) -> None:
        self.list.clear()
        for index, photo in enumerate(self.photos):
            result = self.results[index] if self.results and index < len(self.results) else None
            if result is None and isinstance(photo, CapturedPhoto):  # checked here when taken; the server checks again
                result_ok = photo.ok
                verdict = ("✓ " + _("Looks good (checked here; the server checks again)")) if photo.ok else "✗ " + photo.problem.user_message()
            elif result is None:
                result_ok = None
                verdict = _("Not checked yet")
            else:
                result_ok = bool(result.get("ok"))
                verdict = ("✓ " + _("Photo accepted")) if result_ok else "✗ " + (result.get("message") or result.get("error") or "")
            if isinstance(photo, CapturedPhoto):
                picture, name = thumbnail(photo.jpeg), _("Camera capture %(number)s") % {"number": photo.name.removeprefix("capture-").removesuffix(".jpg")}
            else:
                picture, name = thumbnail(photo), photo.name
            item = QListWidgetItem(picture, f"{name}\n{verdict}")
            item.setData(Qt.ItemDataRole.UserRole, result)
            if result_ok is not None:
                item.setForeground(Qt.GlobalColor.darkGreen if result_ok else Qt.GlobalColor.darkRed)
            item.setSizeHint(QSize(0, THUMB.height() + 12))
            self.list.addItem(item)

    def photo_verdicts(self) -> list[str]:
        return [self.list.item(i).text().split("\n", 1)[1] for i in range(self.list.count())]

    # --- the camera -----------------------------------------------------------------------------------
    def toggle_camera(self) -> None:
        if self.preview is not None:
            self.stop_camera()
        else:
            self.start_camera()

    def start_camera(self) -> None:
        source = self.camera_field.text().strip() or "0"
        self.camera_error = None
        self.camera_ended = False
        self.has_frame = False
        self.camera_view.setPixmap(QPixmap())
        self.preview = CameraPreview(source, view_size=PREVIEW, parent=self)
        self.preview.frame_ready.connect(self._on_frame)
        self.preview.failed.connect(self._camera_failed)
        self.preview.ended.connect(self._camera_ended)
        self.camera_box.show()
        self._show_camera_message()
        self.retranslate_camera_button()
        self.preview.start()
        self._update()

    def stop_camera(self) -> None:
        if self.preview is not None:
            preview, self.preview = self.preview, None
            preview.stop()
        self.camera_box.hide()
        self.retranslate_camera_button()
        self._update()

    def retranslate_camera_button(self) -> None:
        self.camera_button.setText(_("Stop the camera") if self.preview is not None else _("Take photos with the camera"))

    def _on_frame(self, image: QImage) -> None:
        if self.preview is not None:
            self.camera_view.setPixmap(QPixmap.fromImage(image))
            if not self.has_frame:
                self.has_frame = True
                self._update()

    def _camera_failed(self, error: ChamberError) -> None:
        self.camera_error = error
        self._show_camera_message()
        self._update()

    def _camera_ended(self) -> None:
        self.camera_ended = True  # a file or folder: its last frame stays on screen and can be captured

    def _show_camera_message(self) -> None:
        if self.preview is None:
            return
        if self.camera_error is not None:
            self.camera_view.setPixmap(QPixmap())
            self.camera_view.setText(_("No camera picture.") + "\n\n" + self.camera_error.user_message())
        elif self.camera_view.pixmap().isNull():
            self.camera_view.setText(_("Starting the camera…"))

    def capture(self) -> None:
        """The frame on screen becomes a photo: checked on the TaskRunner, then listed with its verdict."""
        frame = self.preview.latest() if self.preview is not None else None
        if frame is None or self.capturing:
            return
        if self.results is not None:  # the listed photos were sent already: a new capture starts a new set
            self.set_photos([])
        if len(self.photos) >= MAX_PHOTOS:
            self._error(_("Choose between 1 and %(limit)d photos of the person.") % {"limit": MAX_PHOTOS})
            return
        self._captures += 1
        name = f"capture-{self._captures}.jpg"
        self.capturing = True
        self._update()
        self.tasks.run(lambda: capture_photo(frame, name), on_done=self._captured, on_error=self._capture_failed)

    def _captured(self, photo: CapturedPhoto) -> None:
        self.capturing = False
        self.set_photos([*self.photos, photo])

    def _capture_failed(self, error: BaseException) -> None:
        self.capturing = False
        self._error(error_text(error))
        self._update()

    def done(self, result: int) -> None:  # noqa: D102 - every way out of the dialog frees the camera
        self.stop_camera()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.stop_camera()
        super().closeEvent(event)

    # --- server calls (off the GUI thread) -----------------------------------------------------------
    def _run(self, fn, on_done) -> None:  # noqa: ANN001
        self.busy = True
        self.banner.hide()
        self._update()
        self.tasks.run(fn, on_done=lambda result: self._finish(on_done, result), on_error=self._failed)

    def _finish(self, on_done, result: Any) -> None:  # noqa: ANN001
        self.busy = False
        on_done(result)
        self._update()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._error(error_text(error))
        self._update()

    def _error(self, text: str) -> None:
        self.banner.show_message(text, "error")
        self.banner.show()

    def load_status(self) -> None:
        pid = self.person["id"]
        self._run(lambda: face_calls.face_data(self.session, pid), self._status_loaded)

    def _status_loaded(self, status: dict[str, Any]) -> None:
        self.status = status
        self._show_status()

    def record_consent(self) -> None:
        pid, version = self.person["id"], self.version.text().strip()
        self._run(lambda: (face_calls.record_consent(self.session, pid, version), face_calls.face_data(self.session, pid))[1], self._consent_recorded)

    def _consent_recorded(self, status: dict[str, Any]) -> None:
        self._status_loaded(status)
        self.changed.emit(self.person["id"])

    def enrol(self) -> None:
        pid = self.person["id"]
        photos = [(p.name, p.jpeg) if isinstance(p, CapturedPhoto) else p for p in self.photos]

        def work() -> tuple[dict[str, Any], dict[str, Any]]:
            return face_calls.enrol(self.session, pid, photos), face_calls.face_data(self.session, pid)

        self._run(work, self._enrolled)

    def _enrolled(self, result: tuple[dict[str, Any], dict[str, Any]]) -> None:
        answer, status = result
        self.results = answer.get("results") or []
        self.status = status
        self._fill_list()
        self._show_status()
        if answer.get("enrolled"):
            self.changed.emit(self.person["id"])

    def erase(self, *, confirm: bool = True) -> None:
        if confirm:
            asked = QMessageBox.question(self, _("Delete face data"),
                                         _("Delete all face data of %(name)s and record that the consent was withdrawn? This cannot be undone.") % {
                                             "name": self.person.get("full_name", "")})
            if asked != QMessageBox.StandardButton.Yes:
                return
        pid = self.person["id"]
        self._run(lambda: (face_calls.erase_face_data(self.session, pid), face_calls.face_data(self.session, pid))[1], self._erased)

    def _erased(self, status: dict[str, Any]) -> None:
        self.set_photos([])
        self.agreed.setChecked(False)
        self._status_loaded(status)
        self.changed.emit(self.person["id"])
