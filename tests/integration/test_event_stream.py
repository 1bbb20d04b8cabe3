"""WebSocket /api/v1/events of the real server: a wrong or revoked token is turned away, `after=N`
resumes with exactly the missing events in order, then live ones (written straight to a stream
that keeps up, still in order under concurrent writers), and a delegate's stream carries only what
they may see — on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from typing import Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from app.net.tls import client_ssl_context
from app.services.events import events_after

START = "2026-12-05T08:00:00+07:00"


@contextmanager
def stream(server_url: str, pem: str, token: str | None, after: int) -> Iterator[ClientConnection]:
    url = server_url.replace("https://", "wss://") + f"/api/v1/events?after={after}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with connect(url, ssl=client_ssl_context(pem), additional_headers=headers, open_timeout=5, close_timeout=2) as ws:
        yield ws


def receive(ws: ClientConnection) -> dict:
    return json.loads(ws.recv(timeout=5))


def until_synced(ws: ClientConnection) -> tuple[dict, list[dict], dict]:
    """hello, the backlog of events, synced."""
    hello = receive(ws)
    assert hello["type"] == "hello"
    events = []
    while (msg := receive(ws))["type"] == "event":
        events.append(msg)
    assert msg["type"] == "synced"
    return hello, events, msg


def newest_seq(chamber) -> int:  # noqa: ANN001
    with chamber.ctx.db.read() as session:
        return events_after(session, 0)[-1]["seq"]


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no-token", "wrong-token"])
def test_stream_is_refused_when_token_is_missing_or_wrong(demo, token: str | None) -> None:  # noqa: ANN001
    runner, ctx = demo
    with pytest.raises(InvalidStatus) as refused, stream(runner.url, ctx.certificate.pem, token, 0):
        pass
    assert refused.value.response.status_code == 403


def test_stream_is_refused_when_token_was_revoked(demo, api) -> None:  # noqa: ANN001
    runner, ctx = demo
    login = api.login("thuky")
    with stream(runner.url, ctx.certificate.pem, login["token"], 0) as ws:
        until_synced(ws)
    assert api.call("POST", "/auth/logout", token=login["token"]).status_code == 204
    with pytest.raises(InvalidStatus) as refused, stream(runner.url, ctx.certificate.pem, login["token"], 0):
        pass
    assert refused.value.response.status_code == 403


def test_stream_resumes_after_n_with_exactly_the_missing_events_in_order(chamber) -> None:  # noqa: ANN001
    rest = chamber.rest()
    token = rest.token("thuky")
    seen = newest_seq(chamber)
    m = rest.call("POST", "/meetings", token=token, json={"title": "Họp tiếp nối", "starts_at": START}).json()
    for title in ("Khai mạc", "Báo cáo", "Bế mạc"):
        rest.call("POST", f"/meetings/{m['id']}/agenda", token=token, json={"title": title})
    rest.call("PATCH", f"/meetings/{m['id']}", token=token, json={"location": "Phòng 2"})
    with chamber.ctx.db.read() as session:
        expected = events_after(session, seen)
    assert [e["seq"] for e in expected] == list(range(seen + 1, seen + 6))

    with stream(chamber.url, chamber.ctx.certificate.pem, token, seen) as ws:
        hello, backlog, synced = until_synced(ws)
        assert hello["seq"] == seen + 5 and hello["server_id"] == chamber.ctx.server_id
        assert [{k: v for k, v in e.items() if k != "type"} for e in backlog] == expected
        assert synced["seq"] == seen + 5
        rest.call("POST", f"/meetings/{m['id']}/agenda", token=token, json={"title": "Mục trực tiếp"})
        live = receive(ws)
        assert (live["type"], live["seq"], live["kind"]) == ("event", seen + 6, "agenda")
        assert [i["title"] for i in live["data"]["items"]][-1] == "Mục trực tiếp"

    with stream(chamber.url, chamber.ctx.certificate.pem, token, seen + 2) as ws:
        _, backlog, synced = until_synced(ws)
        assert [e["seq"] for e in backlog] == [seen + 3, seen + 4, seen + 5, seen + 6]
    with stream(chamber.url, chamber.ctx.certificate.pem, token, seen + 6) as ws:
        _, backlog, synced = until_synced(ws)
        assert backlog == [] and synced["seq"] == seen + 6


def test_delegate_stream_carries_only_what_they_may_see(demo, api) -> None:  # noqa: ANN001
    runner, ctx = demo
    secretariat = api.token("thuky")
    economic = next(b["id"] for b in api.call("GET", "/bodies", token=secretariat).json() if b["name"] == "Ban Kinh tế - Ngân sách")
    with ctx.db.read() as session:
        seen = events_after(session, 0)[-1]["seq"]
    draft = api.call("POST", "/meetings", token=secretariat, json={"title": "Dự thảo kín", "starts_at": START, "body_id": economic}).json()
    api.call("POST", f"/meetings/{draft['id']}/agenda", token=secretariat, json={"title": "Mục dự thảo"})
    api.call("PATCH", f"/meetings/{draft['id']}", token=secretariat, json={"status": "scheduled"})
    api.call("POST", f"/meetings/{draft['id']}/agenda", token=secretariat, json={"title": "Mục công bố"})

    def backlog(username: str, after: int) -> list[dict]:
        with stream(runner.url, ctx.certificate.pem, api.token(username), after) as ws:
            return until_synced(ws)[1]

    # daibieu sits on the economic committee: the draft arrives only as "deleted" (no data), its
    # agenda not at all; publishing brings the meeting, then its agenda changes.
    member = backlog("daibieu", seen)
    assert [(e["kind"], e["action"]) for e in member] == [("meeting", "deleted"), ("meeting", "updated"), ("agenda", "replaced")]
    assert member[0]["data"] is None and "Mục dự thảo" not in json.dumps(member[:1], ensure_ascii=False)
    assert [i["title"] for i in member[2]["data"]["items"]] == ["Mục dự thảo", "Mục công bố"]
    assert backlog("daibieu2", seen) == []  # not on that committee
    assert backlog("khach", 0) == []  # a guest sees nothing yet
    everything = backlog("thuky", seen)
    assert [e["action"] for e in everything] == ["created", "replaced", "updated", "replaced"]
    with stream(runner.url, ctx.certificate.pem, api.token("daibieu2"), 0) as ws:
        visible = {m["id"] for m in api.call("GET", "/meetings", token=api.token("daibieu2")).json()}
        assert {e["meeting_id"] for e in until_synced(ws)[1] if e["action"] != "deleted"} == visible


def test_live_stream_misses_nothing_when_clients_write_concurrently(demo, api) -> None:  # noqa: ANN001
    """Four secretaries' devices write at once (the server handles each request on its own
    thread); a follower of the live stream gets every seq, each once, in order."""
    runner, ctx = demo
    token = api.token("thuky")
    ids = [api.call("POST", "/meetings", token=token, json={"title": f"Họp {n}", "starts_at": START}).json()["id"] for n in range(4)]
    with ctx.db.read() as session:
        start = events_after(session, 0)[-1]["seq"]
    errors: list[BaseException] = []

    def writer(meeting_id: str) -> None:
        try:
            for k in range(10):
                response = api.call("PATCH", f"/meetings/{meeting_id}", token=token, json={"location": f"Phòng {k}"})
                assert response.status_code == 200, response.text
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with stream(runner.url, ctx.certificate.pem, token, start) as ws:
        until_synced(ws)
        threads = [threading.Thread(target=writer, args=(m,)) for m in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        seqs = [receive(ws)["seq"] for _ in range(40)]
        # A stream that keeps up is written to directly by the fan-out (app/server/fast_send.py):
        # this fails if the server stack changes so that every event takes the queue again.
        assert sum(sub.sent_directly for sub in runner.app.state.broadcaster.subscribers) > 0
    assert seqs == list(range(start + 1, start + 41))
