"""The secretariat's enrolment dialog against the real server (pytest-qt, offscreen): consent
first, photos each with the server's verdict, deletion of the face data; and the attendance
board's row menu that opens it."""

from __future__ import annotations

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.i18n import _
from app.services.faces import MAX_PHOTOS as SERVER_MAX_PHOTOS
from app.storage.models import FaceEnrolment
from app.sync.faces import MAX_PHOTOS
from app.sync.session import ChamberSession
from ui.views.faces.enrol_dialog import EnrolDialog

WAIT = 60_000


def test_the_client_and_the_server_agree_on_the_photo_limit() -> None:
    assert MAX_PHOTOS == SERVER_MAX_PHOTOS


def test_enrol_dialog_consent_photos_and_deletion(qtbot, tasks, server, server_ctx, make_profile, faces_dir, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD).start()
    assert session.engine.wait_until(session.engine.idle, 10)
    person = session.list_persons()[3]
    dialog = EnrolDialog(session, tasks, person)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status is not None, timeout=WAIT)

    # Without consent: only the consent step can be done.
    assert not dialog.has_consent and dialog.consent_box.isVisible() and not dialog.choose_button.isEnabled()
    assert not dialog.consent_button.isEnabled()  # the person has not agreed yet
    assert session.display_name in dialog.recorder.text()
    dialog.grab().save(str(tmp_path / "enrol-consent.png"))
    dialog.agreed.setChecked(True)
    dialog.consent_button.click()
    qtbot.waitUntil(lambda: dialog.has_consent and not dialog.busy, timeout=WAIT)
    assert not dialog.consent_box.isVisible() and "2026-01" in dialog.status_label.text()

    noface = sorted((faces_dir / "_noface").iterdir())[0]
    dialog.set_photos([faces_dir / "scarlett/1.jpg", noface, faces_dir / "scarlett/2.jpg"])
    assert dialog.photo_verdicts() == [_("Not checked yet")] * 3 and dialog.enrol_button.isEnabled()
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.results is not None and not dialog.busy, timeout=WAIT)
    verdicts = dialog.photo_verdicts()
    assert verdicts[0] == verdicts[2] == "✓ " + _("Photo accepted")
    assert verdicts[1].startswith("✗ ") and len(verdicts[1]) > 20  # the reason, in the user's language
    assert dialog.status["photos"] == 2 and not dialog.enrol_button.isEnabled()  # the same photos are not sent twice
    dialog.grab().save(str(tmp_path / "enrol-results.png"))

    dialog.erase(confirm=False)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.status["photos"] == 0, timeout=WAIT)
    assert not dialog.has_consent and dialog.consent_box.isVisible() and dialog.photos == []
    with server_ctx.db.read() as s:
        assert s.scalars(select(FaceEnrolment)).all() == []
    session.close()


def test_board_row_menu_opens_the_face_dialog_for_the_secretariat(qtbot, tasks, make_profile) -> None:  # noqa: ANN001
    from ui.views.attendance.board import AttendanceBoard

    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD).start()
    assert session.engine.wait_until(session.engine.idle, 10)
    board = AttendanceBoard(session, tasks)
    qtbot.addWidget(board)
    meeting = next(m for m in session.list_meetings() if session.attendance_board(m["id"])["rows"])
    board.set_meeting(meeting["id"])
    qtbot.waitUntil(lambda: board.board is not None, timeout=WAIT)
    row = board.board["rows"][0]
    dialog = board.open_face_dialog(row)
    assert isinstance(dialog, EnrolDialog) and dialog.person["id"] == row["person_id"]
    qtbot.waitUntil(lambda: dialog.status is not None, timeout=WAIT)
    dialog.close()
    session.close()
