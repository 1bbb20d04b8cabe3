"""Annotations on documents: create, change, delete, list what a reader may see, and carry them to
a new version of their document.

Only the author changes an annotation. Each one has a version; an edit made on a stale version
(another device changed it meanwhile) is kept as a new annotation with `conflict_of` set, so
neither edit is lost. Each change records an `annotation` event (the record, plus what the event
stream needs to decide who may receive it) for the author's other devices and those it is shared
with: private → the author; people → the author and the persons named; meeting → everyone who may
read the document (app/services/visibility.py applies the same rule to the stream).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import annotations as rules
from app.domain.annotations import AnnotationIdTakenError, AnnotationNotFoundError, NotYourAnnotationError
from app.domain.clock import iso, utcnow
from app.domain.roles import Actor
from app.errors import PermissionDeniedError
from app.services.documents import DOCUMENT_READERS, DocumentNotFoundError, blob_path, get_document_row, visible_documents
from app.services.events import record_event
from app.services.meetings import InvalidIdError
from app.storage.models import Account, Annotation, Document, Meeting, Person, new_id

log = logging.getLogger(__name__)

# --- records ----------------------------------------------------------------------------------
def annotation_dict(a: Annotation) -> dict[str, Any]:
    return {
        "id": a.id,
        "document_id": a.document_id,
        "document_sha256": a.document_sha256,
        "meeting_id": a.meeting_id,
        "kind": a.kind,
        "page": a.page,
        "rects": list(a.rects or []),
        "ink": list(a.ink or []),
        "text": a.text or "",
        "note": a.note or "",
        "colour": a.colour,
        "author_id": a.author_id,
        "author_account_id": a.author_account_id,
        "author_name": a.author_name or "",
        "visibility": a.visibility,
        "shared_with": list(a.shared_with or []),
        "version": a.version,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "placement": a.placement,
        "conflict_of": a.conflict_of,
    }


def _sorted(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(r: dict[str, Any]) -> tuple:
        first = (r["rects"] or [[0, 0, 0, 0]])[0]
        return (r["page"], round(first[1]), first[0], r["created_at"] or "", r["id"])

    return sorted(records, key=key)


def _audience(actor: Actor, record: dict[str, Any]) -> bool:
    return rules.audience_includes(record, account_id=actor.account_id, person_id=actor.person_id)


# --- reading ----------------------------------------------------------------------------------
def _require_reader(actor: Actor) -> None:
    if actor.role not in DOCUMENT_READERS:
        raise PermissionDeniedError()


def get_annotation_row(session: Session, actor: Actor, annotation_id: str) -> Annotation:
    """The annotation if the actor may see it (its document and its audience); otherwise
    AnnotationNotFoundError, whether it exists or not, so a private one does not leak."""
    a = session.get(Annotation, annotation_id) if isinstance(annotation_id, str) and len(annotation_id) <= 36 else None
    if a is None or not _audience(actor, annotation_dict(a)):
        raise AnnotationNotFoundError()
    try:
        get_document_row(session, actor, a.document_id)
    except DocumentNotFoundError as err:  # the document is gone or not theirs: so is the annotation
        raise AnnotationNotFoundError() from err
    return a


def list_annotations(session: Session, actor: Actor, document_id: str) -> list[dict[str, Any]]:
    """The annotations of a document (this version) the actor may see: theirs and those shared with them."""
    _require_reader(actor)
    d = get_document_row(session, actor, document_id)
    rows = session.scalars(select(Annotation).where(Annotation.document_id == d.id))
    return _sorted(r for r in (annotation_dict(a) for a in rows) if _audience(actor, r))


def visible_annotations(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every annotation the actor may see on the current documents they may read (the sync snapshot)."""
    if actor.role not in DOCUMENT_READERS:
        return []
    ids = [d["id"] for d in visible_documents(session, actor)]
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):
        rows = session.scalars(select(Annotation).where(Annotation.document_id.in_(ids[start:start + 500])))
        out.extend(r for r in (annotation_dict(a) for a in rows) if _audience(actor, r))
    return _sorted(out)


# --- events -----------------------------------------------------------------------------------
def _scope(session: Session, d: Document) -> tuple[dict[str, Any], Meeting | None]:
    meeting = session.get(Meeting, d.meeting_id) if d.meeting_id else None
    return {
        "meeting_status": meeting.status if meeting else None,
        "document_access": {"confidential": bool(d.confidential), "access": list(d.access or [])},
    }, meeting


def _publish(session: Session, actor: Actor | None, a: Annotation, action: str, *, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record the event of a change; `previous` is who saw it before (visibility, shared_with,
    author), so that those it is no longer shared with receive it as deleted."""
    session.flush()
    data = annotation_dict(a)
    d = session.get(Document, a.document_id)
    scope, meeting = _scope(session, d)
    event_data: dict[str, Any] = {**data, **scope}
    if previous is not None:
        event_data["previous_audience"] = previous
    if action == "deleted":
        # Only what the stream needs to tell who saw it; the content is gone.
        event_data = {k: data[k] for k in ("id", "document_id", "meeting_id", "author_account_id", "visibility", "shared_with")} | scope
    record_event(session, kind="annotation", action=action, entity_id=a.id, data=event_data, actor=actor,
                 meeting_id=a.meeting_id, body_id=meeting.body_id if meeting else None)
    return data


def _audience_of(a: Annotation) -> dict[str, Any]:
    return {"visibility": a.visibility, "shared_with": list(a.shared_with or []), "author_account_id": a.author_account_id}


# --- commands ---------------------------------------------------------------------------------
def _check_persons(session: Session, person_ids: list[str]) -> None:
    for person_id in person_ids:
        if session.get(Person, person_id) is None:
            raise rules.AnnotationPersonError(value=person_id[:40])


def _author_name(session: Session, actor: Actor) -> str:
    account = session.get(Account, actor.account_id) if actor.account_id else None
    if account is not None:
        return account.display_name or (account.person.full_name if account.person else account.username)
    return actor.username


def _newest(session: Session, d: Document) -> Document:
    """The current version of the document `d` belongs to."""
    seen = {d.id}
    while (after := session.scalar(select(Document).where(Document.replaces_id == d.id))) is not None and after.id not in seen:
        seen.add(after.id)
        d = after
    return d


def create_annotation(session: Session, actor: Actor, document_id: str, fields: dict[str, Any], *, store: Path | None = None) -> dict[str, Any]:
    """A new annotation by the actor. Made on a version that has been replaced meanwhile (offline),
    it is carried to the current version by its text, like those that were there already."""
    _require_reader(actor)
    d = get_document_row(session, actor, document_id)
    record = rules.clean_new(fields, pages=d.pages or None)
    _check_persons(session, record["shared_with"])
    annotation_id = fields.get("id") or new_id()
    if not isinstance(annotation_id, str) or not 0 < len(annotation_id) <= 36:
        raise InvalidIdError(value=str(annotation_id)[:40])
    existing = session.get(Annotation, annotation_id)
    if existing is not None:
        if existing.author_account_id == actor.account_id and actor.account_id is not None:
            return annotation_dict(existing)  # sent twice without an operation id: the first stands
        raise AnnotationIdTakenError()
    mine = session.scalar(select(func.count()).select_from(Annotation).where(Annotation.document_id == d.id, Annotation.author_account_id == actor.account_id))
    if mine >= rules.MAX_PER_DOCUMENT:
        raise rules.TooManyAnnotationsError(limit=rules.MAX_PER_DOCUMENT)
    now = utcnow()
    a = Annotation(id=annotation_id, document_id=d.id, document_sha256=d.content_hash, meeting_id=d.meeting_id, **record,
                   author_id=actor.person_id, author_account_id=actor.account_id, author_name=_author_name(session, actor),
                   version=1, placement="placed", conflict_of=None, created_at=now, updated_at=now)
    current = _newest(session, d)
    if current.id != d.id:
        _move(a, current, _plan_one(store, d, current, annotation_dict(a)))
    session.add(a)
    return _publish(session, actor, a, "created")


def update_annotation(session: Session, actor: Actor, annotation_id: str, changes: dict[str, Any], *, base_version: int | None = None,
                      base_document_id: str | None = None) -> dict[str, Any]:
    """Change the author's annotation. `base_version` is the version the edit was made on: if the
    annotation has moved on since, the edit is stored as a new annotation (`conflict_of` = this
    one) and both are kept. Geometry edited on a version of the document that has since been
    replaced refers to pages that no longer exist, so only the other fields are taken."""
    _require_reader(actor)
    a = get_annotation_row(session, actor, annotation_id)
    if not rules.is_author(annotation_dict(a), actor.account_id):
        raise NotYourAnnotationError()
    d = session.get(Document, a.document_id)
    clean = rules.clean_changes(changes, kind=a.kind, pages=d.pages or None)
    if base_document_id is not None and base_document_id != a.document_id:
        clean = {k: v for k, v in clean.items() if k not in rules.GEOMETRY}
    current = annotation_dict(a)
    result = rules.merged(current, clean)
    _check_persons(session, result["shared_with"])
    if all(current.get(k) == v for k, v in clean.items()):
        return current  # nothing to change (also the same edit made on two devices)
    now = utcnow()
    if base_version is not None and base_version != a.version:
        copy = Annotation(id=new_id(), document_id=a.document_id, document_sha256=a.document_sha256, meeting_id=a.meeting_id, kind=a.kind,
                          **{k: result[k] for k in ("page", "rects", "ink", "text", "note", "colour", "visibility", "shared_with")},
                          author_id=a.author_id, author_account_id=a.author_account_id, author_name=a.author_name, version=1,
                          placement=a.placement, conflict_of=a.id, created_at=now, updated_at=now)
        session.add(copy)
        data = _publish(session, actor, copy, "created")
        # The device that sent the stale edit shows it on the original until now: send the
        # original again, so every device ends with both, each as the server has it.
        _publish(session, actor, a, "updated")
        return data
    previous = _audience_of(a)
    for key in rules.EDITABLE:
        if key in clean or key == "shared_with":
            setattr(a, key, result[key])
    if a.placement == "unplaced" and {"page", "rects", "ink"} & set(clean):
        a.placement = "placed"  # its author put it back on the page by hand
    a.version += 1
    a.updated_at = now
    return _publish(session, actor, a, "updated", previous=previous)


def delete_annotation(session: Session, actor: Actor, annotation_id: str) -> None:
    _require_reader(actor)
    a = get_annotation_row(session, actor, annotation_id)
    if not rules.is_author(annotation_dict(a), actor.account_id):
        raise NotYourAnnotationError()
    _publish(session, actor, a, "deleted")
    session.delete(a)


# --- carrying annotations to a new version ----------------------------------------------------
@dataclass(frozen=True)
class CarryPlan:
    """Where each annotation of the old version goes, worked out before the write transaction (it
    reads PDFs): annotation id → (the version it was planned for, its placement)."""

    old_document_id: str
    placements: dict[str, tuple[int, Any]]


def _pdf(store: Path | None, d: Document) -> Path | None:
    if store is None:
        return None
    path = blob_path(store, d.content_hash)
    return path if path.exists() else None


def _plan_one(store: Path | None, old: Document, new: Document, record: dict[str, Any]) -> Any:
    from app.pdf.anchor import Placement, relocate

    new_pdf = _pdf(store, new)
    if new_pdf is None:
        return Placement("unplaced", record["page"], record["rects"], record["ink"])
    return relocate(_pdf(store, old), new_pdf, [record])[record["id"]]


def plan_carry_over(db: Any, store: Path, document_id: str, new_pdf: Path) -> CarryPlan:
    """Read the old version's annotations and find each one in `new_pdf` (a worker thread's job)."""
    from app.pdf.anchor import relocate

    with db.read() as session:
        old = session.get(Document, document_id)
        if old is None:
            return CarryPlan(document_id, {})
        records = [annotation_dict(a) for a in session.scalars(select(Annotation).where(Annotation.document_id == old.id))]
        old_pdf = _pdf(store, old)
    placed = relocate(old_pdf, new_pdf, records)
    return CarryPlan(document_id, {r["id"]: (r["version"], placed[r["id"]]) for r in records})


def _move(a: Annotation, new: Document, where: Any) -> None:
    a.document_id, a.document_sha256, a.meeting_id = new.id, new.content_hash, new.meeting_id
    a.placement, a.page, a.rects = where.placement, where.page, where.rects
    if a.kind == "ink":
        a.ink = where.ink
    a.updated_at = utcnow()


def carry_over(session: Session, actor: Actor | None, store: Path | None, old: Document, new: Document, plan: CarryPlan | None = None) -> list[dict[str, Any]]:
    """Move every annotation of `old` to `new` by the text it covers (in the caller's transaction).
    Those not found get placement "unplaced" and are returned; none is dropped. The version of an
    annotation does not change: its author's edits made meanwhile still apply to it."""
    from app.pdf.anchor import relocate

    rows = list(session.scalars(select(Annotation).where(Annotation.document_id == old.id)))
    if not rows:
        return []
    planned = plan.placements if plan is not None and plan.old_document_id == old.id else {}
    late = [annotation_dict(a) for a in rows if a.id not in planned or planned[a.id][0] != a.version]
    if late:  # made or changed while the new version was being vetted: find them now
        new_pdf = _pdf(store, new)
        found = relocate(_pdf(store, old), new_pdf, late) if new_pdf is not None else {}
        for r in late:
            planned[r["id"]] = (r["version"], found.get(r["id"]) or _plan_one(None, old, new, r))
    unplaced = []
    for a in rows:
        _move(a, new, planned[a.id][1])
        data = _publish(session, actor, a, "updated")
        if a.placement == "unplaced":
            unplaced.append(data)
    log.info("carried %d annotations from %s to %s (%d unplaced)", len(rows), old.id, new.id, len(unplaced))
    return unplaced
