"""The kiosk shows today's or the next meeting, and says plainly when its camera cannot be used
(face check-in itself: tests/faces_kiosk/)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.demo import DEMO_PASSWORD
from app.i18n import _
from app.sync.session import ChamberSession
from ui.views.kiosk import KioskWindow, kiosk_meeting

WAIT = 10_000


def test_kiosk_meeting_choice() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc).astimezone()
    at = lambda days, hours=0: (now + timedelta(days=days, hours=hours)).isoformat()  # noqa: E731
    meetings = [
        {"id": "draft", "status": "draft", "starts_at": at(0, 1)},
        {"id": "later", "status": "scheduled", "starts_at": at(3)},
        {"id": "soon", "status": "scheduled", "starts_at": at(1)},
        {"id": "past", "status": "closed", "starts_at": at(-5)},
    ]
    assert kiosk_meeting(meetings, now) == ("next", meetings[2])
    today = {"id": "today", "status": "open", "starts_at": at(0, -1)}
    assert kiosk_meeting([*meetings, today], now) == ("today", today)
    assert kiosk_meeting(meetings[:1], now) == ("none", None)


def test_kiosk_window(qtbot, tasks, make_profile) -> None:
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = KioskWindow(session, tasks, camera="/dev/video2")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.meeting is not None, timeout=WAIT)
    kind, expected = kiosk_meeting(session.list_meetings())
    assert window.title.text() == expected["title"] and kind in ("today", "next")
    qtbot.waitUntil(lambda: window.camera_error is not None, timeout=WAIT)
    assert window.card_title.text() == _("Please see the secretariat at the desk")
    assert "/dev/video2" in window.view.text()
    assert window.clock.text().count(":") == 1
