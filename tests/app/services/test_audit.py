"""The audit log on the demo chamber: each audited action writes one row with who, what and from
which device (a secret ballot's row says that the seat voted, never how); the log's filters and
paging; only an administrator reads or exports it, and that is audited too."""

from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from app.domain.clock import utcnow
from app.domain.roles import Actor, Role
from app.errors import PermissionDeniedError
from app.services import attendance, audit, documents, live, minutes, proxies
from app.services.audit import AuditDateError, AuditFilter, AuditFilterError, AuditLimitError, audit_filter, list_audit
from app.storage.models import Account, AuditEntry
from tests.live.conftest import session_meeting


@pytest.fixture(scope="module")
def ctx(module_demo_server):  # noqa: ANN001, ANN201
    return module_demo_server[1]


@pytest.fixture(scope="module")
def meeting(ctx) -> dict[str, Any]:  # noqa: ANN001
    """The council's scheduled session (found once: a test opens it)."""
    return session_meeting(ctx)


def actor(ctx, username: str, device: str = "") -> Actor:  # noqa: ANN001
    with ctx.db.read() as session:
        a = session.scalar(select(Account).where(Account.username == username))
        return Actor(a.id, a.username, Role(a.role), a.person_id, None, device)


def newest_id(ctx) -> int:  # noqa: ANN001
    with ctx.db.read() as session:
        return session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def rows_after(ctx, start: int) -> list[dict[str, Any]]:  # noqa: ANN001
    """The entries written since `start`, oldest first."""
    with ctx.db.read() as session:
        return [audit.entry_dict(r) for r in session.scalars(select(AuditEntry).where(AuditEntry.id > start).order_by(AuditEntry.id))]


def test_attendance_is_audited_with_the_device_and_without_the_reason(ctx, meeting) -> None:  # noqa: ANN001
    body_id, meeting = meeting["body_id"], meeting["id"]
    kiosk, chair, secretary = actor(ctx, "kiosk", "Kiosk sảnh A"), actor(ctx, "chutoa", "Laptop chủ tọa"), actor(ctx, "thuky", "Máy thư ký")
    with ctx.db.read() as session:
        members = attendance.member_ids(session, body_id)
        title = attendance.board(session, chair, meeting)["meeting"]["title"]
    start = newest_id(ctx)
    face_id = "6f1d9a3e-1111-4c2e-9f00-000000000001"
    with ctx.db.write() as session:
        attendance.record(session, kiosk, meeting, {"id": face_id, "person_id": members[0], "action": "check_in", "method": "face", "distance": 0.31})
        attendance.record(session, kiosk, meeting, {"id": face_id, "person_id": members[0], "action": "check_in", "method": "face", "distance": 0.31})  # a replay
        attendance.record(session, chair, meeting, {"person_id": members[1], "action": "check_in", "reason": "Thẻ từ bị hỏng"})
        attendance.record(session, secretary, meeting, {"person_id": members[2], "action": "excused", "reason": "Ốm, có giấy bác sĩ"})
        attendance.record(session, secretary, meeting, {"person_id": members[2], "action": "unexcused"})
        attendance.record(session, chair, meeting, {"person_id": members[1], "action": "check_out", "reason": "Về sớm"})
        attendance.view_board(session, secretary, meeting)
        attendance.export_board(session, secretary, meeting, "pdf")
        with pytest.raises(PermissionDeniedError):
            attendance.export_board(session, kiosk, meeting, "csv")
    rows = rows_after(ctx, start)
    assert [r["action"] for r in rows] == ["attendance.checkin", "attendance.checkin", "attendance.excuse", "attendance.correct", "attendance.checkout",
                                           "attendance.viewed", "attendance.exported"]
    face = rows[0]
    assert (face["username"], face["device"], face["detail"]["method"], face["detail"]["person_id"]) == ("kiosk", "Kiosk sảnh A", "face", members[0])
    assert rows[1]["device"] == "Laptop chủ tọa" and rows[1]["detail"]["method"] == "manual"
    assert not any("bác sĩ" in json.dumps(r["detail"], ensure_ascii=False) for r in rows)  # the reason stays with the attendance record
    assert rows[-2]["target"] == title and rows[-1]["detail"] == {"meeting_id": meeting, "format": "pdf"}


def test_votes_proxies_and_minutes_are_audited_and_a_secret_ballot_never_says_how(ctx, meeting) -> None:  # noqa: ANN001
    chair, secretary = actor(ctx, "chutoa"), actor(ctx, "thuky")
    voter, absent = actor(ctx, "daibieu", "Máy tính bảng 12"), actor(ctx, "daibieu2")
    with ctx.db.write() as session:
        for who in (chair, voter):
            attendance.record(session, secretary, meeting["id"], {"person_id": who.person_id, "action": "check_in", "reason": "Điểm danh tại bàn"})
    start = newest_id(ctx)
    with ctx.db.write() as session:
        proxy = proxies.name_proxy(session, absent, meeting["id"], {"proxy_person_id": voter.person_id})
        proxies.decide_proxy(session, secretary, proxy["id"], {"approve": True})
        live.run_command(session, chair, meeting["id"], {"command": "open"})
        named = live.open_vote(session, chair, meeting["id"], {"question": "Thông qua chương trình kỳ họp?"})
        live.cast_ballot(session, voter, named["id"], choice="for")
        live.cast_ballot(session, voter, named["id"], choice="against")
        live.close_vote(session, chair, named["id"])
        secret = live.open_vote(session, chair, meeting["id"], {"question": "Bầu Trưởng ban Kinh tế?", "secret": True})
        live.cast_ballot(session, voter, secret["id"], choice="abstain", receipt="r" * 32)
        live.cast_ballot(session, voter, secret["id"], choice="for", receipt="r" * 32)  # changed: no second row
        live.cast_ballot(session, voter, secret["id"], choice="against", receipt="s" * 32, on_behalf_of=absent.person_id)
        live.close_vote(session, chair, secret["id"])
        minutes.save_minutes(session, chair, meeting["id"], {"text": "# Biên bản\n\nNội dung."})
        minutes.approve_minutes(session, chair, meeting["id"], {"version": 1})
    rows = [r for r in rows_after(ctx, start) if not r["action"].startswith("attendance.")]
    assert [r["action"] for r in rows] == ["proxy.name", "proxy.decide", "vote.open", "vote.ballot", "vote.ballot", "vote.close",
                                           "vote.open", "vote.ballot", "vote.ballot", "vote.close", "minutes.save", "minutes.approve"]
    first, change = rows[3]["detail"], rows[4]["detail"]
    assert (first["choice"], first["changed"], change["choice"], change["changed"]) == ("for", False, "against", True)
    assert rows[3]["device"] == "Máy tính bảng 12" and rows[3]["target"] == "Thông qua chương trình kỳ họp?"
    for row in rows[7:9]:  # the secret ballots: that the seat voted, never how (nor whether it changed)
        assert row["detail"]["secret"] is True and row["detail"]["vote_id"] == secret["id"]
        assert "choice" not in row["detail"] and "changed" not in row["detail"]
        assert not {"abstain", "against", "for"} & set(map(str, row["detail"].values()))
    assert rows[8]["detail"]["on_behalf_of"] == absent.person_id and "on_behalf_of" not in rows[7]["detail"]
    assert rows[0]["detail"]["proxy_person_id"] == voter.person_id and rows[1]["detail"]["state"] == "approved"
    assert rows[10]["detail"]["version"] == 1 and rows[11]["detail"]["version"] == 1
    assert "Nội dung" not in json.dumps(rows[10]["detail"], ensure_ascii=False)


def test_a_document_download_is_audited(ctx, meeting) -> None:  # noqa: ANN001
    meeting = meeting["id"]
    delegate = actor(ctx, "daibieu", "Máy tính bảng 12")
    start = newest_id(ctx)
    with ctx.db.write() as session:
        doc = documents.list_documents(session, delegate, meeting)[0]
        documents.record_download(session, delegate, doc)
    [row] = rows_after(ctx, start)
    assert (row["action"], row["target"], row["detail"]["document_id"], row["device"]) == ("document.downloaded", doc["title"], doc["id"], "Máy tính bảng 12")


def add(ctx, rows: list[tuple[str, str, str, int]]) -> list[int]:  # noqa: ANN001
    """Entries (user, action, target, days ago) written directly, with their times; their ids."""
    now = utcnow()
    with ctx.db.write() as session:
        added = [AuditEntry(username=u, action=a, target=t, at=now - timedelta(days=d), device="Máy thử") for u, a, t, d in rows]
        session.add_all(added)
        session.flush()
        return [e.id for e in added]


def test_filters_and_paging(ctx) -> None:  # noqa: ANN001
    ids = add(ctx, [("loc.nv", "attendance.checkin", "Nguyễn Văn Lộc", 40), ("loc.nv", "vote.ballot", "Thông qua dự toán ngân sách", 3),
                    ("hoa.tt", "document.downloaded", "Tờ trình 50% ngân sách", 2), ("hoa.tt", "face_data.viewed", "Trần Thị Hoa", 1)])
    mine = AuditFilter(since=utcnow() - timedelta(days=60))
    with ctx.db.read() as session:
        def actions(**kw: Any) -> list[str]:
            return [r["action"] for r in list_audit(session, audit_filter(**kw)) if r["id"] in ids]

        assert actions(username="loc.nv") == ["vote.ballot", "attendance.checkin"]
        assert actions(action="vote") == ["vote.ballot"]
        assert actions(action="face_") == ["face_data.viewed"]  # "_" is a letter here, not a wildcard
        assert actions(action="face%") == []
        assert actions(text="ngân sách") == ["document.downloaded", "vote.ballot"]
        assert actions(text="50%") == ["document.downloaded"]
        assert actions(since=(utcnow() - timedelta(days=10)).date().isoformat()) == ["face_data.viewed", "document.downloaded", "vote.ballot"]
        assert actions(until=(utcnow() - timedelta(days=30)).isoformat()) == ["attendance.checkin"]
        assert actions(since=(utcnow() - timedelta(days=2, hours=12)).isoformat(), until=(utcnow() - timedelta(days=1, hours=12)).isoformat()) == ["document.downloaded"]
        first = list_audit(session, AuditFilter(since=mine.since, username="hoa.tt", limit=1))
        second = list_audit(session, AuditFilter(since=mine.since, username="hoa.tt", limit=1, before_id=first[0]["id"]))
        assert [first[0]["id"], second[0]["id"]] == [ids[3], ids[2]]
    for bad, error in (({"since": "23/11/2026"}, AuditDateError), ({"until": "2026-13-01"}, AuditDateError), ({"limit": 0}, AuditLimitError),
                       ({"limit": 1001}, AuditLimitError), ({"text": "x" * 201}, AuditFilterError)):
        with pytest.raises(error):
            audit_filter(**bad)
    assert audit_filter(until="2026-11-23").until.isoformat() == "2026-11-24T00:00:00+00:00"  # a date: the whole day


def test_only_an_admin_reads_the_log_and_each_look_is_audited(ctx) -> None:  # noqa: ANN001
    ids = add(ctx, [("loc.nv", "login", "loc.nv", 0)] * 3)
    admin = actor(ctx, "admin", "Máy quản trị")
    for username in ("thuky", "chutoa", "daibieu", "kiosk", "khach"):
        with ctx.db.write() as session, pytest.raises(PermissionDeniedError):
            audit.view_audit(session, actor(ctx, username), audit_filter(limit=2))
    with ctx.db.write() as session:
        page = audit.view_audit(session, admin, audit_filter(username="loc.nv", action="login", limit=2))
    assert [e["id"] for e in page["entries"]] == [ids[2], ids[1]] and page["next_before_id"] == ids[1]
    with ctx.db.write() as session:
        rest = audit.view_audit(session, admin, audit_filter(username="loc.nv", action="login", limit=2, before_id=page["next_before_id"]))
    assert rest["entries"][0]["id"] == ids[0]
    with ctx.db.read() as session:
        looks = list_audit(session, audit_filter(action="audit.viewed", username="admin"))
    assert looks[0]["detail"] == {"filters": {"username": "loc.nv", "action": "login"}} and looks[0]["device"] == "Máy quản trị"
    assert len([e for e in looks if e["detail"] == looks[0]["detail"]]) == 1  # "load more" is the same look


def test_the_csv_export_streams_batches_with_a_bom_and_vietnamese(ctx, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(audit, "EXPORT_BATCH", 2)  # several batches from a few rows
    ids = add(ctx, [("hoa.tt", "document.downloaded", f"=Tờ trình số {n}", 0) for n in range(5)])
    admin = actor(ctx, "admin")
    f = audit_filter(username="hoa.tt", action="document.downloaded", since=utcnow().date().isoformat())
    with ctx.db.write() as session:
        audit.start_export(session, admin, f)
    chunks = list(audit.export_csv(ctx.db.read, f, "vi"))
    assert len(chunks) == 4  # the header, then 2 + 2 + 1 rows
    data = b"".join(chunks)
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:3] == ["STT", "Thời gian (UTC)", "Người dùng"]
    assert [int(r[0]) for r in table[1:] if int(r[0]) in ids] == ids[::-1]
    assert table[1][4] == "'=Tờ trình số 4"  # never a formula in Excel
    with ctx.db.read() as session:
        assert list_audit(session, audit_filter(action="audit.exported", limit=1))[0]["detail"]["filters"]["username"] == "hoa.tt"
