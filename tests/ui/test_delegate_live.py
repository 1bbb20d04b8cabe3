"""A delegate's live screen: follows the chair's item and page, asks to speak (and sees their place
in the queue), votes with one tap, changes the vote, and sees the result once the chair closes it."""

from __future__ import annotations

import os
from pathlib import Path

from app import i18n
from app.demo import DEMO_PASSWORD
from app.sync.session import ChamberSession
from ui.views.delegate_live import DelegateLive

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_a_delegate_follows_asks_to_speak_and_votes(qtbot, tasks, make_profile, login) -> None:
    chair = login("chutoa")
    meeting = next(m for m in chair.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    items = chair.get_agenda(meeting["id"])
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "daibieu", DEMO_PASSWORD)
    window = DelegateLive(session, tasks, meeting_id=meeting["id"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: session.engine.idle(), timeout=WAIT)
    assert not window.ask.isEnabled()  # not in session yet

    chair.live_command(meeting["id"], "open")
    chair.live_command(meeting["id"], "next")
    document = max(chair.list_documents(meeting["id"]), key=lambda d: d["pages"])
    chair.live_command(meeting["id"], "show_page", document_id=document["id"], page=1)
    qtbot.waitUntil(lambda: window.item.text().endswith(items[1]["title"]) and window.page.isVisible(), timeout=WAIT)
    assert "2" in window.page.text()  # page 2 as people count pages

    window.ask.click()
    qtbot.waitUntil(lambda: len(chair.live_state(meeting["id"])["queue"]) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: window.withdraw.isEnabled(), timeout=WAIT)
    assert window.ask.text() == i18n._("You are number %(n)s in the queue") % {"n": 1}
    chair.live_command(meeting["id"], "give_floor", request_id=chair.live_state(meeting["id"])["queue"][0]["id"], seconds=120)
    qtbot.waitUntil(lambda: session.display_name in window.floor.text(), timeout=WAIT)

    vote_id = chair.open_vote(meeting["id"], "Thông qua báo cáo tình hình kinh tế - xã hội năm 2026")
    qtbot.waitUntil(lambda: set(window.option_buttons) == {"for", "against", "abstain"}, timeout=WAIT)
    window.option_buttons["for"].click()
    qtbot.waitUntil(lambda: session.engine.idle(), timeout=WAIT)
    window.option_buttons["against"].click()  # changed before the close
    qtbot.waitUntil(lambda: session.engine.idle() and chair.vote_details(vote_id)["counts"]["against"] == 1, timeout=WAIT)
    assert chair.vote_details(vote_id)["cast"] == 1
    qtbot.waitUntil(lambda: window.option_buttons.get("against") is not None and window.option_buttons["against"].property("variant") == "primary", timeout=WAIT)
    if SHOTS:
        window.grab().save(str(SHOTS / "delegate_live_vi.png"))

    chair.close_vote(vote_id)
    qtbot.waitUntil(lambda: window.vote_note.text().startswith(i18n._("Not adopted")), timeout=WAIT)
    assert window.option_buttons == {}
    i18n.set_language("en")
    qtbot.waitUntil(lambda: window.vote_title.text() == "Vote", timeout=WAIT)
    if SHOTS:
        window.grab().save(str(SHOTS / "delegate_live_en.png"))
