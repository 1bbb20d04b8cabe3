"""The pure rules of the live meeting (app/domain/live.py): states and transitions, stepping
through the agenda, timers, the speakers' queue, majority rules with ties and two-thirds, custom
options, and follow-up task timeliness."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app.domain import live as rules
from app.domain.live import Command, LiveState, MajorityRule, Timer

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("state", "command", "after"), [
    (LiveState.SCHEDULED, Command.OPEN, LiveState.OPEN),
    (LiveState.OPEN, Command.PAUSE, LiveState.PAUSED),
    (LiveState.PAUSED, Command.RESUME, LiveState.OPEN),
    (LiveState.OPEN, Command.ADJOURN, LiveState.ADJOURNED),
    (LiveState.PAUSED, Command.ADJOURN, LiveState.ADJOURNED),
    (LiveState.ADJOURNED, Command.OPEN, LiveState.OPEN),
    (LiveState.ADJOURNED, Command.CLOSE, LiveState.CLOSED),
    (LiveState.OPEN, Command.CLOSE, LiveState.CLOSED),
    (LiveState.OPEN, Command.NEXT, LiveState.OPEN),
    (LiveState.PAUSED, Command.GOTO, LiveState.PAUSED),
])
def test_allowed_transitions_lead_to_their_state(state, command, after) -> None:  # noqa: ANN001
    assert rules.check_allowed(state, command) == after


@pytest.mark.parametrize(("state", "command"), [
    (LiveState.SCHEDULED, Command.NEXT),
    (LiveState.SCHEDULED, Command.PAUSE),
    (LiveState.SCHEDULED, Command.CLOSE),
    (LiveState.OPEN, Command.OPEN),
    (LiveState.OPEN, Command.RESUME),
    (LiveState.ADJOURNED, Command.NEXT),
    (LiveState.ADJOURNED, Command.GIVE_FLOOR),
    (LiveState.CLOSED, Command.OPEN),
    (LiveState.CLOSED, Command.GOTO),
    (LiveState.CLOSED, Command.CLOSE),
])
def test_other_transitions_are_refused(state, command) -> None:  # noqa: ANN001
    with pytest.raises(rules.NotAllowedNowError) as err:
        rules.check_allowed(state, command)
    assert err.value.status == 409


def test_every_state_and_command_has_a_decision() -> None:
    for state in LiveState:
        for command in Command:
            try:
                rules.check_allowed(state, command)
            except rules.NotAllowedNowError:
                pass
    with pytest.raises(rules.UnknownCommandError):
        rules.parse_command("explode")


def test_step_item_walks_the_agenda_and_stops_at_its_ends() -> None:
    order = ["a", "a.1", "b"]
    assert rules.step_item(order, None, 1) == "a"
    assert rules.step_item(order, "a", 1) == "a.1"
    assert rules.step_item(order, "b", -1) == "a.1"
    with pytest.raises(rules.EndOfAgendaError):
        rules.step_item(order, "b", 1)
    with pytest.raises(rules.EndOfAgendaError):
        rules.step_item(order, "a", -1)
    with pytest.raises(rules.EndOfAgendaError):
        rules.step_item([], None, 1)


def test_timer_counts_only_while_running_and_warns_near_the_end() -> None:
    t = Timer(600).started(T0)
    assert t.remaining(T0 + timedelta(seconds=100)) == 500
    paused = t.stopped(T0 + timedelta(seconds=100))
    assert paused.remaining(T0 + timedelta(hours=1)) == 500  # a pause stops the clock
    resumed = paused.started(T0 + timedelta(hours=1))
    assert resumed.remaining(T0 + timedelta(hours=1, seconds=460)) == 40
    assert resumed.warning(T0 + timedelta(hours=1, seconds=460))
    assert not resumed.warning(T0 + timedelta(hours=1, seconds=400))
    assert resumed.remaining(T0 + timedelta(hours=1, seconds=700)) == -200  # over time shows as negative
    assert not Timer(0).started(T0).warning(T0 + timedelta(days=1))  # no planned time, no warning


def test_points_of_order_go_to_the_front_then_first_asked_first_served() -> None:
    requests = [
        {"id": "1", "kind": "speak", "state": "waiting", "requested_at": "2026-12-01T01:00:00"},
        {"id": "2", "kind": "speak", "state": "waiting", "requested_at": "2026-12-01T01:01:00"},
        {"id": "3", "kind": "point_of_order", "state": "waiting", "requested_at": "2026-12-01T01:02:00"},
        {"id": "4", "kind": "speak", "state": "withdrawn", "requested_at": "2026-12-01T00:59:00"},
        {"id": "5", "kind": "speak", "state": "speaking", "requested_at": "2026-12-01T00:58:00"},
    ]
    assert [r["id"] for r in rules.queue_order(requests)] == ["3", "1", "2"]


def motion(for_: int, against: int, abstain: int, rule: MajorityRule, members: int) -> dict:
    counts = rules.tally(list(rules.STANDARD_OPTIONS), ["for"] * for_ + ["against"] * against + ["abstain"] * abstain)
    return rules.result(list(rules.STANDARD_OPTIONS), counts, rule, members=members)


def test_simple_majority_of_votes_cast_ignores_abstentions_and_fails_on_a_tie() -> None:
    assert motion(5, 4, 6, MajorityRule.SIMPLE, 15)["adopted"]
    assert not motion(5, 5, 0, MajorityRule.SIMPLE, 15)["adopted"]  # a tie is not a majority
    assert not motion(0, 0, 9, MajorityRule.SIMPLE, 15)["adopted"]
    r = motion(5, 4, 6, MajorityRule.SIMPLE, 15)
    assert (r["cast"], r["counts"], r["winner"]) == (15, {"for": 5, "against": 4, "abstain": 6}, "for")


def test_absolute_majority_counts_all_members_present_or_not() -> None:
    assert not motion(7, 0, 0, MajorityRule.ABSOLUTE, 15)["adopted"]  # 7 of 15 is not more than half
    assert motion(8, 0, 0, MajorityRule.ABSOLUTE, 15)["adopted"]
    assert not motion(7, 0, 0, MajorityRule.ABSOLUTE, 14)["adopted"]  # exactly half is not more than half
    assert motion(8, 6, 0, MajorityRule.ABSOLUTE, 14)["adopted"]


def test_two_thirds_of_members_is_at_least_two_thirds() -> None:
    assert motion(10, 0, 0, MajorityRule.TWO_THIRDS, 15)["adopted"]  # exactly 2/3
    assert not motion(9, 0, 0, MajorityRule.TWO_THIRDS, 15)["adopted"]
    assert motion(10, 0, 0, MajorityRule.TWO_THIRDS, 14)["adopted"]  # 28/3 = 9.33 → 10 needed
    assert not motion(9, 1, 0, MajorityRule.TWO_THIRDS, 14)["adopted"]
    assert not motion(0, 0, 0, MajorityRule.TWO_THIRDS, 0)["adopted"]


def test_custom_options_need_a_single_winner_that_meets_the_rule() -> None:
    options = rules.vote_options(["Phương án A", "Phương án B", "Phương án C"])
    counts = rules.tally(options, ["Phương án A"] * 6 + ["Phương án B"] * 3 + ["Phương án C"] * 2)
    assert rules.result(options, counts, MajorityRule.SIMPLE, members=15)["winner"] == "Phương án A"  # 6 of 11 cast
    assert rules.result(options, counts, MajorityRule.ABSOLUTE, members=15)["winner"] is None  # 6 of 15 seats
    tie = rules.tally(options, ["Phương án A"] * 4 + ["Phương án B"] * 4)
    assert rules.result(options, tie, MajorityRule.SIMPLE, members=15) | {"counts": None} == {
        "cast": 8, "counts": None, "rule": "simple", "members": 15, "adopted": False, "winner": None}


def test_vote_options_and_choices_are_checked() -> None:
    assert rules.vote_options(None) == ["for", "against", "abstain"]
    assert rules.is_motion(["for", "against"]) and not rules.is_motion(["A", "B"])
    for bad in (["only one"], ["A", "A"], "A,B", [1, 2], ["A", ""], [f"o{n}" for n in range(21)]):
        with pytest.raises(rules.InvalidVoteError):
            rules.vote_options(bad)
    with pytest.raises(rules.InvalidChoiceError):
        rules.check_choice(["for", "against"], "abstain")
    with pytest.raises(rules.InvalidVoteError):
        rules.majority_rule("most_shouting")
    with pytest.raises(rules.InvalidDurationError):
        rules.seconds(-1)
    with pytest.raises(rules.InvalidDurationError):
        rules.seconds(True)


def test_task_timeliness_follows_the_deadline() -> None:
    deadline = date(2026, 12, 31)
    assert rules.timeliness("open", deadline, None, date(2026, 12, 31)) == rules.Timeliness.ON_TIME
    assert rules.timeliness("open", deadline, None, date(2027, 1, 1)) == rules.Timeliness.LATE
    assert rules.timeliness("open", None, None, date(2030, 1, 1)) == rules.Timeliness.ON_TIME
    assert rules.timeliness("done", deadline, date(2026, 12, 20), date(2027, 3, 1)) == rules.Timeliness.DONE
    assert rules.timeliness("done", deadline, date(2027, 1, 2), date(2027, 3, 1)) == rules.Timeliness.DONE_LATE
    assert rules.timeliness("cancelled", deadline, None, date(2027, 3, 1)) == rules.Timeliness.CANCELLED
    with pytest.raises(rules.InvalidTaskError):
        rules.progress(101)


def test_overdue_tasks_are_the_open_ones_past_their_deadline_oldest_first() -> None:
    from datetime import date

    from app.domain.live import overdue

    tasks = [
        {"id": "a", "status": "open", "deadline": "2026-11-20"},
        {"id": "b", "status": "done", "deadline": "2026-11-01"},
        {"id": "c", "status": "open", "deadline": "2026-11-02"},
        {"id": "d", "status": "open", "deadline": "2026-11-23"},  # due today: not late yet
        {"id": "e", "status": "open", "deadline": None},
        {"id": "f", "status": "cancelled", "deadline": "2026-10-01"},
    ]
    assert [t["id"] for t in overdue(tasks, date(2026, 11, 23))] == ["c", "a"]
