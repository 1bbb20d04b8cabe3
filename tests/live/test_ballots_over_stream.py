"""Ballots sent over a tablet's open event stream (app/server/ballot_lane.py), through the real
server on 127.0.0.1, on SQLite and PostgreSQL: many at once are all counted, in fewer
transactions than ballots; a resent ballot (over the stream or over HTTPS) counts once; refusals
carry the same typed error as over HTTPS; a device signed out since it connected cannot vote; the
chair's running count arrives once per group; a tablet's client sends its ballot this way."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import websockets
from sqlalchemy import select, update

from app.net.tls import client_ssl_context
from app.services.accounts import hash_token
from app.storage.models import DeviceToken, VoteBallot, utcnow
from tests.integration.conftest import Chamber
from tests.live.conftest import make_voters, session_meeting

BIG = 10**12  # after= beyond every seq: no backlog, straight to live


class Device:
    """One tablet's event stream, as the client holds it."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.results: dict[str, dict] = {}
        self.events: list[dict] = []
        self.synced = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            if msg["type"] == "synced":
                self.synced.set()
            elif msg["type"] == "op_result":
                self.results[msg["id"]] = msg
            elif msg["type"] == "event":
                self.events.append(msg)

    async def send(self, op_id: str, path: str, body: dict) -> None:
        await self.ws.send(json.dumps({"type": "op", "id": op_id, "method": "POST", "path": path, "body": body}))

    async def answer(self, op_id: str, timeout: float = 20) -> dict:
        deadline = asyncio.get_running_loop().time() + timeout
        while op_id not in self.results:
            assert asyncio.get_running_loop().time() < deadline, f"no answer to {op_id}"
            await asyncio.sleep(0.01)
        return self.results.pop(op_id)


async def connect(chamber: Chamber, token: str) -> Device:
    ws = await websockets.connect(f"{chamber.url.replace('https', 'wss')}/api/v1/events?after={BIG}", ssl=client_ssl_context(chamber.ctx.certificate.pem),
                                  additional_headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"}, max_size=None)
    device = Device(ws)
    await asyncio.wait_for(device.synced.wait(), 20)
    return device


def test_ballots_over_the_event_stream_count_once_and_refusals_say_why(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)
    voters = 60
    tokens = make_voters(chamber.ctx, meeting["body_id"], voters)
    rest = chamber.rest()
    chair, secretary = rest.token("chutoa"), rest.token("thuky")
    assert rest.call("POST", f"/meetings/{meeting['id']}/live/commands", token=chair, json={"command": "open"}).status_code == 200
    vote = rest.call("POST", f"/meetings/{meeting['id']}/votes", token=chair, json={"question": "Thông qua nghị quyết?", "rule": "simple"}).json()
    path = f"/votes/{vote['id']}/ballots"
    lane = chamber.runner.app.state.ballot_lane
    groups_before = lane.groups_written

    async def scenario() -> dict[str, Any]:
        chair_stream = await connect(chamber, chair)
        devices = await asyncio.gather(*(connect(chamber, t) for t in tokens))
        ops = [str(uuid.uuid4()) for _ in devices]
        await asyncio.gather(*(d.send(op, path, {"choice": "against" if n % 4 == 0 else "for"}) for n, (d, op) in enumerate(zip(devices, ops))))
        answers = [await d.answer(op) for d, op in zip(devices, ops)]

        await devices[1].send(ops[1], path, {"choice": "for"})  # resent over the stream
        resent = await devices[1].answer(ops[1])
        by_https = rest.call("POST", path, token=tokens[1], json={"choice": "for"}, headers={"X-Operation-Id": ops[1]})  # and over HTTPS

        secretariat = await connect(chamber, secretary)
        await secretariat.send(op := str(uuid.uuid4()), path, {"choice": "for"})
        not_a_voter = await secretariat.answer(op)
        await devices[2].send(op := str(uuid.uuid4()), path, {"choice": "maybe"})
        bad_choice = await devices[2].answer(op)
        await devices[2].send(op := str(uuid.uuid4()), f"/meetings/{meeting['id']}/speakers", {})
        not_taken = await devices[2].answer(op)

        with chamber.ctx.db.write() as session:  # device 3 is signed out after it connected
            session.execute(update(DeviceToken).where(DeviceToken.token_hash == hash_token(tokens[3])).values(revoked_at=utcnow()))
        await devices[3].send(op := str(uuid.uuid4()), path, {"choice": "against"})
        signed_out = await devices[3].answer(op)

        await asyncio.sleep(0.5)  # the last running count reaches the chair
        for d in (chair_stream, secretariat, *devices):
            await d.ws.close()
        return {"answers": answers, "first": answers[1], "resent": resent, "by_https": by_https, "not_a_voter": not_a_voter, "bad_choice": bad_choice,
                "not_taken": not_taken, "signed_out": signed_out, "chair_events": [e for e in chair_stream.events if e["kind"] == "ballot"]}

    seen = asyncio.run(scenario())
    assert [a["status"] for a in seen["answers"]] == [200] * voters
    assert all(a["body"]["voted"] is True and a["body"]["vote_id"] == vote["id"] for a in seen["answers"])
    assert lane.groups_written - groups_before < voters  # grouped: fewer transactions than ballots

    assert seen["resent"]["status"] == 200 and seen["resent"]["body"] == seen["first"]["body"]
    assert seen["by_https"].status_code == 200 and seen["by_https"].headers.get("X-Operation-Replayed") == "1"
    assert seen["not_a_voter"]["status"] == 403 and seen["not_a_voter"]["error"]["error"] == "permission_denied"
    assert seen["bad_choice"]["status"] == 422 and seen["bad_choice"]["error"]["message"]
    assert seen["not_taken"]["status"] == 404 and seen["not_taken"]["unsupported"] is True
    assert seen["signed_out"]["status"] == 401 and seen["signed_out"]["error"]["error"] == "session_expired"

    # The chair's side heard the running count once per group, ending at every ballot.
    assert 0 < len(seen["chair_events"]) < voters and seen["chair_events"][-1]["data"]["cast"] == voters
    closed = rest.call("POST", f"/votes/{vote['id']}/close", token=chair).json()
    assert closed["result"]["cast"] == voters and closed["result"]["counts"] == {"for": 45, "against": 15, "abstain": 0}
    with chamber.ctx.db.read() as session:
        assert len(session.scalars(select(VoteBallot).where(VoteBallot.vote_id == vote["id"])).all()) == voters


def test_a_tablet_sends_its_ballot_over_its_event_stream(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    chair, voter = chamber.login("chutoa"), chamber.login("daibieu")
    chair.live_command(meeting, "open")
    vote_id = chair.open_vote(meeting, "Thông qua chương trình kỳ họp", rule="simple")
    assert voter.engine.wait_until(lambda: any(v["id"] == vote_id for v in voter.live_state(meeting)["votes"]), 10)
    lane = chamber.runner.app.state.ballot_lane
    before = lane.ballots_written
    voter.cast_vote(vote_id, "for")
    assert voter.engine.wait_until(voter.engine.idle, 10) and voter.failed_operations() == []
    assert lane.ballots_written == before + 1  # the stream took it, not HTTPS
    assert chair.vote_details(vote_id)["counts"] == {"for": 1, "against": 0, "abstain": 0}
