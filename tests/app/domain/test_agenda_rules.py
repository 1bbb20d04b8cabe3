"""Tests for app/domain/agenda.py: the pure agenda rules a client applies offline."""

from __future__ import annotations

import copy

from app.domain import agenda as rules


def item(item_id: str, parent_id: str | None = None, position: int = 0, title: str | None = None) -> dict:
    return {"id": item_id, "parent_id": parent_id, "position": position, "title": title or item_id}


AGENDA = [item("a", None, 0), item("b", None, 1), item("b1", "b", 0), item("b2", "b", 1), item("b11", "b1", 0), item("c", None, 2)]


def numbers(items: list[dict]) -> list[tuple[str, str]]:
    return [(i["number"], i["id"]) for i in items]


def test_ordered_numbers_depth_first() -> None:
    out = rules.ordered(list(reversed(AGENDA)))
    assert numbers(out) == [("1", "a"), ("2", "b"), ("2.1", "b1"), ("2.1.1", "b11"), ("2.2", "b2"), ("3", "c")]
    assert [i["depth"] for i in out] == [0, 0, 1, 2, 1, 0]


def test_ordered_breaks_position_ties_by_title() -> None:
    out = rules.ordered([item("x", title="Bế mạc"), item("y", title="Báo cáo")])
    assert [i["title"] for i in out] == ["Báo cáo", "Bế mạc"]


def test_with_added_inserts_at_position_and_leaves_input_alone() -> None:
    before = copy.deepcopy(AGENDA)
    out = rules.with_added(AGENDA, item("new", "b"), 1)
    assert AGENDA == before
    assert numbers(out)[2:6] == [("2.1", "b1"), ("2.1.1", "b11"), ("2.2", "new"), ("2.3", "b2")]


def test_with_added_appends_when_position_is_missing_or_too_large() -> None:
    assert numbers(rules.with_added(AGENDA, item("new"), None))[-1] == ("4", "new")
    assert numbers(rules.with_added(AGENDA, item("new"), 99))[-1] == ("4", "new")
    assert numbers(rules.with_added(AGENDA, item("new"), -3))[0] == ("1", "new")


def test_with_moved_renumbers_old_and_new_siblings() -> None:
    out = rules.with_moved(AGENDA, "b1", None, 0)
    assert numbers(out) == [("1", "b1"), ("1.1", "b11"), ("2", "a"), ("3", "b"), ("3.1", "b2"), ("4", "c")]
    assert {i["id"]: i["position"] for i in out if i["parent_id"] == "b"} == {"b2": 0}


def test_with_removed_takes_sub_items_and_renumbers() -> None:
    out = rules.with_removed(AGENDA, "b")
    assert numbers(out) == [("1", "a"), ("2", "c")]
    assert [i["position"] for i in out] == [0, 1]


def test_with_updated_changes_only_that_item() -> None:
    out = rules.with_updated(AGENDA, "b2", {"title": "Thảo luận"})
    assert [i["title"] for i in out if i["id"] == "b2"] == ["Thảo luận"]
    assert AGENDA[3]["title"] == "b2"


def test_descendants_depth_and_height() -> None:
    assert rules.descendants(AGENDA, "b") == {"b1", "b2", "b11"}
    assert rules.descendants(AGENDA, "c") == set()
    assert [rules.depth_of(AGENDA, i) for i in (None, "a", "b1", "b11")] == [0, 1, 2, 3]
    assert [rules.height(AGENDA, i) for i in ("a", "b", "b1", "b11")] == [1, 3, 2, 1]
