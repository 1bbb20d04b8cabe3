"""A delegate holding an approved proxy votes for the absent colleague's seat from the live screen:
a second row of buttons under their own, each counted as that seat's ballot."""

from __future__ import annotations

import os
from pathlib import Path

from app.demo import DEMO_PASSWORD
from app.sync.session import ChamberSession
from ui.views.delegate_live import DelegateLive

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_the_proxy_votes_for_the_absent_seat(qtbot, tasks, make_profile, login) -> None:
    chair, secretary, absent = login("chutoa"), login("thuky"), login("daibieu2")
    meeting = next(m for m in chair.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "daibieu", DEMO_PASSWORD)
    named = absent.name_proxy(meeting["id"], session.account["person_id"])
    secretary.decide_proxy(named["id"], approve=True)
    window = DelegateLive(session, tasks, meeting_id=meeting["id"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: session.engine.idle(), timeout=WAIT)

    chair.live_command(meeting["id"], "open")
    vote_id = chair.open_vote(meeting["id"], "Thông qua nghị quyết về dự toán ngân sách 2027")
    seat = absent.account["person_id"]
    qtbot.waitUntil(lambda: set(window.proxy_buttons.get(seat, {})) == {"for", "against", "abstain"}, timeout=WAIT)
    window.option_buttons["for"].click()
    qtbot.waitUntil(lambda: window.proxy_buttons.get(seat, {}).get("against") is not None, timeout=WAIT)
    window.proxy_buttons[seat]["against"].click()
    qtbot.waitUntil(lambda: session.engine.idle() and chair.vote_details(vote_id)["cast"] == 2, timeout=WAIT)
    ballots = {b["person_id"]: b["choice"] for b in chair.vote_details(vote_id)["ballots"]}
    assert ballots == {session.account["person_id"]: "for", seat: "against"}
    qtbot.waitUntil(lambda: window.proxy_buttons.get(seat, {}).get("against") is not None
                    and window.proxy_buttons[seat]["against"].property("variant") == "primary", timeout=WAIT)
    if SHOTS:
        window.grab().save(str(SHOTS / "delegate_proxy_vi.png"))
    window.close()
