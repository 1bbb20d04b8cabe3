"""Face enrolment at the kiosk (pytest-qt, offscreen, real server): Ctrl+E asks a secretary to
sign in (a delegate is refused), the kiosk's recognition loop pauses, the enrolment dialog runs
on the kiosk's own camera (a folder of frames made here from the real photos), the person is
enrolled, and on closing the secretary's login is revoked and the kiosk's camera runs again."""

from __future__ import annotations

import cv2
import pytest
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.errors import ChamberError
from app.i18n import _
from app.kiosk_enrol import NotAnEnrollerError
from app.net.client import ApiClient
from app.storage.models import FaceEnrolment
from app.sync.session import ChamberSession
from ui.views.faces.enrol_dialog import EnrolDialog
from ui.views.kiosk import KioskWindow

WAIT = 60_000


def test_a_secretary_enrols_a_person_with_the_kiosk_camera(qtbot, tasks, server, server_ctx, make_profile, frame_of, tmp_path) -> None:  # noqa: ANN001
    frames = tmp_path / "door"
    frames.mkdir()
    for i in range(6):
        cv2.imwrite(str(frames / f"f{i}.png"), frame_of("mark/1.jpg"))
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = KioskWindow(session, tasks, camera=str(frames))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.worker is not None and bool(session.list_persons()), timeout=WAIT)

    sign_in = window.open_enrolment()
    assert sign_in is not None and sign_in.persons.count() == len(session.list_persons())
    person = session.list_persons()[2]
    sign_in.persons.setCurrentIndex(sign_in.persons.findData(person))
    sign_in.username.setText("daibieu")  # a delegate may not enrol
    sign_in.password.setText(DEMO_PASSWORD)
    sign_in.ok.click()
    qtbot.waitUntil(lambda: sign_in.error.isVisible(), timeout=WAIT)
    assert sign_in.error.text() == NotAnEnrollerError().user_message() and sign_in.isVisible()
    sign_in.username.setText("thuky")
    sign_in.password.setText(DEMO_PASSWORD)
    sign_in.grab().save(str(tmp_path / "kiosk-enrol-sign-in.png"))
    sign_in.ok.click()
    qtbot.waitUntil(lambda: window.enrol_dialog is not None, timeout=WAIT)
    dialog = window.enrol_dialog
    assert isinstance(dialog, EnrolDialog) and dialog.person["id"] == person["id"] and window.worker is None  # recognition paused
    assert dialog.camera_field.text() == str(frames)

    qtbot.waitUntil(lambda: dialog.status is not None and not dialog.busy, timeout=WAIT)
    dialog.agreed.setChecked(True)
    dialog.consent_button.click()
    qtbot.waitUntil(lambda: dialog.has_consent and not dialog.busy, timeout=WAIT)
    assert "thuky" in dialog.status_label.text() or dialog.session.display_name in dialog.status_label.text()
    dialog.camera_button.click()
    qtbot.waitUntil(lambda: dialog.capture_button.isEnabled(), timeout=WAIT)
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: len(dialog.photos) == 1 and not dialog.capturing, timeout=WAIT)
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.results is not None and not dialog.busy, timeout=WAIT)
    assert dialog.photo_verdicts() == ["✓ " + _("Photo accepted")]
    window.grab().save(str(tmp_path / "kiosk-enrol-window.png"))
    dialog.grab().save(str(tmp_path / "kiosk-enrol-dialog.png"))
    with server_ctx.db.read() as s:
        assert len(s.scalars(select(FaceEnrolment).where(FaceEnrolment.person_id == person["id"])).all()) == 1

    staff = dialog.session
    token = staff.api.token
    dialog.accept()
    qtbot.waitUntil(lambda: not staff.open_now and window.worker is not None, timeout=WAIT)  # logged out, recognition runs again
    check = ApiClient(paired.url, pinned_pem=paired.pem, token=token)
    try:
        with pytest.raises(ChamberError) as refused:
            check.me()  # the secretary's login made at the kiosk is revoked
        assert refused.value.status == 401
    finally:
        check.close()
    qtbot.waitUntil(lambda: window.gallery is not None and len(window.gallery) == 1, timeout=WAIT)  # the kiosk follows the enrolment
    window.close()
