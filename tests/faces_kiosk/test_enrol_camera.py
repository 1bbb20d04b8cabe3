"""Enrolment live from a camera in the secretariat's dialog (pytest-qt, offscreen, real server): a
folder of frames made here from the real photos (never copied into the repo) plays as the camera,
two captures are checked at once and listed with their verdicts, Enrol sends them as JPEG and the
person is in the server's gallery; a source that does not exist is said so, without a crash."""

from __future__ import annotations

import cv2
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.faces import EncodingCipher
from app.faces.capture import CapturedPhoto, capture_photo
from app.faces.errors import NoFaceError
from app.i18n import _
from app.services.faces import stored_gallery
from app.storage.models import FaceEnrolment
from app.sync.session import ChamberSession
from ui.views.faces.enrol_dialog import EnrolDialog

WAIT = 60_000


def test_capture_photo_checks_a_frame_like_a_photo_file(frame_of, scenes) -> None:  # noqa: ANN001
    good = capture_photo(frame_of("scarlett/1.jpg"), "capture-1.jpg")
    assert good.ok and good.jpeg[:2] == b"\xff\xd8"  # a JPEG for the server
    empty = capture_photo(scenes.nobody(1)[0], "capture-2.jpg")
    assert not empty.ok and isinstance(empty.problem, NoFaceError)


def _consented_dialog(qtbot, tasks, session, person, camera: str) -> EnrolDialog:  # noqa: ANN001
    dialog = EnrolDialog(session, tasks, person, camera=camera)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status is not None, timeout=WAIT)
    assert not dialog.camera_button.isEnabled()  # no consent, no camera
    dialog.agreed.setChecked(True)
    dialog.consent_button.click()
    qtbot.waitUntil(lambda: dialog.has_consent and not dialog.busy, timeout=WAIT)
    return dialog


def test_enrol_two_captures_from_the_camera(qtbot, tasks, server_ctx, make_profile, frame_of, tmp_path) -> None:  # noqa: ANN001
    frames = tmp_path / "frames"
    frames.mkdir()
    for i, name in enumerate(["scarlett/1.jpg"] * 4 + ["scarlett/2.jpg"] * 4):
        cv2.imwrite(str(frames / f"frame{i}.png"), frame_of(name))
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD).start()
    assert session.engine.wait_until(session.engine.idle, 10)
    person = session.list_persons()[5]
    dialog = _consented_dialog(qtbot, tasks, session, person, str(frames))

    assert dialog.camera_field.text() == str(frames) and not dialog.camera_box.isVisible()
    dialog.camera_button.click()
    assert dialog.camera_box.isVisible() and dialog.preview is not None
    qtbot.waitUntil(lambda: not dialog.camera_view.pixmap().isNull() and dialog.capture_button.isEnabled(), timeout=WAIT)
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: len(dialog.photos) == 1 and not dialog.capturing, timeout=WAIT)
    qtbot.waitUntil(lambda: dialog.camera_ended, timeout=WAIT)  # the folder played to its last frame (scarlett/2)
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: len(dialog.photos) == 2 and not dialog.capturing, timeout=WAIT)
    assert all(isinstance(p, CapturedPhoto) and p.ok for p in dialog.photos)
    assert dialog.photo_verdicts() == ["✓ " + _("Looks good (checked here; the server checks again)")] * 2
    dialog.grab().save(str(tmp_path / "enrol-camera.png"))

    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.results is not None and not dialog.busy, timeout=WAIT)
    assert dialog.photo_verdicts() == ["✓ " + _("Photo accepted")] * 2 and dialog.status["photos"] == 2
    with server_ctx.db.read() as s:
        assert len(s.scalars(select(FaceEnrolment).where(FaceEnrolment.person_id == person["id"])).all()) == 2
        assert person["id"] in stored_gallery(s, EncodingCipher.for_data_dir(server_ctx.settings.data_dir)).person_ids
    dialog.grab().save(str(tmp_path / "enrol-camera-enrolled.png"))

    dialog.accept()  # closing frees the camera thread
    assert dialog.preview is None
    dialog.erase(confirm=False)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.status["photos"] == 0, timeout=WAIT)
    session.close()


def test_a_missing_camera_source_is_said_in_the_view(qtbot, tasks, make_profile, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD).start()
    assert session.engine.wait_until(session.engine.idle, 10)
    dialog = _consented_dialog(qtbot, tasks, session, session.list_persons()[6], str(tmp_path / "no-such-video.mp4"))
    dialog.camera_button.click()
    qtbot.waitUntil(lambda: dialog.camera_error is not None, timeout=WAIT)
    assert "no-such-video.mp4" in dialog.camera_view.text() and not dialog.capture_button.isEnabled()
    dialog.reject()
    assert dialog.preview is None
    dialog.erase(confirm=False)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    session.close()
