"""The attendance rules without a server: states from events, the quorum of each rule, substitutes,
leaving and coming back, events arriving late or twice, and what an event may say."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from app.domain import attendance as rules
from app.domain.attendance import Action, State

T0 = datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc)  # 07:30 in Hà Nội
MEMBERS = [f"m{n}" for n in range(1, 16)]
PERSONS = {pid: {"full_name": f"Đại biểu {pid}", "title": "Đại biểu HĐND"} for pid in MEMBERS}
PERSONS.update({"s1": {"full_name": "Người thay Trần Văn Sơn"}, "g1": {"full_name": "Khách mời Lê Thị Hoa"}})


def ev(person: str, action: str = "check_in", minutes: float = 0, **extra) -> dict:  # noqa: ANN003
    return {"id": str(uuid.uuid4()), "person_id": person, "action": action, "method": extra.pop("method", "face"),
            "at": (T0 + timedelta(minutes=minutes)).isoformat(), "recorded_at": (T0 + timedelta(minutes=minutes, seconds=1)).isoformat(), **extra}


def board(events: list[dict], members: list[str] = MEMBERS, rule: str = "more_than_half", count: int = 0) -> dict:
    return rules.board(events, members=members, persons=PERSONS, quorum_rule=rule, quorum_count=count)


def row(b: dict, person: str) -> dict:
    return next(r for r in b["rows"] if r["person_id"] == person)


def test_states_from_events() -> None:
    events = [ev("m1", minutes=1, distance=0.38, device="Kiosk cửa chính"), ev("m2", method="manual", reason="Không nhận diện được", minutes=2),
              ev("m3", minutes=0), ev("m3", "check_out", minutes=30, method="manual", reason="Về sớm"), ev("m4", "excused", reason="Đi công tác")]
    b = board(events)
    assert row(b, "m1")["state"] == State.PRESENT and row(b, "m1")["method"] == "face" and row(b, "m1")["distance"] == 0.38
    assert row(b, "m1")["device"] == "Kiosk cửa chính" and row(b, "m1")["arrived_at"] == (T0 + timedelta(minutes=1)).isoformat()
    assert row(b, "m2")["method"] == "manual" and row(b, "m2")["reason"] == "Không nhận diện được"
    assert row(b, "m3")["state"] == State.LEFT and row(b, "m3")["left_at"] == (T0 + timedelta(minutes=30)).isoformat()
    assert row(b, "m4")["state"] == State.EXCUSED and row(b, "m4")["excuse_reason"] == "Đi công tác"
    assert row(b, "m5")["state"] == State.ABSENT and row(b, "m5")["arrived_at"] is None
    c = b["counts"]
    assert (c["present"], c["excused"], c["left"], c["absent"], c["members"]) == (2, 1, 1, 12, 15)  # absent: everyone not here now
    assert [r["person_id"] for r in b["rows"]] == MEMBERS  # members in the roster's order, nobody else


def test_check_out_and_back_in() -> None:
    events = [ev("m1", minutes=0), ev("m1", "check_out", minutes=20, method="manual", reason="Ra ngoài"), ev("m1", minutes=35)]
    r = row(board(events), "m1")
    assert r["state"] == State.PRESENT
    assert r["arrived_at"] == T0.isoformat() and r["left_at"] is None  # arrival is the first one
    assert r["intervals"] == [[T0.isoformat(), (T0 + timedelta(minutes=20)).isoformat()], [(T0 + timedelta(minutes=35)).isoformat(), None]]


def test_events_count_in_the_order_they_happened_not_the_order_they_arrived() -> None:
    # An offline kiosk's check-in (07:31) reaches the server after the secretary's check-out (07:50).
    late = ev("m1", minutes=1)
    out = ev("m1", "check_out", minutes=20, method="manual", reason="Về sớm")
    assert row(board([out, late]), "m1")["state"] == State.LEFT
    assert row(board([late, out]), "m1")["state"] == State.LEFT


def test_the_same_event_twice_counts_once_and_repeats_change_nothing() -> None:
    first = ev("m1", minutes=0)
    again = ev("m1", minutes=5)  # the kiosk saw them twice
    stray_out = ev("m2", "check_out", minutes=3, method="manual", reason="nhầm")
    b = board([first, dict(first), again, stray_out])
    assert row(b, "m1")["arrived_at"] == T0.isoformat() and row(b, "m1")["intervals"] == [[T0.isoformat(), None]]
    assert row(b, "m2")["state"] == State.ABSENT
    assert b["counts"]["present"] == 1 and b["events"] == 3


@pytest.mark.parametrize(("rule", "count", "members", "required"), [
    ("more_than_half", 0, 15, 8), ("more_than_half", 0, 14, 8), ("more_than_half", 0, 5, 3),
    ("two_thirds", 0, 15, 10), ("two_thirds", 0, 14, 10), ("two_thirds", 0, 5, 4), ("two_thirds", 0, 3, 2),
    ("at_least", 6, 15, 6),
])
def test_required_members_for_each_rule(rule: str, count: int, members: int, required: int) -> None:
    assert rules.required_for_quorum(rule, count, members) == required


@pytest.mark.parametrize(("rule", "count", "present_needed"), [("more_than_half", 0, 8), ("two_thirds", 0, 10), ("at_least", 12, 12)])
def test_quorum_is_reached_exactly_at_the_required_number(rule: str, count: int, present_needed: int) -> None:
    below = [ev(pid, minutes=n) for n, pid in enumerate(MEMBERS[: present_needed - 1])]
    q = board(below, rule=rule, count=count)["quorum"]
    assert (q["present"], q["required"], q["reached"]) == (present_needed - 1, present_needed, False)
    q = board([*below, ev(MEMBERS[present_needed - 1], minutes=30)], rule=rule, count=count)["quorum"]
    assert (q["present"], q["reached"], q["rule"]) == (present_needed, True, rule)


def test_a_substitute_counts_for_the_member_they_replace() -> None:
    events = [ev(pid, minutes=1) for pid in MEMBERS[:7]] + [ev("s1", minutes=2, substitute_for="m15", method="manual", reason="Được ủy quyền")]
    b = board(events)
    assert row(b, "m15")["state"] == State.SUBSTITUTE
    assert row(b, "m15")["substitute"]["full_name"] == "Người thay Trần Văn Sơn"
    sub = row(b, "s1")
    assert (sub["member"], sub["state"], sub["substitute_for"]["person_id"]) == (False, State.PRESENT, "m15")
    assert b["counts"]["substitute"] == 1 and b["counts"]["guests"] == 0
    assert b["quorum"]["present"] == 8 and b["quorum"]["reached"]  # 7 in person + 1 by substitute


def test_member_and_substitute_both_present_count_once_and_a_member_cannot_fill_two_seats() -> None:
    both = board([ev("m1"), ev("s1", minutes=1, substitute_for="m1")])
    assert row(both, "m1")["state"] == State.PRESENT and both["quorum"]["present"] == 1
    # m2 "stands in" for m3 (the server refuses this; the board must not count it either)
    doubled = board([ev("m2"), ev("m2", minutes=1, substitute_for="m3")])
    assert row(doubled, "m3")["state"] == State.ABSENT and doubled["quorum"]["present"] == 1


def test_the_substitute_leaving_ends_the_representation() -> None:
    b = board([ev("s1", substitute_for="m4"), ev("s1", "check_out", minutes=40, method="manual", reason="Về")])
    assert row(b, "m4")["state"] == State.ABSENT and b["quorum"]["present"] == 0


def test_guests_are_listed_after_the_members_and_do_not_count() -> None:
    b = board([ev("g1", method="manual", reason="Khách mời")])
    assert b["rows"][-1]["person_id"] == "g1" and not b["rows"][-1]["member"]
    assert b["counts"]["guests"] == 1 and b["quorum"]["present"] == 0


def test_an_excuse_can_be_withdrawn_and_arriving_beats_an_excuse() -> None:
    excused = ev("m1", "excused", reason="Ốm", method="manual")
    assert row(board([excused, ev("m1", "unexcused", minutes=1, method="manual")]), "m1")["state"] == State.ABSENT
    assert row(board([excused, ev("m1", minutes=60)]), "m1")["state"] == State.PRESENT


def test_a_meeting_without_members_has_no_quorum() -> None:
    b = board([ev("g1", method="manual", reason="x")], members=[])
    assert b["quorum"]["applies"] is False and b["quorum"]["reached"] is False and b["rows"][0]["person_id"] == "g1"


def test_clean_event_checks_what_an_event_may_say() -> None:
    now = T0
    ok = rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face", "distance": 0.41}, now=now)
    assert uuid.UUID(ok["id"]) and ok["at"] == now.isoformat() and ok["distance"] == 0.41 and ok["reason"] == ""
    with pytest.raises(rules.ReasonRequiredError):
        rules.clean_event({"person_id": "m1", "action": "check_in", "method": "manual"}, now=now)
    with pytest.raises(rules.ReasonRequiredError):
        rules.clean_event({"person_id": "m1", "action": "excused", "reason": "   "}, now=now)
    with pytest.raises(rules.FaceDistanceError):
        rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face"}, now=now)
    with pytest.raises(rules.FaceDistanceError):
        rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face", "distance": 7}, now=now)
    with pytest.raises(rules.UnknownAttendanceActionError):
        rules.clean_event({"person_id": "m1", "action": "arrived"}, now=now)
    with pytest.raises(rules.BadEventIdError):
        rules.clean_event({"id": "not-a-uuid", "person_id": "m1", "action": "check_in", "method": "face", "distance": 0.3}, now=now)
    with pytest.raises(rules.SubstituteForSelfError):
        rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face", "distance": 0.3, "substitute_for": "m1"}, now=now)
    with pytest.raises(rules.ReasonTooLongError):
        rules.clean_event({"person_id": "m1", "action": "excused", "reason": "x" * 501}, now=now)
    # A device clock running ahead cannot record an arrival in the future; an earlier time stays.
    ahead = rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face", "distance": 0.3, "at": (now + timedelta(hours=2)).isoformat()}, now=now)
    assert ahead["at"] == now.isoformat()
    earlier = rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face", "distance": 0.3, "at": "2026-12-01T07:10:00+07:00"}, now=now)
    assert earlier["at"] == "2026-12-01T00:10:00+00:00"
    # A manual event carries no distance; only a check-in names a substitute; excuses are manual.
    manual = rules.clean_event({"person_id": "m1", "action": "check_out", "method": "manual", "reason": "Về", "distance": 0.2, "substitute_for": "m2"}, now=now)
    assert manual["distance"] is None and manual["substitute_for"] is None
    assert rules.clean_event({"person_id": "m1", "action": "excused", "method": "face", "reason": "Ốm"}, now=now)["method"] == "manual"


def test_quorum_rule_checks() -> None:
    assert rules.check_quorum_rule("two_thirds", None) == ("two_thirds", 0)
    assert rules.check_quorum_rule("at_least", 7) == ("at_least", 7)
    with pytest.raises(rules.QuorumCountError):
        rules.check_quorum_rule("at_least", 0)
    with pytest.raises(rules.UnknownQuorumRuleError):
        rules.check_quorum_rule("unanimity", None)


def test_role_rules() -> None:
    from app.domain.roles import Role

    face = {"method": "face", "action": "check_in"}
    rules.check_may_record(Role.KIOSK, face)
    with pytest.raises(rules.FaceCheckInNotAllowedError):
        rules.check_may_record(Role.CHAIR, face)
    rules.check_may_record(Role.CHAIR, {"method": "manual", "action": "excused"})
    with pytest.raises(rules.ExcuseNotAllowedError):
        rules.check_may_record(Role.KIOSK, {"method": "manual", "action": "excused"})


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-45T08:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:00"])
def test_an_impossible_time_is_refused_not_a_crash(bad: str) -> None:
    with pytest.raises(rules.BadEventTimeError):
        rules.clean_event({"person_id": "m1", "action": "check_in", "method": "face", "distance": 0.3, "at": bad}, now=T0)
