"""The chair's console runs a meeting against the real server: open it, move to the next item,
give the floor to a delegate who asked, open a vote, see who has voted, close it, record the
conclusion; every delegate's device follows."""

from __future__ import annotations

import os
from pathlib import Path

from app import i18n
from app.demo import DEMO_PASSWORD
from app.sync.session import ChamberSession
from ui.views.chair_console import ChairConsole

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_the_chair_runs_a_meeting_from_the_console(qtbot, tasks, make_profile, login) -> None:
    delegate = login("daibieu")
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "chutoa", DEMO_PASSWORD)
    console = ChairConsole(session, tasks)
    qtbot.addWidget(console)
    console.show()
    qtbot.waitUntil(lambda: session.engine.idle() and console.meeting_id is not None and console.buttons["open"].isEnabled(), timeout=WAIT)
    meeting_id = console.meeting_id
    items = session.get_agenda(meeting_id)
    assert not console.next.isEnabled() and not console.buttons["close"].isEnabled()  # not open yet

    console.buttons["open"].click()
    console.next.click()  # at once: checked against the open command still in the outbox
    qtbot.waitUntil(lambda: delegate.live_state(meeting_id)["current_item_id"] == items[1]["id"], timeout=WAIT)
    qtbot.waitUntil(lambda: console.agenda.item(1).text().startswith("▶"), timeout=WAIT)
    assert console.state_label.text() == i18n._("In session").upper()
    assert not console.buttons["open"].isEnabled() and console.buttons["pause"].isEnabled()

    delegate.ask_to_speak(meeting_id)
    qtbot.waitUntil(lambda: console.queue.count() == 1, timeout=WAIT)
    console.speaking_seconds.setValue(120)
    console.give_floor.click()
    qtbot.waitUntil(lambda: (delegate.live_state(meeting_id)["floor"] or {}).get("planned_seconds") == 120, timeout=WAIT)
    qtbot.waitUntil(lambda: delegate.display_name in console.floor.text(), timeout=WAIT)

    console.open_vote.click()
    assert console.message.text() == i18n._("Type the question put to the vote first.")
    console.question.setText("Thông qua báo cáo tình hình kinh tế - xã hội năm 2026")
    console.rule.setCurrentIndex(console.rule.findData("simple"))
    console.open_vote.click()
    qtbot.waitUntil(lambda: console.close_vote.isEnabled(), timeout=WAIT)
    vote_id = console._current_vote()["id"]
    qtbot.waitUntil(lambda: any(v["id"] == vote_id for v in delegate.live_state(meeting_id)["votes"]), timeout=WAIT)
    delegate.cast_vote(vote_id, "for")
    eligible = console._current_vote()["eligible_count"]
    expected = i18n._("Voting: %(cast)s of %(eligible)s have voted.") % {"cast": 1, "eligible": eligible}
    qtbot.waitUntil(lambda: console.vote_status.text().startswith(expected), timeout=WAIT)
    assert "Tán thành: 1" in console.vote_status.text()  # a named vote: the chair sees the running count
    if SHOTS:
        console.grab().save(str(SHOTS / "chair_console_vi.png"))
    console.close_vote.click()
    qtbot.waitUntil(lambda: console.vote_status.text().startswith(i18n._("Adopted")), timeout=WAIT)

    console.conclusion.setPlainText("Hội đồng thống nhất thông qua báo cáo.")
    console.save_conclusion.click()
    qtbot.waitUntil(lambda: items[1]["id"] in delegate.live_state(meeting_id)["conclusions"], timeout=WAIT)
    assert delegate.live_state(meeting_id)["conclusions"][items[1]["id"]]["vote_id"] == vote_id

    console.task_what.setText("Hoàn thiện báo cáo thẩm tra")
    console.add_task.click()
    assert console.message.text() == i18n._("Say what is to be done and who is responsible.")
    console.task_unit.setText("Ban Kinh tế - Ngân sách")
    console.add_task.click()
    qtbot.waitUntil(lambda: console.task_list.count() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: [t["what"] for t in delegate.list_tasks(meeting_id)] == ["Hoàn thiện báo cáo thẩm tra"], timeout=WAIT)
    assert delegate.list_tasks(meeting_id)[0]["agenda_item_id"] == items[1]["id"]
    assert console.task_list.item(0).text().endswith(i18n._("On time"))

    i18n.set_language("en")
    qtbot.waitUntil(lambda: console.next.text() == "Next item", timeout=WAIT)
    if SHOTS:
        console.grab().save(str(SHOTS / "chair_console_en.png"))
    console.buttons["close"].click()
    qtbot.waitUntil(lambda: delegate.live_state(meeting_id)["state"] == "closed", timeout=WAIT)
