"""The hall display (projector) follows the meeting: the item and its time, the speaker and their
time, the queue, a vote under way without counts, then its result; Vietnamese and English."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app import i18n
from app.demo import DEMO_PASSWORD
from app.domain import live as live_rules
from app.sync.session import ChamberSession
from ui.views.hall_display import HallDisplay

WAIT = 10_000
SHOTS = Path(os.environ.get("CHAMBER_SCREENSHOTS", "")) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_hall_view_counts_down_and_hides_running_counts() -> None:
    t0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    state = {
        "state": "open", "current_item_id": "b",
        "item_timer": {"planned_seconds": 600, "elapsed_seconds": 30.0, "running_since": t0.isoformat()},
        "floor": {"name": "Hoàng Đức Thắng", "kind": "speak", "planned_seconds": 120, "started_at": t0.isoformat()},
        "queue": [{"name": "Vũ Thị Lan"}, {"name": "Đặng Quốc Huy"}, {"name": "Bùi Thị Mai"}, {"name": "Đỗ Minh Tuấn"}],
        "votes": [{"id": "v", "state": "open", "agenda_item_id": "b", "question": "?", "options": ["for", "against", "abstain"], "secret": False, "result": None}],
        "quorum": {"applies": True, "present": 12, "members": 15, "reached": True},
    }
    agenda = [{"id": "a", "number": "1", "title": "Khai mạc"}, {"id": "b", "number": "2", "title": "Báo cáo"}]
    view = live_rules.hall_view(state, agenda, t0 + timedelta(seconds=100))
    assert view["item"] == {"number": "2", "title": "Báo cáo"}
    assert view["item_remaining"] == 470 and not view["item_warning"]
    assert view["speaker"]["remaining"] == 20 and view["speaker"]["warning"]
    assert view["next_speakers"] == ["Vũ Thị Lan", "Đặng Quốc Huy", "Bùi Thị Mai"]
    assert view["vote"]["result"] is None
    assert live_rules.clock(470) == "7:50" and live_rules.clock(-90) == "−1:30" and live_rules.clock(0.2) == "0:01"


def test_hall_display_follows_the_chair(qtbot, tasks, make_profile, login) -> None:
    chair, delegate = login("chutoa"), login("daibieu")
    profile, paired = make_profile()
    display_session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = HallDisplay(display_session, tasks)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: display_session.engine.idle(), timeout=WAIT)
    assert window.meeting.text() == i18n._("No meeting in session")

    meeting = next(m for m in chair.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    items = chair.get_agenda(meeting["id"])
    chair.live_command(meeting["id"], "open")
    chair.live_command(meeting["id"], "next")
    qtbot.waitUntil(lambda: window.item.text() == items[1]["title"], timeout=WAIT)
    assert window.meeting.text() == meeting["title"]
    assert window.item_timer.text().startswith("4") or window.item_timer.text().startswith("45")  # 45 minutes planned

    qtbot.waitUntil(lambda: delegate.live_state(meeting["id"])["state"] == "open", timeout=WAIT)
    delegate.ask_to_speak(meeting["id"])
    qtbot.waitUntil(lambda: bool(chair.live_state(meeting["id"])["queue"]), timeout=WAIT)
    chair.live_command(meeting["id"], "give_floor", request_id=chair.live_state(meeting["id"])["queue"][0]["id"], seconds=180)
    vote_id = chair.open_vote(meeting["id"], "Thông qua báo cáo tình hình kinh tế - xã hội năm 2026", rule="absolute")
    qtbot.waitUntil(lambda: window.speaker.text() == delegate.display_name and window.vote_panel.isVisible(), timeout=WAIT)
    assert window.vote_result.text() == i18n._("Vote on your tablet.")
    assert window.speaker_timer.text() in ("3:00", "2:59", "2:58")
    if SHOTS:
        window.grab().save(str(SHOTS / "hall_voting_vi.png"))

    qtbot.waitUntil(lambda: any(v["id"] == vote_id for v in delegate.live_state(meeting["id"])["votes"]), timeout=WAIT)
    delegate.cast_vote(vote_id, "for")
    qtbot.waitUntil(lambda: delegate.engine.idle(), timeout=WAIT)
    chair.close_vote(vote_id)
    qtbot.waitUntil(lambda: window.vote_result.text().startswith(i18n._("NOT ADOPTED")), timeout=WAIT)  # 1 of 15 members
    assert "1" in window.vote_result.text()
    i18n.set_language("en")
    qtbot.waitUntil(lambda: window.vote_result.text().startswith("NOT ADOPTED"), timeout=WAIT)
    assert "For: 1" in window.vote_result.text() and window.state.text() == "IN SESSION"
    if SHOTS:
        window.grab().save(str(SHOTS / "hall_result_en.png"))


def test_main_py_live_opens_the_windows_on_a_paired_device(qtbot, tasks, make_profile) -> None:
    from ui.flows.client import ClientFlow
    from ui.views.chair_console import ChairConsole
    from ui.views.delegate_live import DelegateLive

    for window_kind, username, expected in (("hall", "kiosk", HallDisplay), ("console", "chutoa", ChairConsole), ("delegate", "daibieu", DelegateLive)):
        profile, paired = make_profile()
        ChamberSession.login(profile, paired, username, DEMO_PASSWORD).close()  # logged in once on this device
        flow = ClientFlow(profile, tasks, live_window=window_kind, discover=False)
        window = flow.start()
        qtbot.addWidget(window)
        assert isinstance(window, expected)
        window.close()
