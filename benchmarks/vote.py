"""A vote of N delegates: every delegate votes within one second, then the chair closes the vote →
all ballots recorded and the result computed. Seconds from the first ballot sent to the result in
the chair's hands.

Two ways in the same run, against the same server process:
- over the event stream (what a tablet does: it holds its stream open to follow the meeting and
  sends its ballot there; the server writes the ballots in groups, app/server/ballot_lane.py);
- over HTTPS, a request per ballot on an already open connection (what a tablet falls back to
  when its stream is down).
Baseline: the same N connections each making one `GET /health` spread over the same second
(what the network and TLS alone cost). Every connection is opened before anything is measured,
as tablets in the hall are already connected.

Prints a table, then one line of JSON: voters, recorded, seconds (the stream path), and the
HTTPS path and the baseline.

    uv run python benchmarks/vote.py [--voters 500] [--spread 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import secrets
import sys
import tempfile
import threading
import time
import uuid

import websockets
from datetime import timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.config import ServerSettings  # noqa: E402
from app.demo import DEMO_PASSWORD  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.net.tls import client_ssl_context, ensure_certificate  # noqa: E402
from benchmarks.fanout import free_port, start_process  # noqa: E402


def make_voters(data: Path, body_id: str, count: int) -> list[str]:
    """Members of the council with delegate accounts and device tokens, written straight into the
    chamber's database (a password login per voter would measure argon2, not voting)."""
    from app.server.context import ServerContext
    from app.services import directory
    from app.services.accounts import hash_token
    from app.storage.models import Account, DeviceToken, utcnow

    ctx = ServerContext.open(ServerSettings(data_dir=data), migrate=False)
    tokens = []
    try:
        with ctx.db.write() as session:
            for n in range(count):
                person = directory.add_person(session, full_name=f"Đại biểu {n:03d}", title="Đại biểu HĐND")
                directory.add_membership(session, body_id=body_id, person_id=person.id)
                account = Account(username=f"bench{n:03d}", password_hash="!", role=Role.DELEGATE.value, person_id=person.id)
                session.add(account)
                session.flush()
                token = secrets.token_urlsafe(24)
                session.add(DeviceToken(account_id=account.id, token_hash=hash_token(token), device_name="bench", expires_at=utcnow() + timedelta(days=1)))
                tokens.append(token)
    finally:
        ctx.db.dispose()
    return tokens


async def retrying(send) -> httpx.Response:  # noqa: ANN001
    """A request sent again after a dropped keep-alive connection, as a tablet's outbox does (a
    ballot keeps its operation id, so a retry can never count twice)."""
    for attempt in range(3):
        try:
            return await send()
        except httpx.TransportError:
            if attempt == 2:
                raise
    raise AssertionError


async def spread(tokens: list[str], seconds: float, call) -> tuple[float, list[int]]:  # noqa: ANN001
    """Start one call per token, evenly over `seconds`; the time until the last answer."""
    t0 = time.monotonic()

    async def one(n: int, token: str) -> int:
        await asyncio.sleep(seconds * n / len(tokens))
        return await call(token)

    statuses = await asyncio.gather(*(one(n, t) for n, t in enumerate(tokens)))
    return time.monotonic() - t0, list(statuses)


async def run(base: str, ssl_ctx, tokens: list[str], chair: str, meeting_id: str, seconds: float) -> dict:  # noqa: ANN001
    limits = httpx.Limits(max_connections=len(tokens) + 10, max_keepalive_connections=len(tokens) + 10)
    async with httpx.AsyncClient(base_url=base + "/api/v1", verify=ssl_ctx, limits=limits, timeout=60) as http:
        # Baseline: the same connections, one trivial request each.
        async def health(token: str) -> int:
            return (await retrying(lambda: http.get("/health", headers={"Authorization": f"Bearer {token}"}))).status_code

        await spread(tokens, 0, health)  # every tablet connected first (TLS handshakes not measured)
        bare_seconds, bare_statuses = await spread(tokens, seconds, health)
        chair_h = {"Authorization": f"Bearer {chair}"}
        vote = (await http.post(f"/meetings/{meeting_id}/votes", json={"question": "Thông qua nghị quyết dự toán ngân sách 2027?", "rule": "absolute"},
                                headers=chair_h)).json()

        async def ballot(token: str) -> int:
            choice = "for" if token[-1] not in "ABC" else "against"
            headers = {"Authorization": f"Bearer {token}", "X-Operation-Id": str(uuid.uuid4())}
            r = await retrying(lambda: http.post(f"/votes/{vote['id']}/ballots", json={"choice": choice}, headers=headers))
            return r.status_code

        t0 = time.monotonic()
        ballots_seconds, statuses = await spread(tokens, seconds, ballot)
        closed = (await http.post(f"/votes/{vote['id']}/close", headers=chair_h)).json()
        https_total = time.monotonic() - t0

        # The same vote again, each ballot over the voter's open event stream.
        vote = (await http.post(f"/meetings/{meeting_id}/votes", json={"question": "Thông qua nghị quyết về đầu tư công năm 2027?", "rule": "absolute"},
                                headers=chair_h)).json()
        streams = await open_streams(base, ssl_ctx, tokens)
        path = f"/votes/{vote['id']}/ballots"

        async def stream_ballot(token: str) -> int:
            ws, answers = streams[token]
            op_id = str(uuid.uuid4())
            answers[op_id] = asyncio.get_running_loop().create_future()
            choice = "for" if token[-1] not in "ABC" else "against"
            await ws.send(json.dumps({"type": "op", "id": op_id, "method": "POST", "path": path, "body": {"choice": choice}}))
            return (await asyncio.wait_for(answers[op_id], 60))["status"]

        t0 = time.monotonic()
        stream_ballots_seconds, stream_statuses = await spread(tokens, seconds, stream_ballot)
        stream_closed = (await http.post(f"/votes/{vote['id']}/close", headers=chair_h)).json()
        stream_total = time.monotonic() - t0
        for ws, _ in streams.values():
            await ws.close()
    return {
        "voters": len(tokens), "recorded": stream_closed["result"]["cast"], "accepted": stream_statuses.count(200), "seconds": round(stream_total, 3),
        "ballots_seconds": round(stream_ballots_seconds, 3), "result": stream_closed["result"],
        "https_recorded": closed["result"]["cast"], "https_accepted": statuses.count(200), "https_seconds": round(https_total, 3),
        "https_ballots_seconds": round(ballots_seconds, 3), "bare_seconds": round(bare_seconds, 3), "bare_ok": bare_statuses.count(200),
    }


async def open_streams(base: str, ssl_ctx, tokens: list[str]) -> dict[str, tuple]:  # noqa: ANN001
    """Every voter's event stream, open and caught up, with a reader that hands each answer to
    the ballot waiting for it."""
    url = base.replace("https://", "wss://") + "/api/v1/events?after=1000000000000"
    streams: dict[str, tuple] = {}

    async def one(token: str) -> None:
        ws = await websockets.connect(url, ssl=ssl_ctx, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None, ping_interval=None, open_timeout=60)
        answers: dict[str, asyncio.Future] = {}
        synced = asyncio.Event()

        async def read() -> None:
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "synced":
                    synced.set()
                elif msg["type"] == "op_result" and msg["id"] in answers:
                    answers[msg["id"]].set_result(msg)

        asyncio.create_task(read())
        await asyncio.wait_for(synced.wait(), 60)
        streams[token] = (ws, answers)

    for start in range(0, len(tokens), 50):  # as tablets join: not all 500 handshakes at once
        await asyncio.gather(*(one(t) for t in tokens[start : start + 50]))
    return streams


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=500)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds over which the voters send their ballots")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

    tmp = Path(tempfile.mkdtemp(prefix="chamber-vote-"))
    data = tmp / "server"
    port = free_port()
    server = start_process(["main.py", "--lang", "en", "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--no-advertise", "--demo"], "Pairing code")
    # Keep reading the server's log: a full pipe would stop it in the middle of the vote.
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    try:
        cert = ensure_certificate(data)
        ssl_ctx = client_ssl_context(cert.pem)
        base = f"https://127.0.0.1:{port}"
        with httpx.Client(base_url=base + "/api/v1", verify=ssl_ctx) as http:
            chair = http.post("/auth/login", json={"username": "chutoa", "password": DEMO_PASSWORD}).json()["token"]
            auth = {"Authorization": f"Bearer {chair}"}
            meeting = next(m for m in http.get("/meetings", headers=auth).json() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
            tokens = make_voters(data, meeting["body_id"], args.voters)
            http.post(f"/meetings/{meeting['id']}/live/commands", json={"command": "open"}, headers=auth).raise_for_status()
        figures = asyncio.run(run(base, ssl_ctx, tokens, chair, meeting["id"], args.spread))
    finally:
        server.terminate()
        server.wait(10)
    ratio = round(figures["seconds"] / figures["bare_seconds"], 2) if figures["bare_seconds"] else None
    print(f"{'':<44} {'seconds':>8} {'ok':>6}")
    print(f"{'bare: GET /health per connection':<44} {figures['bare_seconds']:>8} {figures['bare_ok']:>6}")
    print(f"{'HTTPS: ballots sent and answered':<44} {figures['https_ballots_seconds']:>8} {figures['https_accepted']:>6}")
    print(f"{'HTTPS: …and the vote closed with result':<44} {figures['https_seconds']:>8} {figures['https_recorded']:>6}")
    print(f"{'event stream: ballots sent and answered':<44} {figures['ballots_seconds']:>8} {figures['accepted']:>6}")
    print(f"{'event stream: …and the vote closed with result':<44} {figures['seconds']:>8} {figures['recorded']:>6}")
    print(f"event stream vs bare: {ratio}; result: {figures['result']['counts']} adopted={figures['result']['adopted']}")
    print(json.dumps({"voters": figures["voters"], "recorded": figures["recorded"], "seconds": figures["seconds"], "accepted": figures["accepted"],
                      "ballots_seconds": figures["ballots_seconds"], "https_seconds": figures["https_seconds"], "https_recorded": figures["https_recorded"],
                      "bare_seconds": figures["bare_seconds"], "ratio_vs_bare": ratio, "spread_seconds": args.spread}))

if __name__ == "__main__":
    main()
