"""Event fan-out: one change → received by N connected clients.

Our path: a secretary's PATCH over HTTPS → service + commit (SQLite) → event → every WSS stream.
Baseline, measured in the same run: a bare `websockets` TLS server that broadcasts a payload of
the same size to the same N clients when told to. Both servers run in their own process; the N
clients and the clock run in this one, so both sides pay the same client costs.

Prints a table, then one line of JSON: clients, p50_ms, p99_ms, bare_p99_ms, ratio_vs_bare (for
the largest N) and the figures for every N.

    uv run python benchmarks/fanout.py [--clients 10,100,500] [--changes 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.demo import DEMO_PASSWORD  # noqa: E402
from app.net.tls import client_ssl_context, ensure_certificate, server_ssl_context  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --- the bare baseline server (runs in a child process) -------------------------------------------
async def bare_server(port: int, cert_dir: Path, payload_size: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    cert = ensure_certificate(cert_dir)
    clients = set()

    async def handler(ws):  # noqa: ANN001
        if ws.request.path.startswith("/control"):
            async for msg in ws:  # "go <tag>": broadcast a payload carrying the tag
                tag = msg.split()[1]
                body = json.dumps({"type": "event", "tag": tag, "pad": "x" * payload_size})
                broadcast(clients, body)
            return
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    # No per-message compression, like our server (see app/server/runner.py): same work per message.
    async with serve(handler, "127.0.0.1", port, ssl=server_ssl_context(cert), max_queue=None, ping_interval=None, compression=None):
        print("ready", flush=True)
        await asyncio.Future()


# --- measurement ---------------------------------------------------------------------------------
class Listener:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.ready = asyncio.Event()

    async def run(self, url: str, ssl_ctx: ssl.SSLContext, headers: dict, tag_of) -> None:  # noqa: ANN001
        async with websockets.connect(url, ssl=ssl_ctx, additional_headers=headers, max_size=None, ping_interval=None, open_timeout=60) as ws:
            if tag_of is None:
                self.ready.set()
            async for raw in ws:
                msg = json.loads(raw)
                if msg.get("type") == "synced":
                    self.ready.set()
                elif msg.get("type") == "event":
                    tag = tag_of(msg) if tag_of else msg.get("tag")
                    if tag:
                        self.arrivals[tag] = time.monotonic()


async def connect_all(n: int, url: str, ssl_ctx, headers, tag_of) -> tuple[list[Listener], list[asyncio.Task]]:  # noqa: ANN001
    listeners = [Listener() for _ in range(n)]
    tasks = []
    for i, listener in enumerate(listeners):
        tasks.append(asyncio.create_task(listener.run(url, ssl_ctx, headers, tag_of)))
        if i % 50 == 49:
            await asyncio.gather(*(l.ready.wait() for l in listeners[: i + 1]))
    await asyncio.wait_for(asyncio.gather(*(l.ready.wait() for l in listeners)), 120)
    return listeners, tasks


async def wait_all(listeners: list[Listener], tag: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not all(tag in l.arrivals for l in listeners):
        if time.monotonic() > deadline:
            missing = sum(tag not in l.arrivals for l in listeners)
            raise RuntimeError(f"{missing} clients never received {tag}")
        await asyncio.sleep(0.0005)


async def measure_chamber(n: int, changes: int, base: str, ssl_ctx, token: str, meeting_id: str) -> list[float]:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {token}"}
    url = base.replace("https://", "wss://") + "/api/v1/events?after=1000000000"
    # after= a huge number: skip the backlog; the server still sends "synced" before live events.
    listeners, tasks = await connect_all(n, url, ssl_ctx, headers, lambda m: (m.get("data") or {}).get("location"))
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=base, verify=ssl_ctx, headers=headers) as http:
        for i in range(changes + 3):
            tag = f"bench-{n}-{i}-{os.getpid()}"
            t0 = time.monotonic()
            r = await http.patch(f"/api/v1/meetings/{meeting_id}", json={"location": tag})
            r.raise_for_status()
            await wait_all(listeners, tag)
            if i >= 3:  # warm-up
                samples += [(l.arrivals[tag] - t0) * 1000 for l in listeners]
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return samples


async def measure_bare(n: int, changes: int, port: int, ssl_ctx, payload_size: int) -> list[float]:  # noqa: ANN001
    url = f"wss://127.0.0.1:{port}/clients"
    listeners, tasks = await connect_all(n, url, ssl_ctx, {}, None)
    samples: list[float] = []
    async with websockets.connect(f"wss://127.0.0.1:{port}/control", ssl=ssl_ctx) as control:
        for i in range(changes + 3):
            tag = f"bare-{n}-{i}"
            t0 = time.monotonic()
            await control.send(f"go {tag}")
            await wait_all(listeners, tag)
            if i >= 3:
                samples += [(l.arrivals[tag] - t0) * 1000 for l in listeners]
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return samples


def start_process(args: list[str], ready_text: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        if ready_text in line:
            return proc
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise RuntimeError(f"{args} did not start")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="10,100,500")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--bare-server", nargs=3, metavar=("PORT", "CERT_DIR", "PAYLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        asyncio.run(bare_server(int(args.bare_server[0]), Path(args.bare_server[1]), int(args.bare_server[2])))
        return

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    counts = [int(c) for c in args.clients.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="chamber-fanout-"))
    port = free_port()
    server = start_process(["main.py", "--lang", "en", "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp / "server"), "--no-advertise", "--demo"], "Pairing code")
    bare_port = free_port()
    try:
        cert = ensure_certificate(tmp / "server")
        ssl_ctx = client_ssl_context(cert.pem)
        base = f"https://127.0.0.1:{port}"
        with httpx.Client(base_url=base, verify=ssl_ctx) as http:
            token = http.post("/api/v1/auth/login", json={"username": "thuky", "password": DEMO_PASSWORD}).json()["token"]
            meeting = http.get("/api/v1/meetings", headers={"Authorization": f"Bearer {token}"}).json()[0]
            http.patch(f"/api/v1/meetings/{meeting['id']}", json={"location": "x"}, headers={"Authorization": f"Bearer {token}"})
            # Size of one of our events on the wire, so the baseline broadcasts the same amount.
            payload_size = len(json.dumps({"type": "event", "seq": 1, "kind": "meeting", "data": {**meeting, "location": "bench-500-10-12345"}}))
        bare = start_process([__file__, "--bare-server", str(bare_port), str(tmp / "server"), str(payload_size)], "ready")
        bare_ssl = client_ssl_context(cert.pem)
        rows = {}
        try:
            for n in counts:
                ours = asyncio.run(measure_chamber(n, args.changes, base, ssl_ctx, token, meeting["id"]))
                theirs = asyncio.run(measure_bare(n, args.changes, bare_port, bare_ssl, payload_size))
                rows[n] = {
                    "p50_ms": round(statistics.median(ours), 2),
                    "p99_ms": round(percentile(ours, 99), 2),
                    "bare_p50_ms": round(statistics.median(theirs), 2),
                    "bare_p99_ms": round(percentile(theirs, 99), 2),
                }
                rows[n]["ratio_vs_bare"] = round(rows[n]["p99_ms"] / rows[n]["bare_p99_ms"], 2)
        finally:
            bare.kill()
    finally:
        server.terminate()
        server.wait(10)
    print(f"{'clients':>8} {'p50 ms':>9} {'p99 ms':>9} {'bare p50':>9} {'bare p99':>9} {'ratio p99':>10}")
    for n, r in rows.items():
        print(f"{n:>8} {r['p50_ms']:>9} {r['p99_ms']:>9} {r['bare_p50_ms']:>9} {r['bare_p99_ms']:>9} {r['ratio_vs_bare']:>10}")
    largest = rows[max(rows)]
    print(json.dumps({"clients": max(rows), "p50_ms": largest["p50_ms"], "p99_ms": largest["p99_ms"], "bare_p99_ms": largest["bare_p99_ms"],
                      "ratio_vs_bare": largest["ratio_vs_bare"], "changes_per_size": args.changes, "by_clients": rows}))


if __name__ == "__main__":
    main()
