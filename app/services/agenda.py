"""A meeting's agenda: ordered items with sub-items. Every change records one `agenda` event that
carries the whole agenda of the meeting, so every client replaces it at once (agendas are small)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import meetings as rules
from app.domain.agenda import AgendaCycleError, AgendaTooDeepError, height, ordered
from app.domain.roles import EDITORS, Actor
from app.errors import NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import _check_id, get_meeting_row
from app.storage.models import AgendaItem, Meeting, utcnow

EDITABLE = ("title", "presenter", "duration_minutes", "notes")


class AgendaItemNotFoundError(NotFoundError):
    message = N_("This agenda item does not exist or was deleted.")


def item_dict(i: AgendaItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "meeting_id": i.meeting_id,
        "parent_id": i.parent_id,
        "position": i.position,
        "title": i.title,
        "presenter": i.presenter,
        "duration_minutes": i.duration_minutes,
        "notes": i.notes,
        "version": i.version,
    }


def _rows(session: Session, meeting_id: str) -> list[AgendaItem]:
    return list(session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)))


def get_agenda(session: Session, actor: Actor, meeting_id: str) -> list[dict[str, Any]]:
    get_meeting_row(session, actor, meeting_id)
    return ordered([item_dict(i) for i in _rows(session, meeting_id)])


def _publish(session: Session, actor: Actor, meeting: Meeting) -> list[dict[str, Any]]:
    session.flush()
    items = ordered([item_dict(i) for i in _rows(session, meeting.id)])
    record_event(session, kind="agenda", action="replaced", entity_id=meeting.id, data={"items": items, "meeting_status": meeting.status}, actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)
    return items


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise PermissionDeniedError()


def _item(session: Session, actor: Actor, item_id: str) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id) if isinstance(item_id, str) and len(item_id) <= 36 else None
    if item is None:
        raise AgendaItemNotFoundError()
    return item, get_meeting_row(session, actor, item.meeting_id)


def _depth(session: Session, parent_id: str | None) -> int:
    depth = 0
    while parent_id is not None:
        depth += 1
        parent_id = session.get(AgendaItem, parent_id).parent_id
    return depth


def _siblings(session: Session, meeting_id: str, parent_id: str | None, exclude: str | None = None) -> list[AgendaItem]:
    rows = [i for i in _rows(session, meeting_id) if i.parent_id == parent_id and i.id != exclude]
    return sorted(rows, key=lambda i: (i.position, i.title))


def _check_parent(session: Session, meeting: Meeting, parent_id: Any, moving: AgendaItem | None = None) -> str | None:
    if parent_id in (None, ""):
        return None
    parent = session.get(AgendaItem, parent_id) if isinstance(parent_id, str) else None
    if parent is None or parent.meeting_id != meeting.id:
        raise AgendaItemNotFoundError()
    if moving is not None:
        cursor: AgendaItem | None = parent
        while cursor is not None:
            if cursor.id == moving.id:
                raise AgendaCycleError()
            cursor = session.get(AgendaItem, cursor.parent_id) if cursor.parent_id else None
    # The parent's level plus the levels the (moving) item occupies with its sub-items.
    levels = 1 if moving is None else height([{"id": i.id, "parent_id": i.parent_id} for i in _rows(session, meeting.id)], moving.id)
    if _depth(session, parent.id) + levels > rules.MAX_AGENDA_DEPTH:
        raise AgendaTooDeepError(depth=rules.MAX_AGENDA_DEPTH)
    return parent.id


def _place(siblings: list[AgendaItem], item: AgendaItem, position: Any) -> None:
    if position is None or isinstance(position, bool) or not isinstance(position, int):
        position = len(siblings)
    position = max(0, min(position, len(siblings)))
    siblings.insert(position, item)
    for n, s in enumerate(siblings):
        s.position = n


def add_agenda_item(session: Session, actor: Actor, meeting_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    _require_editor(actor)
    meeting = get_meeting_row(session, actor, meeting_id)
    unknown = set(fields) - set(EDITABLE) - {"id", "parent_id", "position"}
    if unknown:
        raise rules.InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    item_id = _check_id(fields.get("id"))
    if item_id and session.get(AgendaItem, item_id) is not None:
        from app.errors import ConflictError

        raise ConflictError()
    parent_id = _check_parent(session, meeting, fields.get("parent_id"))
    item = AgendaItem(id=item_id) if item_id else AgendaItem()
    item.meeting_id = meeting.id
    item.parent_id = parent_id
    item.title = rules.text(fields, "title", limit_key="item_title", required=True)
    item.presenter = rules.text(fields, "presenter")
    item.notes = rules.text(fields, "notes")
    item.duration_minutes = rules.duration(fields.get("duration_minutes"))
    siblings = _siblings(session, meeting.id, parent_id)
    session.add(item)
    _place(siblings, item, fields.get("position"))
    session.flush()
    _publish(session, actor, meeting)
    audit(session, actor, "agenda.add", item.id, meeting=meeting.id)
    return item_dict(item)


def update_agenda_item(session: Session, actor: Actor, item_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    _require_editor(actor)
    item, meeting = _item(session, actor, item_id)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise rules.InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    if "title" in fields:
        item.title = rules.text(fields, "title", limit_key="item_title", required=True)
    if "presenter" in fields:
        item.presenter = rules.text(fields, "presenter")
    if "notes" in fields:
        item.notes = rules.text(fields, "notes")
    if "duration_minutes" in fields:
        item.duration_minutes = rules.duration(fields["duration_minutes"])
    item.version += 1
    item.updated_at = utcnow()
    _publish(session, actor, meeting)
    audit(session, actor, "agenda.update", item.id, fields=sorted(fields))
    return item_dict(item)


def move_agenda_item(session: Session, actor: Actor, item_id: str, *, parent_id: str | None, position: int) -> list[dict[str, Any]]:
    """Put an item under `parent_id` (None: top level) at `position` among its new siblings."""
    _require_editor(actor)
    item, meeting = _item(session, actor, item_id)
    new_parent = _check_parent(session, meeting, parent_id, moving=item)
    old_siblings = _siblings(session, meeting.id, item.parent_id, exclude=item.id)
    for n, s in enumerate(old_siblings):
        s.position = n
    item.parent_id = new_parent
    _place(_siblings(session, meeting.id, new_parent, exclude=item.id), item, position)
    item.version += 1
    items = _publish(session, actor, meeting)
    audit(session, actor, "agenda.move", item.id, parent=new_parent, position=position)
    return items


def delete_agenda_item(session: Session, actor: Actor, item_id: str) -> None:
    _require_editor(actor)
    item, meeting = _item(session, actor, item_id)
    parent_id = item.parent_id
    session.delete(item)
    session.flush()
    for n, s in enumerate(_siblings(session, meeting.id, parent_id)):
        s.position = n
    _publish(session, actor, meeting)
    audit(session, actor, "agenda.delete", item_id, meeting=meeting.id)
