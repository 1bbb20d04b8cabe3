"""Resume after missed events: a client that was away while 1 000 changes happened reconnects
and catches up from its last sequence number.

Measured in the same run, against the same server process:
  resume      ChamberSession.resume(...).start() → online, cache at the newest seq (goal ≤ 1 s)
  raw stream  a bare websockets read of the same 1 000 events, nothing applied (the floor)
  full sync   a new device's first sync of the same account (snapshot + stream), for comparison

    uv run python benchmarks/resume.py [--events 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websockets

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.fanout import free_port, start_process  # noqa: E402

from app.demo import DEMO_PASSWORD  # noqa: E402
from app.domain.roles import Actor  # noqa: E402
from app.net.tls import ensure_certificate  # noqa: E402
from app.services import agenda, meetings  # noqa: E402
from app.storage.db import Database, sqlite_url  # noqa: E402
from app.sync.profile import Profile, pin_local  # noqa: E402
from app.sync.session import ChamberSession  # noqa: E402


def make_changes(db: Database, n: int) -> None:
    """n changes while the client is away: meeting edits and agenda edits, half and half."""
    system = Actor.system()
    with db.read() as s:
        ms = meetings.list_meetings(s, system)
        items = {m["id"]: agenda.get_agenda(s, system, m["id"]) for m in ms}
    for i in range(n):
        m = ms[i % len(ms)]
        with db.write() as s:
            if i % 2:
                meetings.update_meeting(s, system, m["id"], {"location": f"Phòng họp {i}"})
            else:
                item = items[m["id"]][i % len(items[m["id"]])]
                agenda.update_agenda_item(s, system, item["id"], {"notes": f"Ghi chú {i}"})


async def raw_read(url: str, ssl_ctx, token: str, after: int) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    async with websockets.connect(f"{url}?after={after}", ssl=ssl_ctx, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None) as ws:
        async for raw in ws:
            if json.loads(raw).get("type") == "synced":
                return time.perf_counter() - t0
    raise RuntimeError("stream ended early")


def timed_start(session: ChamberSession, target_seq: int) -> float:
    t0 = time.perf_counter()
    session.start()
    ok = session.engine.wait_until(lambda: session.engine.idle() and session.cache.last_seq >= target_seq, 60)
    elapsed = time.perf_counter() - t0
    if not ok:
        raise RuntimeError(f"did not catch up: state {session.state}, seq {session.cache.last_seq} < {target_seq}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="chamber-resume-"))
    port = free_port()
    server = start_process(["main.py", "--lang", "en", "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp / "server"), "--no-advertise", "--demo"], "Pairing code")
    db = Database(sqlite_url(tmp / "server" / "chamber.db"))
    results: dict[str, list[float]] = {"resume": [], "raw stream": [], "full sync": []}
    try:
        from sqlalchemy import select

        from app.storage.models import ServerInfo

        with db.read() as s:
            info = s.scalar(select(ServerInfo))
        cert = ensure_certificate(tmp / "server")
        for r in range(args.rounds):
            profile = Profile(tmp / f"client{r}")
            paired = pin_local(profile, host="127.0.0.1", port=port, pem=cert.pem, server_id=info.server_id, name=info.name)
            session = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD)
            timed_start(session, 0)
            before = session.cache.last_seq
            token = session.api.token
            session.close()

            make_changes(db, args.events)
            target = before + args.events

            session = ChamberSession.resume(profile)
            results["resume"].append(timed_start(session, target))
            ws_url, ssl_ctx = session.api.ws_url, session.api.ssl_context
            session.close()
            results["raw stream"].append(asyncio.run(raw_read(ws_url, ssl_ctx, token, before)))

            fresh_profile = Profile(tmp / f"fresh{r}")
            fresh_paired = pin_local(fresh_profile, host="127.0.0.1", port=port, pem=cert.pem, server_id=info.server_id, name=info.name)
            fresh = ChamberSession.login(fresh_profile, fresh_paired, "thuky", DEMO_PASSWORD)
            results["full sync"].append(timed_start(fresh, target))
            fresh.close()
    finally:
        server.terminate()
        server.wait(10)
        db.dispose()
    med = {k: statistics.median(v) * 1000 for k, v in results.items()}
    print(f"{'path':<12} {'median ms':>10} {'ratio vs raw':>13}   ({args.events} missed events, {args.rounds} rounds)")
    for k, v in med.items():
        print(f"{k:<12} {v:>10.1f} {v / med['raw stream']:>13.2f}")
    print(json.dumps({"events": args.events, "resume_ms": round(med["resume"], 1), "raw_stream_ms": round(med["raw stream"], 1),
                      "full_sync_ms": round(med["full sync"], 1), "ratio_vs_raw": round(med["resume"] / med["raw stream"], 2)}))


if __name__ == "__main__":
    main()
