"""The council's people and bodies: delegates (persons), bodies and their memberships."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.roles import MEMBERS, Actor, Role
from app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services.events import record_event
from app.storage.models import Body, Membership, Person

SEAT_KEEPERS = frozenset({Role.ADMIN, Role.SECRETARIAT})
MAX_SEAT = 40


class SeatTooLongError(InvalidInputError):
    code = "seat_too_long"
    message = N_("A seat is at most %(limit)s characters, e.g. 12 or A-12.")


def body_dict(b: Body, member_ids: list[str] | None = None) -> dict[str, Any]:
    # The members and the quorum rule let a client compute the attendance board offline.
    return {"id": b.id, "name": b.name, "kind": b.kind, "parent_id": b.parent_id, "quorum_rule": b.quorum_rule,
            "quorum_count": b.quorum_count, "member_ids": member_ids or []}


def person_dict(p: Person) -> dict[str, Any]:
    return {"id": p.id, "full_name": p.full_name, "title": p.title, "unit": p.unit, "email": p.email, "phone": p.phone, "seat": p.seat or ""}


def list_bodies(session: Session, actor: Actor) -> list[dict[str, Any]]:
    if actor.role not in MEMBERS:
        raise PermissionDeniedError()
    members: dict[str, list[str]] = {}
    query = select(Membership.body_id, Person.id).join(Person, Person.id == Membership.person_id).order_by(Person.full_name, Person.id)
    for body_id, person_id in session.execute(query):
        members.setdefault(body_id, []).append(person_id)
    return [body_dict(b, members.get(b.id)) for b in session.scalars(select(Body).order_by(Body.name))]


def list_persons(session: Session, actor: Actor, *, body_id: str | None = None) -> list[dict[str, Any]]:
    if actor.role not in MEMBERS:
        raise PermissionDeniedError()
    query = select(Person).order_by(Person.full_name)
    if body_id:
        query = query.join(Membership, Membership.person_id == Person.id).where(Membership.body_id == body_id)
    people = [person_dict(p) for p in session.scalars(query)]
    if actor.role in (Role.DELEGATE, Role.KIOSK):
        # Colleagues' phone numbers and addresses are for the secretariat.
        for p in people:
            p["email"] = p["phone"] = None
    return people


def add_body(session: Session, *, name: str, kind: str = "council", parent_id: str | None = None) -> Body:
    body = Body(name=name, kind=kind, parent_id=parent_id)
    session.add(body)
    session.flush()
    return body


def add_person(session: Session, *, full_name: str, title: str = "", unit: str = "", email: str | None = None, phone: str | None = None,
               seat: str = "") -> Person:
    person = Person(full_name=full_name, title=title, unit=unit, email=email, phone=phone, seat=seat)
    session.add(person)
    session.flush()
    return person


def set_seat(session: Session, actor: Actor, person_id: str, seat: str) -> dict[str, Any]:
    """A person's seat in the chamber ("12"; empty: none), shown on the kiosk's welcome card.
    The event carries only the id and the seat: every member receives it, and contact details are
    not for everyone."""
    if actor.role not in SEAT_KEEPERS:
        raise PermissionDeniedError()
    seat = " ".join(seat.split())
    if len(seat) > MAX_SEAT:
        raise SeatTooLongError(limit=MAX_SEAT)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError()
    person.seat = seat
    session.flush()
    record_event(session, kind="person", action="updated", entity_id=person.id, data={"id": person.id, "seat": seat}, actor=actor)
    return person_dict(person)


def add_membership(session: Session, *, body_id: str, person_id: str, position: str = "member") -> None:
    session.add(Membership(body_id=body_id, person_id=person_id, position=position))
