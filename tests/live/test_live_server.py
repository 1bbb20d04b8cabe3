"""The live meeting through the real server on 127.0.0.1 with several clients, on SQLite and
PostgreSQL: follow-me reaches every device (also one that was away, and a new one), a delegate
votes and changes the vote, an ineligible person is refused with 403, a ballot sent twice counts
once, a secret vote keeps who voted apart from how, and a hundred voters at once are all counted."""

from __future__ import annotations

import asyncio
import secrets
import uuid

import httpx
from sqlalchemy import inspect, select

from app.domain.roles import Actor
from app.net.tls import client_ssl_context
from app.services import attendance
from app.storage.models import Account, Event, SecretBallot, VoteBallot, VoteParticipant
from app.sync.session import ChamberSession
from tests.integration.conftest import Chamber
from tests.live.conftest import make_voters, session_meeting


def person_of(chamber: Chamber, username: str) -> str:
    with chamber.ctx.db.read() as session:
        return session.scalar(select(Account.person_id).where(Account.username == username))


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_follow_me_reaches_every_client_and_one_that_was_away_catches_up(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    chair = chamber.login("chutoa")
    delegates = [chamber.login("daibieu"), chamber.login("daibieu2"), chamber.login("thuky")]
    items = chair.get_agenda(meeting)
    agenda = [i["id"] for i in items]

    chair.live_command(meeting, "open")
    for client in [chair, *delegates]:
        assert client.engine.wait_until(lambda c=client: c.live_state(meeting)["current_item_id"] == agenda[0], 10), client.username
        assert client.live_state(meeting)["state"] == "open"
        assert client.get_meeting(meeting)["status"] == "open"
    opened = chair.live_state(meeting)
    assert opened["quorum"]["members"] == 15 and opened["quorum"]["present"] == 0  # nobody checked in: recorded as it was

    chair.live_command(meeting, "next")
    for client in delegates:
        assert client.engine.wait_until(lambda c=client: c.live_state(meeting)["current_item_id"] == agenda[1], 10), client.username
    timer = delegates[0].live_state(meeting)["item_timer"]
    assert timer["planned_seconds"] == items[1]["duration_minutes"] * 60 == 45 * 60 and timer["running_since"]

    # A tablet goes to sleep; the chair moves on and shows a page; the tablet wakes up.
    away = delegates[1]
    profile, server_id = away.profile, away.server.server_id
    away.close()
    document = max(chair.list_documents(meeting), key=lambda d: d["pages"])  # the budget proposal, 2 pages
    chair.live_command(meeting, "goto", item_id=agenda[4])
    chair.live_command(meeting, "show_page", document_id=document["id"], page=1)
    chair.live_command(meeting, "pause")
    assert chair.engine.wait_until(lambda: chair.live_state(meeting)["state"] == "paused", 10)
    assert chair.failed_operations() == []
    woken = ChamberSession.resume(profile, server_id).start()
    chamber.sessions.append(woken)
    assert woken.engine.wait_until(lambda: woken.live_state(meeting)["state"] == "paused", 10)
    state = woken.live_state(meeting)
    assert state["current_item_id"] == agenda[4]
    assert state["page"] == {"document_id": document["id"], "page": 1}
    assert state["item_timer"]["running_since"] is None  # paused: the clock stands still
    assert [e["item_id"] for e in state["item_log"]] == [agenda[0], agenda[1], agenda[4]]
    assert all(e["ended_at"] for e in state["item_log"][:2]) and state["item_log"][2]["ended_at"] is None

    # A device that logs in now starts from the snapshot, which carries the live state.
    late = chamber.login("daibieu")
    assert late.live_state(meeting) | {"last": None} == woken.live_state(meeting) | {"last": None}


def test_refused_commands_say_why(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, delegate = rest.token("chutoa"), rest.token("daibieu")
    nope = rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "next"})
    assert nope.status_code == 409 and nope.json()["error"] == "conflict"
    assert rest.call("POST", f"/meetings/{meeting}/live/commands", token=delegate, json={"command": "open"}).status_code == 403
    assert rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "fly"}).status_code == 422
    ok(rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "open"}))
    assert rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "previous"}).status_code == 409  # at the first item
    ok(rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "close"}))
    assert rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "open"}).status_code == 409  # closed is final
    assert ok(rest.call("GET", f"/meetings/{meeting}", token=delegate))["status"] == "closed"


def test_speakers_queue_points_of_order_first_and_the_floor(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    chair = chamber.login("chutoa")
    first, second = chamber.login("daibieu"), chamber.login("daibieu2")
    chair.live_command(meeting, "open")
    assert first.engine.wait_until(lambda: first.live_state(meeting)["state"] == "open", 10)
    asked = first.ask_to_speak(meeting)
    assert first.engine.wait_until(first.engine.idle, 10)
    second.ask_to_speak(meeting, point_of_order=True)
    assert chair.engine.wait_until(lambda: len(chair.live_state(meeting)["queue"]) == 2, 10)
    queue = chair.live_state(meeting)["queue"]
    assert [q["person_id"] for q in queue] == [person_of(chamber, "daibieu2"), person_of(chamber, "daibieu")]
    assert queue[0]["kind"] == "point_of_order"

    chair.live_command(meeting, "give_floor", request_id=queue[0]["id"], seconds=120)
    assert first.engine.wait_until(lambda: (first.live_state(meeting)["floor"] or {}).get("id") == queue[0]["id"], 10)
    floor = first.live_state(meeting)["floor"]
    assert floor["planned_seconds"] == 120 and floor["started_at"]
    first.withdraw_request(meeting, asked)
    assert chair.engine.wait_until(lambda: chair.live_state(meeting)["queue"] == [], 10)
    chair.live_command(meeting, "end_floor")
    assert second.engine.wait_until(lambda: second.live_state(meeting)["floor"] is None, 10)


def test_a_delegate_votes_changes_the_vote_and_everyone_sees_the_result(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    chair = chamber.login("chutoa")
    voter, other = chamber.login("daibieu"), chamber.login("daibieu2")
    chair.live_command(meeting, "open")
    vote_id = chair.open_vote(meeting, "Thông qua báo cáo kinh tế - xã hội năm 2026", rule="absolute")
    assert voter.engine.wait_until(lambda: any(v["id"] == vote_id for v in voter.live_state(meeting)["votes"]), 10)
    vote = voter.live_state(meeting)["votes"][0]
    assert vote["eligible_source"] == "members" and vote["eligible_count"] == 15 and vote["result"] is None

    voter.cast_vote(vote_id, "for")
    assert voter.engine.wait_until(voter.engine.idle, 10)
    voter.cast_vote(vote_id, "against")  # changed their mind before the close
    other.cast_vote(vote_id, "for")
    assert voter.engine.wait_until(voter.engine.idle, 10) and other.engine.wait_until(other.engine.idle, 10)
    assert voter.failed_operations() == [] and other.failed_operations() == []
    details = chair.vote_details(vote_id)
    assert details["cast"] == 2 and details["counts"] == {"for": 1, "against": 1, "abstain": 0}
    assert voter.vote_details(vote_id)["mine"] == {"voted": True, "choice": "against"}
    assert "counts" not in voter.vote_details(vote_id)  # delegates see the result when it is closed
    assert chair.engine.wait_until(lambda: (chair.ballot_count(vote_id) or {}).get("cast") == 2, 10)

    chair.close_vote(vote_id)
    for client in (voter, other):
        assert client.engine.wait_until(lambda c=client: c.live_state(meeting)["votes"][0]["state"] == "closed", 10)
        result = client.live_state(meeting)["votes"][0]["result"]
        assert result == {"cast": 2, "counts": {"for": 1, "against": 1, "abstain": 0}, "rule": "absolute", "members": 15, "adopted": False, "winner": None}
    voter.cast_vote(vote_id, "for")  # too late: refused by the server, kept as a failed operation
    assert voter.engine.wait_until(lambda: voter.failed_operations() != [], 10)
    assert voter.failed_operations()[0]["error_message"] == "This vote is closed."


def test_eligibility_comes_from_attendance_and_a_ballot_counts_once(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, present, absent = rest.token("chutoa"), rest.token("daibieu"), rest.token("daibieu2")
    with chamber.ctx.db.write() as session:
        attendance.record(session, Actor.system(), meeting, {"person_id": person_of(chamber, "daibieu"), "action": "check_in", "reason": "Điểm danh tại bàn thư ký"})
        attendance.record(session, Actor.system(), meeting, {"person_id": person_of(chamber, "chutoa"), "action": "check_in", "reason": "Điểm danh tại bàn thư ký"})
    opened = ok(rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "open"}))
    assert opened["quorum"]["present"] == 2 and opened["quorum"]["reached"] is False
    vote = ok(rest.call("POST", f"/meetings/{meeting}/votes", token=chair, json={"question": "Thông qua dự toán?", "rule": "simple"}), 201)
    assert vote["eligible_source"] == "attendance" and sorted(vote["eligible"]) == sorted([person_of(chamber, "daibieu"), person_of(chamber, "chutoa")])

    refused = rest.call("POST", f"/votes/{vote['id']}/ballots", token=absent, json={"choice": "for"})
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"
    assert refused.json()["message_en"] == "You are not eligible to vote in this vote."
    assert rest.call("POST", f"/votes/{vote['id']}/ballots", token=rest.token("thuky"), json={"choice": "for"}).status_code == 403

    op = str(uuid.uuid4())
    first = rest.call("POST", f"/votes/{vote['id']}/ballots", token=present, json={"choice": "for"}, headers={"X-Operation-Id": op})
    again = rest.call("POST", f"/votes/{vote['id']}/ballots", token=present, json={"choice": "for"}, headers={"X-Operation-Id": op})
    assert first.status_code == again.status_code == 200 and again.headers.get("X-Operation-Replayed") == "1" and again.json() == first.json()
    ok(rest.call("POST", f"/votes/{vote['id']}/ballots", token=present, json={"choice": "for"}, headers={"X-Operation-Id": str(uuid.uuid4())}))
    assert ok(rest.call("GET", f"/votes/{vote['id']}", token=chair))["cast"] == 1
    with chamber.ctx.db.read() as session:
        assert len(session.scalars(select(VoteBallot).where(VoteBallot.vote_id == vote["id"])).all()) == 1
    closed = ok(rest.call("POST", f"/votes/{vote['id']}/close", token=chair))
    assert closed["result"]["counts"] == {"for": 1, "against": 0, "abstain": 0} and closed["result"]["adopted"] is True


def test_a_secret_vote_stores_who_voted_but_not_how(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, voter, other = rest.token("chutoa"), rest.token("daibieu"), rest.token("daibieu2")
    ok(rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "open"}))
    vote = ok(rest.call("POST", f"/meetings/{meeting}/votes", token=chair,
                        json={"question": "Chọn phương án", "options": ["Phương án A", "Phương án B"], "secret": True}), 201)
    receipt = secrets.token_hex(16)
    assert rest.call("POST", f"/votes/{vote['id']}/ballots", token=voter, json={"choice": "Phương án A"}).status_code == 422  # no receipt
    answer = ok(rest.call("POST", f"/votes/{vote['id']}/ballots", token=voter, json={"choice": "Phương án A", "receipt": receipt}))
    assert answer["choice"] is None  # the answer (kept for replays) does not say how
    ok(rest.call("POST", f"/votes/{vote['id']}/ballots", token=voter, json={"choice": "Phương án B", "receipt": receipt}))  # changed
    stolen = rest.call("POST", f"/votes/{vote['id']}/ballots", token=voter, json={"choice": "Phương án A", "receipt": secrets.token_hex(16)})
    assert stolen.status_code == 409
    ok(rest.call("POST", f"/votes/{vote['id']}/ballots", token=other, json={"choice": "Phương án B", "receipt": secrets.token_hex(16)}))
    running = ok(rest.call("GET", f"/votes/{vote['id']}", token=chair))
    assert running["cast"] == 2 and "counts" not in running and "ballots" not in running  # no running count of a secret vote
    closed = ok(rest.call("POST", f"/votes/{vote['id']}/close", token=chair))
    assert closed["result"]["counts"] == {"Phương án A": 0, "Phương án B": 2} and closed["result"]["winner"] == "Phương án B"
    assert sorted(ok(rest.call("GET", f"/votes/{vote['id']}", token=voter))["voters"]) == sorted([person_of(chamber, "daibieu"), person_of(chamber, "daibieu2")])
    with chamber.ctx.db.read() as session:
        columns = {c["name"] for c in inspect(session.get_bind()).get_columns("secret_ballots")}
        assert not columns & {"person_id", "account_id", "voted_at", "cast_at", "created_at"}
        assert len(session.scalars(select(VoteParticipant).where(VoteParticipant.vote_id == vote["id"])).all()) == 2
        assert sorted(b.choice for b in session.scalars(select(SecretBallot).where(SecretBallot.vote_id == vote["id"]))) == ["Phương án B", "Phương án B"]
        for event in session.scalars(select(Event).where(Event.kind == "ballot", Event.entity_id == vote["id"])):
            assert "counts" not in event.data and "choice" not in event.data


def test_a_hundred_voters_at_once_are_all_recorded(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)
    voters = 100
    tokens = make_voters(chamber.ctx, meeting["body_id"], voters)
    rest = chamber.rest()
    chair = rest.token("chutoa")
    ok(rest.call("POST", f"/meetings/{meeting['id']}/live/commands", token=chair, json={"command": "open"}))
    vote = ok(rest.call("POST", f"/meetings/{meeting['id']}/votes", token=chair, json={"question": "Thông qua nghị quyết?", "rule": "two_thirds"}), 201)
    assert vote["members"] == 15 + voters

    async def vote_all() -> list[int]:
        async with httpx.AsyncClient(base_url=f"{chamber.url}/api/v1", verify=client_ssl_context(chamber.ctx.certificate.pem), timeout=60) as http:
            async def one(n: int, token: str) -> int:
                choice = "for" if n % 10 else "against"
                response = await http.post(f"/votes/{vote['id']}/ballots", json={"choice": choice},
                                           headers={"Authorization": f"Bearer {token}", "X-Operation-Id": str(uuid.uuid4())})
                return response.status_code
            return await asyncio.gather(*(one(n, t) for n, t in enumerate(tokens)))

    assert asyncio.run(vote_all()) == [200] * voters
    closed = ok(rest.call("POST", f"/votes/{vote['id']}/close", token=chair))
    assert closed["result"]["cast"] == voters
    assert closed["result"]["counts"] == {"for": 90, "against": 10, "abstain": 0}
    assert closed["result"]["adopted"] is True  # 90 of 115 members ≥ two thirds (77)


def test_conclusions_and_follow_up_tasks_reach_every_device(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    chair, delegate = chamber.login("chutoa"), chamber.login("daibieu")
    item = chair.get_agenda(meeting)[0]["id"]
    chair.live_command(meeting, "open")
    vote_id = chair.open_vote(meeting, "Thông qua chương trình kỳ họp")
    chair.close_vote(vote_id)
    chair.set_conclusion(meeting, item, "Kỳ họp thống nhất chương trình.", vote_id=vote_id)
    assert delegate.engine.wait_until(lambda: item in delegate.live_state(meeting)["conclusions"], 10)
    assert delegate.live_state(meeting)["conclusions"][item]["text"] == "Kỳ họp thống nhất chương trình."
    assert delegate.live_state(meeting)["conclusions"][item]["vote_id"] == vote_id

    responsible = person_of(chamber, "daibieu")
    overdue = chair.create_task(meeting, {"what": "Rà soát các khoản chi thường xuyên", "responsible_person_id": responsible,
                                          "supporters": ["Phòng Tài chính - Kế hoạch"], "deadline": "2026-01-15", "expected_result": "Báo cáo rà soát"})
    ahead = chair.create_task(meeting, {"what": "Lấy ý kiến cử tri khu phố 3", "responsible_unit": "UBND phường", "deadline": "2099-06-30"})
    assert delegate.engine.wait_until(lambda: len(delegate.list_tasks(meeting)) == 2, 10)
    tasks = {t["id"]: t for t in delegate.list_tasks(meeting)}
    assert tasks[overdue]["timeliness"] == "late" and tasks[overdue]["supporters"] == ["Phòng Tài chính - Kế hoạch"]
    assert tasks[ahead]["timeliness"] == "on_time" and tasks[ahead]["responsible_unit"] == "UBND phường"

    chair.update_task(meeting, ahead, {"progress": 60, "progress_note": "Đã họp 2/3 tổ dân phố"})
    chair.update_task(meeting, overdue, {"status": "done"})
    assert delegate.engine.wait_until(lambda: {t["id"]: t["version"] for t in delegate.list_tasks(meeting)} == {overdue: 2, ahead: 2}, 10)
    tasks = {t["id"]: t for t in delegate.list_tasks(meeting)}
    assert (tasks[ahead]["progress"], tasks[ahead]["timeliness"]) == (60, "on_time")
    assert (tasks[overdue]["status"], tasks[overdue]["progress"], tasks[overdue]["timeliness"]) == ("done", 100, "done_late")
    chair.update_task(meeting, ahead, {"responsible_unit": ""})  # nobody responsible any more: refused
    assert chair.engine.wait_until(lambda: chair.failed_operations() != [], 10)
    assert chair.failed_operations()[0]["error_message"] == "The task is not valid: %(reason)s."

    late = chamber.login("daibieu2")  # a new device gets tasks and conclusions from the snapshot
    assert {t["id"] for t in late.list_tasks(meeting)} == {overdue, ahead}
    assert item in late.live_state(meeting)["conclusions"]


def test_a_vote_with_a_duration_closes_by_itself_and_everyone_gets_the_result(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, voter = rest.token("chutoa"), rest.token("daibieu")
    delegate = chamber.login("daibieu2")
    ok(rest.call("POST", f"/meetings/{meeting}/live/commands", token=chair, json={"command": "open"}))
    vote = ok(rest.call("POST", f"/meetings/{meeting}/votes", token=chair, json={"question": "Thông qua nhanh?", "duration_seconds": 1}), 201)
    assert vote["closes_at"] is not None
    ok(rest.call("POST", f"/votes/{vote['id']}/ballots", token=voter, json={"choice": "for"}))
    assert delegate.engine.wait_until(lambda: any(v["id"] == vote["id"] and v["state"] == "closed" for v in delegate.live_state(meeting)["votes"]), 15)
    result = next(v for v in delegate.live_state(meeting)["votes"] if v["id"] == vote["id"])["result"]
    assert result["cast"] == 1 and result["counts"]["for"] == 1 and result["adopted"] is True
    late = rest.call("POST", f"/votes/{vote['id']}/ballots", token=voter, json={"choice": "against"})
    assert late.status_code == 409 and late.json()["message_en"] == "This vote is closed."


def test_late_tasks_of_earlier_meetings_are_listed_for_the_next_meeting_of_the_body(chamber: Chamber) -> None:
    rest = chamber.rest()
    secretary, delegate = rest.token("thuky"), rest.token("daibieu")
    body_id = session_meeting(chamber.ctx)["body_id"]
    meetings = [m for m in ok(rest.call("GET", "/meetings", token=secretary)) if m["body_id"] == body_id]
    past = next(m for m in meetings if m["status"] == "closed")
    upcoming = next(m for m in meetings if m["status"] == "scheduled")
    late = ok(rest.call("POST", f"/meetings/{past['id']}/tasks", token=secretary,
                        json={"what": "Báo cáo tiến độ chỉnh trang khu phố 3", "responsible_unit": "UBND phường", "deadline": "2026-01-31"}), 201)
    ok(rest.call("POST", f"/meetings/{past['id']}/tasks", token=secretary, json={"what": "Việc còn hạn", "responsible_unit": "UBND phường", "deadline": "2099-01-31"}), 201)
    done = ok(rest.call("POST", f"/meetings/{past['id']}/tasks", token=secretary, json={"what": "Việc đã xong", "responsible_unit": "Văn phòng", "deadline": "2026-01-31"}), 201)
    ok(rest.call("PATCH", f"/tasks/{done['id']}", token=secretary, json={"status": "done"}))
    listed = ok(rest.call("GET", f"/meetings/{upcoming['id']}/overdue-tasks", token=delegate))
    assert [t["id"] for t in listed] == [late["id"]] and listed[0]["timeliness"] == "late"
    assert ok(rest.call("GET", f"/meetings/{past['id']}/overdue-tasks", token=delegate)) == []  # its own tasks are not "from an earlier meeting"
