"""The audit log: who did what, when and from which device."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.clock import iso
from app.domain.roles import Actor
from app.storage.models import AuditEntry


def audit(session: Session, actor: Actor | None, action: str, target: str = "", *, device: str = "", **detail: Any) -> None:
    session.add(
        AuditEntry(
            account_id=actor.account_id if actor else None,
            username=actor.username if actor else detail.pop("username", ""),
            action=action,
            target=target[:200],
            detail=detail or None,
            device=device[:200],
        )
    )


def list_audit(session: Session, *, limit: int = 200) -> list[dict[str, Any]]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [
        {"at": iso(r.at), "username": r.username, "action": r.action, "target": r.target, "detail": r.detail, "device": r.device}
        for r in rows
    ]
