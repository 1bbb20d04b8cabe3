"""Attendance between real clients and the real server: a check-in on one device reaches another
device's board; an offline kiosk keeps checking people in and its events reach the server exactly
once after it comes back; a resent event changes nothing; the client refuses what the server
refuses; a new quorum rule reaches every board."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.domain import attendance as rules
from app.errors import PermissionDeniedError
from app.storage.models import AttendanceEvent
from app.sync.attendance import PersonNotInCacheError
from app.sync.engine import ConnectionState

PHUC, NGOC, MINH = "Ngô Văn Phúc", "Trần Thị Bích Ngọc", "Lê Hoàng Minh"


def person_id(session, name: str) -> str:  # noqa: ANN001
    return next(p["id"] for p in session.list_persons() if p["full_name"] == name)


def row(session, meeting_id: str, name: str) -> dict | None:  # noqa: ANN001
    return next((r for r in session.attendance_board(meeting_id)["rows"] if r["full_name"] == name), None)


def stored(chamber, meeting_id: str) -> list[AttendanceEvent]:  # noqa: ANN001
    with chamber.ctx.db.read() as s:
        return list(s.scalars(select(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting_id)))


def test_a_check_in_on_one_device_appears_on_the_other_boards(chamber) -> None:  # noqa: ANN001
    secretary, chair = chamber.login("thuky"), chamber.login("chutoa")
    meeting = chamber.today()
    before = chair.attendance_board(meeting)
    assert before["quorum"]["present"] == 3 and row(chair, meeting, PHUC)["state"] == "absent"  # from the snapshot

    event = secretary.check_in(meeting, person_id(secretary, PHUC), reason="Đến muộn, kiosk bận")
    mine = row(secretary, meeting, PHUC)
    assert mine["state"] == "present" and mine["method"] == "manual"  # shown at once on the device that made it
    assert chair.engine.wait_until(lambda: (row(chair, meeting, PHUC) or {}).get("state") == "present", 5)
    assert chair.attendance_board(meeting)["quorum"]["present"] == 4
    assert secretary.engine.wait_until(secretary.engine.idle, 5)
    confirmed = row(secretary, meeting, PHUC)
    assert confirmed["pending"] is False and confirmed["arrived_at"] == event["at"]
    assert [e.id for e in stored(chamber, meeting) if e.person_id == event["person_id"]] == [event["id"]]


def test_an_offline_kiosk_keeps_checking_in_and_each_event_arrives_once(chamber) -> None:  # noqa: ANN001
    kiosk, chair = chamber.login("kiosk"), chamber.login("chutoa")
    meeting = chamber.today()
    phuc, ngoc_id = person_id(kiosk, PHUC), person_id(kiosk, NGOC)
    chamber.stop()
    assert kiosk.engine.wait_until(lambda: kiosk.state == ConnectionState.OFFLINE, 10)

    first = kiosk.check_in(meeting, phuc, method="face", distance=0.39)
    kiosk.check_in(meeting, ngoc_id, method="face", distance=0.44)  # a council member from outside the committee: a guest here
    kiosk.check_out(meeting, ngoc_id, method="face", distance=0.45)
    kiosk.check_in(meeting, phuc, method="face", distance=0.40, event_id=first["id"])  # the kiosk retries the same event
    offline = kiosk.attendance_board(meeting)
    assert row(kiosk, meeting, PHUC)["state"] == "present" and row(kiosk, meeting, PHUC)["pending"] is True
    assert row(kiosk, meeting, NGOC)["state"] == "left" and offline["quorum"]["present"] == 4 and offline["pending"] == 3  # the retry is the same event
    assert len(kiosk.pending_operations()) == 4  # four sends, three events

    chamber.restart()
    assert kiosk.engine.wait_until(kiosk.engine.idle, 20), kiosk.state
    events = [e for e in stored(chamber, meeting) if e.person_id in (phuc, ngoc_id)]
    assert sorted((e.person_id, e.action) for e in events) == sorted([(phuc, "check_in"), (ngoc_id, "check_in"), (ngoc_id, "check_out")])
    assert all(e.method == "face" and e.actor_name == "kiosk" and e.distance is not None for e in events)
    assert chair.engine.wait_until(lambda: chair.attendance_board(meeting)["quorum"]["present"] == 4, 10)
    assert row(chair, meeting, NGOC)["state"] == "left"

    # Sent once more much later (a kiosk restored from a backup): still once.
    kiosk.check_in(meeting, phuc, method="face", distance=0.39, event_id=first["id"])
    assert kiosk.engine.wait_until(kiosk.engine.idle, 10)
    assert sum(1 for e in stored(chamber, meeting) if e.id == first["id"]) == 1
    assert kiosk.failed_operations() == []


def test_the_client_refuses_what_the_server_refuses(chamber) -> None:  # noqa: ANN001
    delegate, chair, kiosk = chamber.login("daibieu"), chamber.login("chutoa"), chamber.login("kiosk")
    meeting = chamber.today()
    with pytest.raises(PermissionDeniedError):
        delegate.check_in(meeting, person_id(chair, PHUC), reason="Tôi điểm danh hộ")
    with pytest.raises(rules.FaceCheckInNotAllowedError):
        chair.check_in(meeting, person_id(chair, PHUC), method="face", distance=0.4)
    with pytest.raises(rules.ExcuseNotAllowedError):
        kiosk.mark_excused(meeting, person_id(kiosk, PHUC), "Ốm")
    with pytest.raises(rules.ReasonRequiredError):
        chair.check_in(meeting, person_id(chair, PHUC))
    with pytest.raises(PersonNotInCacheError):
        chair.check_in(meeting, str(uuid.uuid4()), reason="?")
    with pytest.raises(rules.SubstituteIsMemberError):
        chair.check_in(meeting, person_id(chair, MINH), reason="Dự thay", substitute_for=person_id(chair, PHUC))
    assert chair.pending_operations() == [] and kiosk.pending_operations() == []
    with chamber.ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting)) == 4  # the demo's


def test_excuse_substitute_and_quorum_rule_reach_every_board(chamber) -> None:  # noqa: ANN001
    secretary, chair = chamber.login("thuky"), chamber.login("chutoa")
    meeting = chamber.today()
    phuc, ngoc_id = person_id(secretary, PHUC), person_id(secretary, NGOC)
    chair.mark_excused(meeting, phuc, "Họp đột xuất ở quận")
    assert secretary.engine.wait_until(lambda: (row(secretary, meeting, PHUC) or {}).get("state") == "excused", 5)
    secretary.check_in(meeting, ngoc_id, reason="Được ủy quyền dự thay", substitute_for=phuc)
    assert chair.engine.wait_until(lambda: (row(chair, meeting, PHUC) or {}).get("state") == "substitute", 5)
    assert chair.attendance_board(meeting)["counts"]["substitute"] == 1

    body_id = chair.get_meeting(meeting)["body_id"]
    with pytest.raises(PermissionDeniedError):
        chair.set_quorum_rule(body_id, "at_least", 5)
    secretary.set_quorum_rule(body_id, "at_least", 5)
    assert secretary.attendance_board(meeting)["quorum"]["required"] == 5  # at once where it was made
    assert chair.engine.wait_until(lambda: chair.attendance_board(meeting)["quorum"]["required"] == 5, 5)
    assert chair.attendance_board(meeting)["quorum"]["reached"] is False  # 3 in person + 1 substitute of 5
