"""The follow-up tasks window: a meeting's tasks with their responsible unit, deadline, progress
and on time / late / done; the whole body's tasks across its meetings; the chair updates the
progress and marks a task done, and every device has it."""

from __future__ import annotations

import os
from pathlib import Path

from app import i18n
from app.demo import DEMO_PASSWORD
from app.sync.session import ChamberSession
from ui.views.tasks_window import TasksWindow

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_tasks_of_a_meeting_and_of_its_body_with_progress(qtbot, tasks, make_profile, login) -> None:
    secretary = login("thuky")
    meetings = [m for m in secretary.list_meetings() if m.get("body_id")]
    meeting = next(m for m in meetings if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    earlier = next(m for m in meetings if m["body_id"] == meeting["body_id"] and m["id"] != meeting["id"])
    secretary.create_task(meeting["id"], {"what": "Hoàn thiện báo cáo thẩm tra", "responsible_unit": "Ban Kinh tế - Ngân sách", "deadline": "2099-01-31"})
    secretary.create_task(meeting["id"], {"what": "Rà soát danh mục đầu tư công", "responsible_unit": "UBND phường", "deadline": "2020-01-15"})
    secretary.create_task(earlier["id"], {"what": "Báo cáo tiến độ chỉnh trang đô thị", "responsible_unit": "Phòng Quản lý đô thị", "deadline": "2099-03-01"})
    profile, paired = make_profile()
    chair = ChamberSession.login(profile, paired, "chutoa", DEMO_PASSWORD).start()
    window = TasksWindow(chair, tasks, meeting_id=meeting["id"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.table.rowCount() == 2, timeout=WAIT)
    assert [window.table.item(r, 0).text() for r in range(2)] == ["Rà soát danh mục đầu tư công", "Hoàn thiện báo cáo thẩm tra"]  # by deadline
    assert window.table.item(0, 4).text() == i18n._("Late") and window.table.item(1, 4).text() == i18n._("On time")
    assert window.summary.text() == i18n._("On time: %(on_time)s · Late: %(late)s · Done: %(done)s") % {"on_time": 1, "late": 1, "done": 0}

    window.scope.setCurrentIndex(window.scope.findData("body"))
    qtbot.waitUntil(lambda: window.table.rowCount() == 3, timeout=WAIT)
    assert window.table.item(2, 5).text() == earlier["title"] and not window.table.isColumnHidden(5)
    window.scope.setCurrentIndex(window.scope.findData("meeting"))
    assert window.table.rowCount() == 2

    late = window.rows[0]
    window.select(late["id"])
    assert window.save.isEnabled() and window.chosen.text() == late["what"]
    window.progress.setValue(100)
    window.status.setCurrentIndex(window.status.findData("done"))
    window.note.setText("Đã rà soát xong 12 dự án")
    window.save.click()
    qtbot.waitUntil(lambda: {t["id"]: t for t in secretary.list_tasks(meeting["id"])}[late["id"]]["status"] == "done", timeout=WAIT)
    done = {t["id"]: t for t in secretary.list_tasks(meeting["id"])}[late["id"]]
    assert done["progress"] == 100 and done["progress_note"] == "Đã rà soát xong 12 dự án" and done["timeliness"] == "done_late"
    qtbot.waitUntil(lambda: window.table.item(0, 4).text() == i18n._("Done late"), timeout=WAIT)
    assert window.table.item(0, 3).text() == "100 %"
    if SHOTS:
        window.grab().save(str(SHOTS / "tasks_window_vi.png"))
    i18n.set_language("en")
    qtbot.waitUntil(lambda: window.save.text() == "Save the progress", timeout=WAIT)
    if SHOTS:
        qtbot.wait(100)  # the new words laid out before the picture
        window.grab().save(str(SHOTS / "tasks_window_en.png"))
    i18n.set_language("vi")
    window.close()
    chair.close()


def test_a_delegate_reads_the_tasks_without_updating(qtbot, tasks, login) -> None:
    secretary, delegate = login("thuky"), login("daibieu")
    meeting = next(m for m in secretary.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    secretary.create_task(meeting["id"], {"what": "Tổng hợp ý kiến cử tri", "responsible_unit": "Thường trực HĐND", "deadline": "2099-02-01"})
    window = TasksWindow(delegate, tasks, meeting_id=meeting["id"])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=WAIT)
    window.select(window.rows[0]["id"])
    assert not window.save.isEnabled() and not window.save.isVisibleTo(window)  # a delegate reads only
    window.close()
