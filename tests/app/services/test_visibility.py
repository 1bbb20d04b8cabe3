"""Tests for who sees what: app/services/meetings.py (list/get for each role) and
app/services/visibility.py (the same rule applied to the change events a viewer receives)."""

from __future__ import annotations

import pytest

from app.services import agenda, invitations, meetings
from app.services.events import events_after
from app.services.proxies import PREVIOUS_PROXY
from app.services.visibility import Scope, scope_for, visible_event
from app.storage.db import Database


@pytest.fixture
def chamber(db: Database, council) -> dict[str, dict]:
    """One meeting of each kind a delegate must or must not see."""
    return {
        "council": council.meeting(db, title="Kỳ họp HĐND", body_id=council.council_id, status="scheduled"),
        "economic": council.meeting(db, title="Phiên Ban Kinh tế", body_id=council.economic_id, status="open"),
        "economic_draft": council.meeting(db, title="Dự thảo Ban Kinh tế", body_id=council.economic_id),
        "social": council.meeting(db, title="Phiên Ban Văn hóa", body_id=council.social_id, status="closed"),
        "no_body": council.meeting(db, title="Họp không thuộc ban nào", status="scheduled"),
    }


def visible_titles(db: Database, actor) -> set[str]:
    with db.read() as session:
        return {m["title"] for m in meetings.list_meetings(session, actor)}


def test_delegate_sees_only_published_meetings_of_their_bodies(db: Database, council, chamber: dict) -> None:
    assert visible_titles(db, council.delegate_economic) == {"Kỳ họp HĐND", "Phiên Ban Kinh tế"}
    assert visible_titles(db, council.delegate_social) == {"Kỳ họp HĐND", "Phiên Ban Văn hóa"}


@pytest.mark.parametrize("role", ["guest", "delegate_without_person"])
def test_nothing_is_visible_when_viewer_has_no_body(db: Database, council, chamber: dict, role: str) -> None:
    assert visible_titles(db, getattr(council, role)) == set()


@pytest.mark.parametrize("role", ["admin", "secretariat", "chair", "kiosk"])
def test_every_meeting_is_visible_when_role_sees_all(db: Database, council, chamber: dict, role: str) -> None:
    assert visible_titles(db, getattr(council, role)) == {m["title"] for m in chamber.values()}


@pytest.mark.parametrize("key", ["economic_draft", "social", "no_body"])
def test_hidden_meeting_and_its_agenda_look_absent_to_delegate(db: Database, council, chamber: dict, key: str) -> None:
    with db.write() as session:
        agenda.add_agenda_item(session, council.secretariat, chamber[key]["id"], {"title": "Mục kín"})
    with db.read() as session:
        with pytest.raises(meetings.MeetingNotFoundError):
            meetings.get_meeting(session, council.delegate_economic, chamber[key]["id"])
        with pytest.raises(meetings.MeetingNotFoundError):
            agenda.get_agenda(session, council.delegate_economic, chamber[key]["id"])


# --- the event filter ---------------------------------------------------------------------------

def received(db: Database, actor, after: int = 0) -> list[dict]:
    """The events `actor` receives after `after`, as the event stream filters them."""
    with db.read() as session:
        scope = scope_for(session, actor)
        return [shown for e in events_after(session, after) if (shown := visible_event(scope, e)) is not None]


def replay(events: list[dict]) -> dict[str, dict]:
    """What a client cache holds after applying `events` the way app/sync/engine.py does."""
    cache: dict[str, dict] = {}
    for e in events:
        if e["kind"] == "meeting":
            if e["action"] == "deleted":
                cache.pop(e["id"], None)
            else:
                cache[e["id"]] = e["data"]
    return cache


def last(db: Database) -> int:
    with db.read() as session:
        return events_after(session, 0)[-1]["seq"]


def test_delegate_receives_exactly_the_meetings_they_may_see(db: Database, council, chamber: dict) -> None:
    for actor in (council.delegate_economic, council.delegate_social, council.guest, council.chair):
        with db.read() as session:
            expected = {m["id"] for m in meetings.list_meetings(session, actor)}
        assert set(replay(received(db, actor))) == expected, actor.username


def test_draft_meeting_and_its_agenda_reach_no_delegate(db: Database, council, chamber: dict) -> None:
    start = last(db)
    draft = council.meeting(db, title="Dự thảo mới", body_id=council.economic_id)
    with db.write() as session:
        agenda.add_agenda_item(session, council.secretariat, draft["id"], {"title": "Mục dự thảo"})
    shown = received(db, council.delegate_economic, start)
    assert [(e["kind"], e["action"]) for e in shown] == [("meeting", "deleted")]  # harmless: an unknown id is dropped
    assert shown[0]["data"] is None and "Dự thảo" not in str(shown)
    assert received(db, council.secretariat, start)[-1]["data"]["items"][0]["title"] == "Mục dự thảo"


def test_meeting_going_back_to_draft_arrives_as_deleted_for_delegate(db: Database, council, chamber: dict) -> None:
    start = last(db)
    with db.write() as session:
        meetings.update_meeting(session, council.secretariat, chamber["economic"]["id"], {"status": "draft"})
    [event] = received(db, council.delegate_economic, start)
    assert (event["kind"], event["action"], event["id"], event["data"]) == ("meeting", "deleted", chamber["economic"]["id"], None)
    [event] = received(db, council.secretariat, start)
    assert (event["action"], event["data"]["status"]) == ("updated", "draft")
    assert received(db, council.delegate_social, start) == []


def test_publishing_a_draft_reaches_delegate_with_its_data(db: Database, council, chamber: dict) -> None:
    start = last(db)
    with db.write() as session:
        meetings.update_meeting(session, council.secretariat, chamber["economic_draft"]["id"], {"status": "scheduled"})
    [event] = received(db, council.delegate_economic, start)
    assert (event["action"], event["data"]["title"]) == ("updated", "Dự thảo Ban Kinh tế")


@pytest.mark.parametrize(
    ("viewer", "keeps"),
    [("delegate_economic", True), ("delegate_social", False), ("chair", True), ("secretariat", True)],
)
def test_meeting_moved_to_another_body_stays_only_for_who_sees_the_new_body(db: Database, council, chamber: dict, viewer: str, keeps: bool) -> None:
    """The council meeting moves to the economic committee: daibieu (council + economic), the chair
    and the secretariat keep it; daibieu2 (council + social) loses it."""
    actor = getattr(council, viewer)
    moved = chamber["council"]["id"]
    assert moved in replay(received(db, actor))
    start = last(db)
    with db.write() as session:
        meetings.update_meeting(session, council.secretariat, moved, {"body_id": council.economic_id})
    cache = replay(received(db, actor))
    assert (moved in cache) is keeps
    with db.read() as session:
        assert set(cache) == {m["id"] for m in meetings.list_meetings(session, actor)}
    shown = received(db, actor, start)
    assert [e["action"] for e in shown] == (["updated"] if keeps else ["deleted"])
    assert all(e["data"] is None for e in shown if e["action"] == "deleted")


def test_meeting_moved_to_another_body_stays_for_who_is_invited_in_person(db: Database, council, chamber: dict) -> None:
    """daibieu2 (council + social) is invited to the council meeting in person; it moves to the
    economic committee: the invitation still lets them see it, so their cache must keep it."""
    moved = chamber["council"]["id"]
    with db.write() as session:
        invitations.send_invitations(session, council.secretariat, moved, person_ids=[council.delegate_social.person_id])
        meetings.update_meeting(session, council.secretariat, moved, {"body_id": council.economic_id})
    with db.read() as session:
        assert moved in {m["id"] for m in meetings.list_meetings(session, council.delegate_social)}
    assert moved in replay(received(db, council.delegate_social))


# --- minutes and proxies: the events follow who may read them --------------------------------

def _scope(role: str, *, person_id: str | None = None, bodies: frozenset[str] = frozenset()) -> Scope:
    return Scope(all_meetings=role in ("admin", "secretariat", "chair", "kiosk"), body_ids=bodies, person_id=person_id, role=role)


def _minutes(state: str) -> dict:
    return {"seq": 1, "kind": "minutes", "action": "approved" if state == "approved" else "saved", "id": "m1", "meeting_id": "m1", "body_id": "b1",
            "data": {"meeting_id": "m1", "state": state, "version": 2}}


def test_minutes_drafts_reach_the_chairs_side_and_approved_minutes_the_members_too() -> None:
    for role in ("admin", "secretariat", "chair"):
        assert visible_event(_scope(role), _minutes("draft")) is not None
    member, outsider = _scope("delegate", person_id="p1", bodies=frozenset({"b1"})), _scope("delegate", person_id="p2", bodies=frozenset({"b2"}))
    assert visible_event(member, _minutes("draft")) is None
    assert visible_event(member, _minutes("approved")) is not None
    assert visible_event(outsider, _minutes("approved")) is None
    assert visible_event(_scope("kiosk"), _minutes("draft")) is None and visible_event(_scope("kiosk"), _minutes("approved")) is None


def test_a_proxy_event_reaches_the_chairs_side_and_the_two_delegates_concerned() -> None:
    event = {"seq": 1, "kind": "proxy", "action": "requested", "id": "x1", "meeting_id": "m1", "body_id": "b1",
             "data": {"id": "x1", "meeting_id": "m1", "principal_id": "p1", "proxy_id": "p2", "state": "requested", PREVIOUS_PROXY: "p3"}}
    members = frozenset({"b1"})
    for role in ("admin", "secretariat", "chair"):
        assert visible_event(_scope(role), event) is event
    assert visible_event(_scope("delegate", person_id="p1", bodies=members), event) is event  # who named
    assert visible_event(_scope("delegate", person_id="p2", bodies=members), event) is event  # who is named
    dropped = visible_event(_scope("delegate", person_id="p3", bodies=members), event)  # named before: told it is gone, not who now
    assert dropped is not None and dropped["action"] == "deleted" and dropped["data"] is None
    assert visible_event(_scope("delegate", person_id="p4", bodies=members), event) is None  # another member: none of theirs
    assert visible_event(_scope("delegate", person_id="p1", bodies=frozenset({"b2"})), event) is None  # does not see the meeting
    assert visible_event(_scope("kiosk"), event) is None
