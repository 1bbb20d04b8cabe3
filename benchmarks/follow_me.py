"""Follow-me: the chair moves to the next agenda item → the last of N connected delegates has it.

Our path: the chair's `POST /meetings/{id}/live/commands` over HTTPS → live state stored and
committed (SQLite) → one `live` event carrying the meeting's whole live state → every delegate's
WSS stream (filtered per viewer). Baseline, in the same run: a bare `websockets` TLS broadcast of
a payload of the same size to the same N clients (benchmarks/fanout.py's bare server).

Prints a table, then one line of JSON: clients, p50_ms, p99_ms, bare_p99_ms, ratio_vs_bare (for
the largest N) and the figures for every N.

    uv run python benchmarks/follow_me.py [--clients 10,100,500] [--moves 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.demo import DEMO_PASSWORD  # noqa: E402
from app.net.tls import client_ssl_context, ensure_certificate  # noqa: E402
from benchmarks.fanout import connect_all, free_port, measure_bare, percentile, start_process, wait_all  # noqa: E402


# Per move: when the chair had the answer, and when the first client had the event (the rest of
# the time to p99 is the fan-out to the others).
FIRST: list[float] = []
ANSWERED: list[float] = []


def live_tag(msg: dict) -> str | None:
    if msg.get("kind") != "live":
        return None
    data = msg.get("data") or {}
    return f"{data.get('current_item_id')}@{data.get('version')}"


async def measure_chamber(n: int, moves: int, base: str, ssl_ctx, chair: str, delegate: str, meeting_id: str) -> list[float]:  # noqa: ANN001
    url = base.replace("https://", "wss://") + "/api/v1/events?after=1000000000"
    listeners, tasks = await connect_all(n, url, ssl_ctx, {"Authorization": f"Bearer {delegate}"}, live_tag)
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=base, verify=ssl_ctx, headers={"Authorization": f"Bearer {chair}"}) as http:
        for i in range(moves + 3):
            t0 = time.monotonic()
            r = await http.post(f"/api/v1/meetings/{meeting_id}/live/commands", json={"command": "next" if i % 2 == 0 else "previous"})
            r.raise_for_status()
            t_answer = time.monotonic()
            state = r.json()
            tag = f"{state['current_item_id']}@{state['version']}"
            await wait_all(listeners, tag)
            if i >= 3:  # warm-up
                samples += [(l.arrivals[tag] - t0) * 1000 for l in listeners]
                FIRST.append((min(l.arrivals[tag] for l in listeners) - t0) * 1000)
                ANSWERED.append((t_answer - t0) * 1000)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="10,100,500")
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--viewer", default="daibieu", help="the demo account every client follows as (default: a delegate)")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    counts = [int(c) for c in args.clients.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="chamber-follow-"))
    port = free_port()
    server = start_process(["main.py", "--lang", "en", "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp / "server"), "--no-advertise", "--demo"], "Pairing code")
    bare_port = free_port()
    try:
        cert = ensure_certificate(tmp / "server")
        ssl_ctx = client_ssl_context(cert.pem)
        base = f"https://127.0.0.1:{port}"
        with httpx.Client(base_url=base + "/api/v1", verify=ssl_ctx) as http:
            chair = http.post("/auth/login", json={"username": "chutoa", "password": DEMO_PASSWORD}).json()["token"]
            delegate = http.post("/auth/login", json={"username": args.viewer, "password": DEMO_PASSWORD}).json()["token"]
            auth = {"Authorization": f"Bearer {chair}"}
            meeting = next(m for m in http.get("/meetings", headers=auth).json() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
            state = http.post(f"/meetings/{meeting['id']}/live/commands", json={"command": "open"}, headers=auth).json()
            # Size of one of our live events on the wire, so the baseline broadcasts the same amount.
            payload_size = len(json.dumps({"type": "event", "seq": 1, "kind": "live", "action": "updated", "id": meeting["id"], "data": state}, ensure_ascii=False))
        bare = start_process([str(REPO / "benchmarks" / "fanout.py"), "--bare-server", str(bare_port), str(tmp / "server"), str(payload_size)], "ready")
        rows = {}
        try:
            for n in counts:
                FIRST.clear()
                ANSWERED.clear()
                ours = asyncio.run(measure_chamber(n, args.moves, base, ssl_ctx, chair, delegate, meeting["id"]))
                theirs = asyncio.run(measure_bare(n, args.moves, bare_port, client_ssl_context(cert.pem), payload_size))
                rows[n] = {
                    "p50_ms": round(statistics.median(ours), 2),
                    "p99_ms": round(percentile(ours, 99), 2),
                    "bare_p50_ms": round(statistics.median(theirs), 2),
                    "bare_p99_ms": round(percentile(theirs, 99), 2),
                }
                rows[n]["ratio_vs_bare"] = round(rows[n]["p99_ms"] / rows[n]["bare_p99_ms"], 2)
                rows[n]["chair_answer_p50_ms"] = round(statistics.median(ANSWERED), 2)
                rows[n]["first_client_p50_ms"] = round(statistics.median(FIRST), 2)
        finally:
            bare.kill()
    finally:
        server.terminate()
        server.wait(10)
    print(f"payload: {payload_size} bytes per live event (pid {os.getpid()})")
    print(f"{'clients':>8} {'p50 ms':>9} {'p99 ms':>9} {'bare p50':>9} {'bare p99':>9} {'ratio p99':>10} {'chair ok':>9} {'1st client':>10}")
    for n, r in rows.items():
        print(f"{n:>8} {r['p50_ms']:>9} {r['p99_ms']:>9} {r['bare_p50_ms']:>9} {r['bare_p99_ms']:>9} {r['ratio_vs_bare']:>10} {r['chair_answer_p50_ms']:>9} {r['first_client_p50_ms']:>10}")
    largest = rows[max(rows)]
    print(json.dumps({"clients": max(rows), "p50_ms": largest["p50_ms"], "p99_ms": largest["p99_ms"], "bare_p99_ms": largest["bare_p99_ms"],
                      "ratio_vs_bare": largest["ratio_vs_bare"], "moves_per_size": args.moves, "payload_bytes": payload_size, "by_clients": rows}))


if __name__ == "__main__":
    main()
