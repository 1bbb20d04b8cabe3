"""Reordering the agenda: the pure mapping from a drop or a move button to
`move_agenda_item(parent_id, position)`, and the real thing reaching the server."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from ui.views.meetings import agenda_moves as moves

ITEMS = [  # 1, 2 (2.1, 2.2), 3 — as get_agenda returns them
    {"id": "a", "parent_id": None, "position": 0, "title": "A"},
    {"id": "b", "parent_id": None, "position": 1, "title": "B"},
    {"id": "b1", "parent_id": "b", "position": 0, "title": "B1"},
    {"id": "b2", "parent_id": "b", "position": 1, "title": "B2"},
    {"id": "c", "parent_id": None, "position": 2, "title": "C"},
]


def test_drop_mapping() -> None:
    assert moves.drop_target(ITEMS, "c", "a", moves.ABOVE) == (None, 0)
    assert moves.drop_target(ITEMS, "a", "c", moves.BELOW) == (None, 2)  # positions count without "a"
    assert moves.drop_target(ITEMS, "a", "b", moves.BELOW) == (None, 1)
    assert moves.drop_target(ITEMS, "b", "a", moves.BELOW) is None  # already right after A
    assert moves.drop_target(ITEMS, "c", "b", moves.ON) == ("b", 2)  # last sub-item of B
    assert moves.drop_target(ITEMS, "b2", "b1", moves.ABOVE) == ("b", 0)
    assert moves.drop_target(ITEMS, "b1", "a", moves.BELOW) == (None, 1)  # out of B, after A
    assert moves.drop_target(ITEMS, "b", "b1", moves.ON) is None  # into its own sub-item
    assert moves.drop_target(ITEMS, "b", "b", moves.ON) is None
    assert moves.drop_target(ITEMS, "a", None, moves.END) == (None, 2)
    assert moves.drop_target(ITEMS, "c", None, moves.END) is None  # already last


def test_move_buttons_mapping() -> None:
    assert moves.move_up(ITEMS, "a") is None and moves.move_up(ITEMS, "c") == (None, 1)
    assert moves.move_down(ITEMS, "b2") is None and moves.move_down(ITEMS, "b1") == ("b", 1)
    assert moves.indent(ITEMS, "a") is None and moves.indent(ITEMS, "c") == ("b", 2)
    assert moves.outdent(ITEMS, "a") is None and moves.outdent(ITEMS, "b1") == (None, 2)
    assert moves.total_minutes([{"duration_minutes": 10}, {"duration_minutes": None}, {"duration_minutes": 5}]) == 15


def _numbers(session, meeting_id: str) -> dict[str, str]:  # noqa: ANN001
    return {i["title"]: i["number"] for i in session.get_agenda(meeting_id)}


def test_move_buttons_and_drop_change_the_order_on_the_server(qtbot, open_window, login) -> None:
    window = open_window("thuky")
    other = login("thuky")
    meeting = next(m for m in window.session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))
    window.meetings.select(meeting["id"])
    agenda = window.page.agenda
    questions = "Chất vấn và trả lời chất vấn"
    assert _numbers(other, meeting["id"])[questions] == "4"

    agenda.select(next(i["id"] for i in agenda.items if i["title"] == questions))
    assert agenda.up_button.isEnabled()
    agenda.up_button.click()
    assert _numbers(window.session, meeting["id"])[questions] == "3"  # shown at once, before the server answers
    assert agenda.selected_id() == next(i["id"] for i in agenda.items if i["title"] == questions)
    qtbot.waitUntil(lambda: _numbers(other, meeting["id"])[questions] == "3", timeout=5000)
    qtbot.waitUntil(lambda: not window.session.pending_operations(), timeout=5000)  # see test_meeting_editing

    # Drag "Bế mạc kỳ họp" (5) and drop it onto "Khai mạc kỳ họp" (1): it becomes item 1.1.
    tree = agenda.tree
    closing = next(n for n in agenda._all_nodes() if n.text(1) == "Bế mạc kỳ họp")
    opening = next(n for n in agenda._all_nodes() if n.text(1) == "Khai mạc kỳ họp")
    tree.setCurrentItem(closing)
    rect = tree.visualItemRect(opening)
    mime = tree.model().mimeData([tree.indexFromItem(closing)])
    drop = QDropEvent(QPointF(rect.center()), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tree.dropEvent(drop)
    assert drop.dropAction() == Qt.DropAction.IgnoreAction  # Qt must not move the row itself
    assert _numbers(window.session, meeting["id"])["Bế mạc kỳ họp"] == "1.1"
    qtbot.waitUntil(lambda: _numbers(other, meeting["id"])["Bế mạc kỳ họp"] == "1.1", timeout=5000)
    assert window.session.failed_operations() == []
