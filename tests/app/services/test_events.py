"""Tests for app/services/events.py and the event half of app/storage/db.py: one event per committed
change with a strictly increasing sequence number, none for a change that rolled back, listeners told
only after the commit, `events_after` for resuming — also with concurrent writers."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from app.domain import meetings as rules
from app.services import agenda, meetings
from app.services.events import events_after, last_seq
from app.storage.db import Database
from app.storage.models import Event, Meeting

START = "2026-12-01T08:00:00+07:00"


def all_events(db: Database) -> list[dict]:
    with db.read() as session:
        return events_after(session, 0)


def test_each_change_records_one_event_with_increasing_seq(db: Database, council) -> None:
    s = council.secretariat
    with db.write() as session:
        m = meetings.create_meeting(session, s, {"title": "Họp", "starts_at": START, "body_id": council.council_id})
    with db.write() as session:
        meetings.update_meeting(session, s, m["id"], {"location": "Phòng 2"})
    with db.write() as session:
        item = agenda.add_agenda_item(session, s, m["id"], {"title": "Khai mạc"})
    with db.write() as session:
        agenda.update_agenda_item(session, s, item["id"], {"presenter": "Chủ tọa"})
    with db.write() as session:
        agenda.delete_agenda_item(session, s, item["id"])
    with db.write() as session:
        meetings.delete_meeting(session, s, m["id"])
    events = all_events(db)
    assert [(e["kind"], e["action"]) for e in events] == [
        ("meeting", "created"), ("meeting", "updated"), ("agenda", "replaced"), ("agenda", "replaced"), ("agenda", "replaced"), ("meeting", "deleted"),
    ]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(set(seqs)) and seqs[0] >= 1
    assert {e["meeting_id"] for e in events} == {m["id"]}
    assert {e["body_id"] for e in events} == {council.council_id}
    assert events[1]["data"]["location"] == "Phòng 2"


def test_moving_meeting_to_another_body_tells_the_old_body_it_is_gone(db: Database, council) -> None:
    m = council.meeting(db, body_id=council.economic_id, status="scheduled")
    start = all_events(db)[-1]["seq"]
    with db.write() as session:
        meetings.update_meeting(session, council.secretariat, m["id"], {"body_id": council.social_id})
    changes = [(e["action"], e["body_id"]) for e in all_events(db) if e["seq"] > start]
    assert sorted(changes) == sorted([("deleted", council.economic_id), ("updated", council.social_id)])


def test_no_event_is_recorded_or_published_when_change_rolls_back(db: Database, council) -> None:
    published: list[list[dict]] = []
    db.add_listener(published.append)
    council.meeting(db, title="Trước")
    before = all_events(db)
    with pytest.raises(RuntimeError), db.write() as session:
        meetings.create_meeting(session, council.secretariat, {"title": "Bỏ", "starts_at": START})
        raise RuntimeError("the caller fails after the service wrote")
    with pytest.raises(rules.EndsBeforeStartError), db.write() as session:
        meetings.create_meeting(session, council.secretariat, {"title": "Sai", "starts_at": START, "ends_at": "2026-01-01T00:00:00Z"})
    assert all_events(db) == before
    assert len(published) == 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 1
    after = council.meeting(db, title="Sau")
    events = all_events(db)
    assert len(events) == len(before) + 1 and events[-1]["seq"] > before[-1]["seq"] and events[-1]["id"] == after["id"]


def test_listener_is_told_after_commit_with_the_seq(db: Database, council) -> None:
    seen: list[tuple[list[int], int]] = []

    def listener(events: list[dict]) -> None:
        with db.read() as session:  # a new session sees the rows: the change is already committed
            seen.append(([e["seq"] for e in events], session.scalar(select(func.count()).select_from(Event))))

    db.add_listener(listener)
    council.meeting(db, status="scheduled")  # create + publish in one transaction: two events
    db.remove_listener(listener)
    council.meeting(db)
    assert seen == [([1, 2], 2)]


def test_broken_listener_does_not_undo_the_change(db: Database, council) -> None:
    def broken(events: list[dict]) -> None:
        raise ValueError("listener bug")

    db.add_listener(broken)
    m = council.meeting(db)
    with db.read() as session:
        assert session.get(Meeting, m["id"]) is not None


def test_events_after_returns_only_later_events_in_order(db: Database, council) -> None:
    for n in range(7):
        council.meeting(db, title=f"Họp {n}")
    with db.read() as session:
        assert last_seq(session) == 7
        assert [e["seq"] for e in events_after(session, 4)] == [5, 6, 7]
        assert [e["seq"] for e in events_after(session, 0, limit=3)] == [1, 2, 3]
        assert events_after(session, 7) == []
        assert events_after(session, 1000) == []
        assert [e["data"]["title"] for e in events_after(session, 5)] == ["Họp 5", "Họp 6"]


def test_last_seq_is_zero_when_no_event_yet(db: Database) -> None:
    with db.read() as session:
        assert last_seq(session) == 0
        assert events_after(session, 0) == []


# --- concurrent writers ------------------------------------------------------------------------

THREADS, CHANGES = 4, 25


@pytest.mark.parametrize("engines", ["one-engine", "engine-per-writer"])
def test_seqs_have_no_gap_or_duplicate_when_writers_are_concurrent(db: Database, council, engines: str) -> None:
    """4 writers × 25 changes (one engine shared, or one per writer as in several server processes)
    → seqs 1..100; a follower polling `events_after` meanwhile never sees a later seq before an
    earlier one (a client resuming after N would otherwise miss N+1 for good)."""
    url = db.url.render_as_string(hide_password=False)
    idle = threading.Event()  # never set: only for waiting between polls
    errors: list[BaseException] = []
    followed: list[int] = []

    def writer(n: int) -> None:
        own = Database(url) if engines == "engine-per-writer" else db
        try:
            with own.write() as session:
                m = meetings.create_meeting(session, council.secretariat, {"title": f"Người {n}", "starts_at": START})
            for k in range(1, CHANGES):
                with own.write() as session:
                    meetings.update_meeting(session, council.secretariat, m["id"], {"location": f"Phòng {k}"})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            if own is not db:
                own.dispose()

    def follower() -> None:
        reader = Database(url)
        try:
            last = 0
            deadline = time.monotonic() + 60
            while last < THREADS * CHANGES and time.monotonic() < deadline:
                with reader.read() as session:
                    batch = [e["seq"] for e in events_after(session, last)]
                if batch:
                    assert batch == list(range(last + 1, last + 1 + len(batch))), f"after {last} the follower saw {batch[:5]}…"
                    followed.extend(batch)
                    last = batch[-1]
                else:
                    idle.wait(0.002)  # poll, but leave the writers the GIL
        except BaseException as exc:
            errors.append(exc)
        finally:
            reader.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)] + [threading.Thread(target=follower)]
    for t in threads:
        t.start()
    for t in threads[:THREADS]:
        t.join(60)
    threads[-1].join(60)
    assert not errors, errors
    total = THREADS * CHANGES
    events = all_events(db)
    assert [e["seq"] for e in events] == list(range(1, total + 1))
    assert followed == list(range(1, total + 1))
    with db.read() as session:
        for start in (0, 1, 37, 99, total):
            assert [e["seq"] for e in events_after(session, start)] == list(range(start + 1, total + 1))
    versions: dict[str, list[int]] = {}
    for e in events:
        versions.setdefault(e["id"], []).append(e["data"]["version"])
    assert sorted(versions.values()) == [list(range(1, CHANGES + 1))] * THREADS  # each writer's changes in its own order


def test_listeners_hear_of_commits_in_seq_order_when_writers_are_concurrent(db: Database, council) -> None:
    """The server's event stream skips a seq it has already passed; a listener told of seq 6 before
    seq 5 would make every connected client lose seq 5 for good. Thread switches are made very
    frequent so that a writer is often interrupted between its commit and its listeners."""
    heard: list[int] = []

    def listener(events: list[dict]) -> None:
        time.sleep(0)  # give up the GIL here, as handing over to another thread's loop may
        heard.extend(e["seq"] for e in events)  # list.extend is atomic

    db.add_listener(listener)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            m = council.meeting(db, title=f"Người {n}")
            for k in range(24):
                with db.write() as session:
                    meetings.update_meeting(session, council.secretariat, m["id"], {"location": f"Phòng {k}"})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        sys.setswitchinterval(switch)
    assert not errors, errors
    assert len(heard) == 8 * 25
    assert heard == sorted(heard), f"out of order: {[(a, b) for a, b in zip(heard, heard[1:]) if b < a][:5]}"
