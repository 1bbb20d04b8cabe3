"""Queued agenda edits are applied again on top of the server's agenda, in the order made."""

from __future__ import annotations

from app.domain.agenda import ordered
from app.sync.pending import replay_agenda

M = "m1"


def item(id_: str, position: int, parent: str | None = None) -> dict:
    return {"id": id_, "meeting_id": M, "parent_id": parent, "position": position, "title": id_.upper(), "presenter": "", "duration_minutes": 0, "notes": ""}


def op(method: str, path: str, entity: str, body: dict | None = None) -> dict:
    return {"method": method, "path": path, "entity_id": entity, "meeting_id": M, "kind": "agenda_item", "body": body}


def test_pending_add_move_edit_delete_survive_a_server_agenda_event() -> None:
    server = ordered([item("a", 0), item("b", 1), item("c", 2)])
    ops = [
        op("POST", f"/meetings/{M}/agenda", "n", {"id": "n", "parent_id": None, "title": "New", "position": 0}),
        op("POST", "/agenda-items/c/move", "c", {"parent_id": "a", "position": 0}),
        op("PATCH", "/agenda-items/b", "b", {"title": "B2"}),
        op("DELETE", "/agenda-items/a", "a"),
        op("PATCH", "/agenda-items/x", "x", {"title": "someone else's item"}),
        {**op("PATCH", "/agenda-items/b", "b", {"title": "other meeting"}), "meeting_id": "m2"},
    ]
    result = replay_agenda(server, ops, M)
    assert [(i["number"], i["title"]) for i in result] == [("1", "New"), ("2", "B2")]


def test_nothing_pending_leaves_the_server_agenda_as_it_is() -> None:
    server = ordered([item("a", 0), item("b", 1, "a")])
    assert replay_agenda(server, [], M) == server


def test_item_added_under_a_parent_the_server_deleted_is_left_to_the_server() -> None:
    server = ordered([item("a", 0)])
    ops = [op("POST", f"/meetings/{M}/agenda", "n", {"id": "n", "parent_id": "gone", "title": "Orphan"})]
    assert [i["id"] for i in replay_agenda(server, ops, M)] == ["a"]


def test_unsent_answer_survives_the_echo_of_an_earlier_read_receipt() -> None:
    from app.sync.pending import replay_invitation

    server = {"id": "i1", "response": "none", "response_reason": "", "read_at": "2026-11-23T01:00:00+00:00", "substitute_status": "none", "meeting_sequence": 0}
    ops = [{"kind": "invitation", "entity_id": "i1", "method": "POST", "path": "/invitations/i1/response", "body": {"response": "declined", "reason": "Ốm"}, "created_at": "x"}]
    shown = replay_invitation(server, ops)
    assert (shown["response"], shown["response_reason"]) == ("declined", "Ốm")
    assert replay_invitation(server, []) == server
