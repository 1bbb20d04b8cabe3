"""Tests for app/services/agenda.py on a real database: items and sub-items, numbering, moves,
cycles and the depth limit, deletes that renumber — and agreement with the pure rules of
app/domain/agenda.py that a client uses offline (random edit sequences with a fixed seed)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.domain import agenda as rules
from app.domain import meetings as meeting_rules
from app.domain.meetings import MAX_AGENDA_DEPTH
from app.errors import PermissionDeniedError
from app.services import agenda, meetings
from app.services.events import events_after
from app.storage.db import Database


@pytest.fixture
def meeting(db: Database, council) -> dict:
    return council.meeting(db, title="Kỳ họp thứ 12", body_id=council.council_id, status="scheduled")


def add(db: Database, council, meeting: dict, title: str, **fields) -> dict:
    with db.write() as session:
        return agenda.add_agenda_item(session, council.secretariat, meeting["id"], {"title": title, **fields})


def move(db: Database, council, item: dict, parent: dict | None, position: int) -> list[dict]:
    with db.write() as session:
        return agenda.move_agenda_item(session, council.secretariat, item["id"], parent_id=parent["id"] if parent else None, position=position)


def delete(db: Database, council, item: dict) -> None:
    with db.write() as session:
        agenda.delete_agenda_item(session, council.secretariat, item["id"])


def outline(db: Database, council, meeting: dict) -> list[tuple[str, str]]:
    """The agenda as it is read aloud: (number, title)."""
    with db.read() as session:
        return [(i["number"], i["title"]) for i in agenda.get_agenda(session, council.secretariat, meeting["id"])]


def test_add_agenda_item_appends_and_numbers(db: Database, council, meeting: dict) -> None:
    for title in ("Khai mạc", "Báo cáo", "Bế mạc"):
        add(db, council, meeting, title)
    assert outline(db, council, meeting) == [("1", "Khai mạc"), ("2", "Báo cáo"), ("3", "Bế mạc")]


def test_add_agenda_item_inserts_when_position_is_given(db: Database, council, meeting: dict) -> None:
    add(db, council, meeting, "Báo cáo")
    add(db, council, meeting, "Bế mạc")
    add(db, council, meeting, "Khai mạc", position=0)
    add(db, council, meeting, "Chất vấn", position=2)
    add(db, council, meeting, "Phụ lục", position=999)
    assert [t for _, t in outline(db, council, meeting)] == ["Khai mạc", "Báo cáo", "Chất vấn", "Bế mạc", "Phụ lục"]


def test_sub_items_are_numbered_under_their_parent(db: Database, council, meeting: dict) -> None:
    add(db, council, meeting, "Khai mạc")
    report = add(db, council, meeting, "Báo cáo kinh tế - xã hội")
    add(db, council, meeting, "Bế mạc")
    review = add(db, council, meeting, "Thẩm tra", parent_id=report["id"])
    add(db, council, meeting, "Thảo luận", parent_id=report["id"])
    add(db, council, meeting, "Ý kiến Ban Kinh tế", parent_id=review["id"])
    assert outline(db, council, meeting) == [
        ("1", "Khai mạc"),
        ("2", "Báo cáo kinh tế - xã hội"),
        ("2.1", "Thẩm tra"),
        ("2.1.1", "Ý kiến Ban Kinh tế"),
        ("2.2", "Thảo luận"),
        ("3", "Bế mạc"),
    ]


def test_move_agenda_item_reorders_siblings(db: Database, council, meeting: dict) -> None:
    a, b, c = (add(db, council, meeting, t) for t in ("A", "B", "C"))
    move(db, council, c, None, 0)
    assert outline(db, council, meeting) == [("1", "C"), ("2", "A"), ("3", "B")]
    move(db, council, c, None, 2)
    assert outline(db, council, meeting) == [("1", "A"), ("2", "B"), ("3", "C")]


def test_move_agenda_item_under_another_item_renumbers_both_levels(db: Database, council, meeting: dict) -> None:
    a, b, c = (add(db, council, meeting, t) for t in ("A", "B", "C"))
    a1 = add(db, council, meeting, "A1", parent_id=a["id"])
    items = move(db, council, b, c, 0)
    assert [(i["number"], i["title"]) for i in items] == [("1", "A"), ("1.1", "A1"), ("2", "C"), ("2.1", "B")]
    move(db, council, a1, None, 1)
    assert outline(db, council, meeting) == [("1", "A"), ("2", "A1"), ("3", "C"), ("3.1", "B")]


def test_move_agenda_item_takes_its_sub_items_along(db: Database, council, meeting: dict) -> None:
    a, b = add(db, council, meeting, "A"), add(db, council, meeting, "B")
    add(db, council, meeting, "A1", parent_id=a["id"])
    move(db, council, a, b, 0)
    assert outline(db, council, meeting) == [("1", "B"), ("1.1", "A"), ("1.1.1", "A1")]


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_move_agenda_item_is_refused_when_it_would_make_a_cycle(db: Database, council, meeting: dict, snapshot_db, target: str) -> None:
    a = add(db, council, meeting, "A")
    a1 = add(db, council, meeting, "A1", parent_id=a["id"])
    a11 = add(db, council, meeting, "A1.1", parent_id=a1["id"])
    before = snapshot_db(db)
    with pytest.raises(rules.AgendaCycleError):
        move(db, council, a, {"itself": a, "child": a1, "grandchild": a11}[target], 0)
    assert snapshot_db(db) == before


def test_add_agenda_item_allows_three_levels_and_refuses_a_fourth(db: Database, council, meeting: dict, snapshot_db) -> None:
    assert MAX_AGENDA_DEPTH == 3
    parent = None
    for level in range(1, MAX_AGENDA_DEPTH + 1):
        parent = add(db, council, meeting, f"Cấp {level}", **({"parent_id": parent["id"]} if parent else {}))
    assert [n for n, _ in outline(db, council, meeting)] == ["1", "1.1", "1.1.1"]
    before = snapshot_db(db)
    with pytest.raises(rules.AgendaTooDeepError) as refused:
        add(db, council, meeting, "Cấp 4", parent_id=parent["id"])
    assert snapshot_db(db) == before
    assert "3" in refused.value.user_message("en")


def test_move_agenda_item_is_refused_when_its_sub_items_would_be_too_deep(db: Database, council, meeting: dict, snapshot_db) -> None:
    a, b = add(db, council, meeting, "A"), add(db, council, meeting, "B")
    b1 = add(db, council, meeting, "B1", parent_id=b["id"])
    a1 = add(db, council, meeting, "A1", parent_id=a["id"])
    add(db, council, meeting, "A1.1", parent_id=a1["id"])
    before = snapshot_db(db)
    with pytest.raises(rules.AgendaTooDeepError):
        move(db, council, a, b1, 0)  # A1.1 would land on a fourth level
    with pytest.raises(rules.AgendaTooDeepError):
        move(db, council, a1, b1, 0)
    assert snapshot_db(db) == before
    move(db, council, a1, b, 0)  # A1 at level 2, A1.1 at level 3: allowed
    assert ("2.1.1", "A1.1") in outline(db, council, meeting)


def test_delete_agenda_item_renumbers_and_removes_sub_items(db: Database, council, meeting: dict) -> None:
    a, b, c = (add(db, council, meeting, t) for t in ("A", "B", "C"))
    add(db, council, meeting, "B1", parent_id=b["id"])
    add(db, council, meeting, "C1", parent_id=c["id"])
    delete(db, council, b)
    assert outline(db, council, meeting) == [("1", "A"), ("2", "C"), ("2.1", "C1")]


def test_update_agenda_item_changes_fields_and_version(db: Database, council, meeting: dict) -> None:
    item = add(db, council, meeting, "Khai mạc")
    with db.write() as session:
        changed = agenda.update_agenda_item(session, council.secretariat, item["id"], {"presenter": "Nguyễn Văn An", "duration_minutes": 15})
    assert (changed["title"], changed["presenter"], changed["duration_minutes"], changed["version"]) == ("Khai mạc", "Nguyễn Văn An", 15, 2)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": ""}, meeting_rules.RequiredFieldError),
        ({"title": "x" * 10_000}, meeting_rules.TextTooLongError),
        ({"duration_minutes": -5}, meeting_rules.InvalidValueError),
        ({"duration_minutes": 10_000}, meeting_rules.InvalidValueError),
        ({"duration_minutes": True}, meeting_rules.InvalidValueError),
        ({"parent_id": None}, meeting_rules.InvalidValueError),
    ],
    ids=["empty-title", "10000-char-title", "negative-duration", "huge-duration", "bool-duration", "parent-not-editable"],
)
def test_update_agenda_item_writes_nothing_when_input_is_invalid(db: Database, council, meeting: dict, snapshot_db, fields: dict, error: type) -> None:
    item = add(db, council, meeting, "Khai mạc")
    before = snapshot_db(db)
    with pytest.raises(error), db.write() as session:
        agenda.update_agenda_item(session, council.secretariat, item["id"], fields)
    assert snapshot_db(db) == before


def test_add_agenda_item_is_refused_when_parent_belongs_to_another_meeting(db: Database, council, meeting: dict) -> None:
    other = council.meeting(db, title="Phiên họp khác")
    foreign = add(db, council, other, "Mục của phiên khác")
    with pytest.raises(agenda.AgendaItemNotFoundError):
        add(db, council, meeting, "Mục", parent_id=foreign["id"])


def test_agenda_commands_are_refused_when_meeting_or_item_is_unknown(db: Database, council, meeting: dict) -> None:
    with pytest.raises(meetings.MeetingNotFoundError):
        add(db, council, {"id": "7d1f2f57-0000-4000-8000-000000000000"}, "Mục")
    with pytest.raises(agenda.AgendaItemNotFoundError):
        delete(db, council, {"id": "7d1f2f57-0000-4000-8000-000000000000"})


def test_agenda_commands_are_refused_when_actor_is_not_an_editor(db: Database, council, meeting: dict, snapshot_db) -> None:
    item = add(db, council, meeting, "Khai mạc")
    before = snapshot_db(db)
    for actor in (council.chair, council.delegate_economic, council.kiosk, council.guest):
        for command in (
            lambda s: agenda.add_agenda_item(s, actor, meeting["id"], {"title": "Mục"}),
            lambda s: agenda.update_agenda_item(s, actor, item["id"], {"title": "Mục"}),
            lambda s: agenda.move_agenda_item(s, actor, item["id"], parent_id=None, position=0),
            lambda s: agenda.delete_agenda_item(s, actor, item["id"]),
        ):
            with pytest.raises(PermissionDeniedError), db.write() as session:
                command(session)
    assert snapshot_db(db) == before


def test_every_agenda_change_records_one_event_with_the_whole_agenda(db: Database, council, meeting: dict) -> None:
    with db.read() as session:
        start = events_after(session, 0)[-1]["seq"]
    a = add(db, council, meeting, "A")
    b = add(db, council, meeting, "B")
    move(db, council, b, a, 0)
    delete(db, council, a)
    with db.read() as session:
        events = events_after(session, start)
    assert [(e["kind"], e["action"], e["id"]) for e in events] == [("agenda", "replaced", meeting["id"])] * 4
    assert [[i["title"] for i in e["data"]["items"]] for e in events] == [["A"], ["A", "B"], ["A", "B"], []]
    assert events[2]["data"]["items"][1]["number"] == "1.1"


# --- agreement with app/domain/agenda.py ------------------------------------------------------

def _model_refusal(items: list[dict], item_id: str | None, parent_id: str | None) -> type | None:
    """What the client's rules say about putting `item_id` (None: a new item) under `parent_id`."""
    if parent_id is None:
        return None
    if item_id is not None and (parent_id == item_id or parent_id in rules.descendants(items, item_id)):
        return rules.AgendaCycleError
    height = 1 if item_id is None else rules.height(items, item_id)
    if rules.depth_of(items, parent_id) + height > MAX_AGENDA_DEPTH:
        return rules.AgendaTooDeepError
    return None


def _shape(items: list[dict]) -> list[tuple]:
    return [(i["id"], i["parent_id"], i["position"], i["number"], i["depth"], i["title"]) for i in items]


@pytest.mark.parametrize("seed", range(20))
def test_domain_rules_agree_with_server_order_when_edits_are_random(tmp_path: Path, council_factory, seed: int) -> None:
    rng = random.Random(seed)
    db, council = council_factory(tmp_path)
    meeting = council.meeting(db, title=f"Ngẫu nhiên {seed}")
    model: list[dict] = []
    titles = ["Khai mạc", "Báo cáo", "Báo cáo", "Thảo luận", "Biểu quyết", "Bế mạc"]  # repeated titles on purpose
    for step in range(40):
        op = rng.choice(["add", "add", "add", "move", "move", "delete"]) if model else "add"
        position = rng.choice([None, 0, 1, 2, 5, 100]) if op == "add" else rng.choice([0, 1, 2, 3, 50])
        parent = rng.choice([None, *(i["id"] for i in model)])
        if op == "add":
            refusal = _model_refusal(model, None, parent)
            fields = {"title": rng.choice(titles), "parent_id": parent}
            if position is not None:
                fields["position"] = position
            try:
                with db.write() as session:
                    added = agenda.add_agenda_item(session, council.secretariat, meeting["id"], fields)
            except (rules.AgendaCycleError, rules.AgendaTooDeepError) as err:
                assert type(err) is refusal, f"step {step}: server refused add under {parent} but the client rules say {refusal}"
                continue
            assert refusal is None, f"step {step}: server accepted an add the client rules refuse ({refusal.__name__})"
            model = rules.with_added(model, {**added, "position": 0}, position)
        elif op == "move":
            item_id = rng.choice(model)["id"]
            refusal = _model_refusal(model, item_id, parent)
            try:
                with db.write() as session:
                    agenda.move_agenda_item(session, council.secretariat, item_id, parent_id=parent, position=position)
            except (rules.AgendaCycleError, rules.AgendaTooDeepError) as err:
                assert type(err) is refusal, f"step {step}: server refused the move but the client rules say {refusal}"
                continue
            assert refusal is None, f"step {step}: server accepted a move the client rules refuse ({refusal.__name__})"
            model = rules.with_moved(model, item_id, parent, position)
        else:
            item_id = rng.choice(model)["id"]
            with db.write() as session:
                agenda.delete_agenda_item(session, council.secretariat, item_id)
            model = rules.with_removed(model, item_id)
        with db.read() as session:
            server = agenda.get_agenda(session, council.secretariat, meeting["id"])
        assert _shape(model) == _shape(server), f"seed {seed}, step {step} ({op}): the client's order differs from the server's"
    db.dispose()
