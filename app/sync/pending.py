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


def _annotation_ops(operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [op for op in operations if op.get("kind") == "annotation"]


def replay_annotation(annotation: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """An annotation as the server sent it, with this device's unsent edits on top; None when an
    unsent delete removes it. An edit made on a version older than the server's is not shown
    again: either the server has it already, or another device got there first and the server
    will keep this edit as a conflicting copy (whose own event brings it)."""
    for op in _annotation_ops(operations):
        if op.get("entity_id") != annotation["id"]:
            continue
        if op["method"] == "DELETE":
            return None
        if op["method"] == "PATCH":
            body = op.get("body") or {}
            if body.get("base_version") is not None and int(body["base_version"]) < int(annotation.get("version") or 1):
                continue
            changes = {k: v for k, v in body.items() if k not in ("base_version", "base_document_id")}
            if "base_document_id" in body and body["base_document_id"] != annotation.get("document_id"):
                changes = {k: v for k, v in changes.items() if k not in ("page", "rects", "ink", "text")}  # as the server will do
            annotation = {**annotation, **changes}
            if annotation.get("placement") == "unplaced" and {"page", "rects", "ink"} & set(changes):
                annotation["placement"] = "placed"
            if annotation.get("visibility") != "people":
                annotation["shared_with"] = []
            annotation["version"] = int(annotation.get("version") or 1) + 1
    return annotation


def replay_annotations(annotations: list[dict[str, Any]], operations: list[dict[str, Any]], document_id: str, local: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A document's annotations as the server listed them, with this device's unsent creations
    (`local`: the records shown for them), edits and deletions on top."""
    out = [r for r in (replay_annotation(a, operations) for a in annotations) if r is not None]
    known = {a["id"] for a in out}
    for op in _annotation_ops(operations):
        if op["method"] == "POST" and op["path"] == f"/documents/{document_id}/annotations" and op.get("entity_id") not in known:
            record = local.get(op.get("entity_id"))
            if record is not None:
                replayed = replay_annotation(record, operations)
                if replayed is not None:
                    out.append(replayed)
                    known.add(record["id"])
    return out
