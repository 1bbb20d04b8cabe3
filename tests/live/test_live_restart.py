"""kill -9 of the server process in the middle of a meeting and a vote: started again, it is on
the same item with the same speaker, the vote is still open with every acknowledged ballot, and a
ballot replayed after the crash (the client never saw the answer) is counted once. The server runs
as its own process (`main.py server`), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from app.config import ServerSettings
from app.demo import seed
from app.server.context import ServerContext
from tests.integration.conftest import Rest
from tests.live.conftest import make_voters, session_meeting

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data: Path, db_url: str, pem: str) -> None:
        self.data, self.db_url, self.pem = data, db_url, pem
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", "server", "--host", "127.0.0.1", "--port", str(self.port), "--data", str(self.data), "--db", self.db_url, "--no-advertise"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        deadline = time.monotonic() + 60
        rest = Rest(self.url, self.pem)
        try:
            while True:
                try:
                    if rest.http.get("/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                assert self.proc.poll() is None, "the server process ended"
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        finally:
            rest.close()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def server_process(db_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerContext]]:
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    server = ServerProcess(data, db_url, ctx.certificate.pem)
    server.start()
    yield server, ctx
    server.stop()
    ctx.db.dispose()


def test_kill_9_mid_vote_resumes_the_meeting_and_loses_no_ballot(server_process: tuple[ServerProcess, ServerContext]) -> None:
    server, ctx = server_process
    meeting = session_meeting(ctx)
    voters = make_voters(ctx, meeting["body_id"], 12)
    rest = Rest(server.url, server.pem)
    chair, delegate = rest.token("chutoa"), rest.token("daibieu")
    path = f"/meetings/{meeting['id']}"

    def post(url: str, token: str, body: dict | None = None, op: str | None = None) -> httpx.Response:
        return rest.call("POST", url, token=token, json=body, headers={"X-Operation-Id": op or str(uuid.uuid4())})

    assert post(f"{path}/live/commands", chair, {"command": "open"}).status_code == 200
    assert post(f"{path}/live/commands", chair, {"command": "next"}).status_code == 200
    request = post(f"{path}/speakers", delegate, {"kind": "speak"}).json()
    assert post(f"{path}/live/commands", chair, {"command": "give_floor", "request_id": request["id"], "seconds": 180}).status_code == 200
    vote = post(f"{path}/votes", chair, {"question": "Thông qua dự toán ngân sách 2027?", "rule": "absolute"}).json()
    before = rest.call("GET", f"{path}/live", token=delegate).json()
    acknowledged = {}
    for n, token in enumerate(voters[:10]):
        choice = "for" if n < 7 else "against"
        assert post(f"/votes/{vote['id']}/ballots", token, {"choice": choice}).status_code == 200
        acknowledged[token] = choice
    late_op = str(uuid.uuid4())  # the 11th voter's ballot: applied, but say the answer was lost with the crash
    assert post(f"/votes/{vote['id']}/ballots", voters[10], {"choice": "for"}, op=late_op).status_code == 200

    server.kill9()
    server.start()
    rest.close()
    rest = Rest(server.url, server.pem)
    chair, delegate = rest.token("chutoa"), rest.token("daibieu")

    after = rest.call("GET", f"{path}/live", token=delegate).json()
    for key in ("state", "current_item_id", "item_timer", "floor", "queue", "item_log", "quorum", "version"):
        assert after[key] == before[key], key
    assert after["floor"]["person_id"] == request["person_id"] and after["floor"]["planned_seconds"] == 180
    assert [v["state"] for v in after["votes"]] == ["open"]
    assert rest.call("GET", f"/votes/{vote['id']}", token=chair).json()["cast"] == 11

    replayed = post(f"/votes/{vote['id']}/ballots", voters[10], {"choice": "for"}, op=late_op)  # the outbox sends it again
    assert replayed.status_code == 200 and replayed.headers.get("X-Operation-Replayed") == "1"
    assert post(f"/votes/{vote['id']}/ballots", voters[11], {"choice": "abstain"}).status_code == 200
    closed = post(f"/votes/{vote['id']}/close", chair).json()
    assert closed["result"]["counts"] == {"for": 8, "against": 3, "abstain": 1}
    assert closed["result"]["members"] == 15 + 12 and closed["result"]["adopted"] is False  # 8 of 27 seats
    rest.close()
