"""Which change events a viewer may receive: the same rule as `meetings.can_see`, applied to events.

A delegate sees the published meetings of their bodies. When a meeting they saw goes back to
draft, they receive it as deleted, so their offline cache forgets it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.domain.meetings import HIDDEN_FROM_DELEGATES
from app.domain.roles import EDITORS, Actor, Role
from app.services.meetings import MOVED_TO, invited_meeting_ids, visible_body_ids

_HIDDEN = {s.value for s in HIDDEN_FROM_DELEGATES}


@dataclass(frozen=True)
class Scope:
    all_meetings: bool
    body_ids: frozenset[str] = frozenset()
    person_id: str | None = None
    sees_invitations: bool = False
    # Meetings the viewer was invited to in person; grows when their invitation event passes.
    meeting_ids: set[str] = field(default_factory=set)
    role: str | None = None
    account_id: str | None = None


def scope_for(session: Session, actor: Actor) -> Scope:
    bodies = visible_body_ids(session, actor)
    editors = actor.role in EDITORS
    if bodies is None:
        return Scope(all_meetings=True, person_id=actor.person_id, sees_invitations=editors, role=actor.role, account_id=actor.account_id)
    return Scope(all_meetings=False, body_ids=frozenset(bodies), person_id=actor.person_id, meeting_ids=invited_meeting_ids(session, actor), role=actor.role,
                 account_id=actor.account_id)


def visible_event(scope: Scope, event: dict[str, Any]) -> dict[str, Any] | None:
    """The event as this viewer should get it, or None when it is not theirs to see."""
    data = event.get("data") or {}
    if event["kind"] == "invitation":
        # The secretariat follows every invitation; an invitee only their own.
        if scope.sees_invitations:
            return event
        if scope.person_id is None or data.get("person_id") != scope.person_id:
            return None
        if not scope.all_meetings and not data.get("cancelled_at"):
            scope.meeting_ids.add(event["meeting_id"])
        return event
    if event["kind"] == "meeting" and event["action"] == "deleted" and MOVED_TO in data:
        # The meeting moved to another body. Whoever sees that body, or was invited in person,
        # keeps it (the "updated" event of the same change tells them); only the old body's
        # other members must drop it.
        if scope.all_meetings or data[MOVED_TO] in scope.body_ids or event.get("meeting_id") in scope.meeting_ids:
            return None
        return {**event, "data": None} if event.get("body_id") in scope.body_ids else None
    if event["kind"] == "document":
        return _document_event(scope, event)
    if event["kind"] == "annotation":
        return _annotation_event(scope, event)
    if event["kind"] == "minutes":
        return _minutes_event(scope, event)
    if event["kind"] == "proxy":
        return _proxy_event(scope, event)
    if scope.all_meetings:
        return event
    if event["kind"] not in ("meeting", "agenda", "live", "task") or (event.get("body_id") not in scope.body_ids and event.get("meeting_id") not in scope.meeting_ids):
        return None
    if event["kind"] == "meeting" and data.get("status") in _HIDDEN:
        return {**event, "action": "deleted", "data": None}
    if event["kind"] == "agenda" and data.get("meeting_status") in _HIDDEN:
        return None
    return event


def _document_event(scope: Scope, event: dict[str, Any]) -> dict[str, Any] | None:
    """A document's event goes to whoever may read it; one they may no longer read (made
    confidential, taken off its access list) reaches them as deleted, so their cache drops it."""
    from app.services.documents import DOCUMENT_READERS, may_read

    if scope.role not in DOCUMENT_READERS:
        return None
    data = event.get("data")
    if not scope.all_meetings:
        if event.get("body_id") not in scope.body_ids and event.get("meeting_id") not in scope.meeting_ids:
            return None
        if data and data.get("meeting_status") in _HIDDEN:
            return None
    if data is None or may_read(scope.role, scope.person_id, data):
        return event
    return {**event, "action": "deleted", "data": None}


def _annotation_event(scope: Scope, event: dict[str, Any]) -> dict[str, Any] | None:
    """An annotation's event goes to those who may read its document and are in its audience
    (app/domain/annotations.py); those it is no longer shared with receive it as deleted."""
    from app.domain.annotations import audience_includes
    from app.services.documents import DOCUMENT_READERS, may_read

    if scope.role not in DOCUMENT_READERS:
        return None
    data = event.get("data") or {}
    if not scope.all_meetings:
        if event.get("body_id") not in scope.body_ids and event.get("meeting_id") not in scope.meeting_ids:
            return None
        if data.get("meeting_status") in _HIDDEN:
            return None
    if not may_read(scope.role, scope.person_id, data.get("document_access") or {}):
        return None
    if audience_includes(data, account_id=scope.account_id, person_id=scope.person_id):
        return event
    previous = data.get("previous_audience")
    if previous and audience_includes(previous, account_id=scope.account_id, person_id=scope.person_id):
        return {**event, "action": "deleted", "data": None}
    return None


def _minutes_event(scope: Scope, event: dict[str, Any]) -> dict[str, Any] | None:
    """A draft's event goes to those who edit and approve the minutes (the chair's side); once
    approved, also to the members of the meeting's body (the delegates who see the meeting)."""
    from app.domain.live import RUNNERS

    if scope.role in RUNNERS:
        return event
    if scope.role != Role.DELEGATE or (event.get("data") or {}).get("state") != "approved":
        return None
    return event if event.get("body_id") in scope.body_ids or event.get("meeting_id") in scope.meeting_ids else None


def _proxy_event(scope: Scope, event: dict[str, Any]) -> dict[str, Any] | None:
    """A proxy's event goes to whoever sees the meeting and may see that proxy by the rule of
    `proxies.list_proxies` (the chair's side all, a delegate those they gave or hold); the member
    named before, when a delegate changes their proxy, receives it as deleted."""
    from app.services.proxies import PREVIOUS_PROXY, may_see

    if not scope.all_meetings and event.get("body_id") not in scope.body_ids and event.get("meeting_id") not in scope.meeting_ids:
        return None
    data = event.get("data") or {}
    if may_see(scope.role, scope.person_id, data.get("principal_id"), data.get("proxy_id")):
        return event
    if may_see(scope.role, scope.person_id, None, data.get(PREVIOUS_PROXY)):
        return {**event, "action": "deleted", "data": None}
    return None
