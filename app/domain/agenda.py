"""Agenda order as pure functions on plain item dicts (id, parent_id, position, title, …).

The server orders rows with the same rules; the client uses these to show an edit at once, even
offline, before the server's event confirms it.
"""

from __future__ import annotations

from typing import Any

from app.errors import InvalidInputError
from app.i18n import N_

Item = dict[str, Any]


class AgendaTooDeepError(InvalidInputError):
    message = N_("Agenda items can be nested at most %(depth)s levels deep.")


class AgendaCycleError(InvalidInputError):
    message = N_("An agenda item cannot be placed under itself or one of its own sub-items.")


def ordered(items: list[Item]) -> list[Item]:
    """Depth-first order with a `number` like "2.1" and a `depth`: how the agenda is read aloud."""
    children: dict[str | None, list[Item]] = {}
    for it in items:
        children.setdefault(it.get("parent_id"), []).append(it)
    out: list[Item] = []

    def walk(parent: str | None, prefix: str, depth: int) -> None:
        for n, it in enumerate(sorted(children.get(parent, []), key=lambda x: (x.get("position", 0), x.get("title", ""))), start=1):
            number = f"{prefix}{n}"
            out.append({**it, "number": number, "depth": depth})
            walk(it["id"], number + ".", depth + 1)

    walk(None, "", 0)
    return out


def _renumber(items: list[Item], parent_id: str | None) -> None:
    siblings = sorted((i for i in items if i.get("parent_id") == parent_id), key=lambda x: (x.get("position", 0), x.get("title", "")))
    for n, s in enumerate(siblings):
        s["position"] = n


def _insert(items: list[Item], item: Item, parent_id: str | None, position: int | None) -> None:
    siblings = sorted((i for i in items if i.get("parent_id") == parent_id and i["id"] != item["id"]), key=lambda x: (x.get("position", 0), x.get("title", "")))
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, item)
    item["parent_id"] = parent_id
    for n, s in enumerate(siblings):
        s["position"] = n
    if item not in items:
        items.append(item)


def with_added(items: list[Item], item: Item, position: int | None = None) -> list[Item]:
    copy = [dict(i) for i in items]
    _insert(copy, dict(item), item.get("parent_id"), position)
    return ordered(copy)


def with_moved(items: list[Item], item_id: str, parent_id: str | None, position: int) -> list[Item]:
    copy = [dict(i) for i in items]
    moving = next(i for i in copy if i["id"] == item_id)
    old_parent = moving.get("parent_id")
    moving["position"] = 10**9
    _renumber([i for i in copy if i is not moving], old_parent)
    _insert(copy, moving, parent_id, position)
    return ordered(copy)


def with_removed(items: list[Item], item_id: str) -> list[Item]:
    gone = {item_id}
    changed = True
    while changed:  # a removed item takes its sub-items with it
        changed = False
        for i in items:
            if i.get("parent_id") in gone and i["id"] not in gone:
                gone.add(i["id"])
                changed = True
    parent = next((i.get("parent_id") for i in items if i["id"] == item_id), None)
    copy = [dict(i) for i in items if i["id"] not in gone]
    _renumber(copy, parent)
    return ordered(copy)


def with_updated(items: list[Item], item_id: str, fields: dict[str, Any]) -> list[Item]:
    return ordered([{**i, **fields} if i["id"] == item_id else dict(i) for i in items])


def descendants(items: list[Item], item_id: str) -> set[str]:
    found: set[str] = set()
    frontier = {item_id}
    while frontier:
        frontier = {i["id"] for i in items if i.get("parent_id") in frontier} - found
        found |= frontier
    return found


def depth_of(items: list[Item], item_id: str | None) -> int:
    by_id = {i["id"]: i for i in items}
    depth = 0
    while item_id is not None and item_id in by_id:
        item_id = by_id[item_id].get("parent_id")
        depth += 1
    return depth


def height(items: list[Item], item_id: str) -> int:
    """Levels an item occupies with its sub-items: 1 for a leaf, 2 with children, …"""
    children = [i["id"] for i in items if i.get("parent_id") == item_id]
    return 1 + max((height(items, c) for c in children), default=0)
