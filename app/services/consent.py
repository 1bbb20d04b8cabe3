"""Consent to face data (Vietnam's personal data protection law treats face data as sensitive):
record a person's consent (who recorded it, when, which text version), withdraw it, and answer
whether a person has a consent in force. Without one there is no face data, only manual check-in.

Withdrawing must make the face data really go. The face store registers an eraser with
`on_withdrawal`; every eraser runs in the withdrawal's own transaction, so consent and data go
together or not at all. Every change is in the audit log.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.attendance import UnknownPersonError
from app.domain.clock import iso, utcnow
from app.domain.consent import KEEPERS, MAX_TEXT_VERSION, ConsentTextVersionError, clean_text_version  # noqa: F401  (routes name them)
from app.domain.roles import Actor
from app.errors import NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.services.audit import audit
from app.services.events import record_event
from app.storage.models import FaceConsent, Person

# Called with (session, person_id) when a person withdraws consent, inside that transaction.
Eraser = Callable[[Session, str], None]
_erasers: list[Eraser] = []


class NoConsentError(NotFoundError):
    message = N_("This person has not given consent to face check-in.")


def on_withdrawal(eraser: Eraser) -> Eraser:
    """Register a function that deletes a person's face data when they withdraw consent."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def consent_dict(c: FaceConsent) -> dict[str, Any]:
    return {
        "id": c.id,
        "person_id": c.person_id,
        "text_version": c.text_version,
        "given_at": iso(c.given_at),
        "given_by": c.given_by,
        "given_by_name": c.given_by_name,
        "withdrawn_at": iso(c.withdrawn_at),
        "withdrawn_by": c.withdrawn_by,
        "in_force": c.withdrawn_at is None,
    }


def _require_keeper(actor: Actor) -> None:
    if actor.role not in KEEPERS:
        raise PermissionDeniedError()


def _person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id) if isinstance(person_id, str) and len(person_id) <= 36 else None
    if person is None:
        raise UnknownPersonError()
    return person


def _in_force(session: Session, person_id: str) -> list[FaceConsent]:
    return list(session.scalars(select(FaceConsent).where(FaceConsent.person_id == person_id, FaceConsent.withdrawn_at.is_(None))
                                .order_by(FaceConsent.given_at.desc())))


def has_consent(session: Session, person_id: str) -> bool:
    """Whether face data may be kept for this person now."""
    return bool(_in_force(session, person_id))


def list_consents(session: Session, actor: Actor, *, person_id: str | None = None) -> list[dict[str, Any]]:
    """Every consent record (in force and withdrawn), newest first; one person's with `person_id`."""
    _require_keeper(actor)
    query = select(FaceConsent).order_by(FaceConsent.given_at.desc(), FaceConsent.id)
    if person_id:
        query = query.where(FaceConsent.person_id == person_id)
    return [consent_dict(c) for c in session.scalars(query)]


def give(session: Session, actor: Actor, person_id: str, *, text_version: str) -> dict[str, Any]:
    """Record the person's consent to this version of the text. The same version again changes nothing."""
    _require_keeper(actor)
    version = clean_text_version(text_version)
    person = _person(session, person_id)
    for current in _in_force(session, person.id):
        if current.text_version == version:
            return consent_dict(current)
    consent = FaceConsent(person_id=person.id, text_version=version, given_at=utcnow(), given_by=actor.account_id, given_by_name=actor.username)
    session.add(consent)
    session.flush()
    data = consent_dict(consent)
    audit(session, actor, "face_consent.given", person.full_name, person_id=person.id, text_version=version)
    record_event(session, kind="face_consent", action="given", entity_id=person.id, data=data, actor=actor)
    return data


def withdraw(session: Session, actor: Actor, person_id: str) -> list[dict[str, Any]]:
    """The person takes their consent back: every consent in force ends now and their face data
    is erased in the same transaction."""
    _require_keeper(actor)
    person = _person(session, person_id)
    current = _in_force(session, person.id)
    if not current:
        raise NoConsentError()
    now = utcnow()
    for consent in current:
        consent.withdrawn_at, consent.withdrawn_by = now, actor.account_id
    for eraser in list(_erasers):
        eraser(session, person.id)
    session.flush()
    data = [consent_dict(c) for c in current]
    audit(session, actor, "face_consent.withdrawn", person.full_name, person_id=person.id, erasers=len(_erasers))
    record_event(session, kind="face_consent", action="withdrawn", entity_id=person.id, data=data[0], actor=actor)
    return data
