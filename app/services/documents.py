"""Documents of meetings: vetted uploads, versions, confidential access, and the files themselves,
stored once by SHA-256 content hash under DATA/documents (the same file uploaded twice is one file).

A document is a chain of versions (rows); `replaces_id` links a version to the one before, and the
current version is the one nothing replaces. Lists show current versions only. Each change records
a `document` event whose data is the document (plus the meeting's status, so delegates' streams can
hide drafts) in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import event as sa_event
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.clock import iso
from app.domain.roles import EDITORS, Actor, Role
from app.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.pdf import vet
from app.pdf.convert import is_office_file, office_to_pdf
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import can_see, get_meeting_row
from app.storage.models import AgendaItem, Document, Meeting, Person

log = logging.getLogger(__name__)

# Who reads documents at all (a check-in kiosk and a guest account do not).
DOCUMENT_READERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.DELEGATE})
MAX_UPLOAD_BYTES = vet.MAX_FILE_BYTES
TITLE_LIMIT = 300
ACCESS_LIMIT = 500
EDITABLE = ("title", "agenda_item_id", "confidential", "access")
# At most this many files are vetted at once on a server (each in its own process).
_vet_slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


class DocumentNotFoundError(NotFoundError):
    message = N_("This document does not exist, was deleted, or is not shared with you.")


class AgendaItemNotInMeetingError(InvalidInputError):
    message = N_("The agenda item chosen for this document is not on this meeting's agenda.")


class UnknownAccessEntryError(InvalidInputError):
    message = N_("%(value)s is neither a person nor a role; a confidential document can be shared with people and roles only.")


class DocumentTitleTooLongError(InvalidInputError):
    message = N_("The document title is too long (%(length)s characters; at most %(limit)s).")


class NewerVersionExistsError(ConflictError):
    message = N_("This document already has a newer version; replace that one.")


class StoredFileMissingError(NotFoundError):
    message = N_("The file of this document is missing on the server. Upload it again.")


# --- records ----------------------------------------------------------------------------------
def document_dict(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "meeting_id": d.meeting_id,
        "agenda_item_id": d.agenda_item_id,
        "title": d.title or Path(d.file_name).stem,
        "file_name": d.file_name,
        "content_hash": d.content_hash,
        "pages": d.pages,
        "size_bytes": d.size_bytes,
        "version": d.version,
        "replaces_id": d.replaces_id,
        "confidential": bool(d.confidential),
        "access": list(d.access or []),
        "uploaded_by": d.uploaded_by,
        "vetted": bool(d.vetted),
        "created_at": iso(d.created_at),
    }


def default_title(file_name: str) -> str:
    return Path(file_name).stem.replace("_", " ").strip()[:TITLE_LIMIT]


# --- who may read -----------------------------------------------------------------------------
def may_read(role: Role | str, person_id: str | None, document: dict[str, Any]) -> bool:
    """The document rule alone (the meeting's own visibility is checked separately): readers see
    what is not confidential; a confidential document only editors and those on its access list."""
    role = Role(role)
    if role not in DOCUMENT_READERS:
        return False
    if not document.get("confidential") or role in EDITORS:
        return True
    access = document.get("access") or []
    return role.value in access or (person_id is not None and person_id in access)


def _readable(actor: Actor, d: Document) -> bool:
    return may_read(actor.role, actor.person_id, {"confidential": d.confidential, "access": d.access})


def _current_only(query):  # noqa: ANN001, ANN202
    newer = aliased(Document)
    return query.where(~exists().where(newer.replaces_id == Document.id))


def _is_current(session: Session, d: Document) -> bool:
    return session.scalar(select(func.count()).select_from(Document).where(Document.replaces_id == d.id)) == 0


def get_document_row(session: Session, actor: Actor, document_id: str) -> Document:
    """The document if the actor may see it (its meeting and itself); else DocumentNotFoundError —
    the same answer whether it does not exist or is not theirs, so nothing leaks."""
    d = session.get(Document, document_id) if isinstance(document_id, str) and len(document_id) <= 36 else None
    if d is None or not _readable(actor, d):
        raise DocumentNotFoundError()
    if d.meeting_id is not None:
        meeting = session.get(Meeting, d.meeting_id)
        if meeting is None or not can_see(session, actor, meeting):
            raise DocumentNotFoundError()
    elif actor.role not in EDITORS:
        raise DocumentNotFoundError()
    return d


# --- queries ----------------------------------------------------------------------------------
def _sorted(session: Session, docs: Iterable[Document]) -> list[dict[str, Any]]:
    return sorted((document_dict(d) for d in docs), key=lambda d: (d["meeting_id"] or "", d["title"].lower(), d["created_at"] or ""))


def list_documents(session: Session, actor: Actor, meeting_id: str) -> list[dict[str, Any]]:
    """The current versions of a meeting's documents that the actor may read."""
    get_meeting_row(session, actor, meeting_id)
    if actor.role not in DOCUMENT_READERS:
        return []
    rows = session.scalars(_current_only(select(Document).where(Document.meeting_id == meeting_id)))
    return _sorted(session, (d for d in rows if _readable(actor, d)))


def visible_documents(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every current document the actor may read, of every meeting they see (the sync snapshot)."""
    if actor.role not in DOCUMENT_READERS:
        return []
    from app.services.meetings import list_meetings

    meeting_ids = [m["id"] for m in list_meetings(session, actor)]
    if not meeting_ids:
        return []
    rows = session.scalars(_current_only(select(Document).where(Document.meeting_id.in_(meeting_ids))))
    return _sorted(session, (d for d in rows if _readable(actor, d)))


def get_document(session: Session, actor: Actor, document_id: str) -> dict[str, Any]:
    return document_dict(get_document_row(session, actor, document_id))


def _chain(session: Session, d: Document) -> list[Document]:
    """Every version of the document `d` belongs to, oldest first."""
    first, walked = d, {d.id}
    while first.replaces_id and (before := session.get(Document, first.replaces_id)) is not None and before.id not in walked:
        walked.add(before.id)
        first = before
    chain, seen = [first], {first.id}
    while (after := session.scalar(select(Document).where(Document.replaces_id == chain[-1].id))) is not None and after.id not in seen:
        seen.add(after.id)
        chain.append(after)
    return chain


def document_versions(session: Session, actor: Actor, document_id: str) -> list[dict[str, Any]]:
    """The versions of a document, newest first (each readable by the same rule as the current one)."""
    d = get_document_row(session, actor, document_id)
    return [document_dict(v) for v in reversed(_chain(session, d))]


def document_file(session: Session, actor: Actor, store: Path, document_id: str) -> tuple[Path, dict[str, Any]]:
    """The stored file of a document the actor may read, and its record."""
    d = get_document_row(session, actor, document_id)
    path = blob_path(store, d.content_hash)
    if not path.exists():
        raise StoredFileMissingError()
    return path, document_dict(d)


def record_download(session: Session, actor: Actor, document: dict[str, Any]) -> None:
    """Audit that the actor's device received a document's file (not a 304: it had the bytes)."""
    audit(session, actor, "document.downloaded", document["title"], document_id=document["id"], meeting_id=document["meeting_id"],
          version=document["version"], confidential=document["confidential"])


# --- the file store ---------------------------------------------------------------------------
def store_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "documents"


def temp_dir(store: Path) -> Path:
    """Where uploads land before vetting: inside the store, so a vetted file is moved, not copied.
    The first use in a process clears what a crash may have left there a day or more ago."""
    path = store / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    if path not in _swept:
        _swept.add(path)
        cutoff = time.time() - 86400
        for stale in path.iterdir():
            if stale.is_file() and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
    return path


_swept: set[Path] = set()


def blob_path(store: Path, digest: str) -> Path:
    return store / digest[:2] / digest


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def store_bytes(store: Path, data: bytes) -> str:
    """Write `data` under its SHA-256 name unless that content is already stored; return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = blob_path(store, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{uuid.uuid4().hex}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return digest


def store_file(store: Path, path: Path, digest: str) -> Path:
    """Move a vetted file into the store under its hash (or drop it: that content is stored already)."""
    target = blob_path(store, digest)
    if target.exists():
        path.unlink(missing_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    return target


def _forget_unused_files(session: Session, store: Path, digests: set[str]) -> None:
    """After the commit, delete the stored files no document uses any more."""
    unused = {h for h in digests if not session.scalar(select(func.count()).select_from(Document).where(Document.content_hash == h))}
    if not unused:
        return

    def remove(_session: Session) -> None:
        for digest in unused:
            blob_path(store, digest).unlink(missing_ok=True)

    sa_event.listen(session, "after_commit", remove, once=True)


# --- vetting an upload ------------------------------------------------------------------------
@dataclass
class PreparedFile:
    """An uploaded file that passed vetting, waiting to be stored."""

    path: Path
    file_name: str
    digest: str
    size: int
    result: vet.VetResult
    work_dir: Path | None = field(default=None, repr=False)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def prepare_upload(path: Path, file_name: str, *, timeout_s: float = vet.DEFAULT_TIMEOUT_S, memory_mb: int = vet.DEFAULT_MEMORY_MB,
                   progress: vet.Progress | None = None) -> PreparedFile:
    """Convert (Word, Excel) and vet a file. Raises a DocumentRefusedError with the reason."""
    work_dir: Path | None = None
    if is_office_file(file_name):
        work_dir = Path(tempfile.mkdtemp(prefix="convert-", dir=path.parent))
        try:
            path = office_to_pdf(path, work_dir)
        except BaseException:
            shutil.rmtree(work_dir, ignore_errors=True)
            raise
        file_name = Path(file_name).stem + ".pdf"
    with _vet_slots:
        result = vet.vet_file(path, timeout_s=timeout_s, memory_mb=memory_mb, progress=progress)
    if not result.ok:
        if work_dir is not None:
            shutil.rmtree(work_dir, ignore_errors=True)
        log.info("document refused: %s (%s)", file_name, result.reason)
        result.raise_if_refused()
    return PreparedFile(path=path, file_name=file_name, digest=hash_file(path), size=path.stat().st_size, result=result, work_dir=work_dir)


# --- commands ---------------------------------------------------------------------------------
def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise PermissionDeniedError()


def _title(value: Any, file_name: str) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > TITLE_LIMIT:
        raise DocumentTitleTooLongError(length=len(text), limit=TITLE_LIMIT)
    return text or default_title(file_name)


def _agenda_item(session: Session, meeting_id: str, item_id: Any) -> str | None:
    if item_id in (None, ""):
        return None
    item = session.get(AgendaItem, item_id) if isinstance(item_id, str) and len(item_id) <= 36 else None
    if item is None or item.meeting_id != meeting_id:
        raise AgendaItemNotInMeetingError()
    return item.id


def _access(session: Session, entries: Any) -> list[str]:
    if entries is None:
        return []
    if isinstance(entries, str) or not isinstance(entries, (list, tuple)):
        raise UnknownAccessEntryError(value=str(entries)[:40])
    roles = {r.value for r in Role}
    out: list[str] = []
    for entry in entries:
        if not isinstance(entry, str) or not entry.strip():
            raise UnknownAccessEntryError(value=str(entry)[:40])
        entry = entry.strip()
        if entry not in roles and (len(entry) > 36 or session.get(Person, entry) is None):
            raise UnknownAccessEntryError(value=entry[:40])
        if entry not in out:
            out.append(entry)
    if len(out) > ACCESS_LIMIT:
        raise UnknownAccessEntryError(value=str(len(out)))
    return out


def _publish(session: Session, actor: Actor | None, d: Document, action: str) -> dict[str, Any]:
    session.flush()
    data = document_dict(d)
    meeting = session.get(Meeting, d.meeting_id) if d.meeting_id else None
    record_event(session, kind="document", action=action, entity_id=d.id, data={**data, "meeting_status": meeting.status if meeting else None},
                 actor=actor, meeting_id=d.meeting_id, body_id=meeting.body_id if meeting else None)
    return data


def check_upload(session: Session, actor: Actor, meeting_id: str, *, agenda_item_id: str | None = None, access: Any = None) -> None:
    """What can be refused before a file is received and vetted (role, meeting, agenda item)."""
    _require_editor(actor)
    get_meeting_row(session, actor, meeting_id)
    _agenda_item(session, meeting_id, agenda_item_id)
    _access(session, access)


def add_document(session: Session, actor: Actor, store: Path, prepared: PreparedFile, *, meeting_id: str, agenda_item_id: str | None = None,
                 title: str | None = None, confidential: bool = False, access: Any = None) -> dict[str, Any]:
    """Store a vetted file and attach it to a meeting (optionally to one of its agenda items)."""
    check_upload(session, actor, meeting_id)
    d = Document(
        meeting_id=meeting_id, agenda_item_id=_agenda_item(session, meeting_id, agenda_item_id), content_hash=prepared.digest,
        file_name=prepared.file_name[:300], pages=prepared.result.pages, size_bytes=prepared.size, title=_title(title, prepared.file_name),
        version=1, confidential=bool(confidential), access=_access(session, access), uploaded_by=actor.account_id, vetted=True,
    )
    store_file(store, prepared.path, prepared.digest)
    session.add(d)
    data = _publish(session, actor, d, "created")
    audit(session, actor, "document.upload", d.id, meeting_id=meeting_id, file_name=d.file_name, content_hash=d.content_hash, pages=d.pages)
    return data


def check_replace(session: Session, actor: Actor, document_id: str) -> None:
    """What can be refused before a new version is received and vetted."""
    _require_editor(actor)
    if not _is_current(session, get_document_row(session, actor, document_id)):
        raise NewerVersionExistsError()


def replace_document(session: Session, actor: Actor, store: Path, document_id: str, prepared: PreparedFile, *, carry_plan: Any = None) -> dict[str, Any]:
    """A new version: a new row (version + 1, `replaces_id` = the old one); the old stays in history.
    The old version's annotations move to the new one by their text (`carry_plan`, worked out
    beforehand by annotations.plan_carry_over, saves reading the PDFs inside this transaction)."""
    _require_editor(actor)
    old = get_document_row(session, actor, document_id)
    if not _is_current(session, old):
        raise NewerVersionExistsError()
    d = Document(
        meeting_id=old.meeting_id, agenda_item_id=old.agenda_item_id, content_hash=prepared.digest, file_name=prepared.file_name[:300],
        pages=prepared.result.pages, size_bytes=prepared.size, title=old.title, version=old.version + 1, replaces_id=old.id,
        confidential=old.confidential, access=list(old.access or []), uploaded_by=actor.account_id, vetted=True,
    )
    store_file(store, prepared.path, prepared.digest)
    session.add(d)
    data = _publish(session, actor, d, "created")
    from app.services.annotations import carry_over

    unplaced = carry_over(session, actor, store, old, d, carry_plan)
    audit(session, actor, "document.replace", d.id, replaces=old.id, version=d.version, content_hash=d.content_hash, unplaced_annotations=len(unplaced))
    return data


def update_document(session: Session, actor: Actor, document_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Change the title, the agenda item, the confidential flag or the access list (only those given)."""
    _require_editor(actor)
    d = get_document_row(session, actor, document_id)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        from app.domain.meetings import InvalidValueError

        raise InvalidValueError(field="fields", value=", ".join(sorted(unknown))[:80])
    if not _is_current(session, d):
        raise NewerVersionExistsError()
    if "title" in fields:
        d.title = _title(fields["title"], d.file_name)
    if "agenda_item_id" in fields:
        d.agenda_item_id = _agenda_item(session, d.meeting_id, fields["agenda_item_id"]) if d.meeting_id else None
    if "confidential" in fields:
        d.confidential = bool(fields["confidential"])
    if "access" in fields:
        d.access = _access(session, fields["access"])
    data = _publish(session, actor, d, "updated")
    audit(session, actor, "document.update", d.id, fields=sorted(fields))
    return data


def delete_document(session: Session, actor: Actor, store: Path, document_id: str) -> None:
    """Delete a document with all its versions; files no other document uses are removed."""
    _require_editor(actor)
    d = get_document_row(session, actor, document_id)
    chain = _chain(session, d)
    current = chain[-1]
    meeting = session.get(Meeting, current.meeting_id) if current.meeting_id else None
    digests = {v.content_hash for v in chain}
    for version in reversed(chain):
        session.delete(version)
        session.flush()
    record_event(session, kind="document", action="deleted", entity_id=current.id, data=None, actor=actor,
                 meeting_id=current.meeting_id, body_id=meeting.body_id if meeting else None)
    audit(session, actor, "document.delete", current.id, versions=len(chain), file_name=current.file_name)
    _forget_unused_files(session, store, digests)


def attach_document(session: Session, actor: Actor, store: Path, *, meeting_id: str, agenda_item_id: str | None, file_name: str, data: bytes, pages: int,
                    title: str | None = None) -> dict[str, Any]:
    """Attach a PDF made by Chamber itself (the demo's documents), without vetting it."""
    digest = store_bytes(store, data)
    doc = Document(meeting_id=meeting_id, agenda_item_id=agenda_item_id, content_hash=digest, file_name=file_name[:300], pages=pages, size_bytes=len(data),
                   title=_title(title, file_name), version=1, access=[], uploaded_by=actor.account_id, vetted=False)
    session.add(doc)
    return _publish(session, actor, doc, "created")


# --- the meeting packet -----------------------------------------------------------------------
@dataclass(frozen=True)
class PacketContents:
    """What goes into one caller's packet: the meeting, its agenda, and the documents they may read."""

    meeting: dict[str, Any]
    agenda: list[dict[str, Any]]
    documents: list[tuple[dict[str, Any], Path]]


def packet_contents(session: Session, actor: Actor, store: Path, meeting_id: str) -> PacketContents:
    from app.services.agenda import get_agenda
    from app.services.meetings import meeting_dict

    meeting = get_meeting_row(session, actor, meeting_id)
    docs = [(d, blob_path(store, d["content_hash"])) for d in list_documents(session, actor, meeting_id)]
    return PacketContents(meeting=meeting_dict(meeting), agenda=get_agenda(session, actor, meeting_id), documents=[(d, p) for d, p in docs if p.exists()])


def record_packet(session: Session, actor: Actor, contents: PacketContents) -> None:
    """Audit a meeting packet: which documents went out in it."""
    audit(session, actor, "document.packet_downloaded", contents.meeting["title"], meeting_id=contents.meeting["id"],
          document_ids=[d["id"] for d, _ in contents.documents])
