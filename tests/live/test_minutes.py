"""Draft minutes from what was recorded: a meeting run through the real server (attendance, items
with times, a speaker, a vote and its result with the rule, a conclusion, a task), fetched as
Markdown and HTML, in Vietnamese and English; and the pure renderer on a hand-made record."""

from __future__ import annotations

from sqlalchemy import select

from app.domain import minutes
from app.domain.roles import Actor
from app.services import attendance
from app.storage.models import Account
from tests.integration.conftest import Chamber
from tests.live.conftest import session_meeting


def test_the_renderer_escapes_and_words_the_result() -> None:
    record = {
        "meeting": {"title": "Kỳ họp <thứ 12>", "location": "Hội trường"}, "body": "HĐND phường", "opened_at": "2026-12-01T01:00:00+00:00",
        "closed_at": "2026-12-01T03:30:00+00:00", "quorum": {"applies": True, "present": 12, "members": 15, "reached": True},
        "attendance": [{"name": "Hoàng Đức Thắng", "state": "present", "arrived_at": "2026-12-01T00:55:00+00:00"}, {"name": "Vũ Thị Lan", "state": "excused"}],
        "items": [{"number": "1", "title": "Khai mạc", "started_at": "2026-12-01T01:00:00+00:00", "ended_at": "2026-12-01T01:10:00+00:00", "speakers": [],
                   "votes": [{"question": "Thông qua chương trình?", "options": ["for", "against", "abstain"], "secret": True, "rule": "two_thirds",
                              "result": {"cast": 12, "counts": {"for": 10, "against": 1, "abstain": 1}, "rule": "two_thirds", "members": 15, "adopted": True, "winner": "for"}}],
                   "conclusion": "Thống nhất chương trình."},
                  {"number": "2", "title": "Chất vấn", "speakers": [], "votes": [], "conclusion": ""}],
        "tasks": [],
    }
    md = minutes.to_markdown(record, "en")
    assert md.startswith("# Minutes (draft): Kỳ họp <thứ 12>\n")
    assert "Opened at 08:00 01/12/2026, closed at 10:30 01/12/2026." in md  # Vietnam time
    assert "- Hoàng Đức Thắng: present (arrived 07:55)" in md and "- Vũ Thị Lan: excused" in md
    assert "- Vote (secret ballot): Thông qua chương trình? — For 10 · Against 1 · Abstain 1 — adopted (two-thirds of members)" in md
    assert "Not taken up." in md and "Conclusion: Thống nhất chương trình." in md
    page = minutes.to_html(record, "vi")
    assert "<h1>Biên bản (dự thảo): Kỳ họp &lt;thứ 12&gt;</h1>" in page and "<script" not in page
    assert "Tán thành 10" in page and "thông qua" in page


def test_draft_minutes_of_a_meeting_run_through_the_server(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, delegate = rest.token("chutoa"), rest.token("daibieu")
    with chamber.ctx.db.write() as session:
        person = session.scalar(select(Account.person_id).where(Account.username == "daibieu"))
        attendance.record(session, Actor.system(), meeting, {"person_id": person, "action": "check_in", "reason": "Điểm danh tại bàn thư ký"})

    def post(path: str, token: str, body: dict | None = None) -> dict:
        response = rest.call("POST", path, token=token, json=body or {})
        assert response.status_code < 300, response.text
        return response.json()

    post(f"/meetings/{meeting}/live/commands", chair, {"command": "open"})
    state = post(f"/meetings/{meeting}/live/commands", chair, {"command": "next"})
    request = post(f"/meetings/{meeting}/speakers", delegate)
    post(f"/meetings/{meeting}/live/commands", chair, {"command": "give_floor", "request_id": request["id"], "seconds": 120})
    post(f"/meetings/{meeting}/live/commands", chair, {"command": "end_floor"})
    vote = post(f"/meetings/{meeting}/votes", chair, {"question": "Thông qua báo cáo?", "rule": "simple"})
    post(f"/votes/{vote['id']}/ballots", delegate, {"choice": "for"})
    post(f"/votes/{vote['id']}/close", chair)
    rest.call("PUT", f"/meetings/{meeting}/conclusions/{state['current_item_id']}", token=chair, json={"text": "Thông qua báo cáo."})
    post(f"/meetings/{meeting}/tasks", chair, {"what": "Hoàn thiện báo cáo", "responsible_unit": "UBND phường", "supporters": ["Ban Kinh tế - Ngân sách"],
                                               "deadline": "2099-01-31", "expected_result": "Báo cáo hoàn chỉnh"})
    post(f"/meetings/{meeting}/live/commands", chair, {"command": "close"})

    md = rest.call("GET", f"/meetings/{meeting}/minutes", token=chair, params={"lang": "en"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    text = md.text
    assert "Hoàng Đức Thắng: present (arrived" in text and "At the opening: 1 of 15 members present, quorum not reached" in text
    assert "Hoàng Đức Thắng spoke" in text
    assert "Vote: Thông qua báo cáo? — For 1 · Against 0 · Abstain 0 — adopted (simple majority of votes cast)" in text
    assert "Conclusion: Thông qua báo cáo." in text
    assert "Hoàn thiện báo cáo — responsible: UBND phường; with: Ban Kinh tế - Ngân sách; by 2099-01-31; expected: Báo cáo hoàn chỉnh; on time" in text
    vi = rest.call("GET", f"/meetings/{meeting}/minutes", token=chair, params={"format": "html"}, headers={"Accept-Language": "vi"})
    assert vi.status_code == 200 and "<h2>Điểm danh</h2>" in vi.text
    assert rest.call("GET", f"/meetings/{meeting}/minutes", token=delegate).status_code == 403
