"""Local edits still waiting in the outbox win over the server's copy until the server has them.

When an event replaces a meeting's agenda while this device has agenda operations queued for it,
those operations are applied again on top (with the same ordering rules the server uses), so an
item just added offline does not vanish and reappear.
"""

from __future__ import annotations

from typing import Any

from app.domain import agenda as rules

Item = dict[str, Any]


def replay_agenda(items: list[Item], operations: list[dict[str, Any]], meeting_id: str) -> list[Item]:
    for op in operations:
        if op.get("meeting_id") != meeting_id or op.get("kind") != "agenda_item":
            continue
        body, item_id = op.get("body") or {}, op.get("entity_id")
        known = {i["id"] for i in items}
        method, path = op["method"], op["path"]
        if method == "POST" and path.endswith("/agenda") and item_id not in known:
            parent = body.get("parent_id")
            if parent is not None and parent not in known:
                continue  # its parent is gone on the server; the server will refuse it too
            item = {"id": item_id, "meeting_id": meeting_id, "parent_id": parent, "position": 0, "presenter": "", "duration_minutes": 0, "notes": "", "version": 0}
            item.update({k: v for k, v in body.items() if k not in ("id", "position")})
            items = rules.with_added(items, item, body.get("position"))
        elif item_id not in known:
            continue
        elif method == "PATCH":
            items = rules.with_updated(items, item_id, body)
        elif method == "POST" and path.endswith("/move"):
            parent = body.get("parent_id")
            if parent is None or parent in known:
                items = rules.with_moved(items, item_id, parent, body.get("position", 0))
        elif method == "DELETE":
            items = rules.with_removed(items, item_id)
    return items


def replay_invitation(invitation: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """An invitation as the server sent it, with this device's unsent answer, read receipt or
    substitute decision applied again on top (a late echo of an earlier one must not undo it)."""
    for op in operations:
        if op.get("kind") != "invitation" or op.get("entity_id") != invitation["id"]:
            continue
        body, path = op.get("body") or {}, op["path"]
        if path.endswith("/read"):
            invitation = {**invitation, "read_at": invitation.get("read_at") or op["created_at"], "sequence_seen": invitation.get("meeting_sequence", 0), "has_unseen_change": False}
        elif path.endswith("/response"):
            invitation = {**invitation, "response": body.get("response"), "response_reason": body.get("reason", "")}
            if body.get("response") == "substitute":
                invitation.update(substitute_person_id=body.get("substitute_person_id"), substitute_name=body.get("substitute_name", ""),
                                  substitute_email=body.get("substitute_email"), substitute_status="proposed")
        elif path.endswith("/substitute"):
            invitation = {**invitation, "substitute_status": "approved" if body.get("approve") else "rejected"}
    return invitation
