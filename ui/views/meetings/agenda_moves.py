"""Where an agenda item goes when the user drags it or presses a move button, as plain data.

Every function takes the ordered agenda (dicts with id, parent_id, position) and returns the
arguments of `ChamberSession.move_agenda_item`: `(parent_id, position)`, where `position` counts
the new siblings without the moving item (the rule of app.domain.agenda.with_moved), or None when
the gesture changes nothing or cannot be done (dropping an item onto itself or into its own
sub-items).
"""

from __future__ import annotations

from typing import Any

from app.domain.agenda import descendants

Item = dict[str, Any]
Target = tuple[str | None, int]

ABOVE, BELOW, ON, END = "above", "below", "on", "end"


def siblings(items: list[Item], parent_id: str | None, *, exclude: str | None = None) -> list[Item]:
    found = [i for i in items if i.get("parent_id") == parent_id and i["id"] != exclude]
    return sorted(found, key=lambda i: (i.get("position", 0), i.get("title", "")))


def _where_now(items: list[Item], item_id: str) -> Target:
    item = _get(items, item_id)
    parent = item.get("parent_id")
    ids = [i["id"] for i in siblings(items, parent)]
    return parent, ids.index(item_id)


def _get(items: list[Item], item_id: str) -> Item:
    return next(i for i in items if i["id"] == item_id)


def _unless_same(items: list[Item], item_id: str, target: Target) -> Target | None:
    return None if target == _where_now(items, item_id) else target


def drop_target(items: list[Item], moving_id: str, target_id: str | None, where: str) -> Target | None:
    """A drop of `moving_id` above, below or on `target_id` (or at the end of the agenda)."""
    if where == END or target_id is None:
        return _unless_same(items, moving_id, (None, len(siblings(items, None, exclude=moving_id))))
    if target_id == moving_id or target_id in descendants(items, moving_id):
        return None
    target = _get(items, target_id)
    if where == ON:
        return _unless_same(items, moving_id, (target_id, len(siblings(items, target_id, exclude=moving_id))))
    parent = target.get("parent_id")
    ids = [i["id"] for i in siblings(items, parent, exclude=moving_id)]
    index = ids.index(target_id)
    return _unless_same(items, moving_id, (parent, index if where == ABOVE else index + 1))


def move_up(items: list[Item], item_id: str) -> Target | None:
    parent, index = _where_now(items, item_id)
    return (parent, index - 1) if index > 0 else None


def move_down(items: list[Item], item_id: str) -> Target | None:
    parent, index = _where_now(items, item_id)
    return (parent, index + 1) if index < len(siblings(items, parent)) - 1 else None


def indent(items: list[Item], item_id: str) -> Target | None:
    """Make the item the last sub-item of the item just above it."""
    parent, index = _where_now(items, item_id)
    if index == 0:
        return None
    previous = siblings(items, parent)[index - 1]
    return previous["id"], len(siblings(items, previous["id"]))


def outdent(items: list[Item], item_id: str) -> Target | None:
    """Lift a sub-item out of its parent, just after that parent."""
    parent = _get(items, item_id).get("parent_id")
    if parent is None:
        return None
    grand, index = _where_now(items, parent)
    return grand, index + 1


def total_minutes(items: list[Item]) -> int:
    """Planned time of the whole agenda: sub-items are time of their own, so every item counts."""
    return sum(int(i.get("duration_minutes") or 0) for i in items)
