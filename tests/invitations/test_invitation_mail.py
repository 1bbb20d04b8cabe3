"""Invitations through a real SMTP server: what arrives (UTF-8 Vietnamese subject, a parseable
.ics with the right UID/SEQUENCE/METHOD/ATTENDEE), updates and cancellations only to those
affected, and an SMTP outage in the middle of a batch: every invitation arrives exactly once."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.demo import seed
from app.domain.roles import Actor
from app.mail.outbox import MailOutbox
from app.mail.smtp import SmtpSettings
from app.services import invitations, meetings
from app.services.invitations import MailPolicy
from app.storage.db import Database
from app.storage.models import Body, Invitation, MailMessage, Person

SYSTEM = Actor.system()


@pytest.fixture
def chamber(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'chamber.db'}")
    db.upgrade()
    seed(db, tmp_path)
    db.session_info["mail_policy"] = MailPolicy(enabled=True, sender="Văn phòng HĐND phường", organizer_email="vanphong@hoabinh.example.vn")
    yield db
    db.dispose()


def settings_for(server) -> SmtpSettings:  # noqa: ANN001
    return SmtpSettings(host="127.0.0.1", port=server.port, security="none", sender="vanphong@hoabinh.example.vn", sender_name="Văn phòng HĐND phường", timeout=5)


def wait_for(predicate, timeout: float = 20.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def council_and_meeting(db: Database) -> tuple[str, dict]:
    with db.read() as s:
        council = s.scalar(select(Body).where(Body.kind == "council"))
        meeting = next(m for m in meetings.list_meetings(s, SYSTEM) if m["body_id"] == council.id and m["status"] == "scheduled")
    return council.id, meeting


def ics_of(message) -> Calendar:  # noqa: ANN001
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def test_invitation_email_has_vietnamese_subject_and_a_calendar_request(chamber: Database, smtp_server) -> None:
    council_id, meeting = council_and_meeting(chamber)
    with chamber.write() as s:
        result = invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id])
    assert result["created"] == 15
    outbox = MailOutbox(chamber, settings_for(smtp_server))
    assert outbox.send_due() == 15
    msgs = smtp_server.inbox.to("daibieu01@hoabinh.example.vn")
    assert len(msgs) == 1
    msg = msgs[0]
    assert str(msg["Subject"]) == f"Giấy mời: {meeting['title']}"
    assert "Kính gửi: Chủ tịch HĐND phường Nguyễn Văn An" in msg.get_body(("plain",)).get_content()
    cal = ics_of(msg)
    assert str(cal["method"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == f"{meeting['id']}@chamber"
    assert int(event["sequence"]) == 0
    assert str(event["attendee"]).lower() == "mailto:daibieu01@hoabinh.example.vn"
    assert event["attendee"].params["CN"] == "Nguyễn Văn An"
    with chamber.read() as s:
        board = invitations.list_invitations(s, SYSTEM, meeting["id"])
    assert board["counts"]["emailed"] == 15
    assert all(i["delivered_at"] for i in board["invitations"])


def test_sending_twice_invites_and_emails_nobody_twice(chamber: Database, smtp_server) -> None:
    council_id, meeting = council_and_meeting(chamber)
    for _ in range(2):
        with chamber.write() as s:
            invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id])
    with chamber.write() as s:
        again = invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id])
    assert again == {**again, "created": 0, "already_invited": 15}
    MailOutbox(chamber, settings_for(smtp_server)).send_due()
    counts = Counter(str(m["To"]) for m in smtp_server.inbox.messages)
    assert len(counts) == 15 and set(counts.values()) == {1}


def test_time_change_updates_only_those_still_invited_and_cancel_sends_cancel(chamber: Database, smtp_server) -> None:
    council_id, meeting = council_and_meeting(chamber)
    with chamber.write() as s:
        invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id])
        person = s.scalar(select(Person).where(Person.email == "daibieu05@hoabinh.example.vn"))
        inv = s.scalar(select(Invitation).where(Invitation.person_id == person.id))
        invitations.respond(s, SYSTEM, inv.id, response="declined", reason="Đi công tác")
    outbox = MailOutbox(chamber, settings_for(smtp_server))
    outbox.send_due()
    with chamber.write() as s:
        meetings.update_meeting(s, SYSTEM, meeting["id"], {"location": "Phòng họp B"})
    outbox.send_due()
    updates = [m for m in smtp_server.inbox.messages if ics_of(m).walk("VEVENT")[0]["sequence"] == 1]
    assert len(updates) == 14  # not the one who declined
    assert not any("daibieu05" in str(m["To"]) for m in updates)
    assert str(ics_of(updates[0]).walk("VEVENT")[0]["location"]) == "Phòng họp B"
    with chamber.write() as s:
        meetings.update_meeting(s, SYSTEM, meeting["id"], {"status": "cancelled"})
    outbox.send_due()
    cancels = [m for m in smtp_server.inbox.messages if str(ics_of(m)["method"]) == "CANCEL"]
    assert len(cancels) == 15
    assert {int(ics_of(m).walk("VEVENT")[0]["sequence"]) for m in cancels} == {2}


def test_smtp_outage_mid_batch_loses_nothing_and_sends_nothing_twice(chamber: Database, smtp_server) -> None:
    council_id, meeting = council_and_meeting(chamber)
    guests = [{"name": f"Khách {n}", "email": f"khach{n}@example.vn"} for n in range(45)]
    with chamber.write() as s:
        invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id], guests=guests)
    outbox = MailOutbox(chamber, settings_for(smtp_server), batch=10, poll_seconds=0.05)
    outbox.start()
    try:
        assert wait_for(lambda: len(smtp_server.inbox.messages) >= 10)
        smtp_server.stop()
        with chamber.read() as s:
            assert wait_for(lambda: outbox.last_error is not None, 10)
        # While the mail server is down the board says so, per invitee.
        with chamber.read() as s:
            states = Counter(i.email_state for i in s.scalars(select(Invitation)))
        assert states["queued"] > 0
        smtp_server.start()
        with chamber.write() as s:  # don't wait out the back-off in a test
            for m in s.scalars(select(MailMessage).where(MailMessage.state == "queued")):
                m.next_attempt_at = m.created_at
        outbox.wake()
        assert wait_for(lambda: len(smtp_server.inbox.messages) >= 60, 30)
    finally:
        outbox.stop()
    counts = Counter(str(m["To"]) for m in smtp_server.inbox.messages)
    assert len(counts) == 60 and set(counts.values()) == {1}
    with chamber.read() as s:
        assert {m.state for m in s.scalars(select(MailMessage))} == {"sent"}


def test_refused_address_is_reported_on_the_board_and_others_still_go(chamber: Database, smtp_server) -> None:
    _, meeting = council_and_meeting(chamber)
    smtp_server.inbox.refuse.add("sai@example.vn")
    with chamber.write() as s:
        invitations.send_invitations(s, SYSTEM, meeting["id"], guests=[{"name": "Sai", "email": "sai@example.vn"}, {"name": "Đúng", "email": "dung@example.vn"}])
    MailOutbox(chamber, settings_for(smtp_server)).send_due()
    with chamber.read() as s:
        board = {i["email"]: i for i in invitations.list_invitations(s, SYSTEM, meeting["id"])["invitations"]}
    assert board["sai@example.vn"]["email_state"] == "failed"
    assert "550" in board["sai@example.vn"]["email_error"]
    assert board["dung@example.vn"]["email_state"] == "sent"


def test_interrupted_send_is_not_repeated_after_a_crash(chamber: Database, smtp_server) -> None:
    _, meeting = council_and_meeting(chamber)
    with chamber.write() as s:
        invitations.send_invitations(s, SYSTEM, meeting["id"], guests=[{"name": "A", "email": "a@example.vn"}])
        s.execute(MailMessage.__table__.update().values(state="sending"))  # the process died here
    MailOutbox(chamber, settings_for(smtp_server)).start().stop()
    assert smtp_server.inbox.messages == []
    with chamber.read() as s:
        inv = s.scalar(select(Invitation))
    assert inv.email_state == "failed" and "interrupted" in inv.email_error


def test_without_smtp_invitations_are_in_app_only(chamber: Database) -> None:
    chamber.session_info["mail_policy"] = MailPolicy(enabled=False)
    council_id, meeting = council_and_meeting(chamber)
    with chamber.write() as s:
        result = invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id])
        assert result["mail"] is False
        assert s.scalar(select(MailMessage)) is None
    with chamber.read() as s:
        assert {i["email_state"] for i in invitations.list_invitations(s, SYSTEM, meeting["id"])["invitations"]} == {"none"}


def test_calendar_reply_from_a_calendar_program_updates_the_answer(chamber: Database) -> None:
    from icalendar import Calendar, Event, vCalAddress

    from app.mail import ical

    council_id, meeting = council_and_meeting(chamber)
    with chamber.write() as s:
        invitations.send_invitations(s, SYSTEM, meeting["id"], body_ids=[council_id])
    cal = Calendar()
    cal.add("prodid", "-//Thunderbird//EN")
    cal.add("version", "2.0")
    cal.add("method", "REPLY")
    event = Event()
    event.add("uid", ical.meeting_uid(meeting["id"]))
    event.add("sequence", 0)
    attendee = vCalAddress("mailto:DaiBieu03@hoabinh.example.vn")
    attendee.params["PARTSTAT"] = "DECLINED"
    event.add("attendee", attendee)
    event.add("comment", "Bận tiếp xúc cử tri")
    cal.add_component(event)

    reply = ical.parse_reply(cal.to_ical())
    assert (reply.email, reply.partstat) == ("daibieu03@hoabinh.example.vn", "DECLINED")
    with chamber.write() as s:
        updated = invitations.apply_calendar_reply(s, reply)
    assert updated["response"] == "declined" and updated["response_reason"] == "Bận tiếp xúc cử tri"
    with pytest.raises(ical.UnreadableCalendarError):
        ical.parse_reply(b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
