"""EnrolDialog: the secretariat's face data screen for one person. Consent first (the text, its
version, who records it); then 1–5 photo files, each shown with the server's verdict (accepted, or
the reason: no face, too dark, possible duplicate of somebody else...); and deleting the face data
on request (withdrawal of consent), after a confirmation.

Every call goes to the server (app/sync/faces.py) on the TaskRunner: the photos are checked there
against everyone already enrolled, which takes a few tenths of a second a photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QFrame, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QWidget

from app.i18n import N_, _
from app.sync import faces as face_calls
from app.sync.faces import MAX_PHOTOS
from ui import format as fmt
from ui.feedback import error_text
from ui.language import Translatable
from ui.tasks import TaskRunner
from ui.widgets.common import Banner, button, hbox, label, vbox

CONSENT_VERSION = "2026-01"
CONSENT_TEXT = N_(
    "I agree that the council office keeps an encoding of my face, made from the photos I give, to check me in at the chamber door. "
    "The encoding is stored encrypted; my photos are not kept unless the administrator has chosen so. Every access is logged. "
    "I can withdraw this consent at any time: my face data are then deleted, and I check in with the secretariat."
)
THUMB = QSize(88, 88)
PHOTO_FILTER = N_("Photos (*.jpg *.jpeg *.png *.webp *.bmp)")


def thumbnail(path: Path) -> QPixmap:
    """A small preview, decoded at thumbnail size (not the whole photo)."""
    reader = QImageReader(str(path))
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

    def __init__(self, session, tasks: TaskRunner, person: dict[str, Any], parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.setObjectName("EnrolDialog")
        self.setModal(True)
        self.setMinimumWidth(720)
        self.session = session
        self.tasks = tasks
        self.person = person
        self.status: dict[str, Any] | None = None
        self.photos: list[Path] = []
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
        layout.addWidget(self.list, 1)
        actions = hbox(spacing=10)
        actions.addWidget(self.choose_button)
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
        self.resize(780, 800)
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
        for widget in (self.choose_button, self.clear_button, self.list):
            widget.setEnabled(idle and self.has_consent)
        self.enrol_button.setEnabled(idle and self.has_consent and bool(self.photos) and self.results is None)
        self.erase_button.setEnabled(idle and (self.has_consent or bool(self.status and self.status.get("photos"))))

    # --- photos -----------------------------------------------------------------------------------
    def choose_photos(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Choose photos"), str(Path.home()), _(PHOTO_FILTER))
        if paths:
            self.set_photos([Path(p) for p in paths])

    def set_photos(self, paths: Sequence[Path]) -> None:
        if len(paths) > MAX_PHOTOS:
            self._error(_("Choose between 1 and %(limit)d photos of the person.") % {"limit": MAX_PHOTOS})
            paths = list(paths)[:MAX_PHOTOS]
        self.photos = [Path(p) for p in paths]
        self.results = None
        self._fill_list()
        self._update()

    def _fill_list(self) -> None:
        self.list.clear()
        for index, path in enumerate(self.photos):
            result = self.results[index] if self.results and index < len(self.results) else None
            if result is None:
                verdict = _("Not checked yet")
            elif result.get("ok"):
                verdict = "✓ " + _("Photo accepted")
            else:
                verdict = "✗ " + (result.get("message") or result.get("error") or "")
            item = QListWidgetItem(thumbnail(path), f"{path.name}\n{verdict}")
            item.setData(Qt.ItemDataRole.UserRole, result)
            if result is not None:
                item.setForeground(Qt.GlobalColor.darkGreen if result.get("ok") else Qt.GlobalColor.darkRed)
            item.setSizeHint(QSize(0, THUMB.height() + 12))
            self.list.addItem(item)

    def photo_verdicts(self) -> list[str]:
        return [self.list.item(i).text().split("\n", 1)[1] for i in range(self.list.count())]

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
        pid, photos = self.person["id"], list(self.photos)

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
