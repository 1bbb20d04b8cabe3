"""Proxy votes: a delegate names another member of the meeting's body to vote for them; the
secretariat (or an admin) approves or refuses. An approved proxy who is present when a vote opens
brings the absent delegate's seat into the vote, and casts that seat's ballot
(`live.cast_ballot(..., on_behalf_of=…)`): one ballot per seat still, whoever casts it. In a
secret vote the seat is recorded as having voted, never how."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import live as rules
from app.domain.clock import iso, utcnow
from app.domain.roles import Actor, Role
from app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import get_meeting_row
from app.storage.models import Person, VoteProxy

DECIDERS = frozenset({Role.ADMIN, Role.SECRETARIAT})
VIEWERS = rules.RUNNERS | rules.PARTICIPANTS
PREVIOUS_PROXY = "previous_proxy_id"  # in a proxy event's data: the member named before


class ProxyNotFoundError(NotFoundError):
    message = N_("This proxy does not exist.")


class ProxyNotMemberError(InvalidInputError):
    message = N_("A proxy must be another member of the meeting's council or committee.")


class NotYourProxyError(PermissionDeniedError):
    message = N_("You have no approved proxy to vote for this delegate.")


def proxy_dict(session: Session, row: VoteProxy) -> dict[str, Any]:
    names = {p.id: p.full_name for p in session.scalars(select(Person).where(Person.id.in_([row.principal_id, row.proxy_id])))}
    return {"id": row.id, "meeting_id": row.meeting_id, "principal_id": row.principal_id, "principal_name": names.get(row.principal_id, ""),
            "proxy_id": row.proxy_id, "proxy_name": names.get(row.proxy_id, ""), "state": row.state,
            "requested_at": iso(row.requested_at), "decided_at": iso(row.decided_at) if row.decided_at else None}


def _event(session: Session, actor: Actor, row: VoteProxy, action: str, body_id: str | None, previous_proxy_id: str | None = None) -> dict[str, Any]:
    """Record the change; `previous_proxy_id`: the member named before (a delegate who changed
    their proxy), whose open dialog must drop it (app/services/visibility.py)."""
    data = proxy_dict(session, row)
    extra = {PREVIOUS_PROXY: previous_proxy_id} if previous_proxy_id and previous_proxy_id != row.proxy_id else {}
    record_event(session, kind="proxy", action=action, entity_id=row.id, data={**data, **extra}, actor=actor, meeting_id=row.meeting_id, body_id=body_id)
    return data


def name_proxy(session: Session, actor: Actor, meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """{"proxy_person_id"}: the calling delegate names their proxy for this meeting (to be approved)."""
    from app.services import attendance

    if actor.role not in rules.PARTICIPANTS:
        raise PermissionDeniedError()
    if not actor.person_id:
        raise PermissionDeniedError()
    meeting = get_meeting_row(session, actor, meeting_id)
    members = attendance.member_ids(session, meeting.body_id)
    proxy_id = body.get("proxy_person_id")
    if actor.person_id not in members or not isinstance(proxy_id, str) or proxy_id not in members or proxy_id == actor.person_id:
        raise ProxyNotMemberError()
    row = session.scalar(select(VoteProxy).where(VoteProxy.meeting_id == meeting.id, VoteProxy.principal_id == actor.person_id).with_for_update())
    previous = row.proxy_id if row is not None else None
    if row is None:
        row = VoteProxy(meeting_id=meeting.id, principal_id=actor.person_id, proxy_id=proxy_id)
        session.add(row)
    row.proxy_id, row.state, row.requested_at, row.decided_at, row.decided_by = proxy_id, "requested", utcnow(), None, None
    session.flush()
    data = _event(session, actor, row, "requested", meeting.body_id, previous)
    audit(session, actor, "proxy.name", data["principal_name"], proxy_id=row.id, meeting_id=meeting.id, principal_id=row.principal_id,
          proxy_person_id=row.proxy_id, proxy_name=data["proxy_name"])
    return data


def decide_proxy(session: Session, actor: Actor, proxy_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """{"approve": true | false}: the secretariat approves or refuses a named proxy."""
    if actor.role not in DECIDERS:
        raise PermissionDeniedError()
    row = session.get(VoteProxy, proxy_id, with_for_update=True) if isinstance(proxy_id, str) and len(proxy_id) <= 36 else None
    if row is None:
        raise ProxyNotFoundError()
    meeting = get_meeting_row(session, actor, row.meeting_id)
    row.state = "approved" if body.get("approve") is True else "refused"
    row.decided_at, row.decided_by = utcnow(), actor.account_id
    session.flush()
    data = _event(session, actor, row, row.state, meeting.body_id)
    audit(session, actor, "proxy.decide", data["principal_name"], proxy_id=row.id, meeting_id=meeting.id, state=row.state, proxy_name=data["proxy_name"])
    return data


def list_proxies(session: Session, actor: Actor, meeting_id: str) -> list[dict[str, Any]]:
    """The chair's side sees every proxy of the meeting; a delegate those they gave or hold."""
    if actor.role not in VIEWERS:
        raise PermissionDeniedError()
    meeting = get_meeting_row(session, actor, meeting_id)
    query = select(VoteProxy).where(VoteProxy.meeting_id == meeting.id).order_by(VoteProxy.requested_at, VoteProxy.id)
    rows = list(session.scalars(query))
    if actor.role not in rules.RUNNERS:
        rows = [r for r in rows if may_see(actor.role, actor.person_id, r.principal_id, r.proxy_id)]
    return [proxy_dict(session, r) for r in rows]


def may_see(role: str | None, person_id: str | None, principal_id: str | None, proxy_id: str | None) -> bool:
    """The chair's side sees every proxy; a delegate those they gave or hold (the list and the
    change events follow this one rule)."""
    if role in rules.RUNNERS:
        return True
    return role in VIEWERS and person_id is not None and person_id in (principal_id, proxy_id)


def represented_seats(session: Session, meeting_id: str, present: list[str]) -> list[str]:
    """Absent delegates whose approved proxy is among `present`: their seats join the vote."""
    rows = session.scalars(select(VoteProxy).where(VoteProxy.meeting_id == meeting_id, VoteProxy.state == "approved"))
    here = set(present)
    return [r.principal_id for r in rows if r.proxy_id in here and r.principal_id not in here]


def check_proxy(session: Session, meeting_id: str, proxy_person_id: str, principal_id: Any) -> str:
    """The seat `proxy_person_id` may vote for, or NotYourProxyError."""
    row = session.scalar(select(VoteProxy).where(VoteProxy.meeting_id == meeting_id, VoteProxy.principal_id == principal_id,
                                                 VoteProxy.state == "approved")) if isinstance(principal_id, str) else None
    if row is None or row.proxy_id != proxy_person_id:
        raise NotYourProxyError()
    return row.principal_id
