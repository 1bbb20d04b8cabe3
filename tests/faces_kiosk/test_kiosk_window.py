"""The kiosk end to end (pytest-qt, offscreen) against the real server: a video made here with
OpenCV from the real shared photos drives the KioskWindow through the same camera code path as a
device. An enrolled member who blinks is checked in (method face) and shows as present on the
board; a second visit says "already checked in" without a second event; an unenrolled visitor and
a still photo are sent to the desk; an offline kiosk queues the check-in and it arrives once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.domain.roles import Actor
from app.faces.checkin import PROMPT_UNKNOWN
from app.faces import FaceSettings
from app.faces.crypto import EncodingCipher
from app.faces.liveness import REASON_STILL, REASON_TIMEOUT
from app.i18n import _
from app.server.runner import ServerRunner
from app.services import attendance, consent, faces, meetings
from app.storage.models import Account, AttendanceEvent, Meeting
from app.sync.faces import KioskGallery
from app.sync.session import ChamberSession
from ui.views.kiosk import KioskWindow

WAIT = 60_000


def _thuky(ctx) -> Actor:  # noqa: ANN001
    from app.domain.roles import Role

    with ctx.db.read() as session:
        a = session.scalar(select(Account).where(Account.username == "thuky"))
        return Actor(a.id, a.username, Role(a.role), a.person_id)


def _today_absent_members(ctx, session: ChamberSession) -> tuple[str, list[str]]:  # noqa: ANN001
    from ui.views.kiosk import kiosk_meeting

    session.start()
    assert session.engine.wait_until(session.engine.idle, 10)

    kind, meeting = kiosk_meeting(session.list_meetings())
    if kind != "today":
        # The demo's meeting of "today" is today in Vietnam; on a machine whose local date
        # differs (a UTC machine after 17:00) the kiosk has none: give it one of the same body.
        with ctx.db.write() as s:
            body_id = s.scalar(select(Meeting.body_id).where(Meeting.title.like("Phiên họp Ban Kinh tế%")))
            start = datetime.now().astimezone().replace(hour=0, minute=1, second=0, microsecond=0)
            created = meetings.create_meeting(s, Actor.system(), {"title": "Phiên họp kiểm tra kiosk", "body_id": body_id, "starts_at": start.isoformat(),
                                                                  "ends_at": (start + timedelta(hours=2)).isoformat(), "location": "Phòng họp số 1"})
            meetings.update_meeting(s, Actor.system(), created["id"], {"status": "scheduled"})
        assert session.engine.wait_until(lambda: any(m["id"] == created["id"] and m["status"] == "scheduled" for m in session.list_meetings()), 10)
        kind, meeting = kiosk_meeting(session.list_meetings())
    assert kind == "today"
    with ctx.db.read() as s:
        board = attendance.board(s, _thuky(ctx), meeting["id"])
    here = {r["person_id"] for r in board["rows"] if r["state"] != "absent"}
    members = [r["person_id"] for r in board["rows"] if r["member"] and r["state"] == "absent"]
    # Members first, then anyone else who has not come (the kiosk checks in guests too).
    return meeting["id"], members + [p["id"] for p in session.list_persons() if p["id"] not in here and p["id"] not in members]


def _enrol(ctx, person_id: str, photo: Path) -> None:  # noqa: ANN001
    actor = _thuky(ctx)
    with ctx.db.write() as s:
        consent.give(s, actor, person_id, text_version="2026-01")
    result = faces.enrol(ctx.db, actor, person_id, [faces.PhotoUpload(photo.name, photo.read_bytes())], cipher=EncodingCipher.for_data_dir(ctx.settings.data_dir))
    assert result["enrolled"] == 1, result


def _face_checkins(ctx, meeting_id: str, person_id: str) -> list:  # noqa: ANN001
    with ctx.db.read() as s:
        return list(s.scalars(select(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.person_id == person_id,
                                                            AttendanceEvent.action == "check_in", AttendanceEvent.method == "face")))


def write_video(path: Path, frames: list) -> Path:
    """An MJPG video at 10 fps made with OpenCV (media time drives the liveness timeout)."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (640, 480))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def _play(qtbot, tasks, session: ChamberSession, video: Path) -> tuple[KioskWindow, list]:  # noqa: ANN001
    # Liveness on (the default) with a shorter wait for the blink, so a still photo is refused sooner.
    window = KioskWindow(session, tasks, camera=str(video), paced=False, start=False, face_settings=FaceSettings(liveness_timeout_s=2.0))
    qtbot.addWidget(window)
    outcomes: list = []
    window.outcome_shown.connect(outcomes.append)
    # A render of each announcement (camera view with the face box + the card), to look at.
    window.outcome_shown.connect(lambda o: window.grab().save(str(video.with_name(f"kiosk-{len(outcomes)}-{o.kind}.png"))))
    window.show()
    qtbot.waitUntil(lambda: window.camera_ended or window.camera_error is not None, timeout=WAIT)
    assert window.camera_error is None, window.camera_error
    return window, outcomes


def test_kiosk_checks_in_an_enrolled_member_once_and_sends_the_others_to_the_desk(qtbot, tasks, server, server_ctx, make_profile, faces_dir, scenes, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD, device_name="door kiosk")
    meeting_id, absent = _today_absent_members(server_ctx, session)
    member, other = absent[:2]
    _enrol(server_ctx, member, faces_dir / "mark/1.jpg")
    _enrol(server_ctx, other, faces_dir / "katy/1.jpg")
    frames = (scenes.nobody(2) + scenes.live("mark/2.jpg") + scenes.nobody() + scenes.live("obama/2.jpg")[:4] + scenes.nobody()
              + scenes.still("katy/1.jpg", 25) + scenes.nobody() + scenes.live("mark/3.jpg") + scenes.nobody(2))
    video = write_video(tmp_path / "door.avi", frames)

    window, outcomes = _play(qtbot, tasks, session, video)
    assert [o.kind for o in outcomes] == ["checked_in", "manual", "manual", "already"], [(o.kind, o.reason, o.error, o.distance, o.event_id) for o in outcomes]
    welcome, unknown, still, again = outcomes
    assert welcome.person["id"] == member and 0 < welcome.distance <= 0.5 and welcome.member
    assert unknown.reason == PROMPT_UNKNOWN and unknown.person is None
    assert still.reason in (REASON_STILL, REASON_TIMEOUT) and still.person is None  # her printed photo, recognised but never blinking
    assert again.person["id"] == member
    assert window.frames_seen == len(frames)

    # Delivered through the outbox: present on the server's board with method face, once.
    qtbot.waitUntil(lambda: not session.pending_operations(), timeout=WAIT)
    with server_ctx.db.read() as s:
        rows = {r["person_id"]: r for r in attendance.board(s, _thuky(server_ctx), meeting_id)["rows"]}
    assert rows[member]["state"] == "present" and rows[member]["method"] == "face" and rows[member]["distance"] <= 0.5
    assert rows.get(other, {"state": "absent"})["state"] == "absent"  # her still photo did not get in (a non-member has no row until she comes)
    assert len(_face_checkins(server_ctx, meeting_id, member)) == 1
    # The kiosk's own board agrees, and the card went back to the prompt after the hold.
    assert session.attendance_of(meeting_id, member)["state"] == "present"
    window._release()
    assert window.card_title.text() in (_("Please look at the camera"), _("Please see the secretariat at the desk"))


def test_kiosk_offline_queues_the_check_in_and_it_arrives_once(qtbot, tasks, server, server_ctx, make_profile, faces_dir, scenes, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD, device_name="door kiosk")
    meeting_id, absent = _today_absent_members(server_ctx, session)
    member = absent[0]
    _enrol(server_ctx, member, faces_dir / "jack/1.jpg")
    assert len(KioskGallery(session).download()) == 1  # what a kiosk keeps sealed after login

    port = server.port
    server.stop()  # the network goes
    video = write_video(tmp_path / "offline.avi", scenes.nobody(2) + scenes.live("jack/2.jpg") + scenes.nobody(2) + scenes.live("jack/2.jpg") + scenes.nobody(2))
    window, outcomes = _play(qtbot, tasks, session, video)
    assert [o.kind for o in outcomes] == ["checked_in", "already"], (outcomes, window.frames_seen, window.gallery and len(window.gallery), window.gallery_fresh, window.camera_error)
    assert not window.gallery_fresh and len(window.gallery) == 1  # matched against the sealed copy
    assert len(session.pending_operations()) == 1
    assert _face_checkins(server_ctx, meeting_id, member) == []

    runner = ServerRunner(server_ctx, port=port).start()  # the network comes back
    try:
        qtbot.waitUntil(lambda: not session.pending_operations(), timeout=WAIT)
        assert len(_face_checkins(server_ctx, meeting_id, member)) == 1
        assert [o.event_id for o in outcomes if o.event_id] == [e.id for e in _face_checkins(server_ctx, meeting_id, member)]
    finally:
        window.close()
        runner.stop()


def test_kiosk_without_a_camera_says_so_and_sends_everyone_to_the_desk(qtbot, tasks, make_profile, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = KioskWindow(session, tasks, camera=str(tmp_path / "no-such-camera.mp4"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.camera_error is not None, timeout=WAIT)
    assert window.card_title.text() == _("Please see the secretariat at the desk")
    assert "no-such-camera.mp4" in window.view.text()


def test_kiosk_follows_enrolments_and_withdrawals_and_keeps_its_copy_sealed(qtbot, tasks, server, server_ctx, make_profile, faces_dir, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = KioskWindow(session, tasks, camera=str(tmp_path / "no-camera"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.gallery is not None and window.gallery_fresh and bool(session.list_persons()), timeout=WAIT)
    assert len(window.gallery) == 0
    person = session.list_persons()[0]["id"]

    _enrol(server_ctx, person, faces_dir / "elon/1.jpg")  # a "faces" event reaches the kiosk
    qtbot.waitUntil(lambda: window.gallery is not None and len(window.gallery) == 1, timeout=WAIT)
    sealed = KioskGallery(session).path.read_bytes()
    assert person.encode() not in sealed and b"encodings" not in sealed  # no plain copy on disk
    assert len(KioskGallery(session).load()) == 1

    with server_ctx.db.write() as s:
        faces.withdraw(s, _thuky(server_ctx), person)
    qtbot.waitUntil(lambda: window.gallery is not None and len(window.gallery) == 0, timeout=WAIT)
    assert len(KioskGallery(session).load()) == 0
    assert [p.name for p in KioskGallery(session).path.parent.iterdir()] == ["gallery.sealed"]  # no plain leftovers
