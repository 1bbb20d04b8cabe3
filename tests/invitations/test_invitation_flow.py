"""The whole invitation round trip with real parts: the server with SMTP configured, the
secretariat's client, a delegate's client, and a real mail server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.mail.smtp import SmtpSettings
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession


def wait_for(predicate, timeout: float = 10.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def chamber(tmp_path: Path, smtp_server):  # noqa: ANN001
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.port, security="none", sender="vanphong@hoabinh.example.vn", sender_name="Văn phòng HĐND phường")
    ctx = ServerContext.open(ServerSettings(data_dir=tmp_path / "server", smtp=smtp))
    seed(ctx.db, tmp_path / "server")
    runner = ServerRunner(ctx).start()
    runner.mail_outbox.poll_seconds = 0.1
    sessions: list[ChamberSession] = []

    def login(username: str) -> ChamberSession:
        profile = Profile(tmp_path / f"device-{username}-{len(sessions)}")
        paired = pin_local(profile, host="127.0.0.1", port=runner.port, pem=ctx.certificate.pem, server_id=ctx.server_id, name=ctx.name)
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD).start()
        sessions.append(session)
        assert session.engine.wait_until(session.engine.idle, 10)
        return session

    yield runner, login
    for s in sessions:
        s.close()
    runner.stop()
    ctx.db.dispose()


def test_invite_answer_and_track_round_trip(chamber, smtp_server) -> None:  # noqa: ANN001
    runner, login = chamber
    secretary, delegate = login("thuky"), login("daibieu")
    council = next(b for b in secretary.list_bodies() if b["kind"] == "council")
    meeting = next(m for m in secretary.list_meetings() if m["body_id"] == council["id"] and m["status"] == "scheduled")

    secretary.send_invitations(meeting["id"], body_ids=[council["id"]])
    # In the delegate's inbox within a second, and in everyone's mailbox with an invite.
    assert wait_for(lambda: len(delegate.my_invitations()) == 1, 3)
    assert wait_for(lambda: len(smtp_server.inbox.messages) == 15, 15)
    assert wait_for(lambda: secretary.invitation_board(meeting["id"])["counts"]["emailed"] == 15, 10)

    invitation = delegate.my_invitations()[0]
    assert invitation["meeting"]["title"] == meeting["title"]
    delegate.mark_invitation_read(invitation["id"])
    delegate.respond_to_invitation(invitation["id"], "declined", reason="Đi công tác tỉnh")
    t0 = time.monotonic()
    assert wait_for(lambda: secretary.invitation_board(meeting["id"])["counts"]["declined"] == 1, 3)
    assert time.monotonic() - t0 < 1.5
    row = next(i for i in secretary.list_invitations(meeting["id"]) if i["id"] == invitation["id"])
    assert row["response_reason"] == "Đi công tác tỉnh" and row["read_at"]


def test_answer_given_offline_arrives_when_back_online(chamber) -> None:  # noqa: ANN001
    runner, login = chamber
    secretary, delegate = login("thuky"), login("daibieu")
    council = next(b for b in secretary.list_bodies() if b["kind"] == "council")
    meeting = next(m for m in secretary.list_meetings() if m["body_id"] == council["id"] and m["status"] == "scheduled")
    secretary.send_invitations(meeting["id"], body_ids=[council["id"]])
    assert wait_for(lambda: len(delegate.my_invitations()) == 1, 3)

    delegate.engine.stop()  # the tablet loses the network
    invitation = delegate.my_invitations()[0]
    delegate.respond_to_invitation(invitation["id"], "substitute", substitute_name="Nguyễn Thị Hoa", substitute_email="hoa@example.vn")
    assert delegate.my_invitations()[0]["response"] == "substitute"  # shown at once
    assert len(delegate.pending_operations()) == 1
    delegate.engine.start()
    assert wait_for(lambda: secretary.invitation_board(meeting["id"])["counts"]["substitutes_waiting"] == 1, 10)

    secretary.decide_substitute(invitation["id"], approve=True)
    # The approved substitute is invited in turn (in the app and by e-mail).
    assert wait_for(lambda: any(i["kind"] == "substitute" and i["name"] == "Nguyễn Thị Hoa" for i in secretary.list_invitations(meeting["id"])), 5)


def test_delegate_invited_in_person_sees_another_bodys_meeting(chamber) -> None:  # noqa: ANN001
    runner, login = chamber
    secretary, delegate2 = login("thuky"), login("daibieu2")  # daibieu2 is not in the economic committee
    committee = next(b for b in secretary.list_bodies() if b["name"].startswith("Ban Kinh tế"))
    meeting = next(m for m in secretary.list_meetings() if m["body_id"] == committee["id"])
    assert all(m["id"] != meeting["id"] for m in delegate2.list_meetings())
    person = next(p for p in secretary.list_persons() if p["id"] == delegate2.account["person_id"])
    secretary.send_invitations(meeting["id"], person_ids=[person["id"]])
    assert wait_for(lambda: any(m["id"] == meeting["id"] for m in delegate2.list_meetings()), 15)
    assert delegate2.get_agenda(meeting["id"])  # with its agenda


def test_mail_status_and_usage_report(chamber) -> None:  # noqa: ANN001
    runner, login = chamber
    secretary = login("thuky")
    council = next(b for b in secretary.list_bodies() if b["kind"] == "council")
    meeting = next(m for m in secretary.list_meetings() if m["body_id"] == council["id"] and m["status"] == "scheduled")
    secretary.send_invitations(meeting["id"], body_ids=[council["id"]])
    assert wait_for(lambda: secretary.mail_status()["sent"] == 15, 15)
    report = secretary.usage_report()
    assert report["total_invitations"] == 15
    assert report["estimated_saving_vnd"] == 15 * 3 * 850
    data = secretary.export_invitations(meeting["id"], "xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(data)).active
    assert ws["A1"].value == meeting["title"] and ws.max_row == 2 + 15
    csv = secretary.export_invitations(meeting["id"], "csv").decode("utf-8-sig")
    assert "Nguyễn Văn An" in csv
