"""Following the chair in the reader: the chair shows a page from the console, a delegate's open
reader of that document goes there; scrolling away stops following and shows "Back to the chair",
which goes back to the chair's page and follows again."""

from __future__ import annotations

import os
from pathlib import Path

from app import i18n
from app.demo import DEMO_PASSWORD
from app.sync.session import ChamberSession
from ui.views.chair_console import ChairConsole
from ui.views.reader.reader_window import ReaderWindow

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_the_reader_follows_the_page_the_chair_shows(qtbot, tasks, make_profile, login, shared_data) -> None:
    delegate = login("daibieu")
    profile, paired = make_profile()
    chair = ChamberSession.login(profile, paired, "chutoa", DEMO_PASSWORD)
    meeting = next(m for m in delegate.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    console = ChairConsole(chair, tasks, meeting_id=meeting["id"])
    qtbot.addWidget(console)
    console.show()
    qtbot.waitUntil(lambda: chair.engine.idle() and console.meeting_id is not None and console.buttons["open"].isEnabled(), timeout=WAIT)
    meeting_id = console.meeting_id
    uploaded = login("thuky").upload_document(meeting_id, shared_data / "pdfs" / "good" / "to_trinh_ngan_sach_2026.pdf", title="Tờ trình ngân sách 2026")
    qtbot.waitUntil(lambda: any(d["id"] == uploaded["id"] for d in delegate.list_documents(meeting_id)), timeout=WAIT)
    document = next(d for d in delegate.list_documents(meeting_id) if d["id"] == uploaded["id"])
    assert document["pages"] == 40
    path = delegate.download_document(document["id"])
    reader = ReaderWindow(path, title=document["title"], tasks=tasks, session=delegate, document=document)
    qtbot.addWidget(reader)
    reader.show()
    qtbot.waitUntil(lambda: reader.ready, timeout=WAIT)
    assert reader.back_to_chair.isHidden() and reader.following_label.isHidden()  # the chair shows nothing yet

    console.buttons["open"].click()
    qtbot.waitUntil(lambda: console.show_page.isEnabled(), timeout=WAIT)
    console.show_document.setCurrentIndex(console.show_document.findData(document["id"]))
    assert console.show_page_number.maximum() == document["pages"]
    console.show_page_number.setValue(3)
    console.show_page.click()
    qtbot.waitUntil(lambda: reader.view.current_page == 2, timeout=WAIT)  # page 3 as people count
    assert reader.following_label.isVisible() and reader.back_to_chair.isHidden()
    if SHOTS:
        reader.grab().save(str(SHOTS / "reader_following_vi.png"))

    reader.view.go_to_page(0)  # the delegate reads elsewhere
    assert not reader.follower.following
    assert reader.back_to_chair.isVisible() and reader.following_label.isHidden()
    console.show_page_number.setValue(4)
    console.show_page.click()
    qtbot.waitUntil(lambda: reader.follower.chair_page == 3, timeout=WAIT)
    assert reader.view.current_page == 0  # not pulled back while reading elsewhere

    i18n.set_language("en")
    qtbot.waitUntil(lambda: reader.back_to_chair.text() == "Back to the chair", timeout=WAIT)
    if SHOTS:
        reader.grab().save(str(SHOTS / "reader_back_to_chair_en.png"))
    reader.back_to_chair.click()
    assert reader.view.current_page == 3 and reader.follower.following
    assert reader.following_label.isVisible() and reader.back_to_chair.isHidden()
    console.show_page_number.setValue(2)
    console.show_page.click()
    qtbot.waitUntil(lambda: reader.view.current_page == 1, timeout=WAIT)  # following again
    reader.close()
    console.close()
