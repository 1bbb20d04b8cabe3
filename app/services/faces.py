"""Face data on the server: enrolment from 1–5 photos, the status a secretary sees, the gallery a
kiosk downloads to match locally (with a small photo for its welcome card where photos are
kept), and erasing a person's face data for real.

Face data are sensitive personal data (Law 91/2025/QH15): a person is enrolled only while their
consent is in force (app/services/consent.py), each encoding is stored sealed with the server's
face key (app/faces/crypto.py: the key is a file in the data folder, never in the database), the
photo itself only when the admin keeps photos (`[faces] keep_photos`), and every view or change is
in the audit log. Withdrawal deletes the rows with SQLite's secure_delete on (deleted rows are
zeroed, not left in free pages) and `scrub` then checkpoints the write-ahead log, so the sealed
bytes are gone from the files too.

Face detection takes ~0.1–0.3 s a photo, so `enrol` reads what it needs, closes that session,
checks the photos with no transaction open, and only then writes (one short transaction that
checks the consent again).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Sequence

import cv2
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.domain.clock import iso, utcnow
from app.domain.consent import KEEPERS
from app.domain.roles import Actor, Role
from app.errors import ChamberError, ConflictError, InvalidInputError, PermissionDeniedError
from app.faces.camera import decode_image, fit_within
from app.faces.crypto import SQLITE_SECURE_DELETE, EncodingCipher
from app.faces.detect import FaceDetector
from app.faces.matcher import Gallery
from app.faces.quality import assess_photo
from app.faces.settings import FaceSettings
from app.i18n import N_
from app.services import consent
from app.services.audit import audit
from app.services.events import record_event
from app.storage.db import Database
from app.storage.models import FaceConsent, FaceEnrolment, Person

ENROLLERS = KEEPERS
GALLERY_READERS = frozenset({Role.KIOSK})
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 15 * 1024 * 1024
EVENT_KIND = "faces"


class PhotoCountError(InvalidInputError):
    code = "face_photo_count"
    message = N_("Choose between 1 and %(limit)d photos of the person.")


class PhotoTooLargeError(InvalidInputError):
    code = "photo_too_large"
    message = N_("The photo %(name)s is larger than %(limit)d MB.")


class FaceConsentRequiredError(ConflictError):
    code = "face_consent_required"
    message = N_("%(name)s has no consent to face check-in in force. Record the consent first; without it there is no face data, only manual check-in.")


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    data: bytes


@dataclass
class _Checked:
    index: int
    name: str
    problem: ChamberError | None = None
    encoding: Any = None
    measures: dict[str, float] | None = None
    data: bytes = b""


def _person(session: Session, person_id: str) -> Person:
    return consent._person(session, person_id)


def _require(actor: Actor, roles: frozenset) -> None:
    if actor.role not in roles:
        raise PermissionDeniedError()


def _consent_in_force(session: Session, person: Person) -> None:
    if not consent.has_consent(session, person.id):
        raise FaceConsentRequiredError(name=person.full_name)


def stored_gallery(session: Session, cipher: EncodingCipher) -> Gallery:
    """Every enrolled encoding, opened with the server's key (only ever in memory)."""
    rows = session.execute(select(FaceEnrolment.person_id, FaceEnrolment.encoding).order_by(FaceEnrolment.created_at, FaceEnrolment.id))
    return Gallery((person_id, cipher.open(blob, owner=person_id)) for person_id, blob in rows)


def _check_uploads(photos: Sequence[PhotoUpload], person_id: str, gallery: Gallery, names: dict[str, str], detector: FaceDetector) -> list[_Checked]:
    checked = []
    for index, upload in enumerate(photos):
        item = _Checked(index, upload.name, data=upload.data)
        checked.append(item)
        if len(upload.data) > MAX_PHOTO_BYTES:
            item.problem = PhotoTooLargeError(name=upload.name, limit=MAX_PHOTO_BYTES // (1024 * 1024))
            continue
        try:
            image = decode_image(upload.data, upload.name)
        except ChamberError as err:
            item.problem = err
            continue
        result = assess_photo(image, detector, gallery=gallery, person_id=person_id, name_of=lambda pid: names.get(pid, "?"))
        if not result.ok:
            item.problem = result.problem
            continue
        photo = result.accepted()
        item.encoding = photo.encoding
        item.measures = {"size_px": photo.size_px, "brightness": round(photo.brightness, 1), "sharpness": round(photo.sharpness, 1), "ear": round(photo.ear, 3),
                         "nearest_other": None if photo.nearest_other == float("inf") else round(photo.nearest_other, 3)}
        # The person's later photos must agree with the earlier ones (a photo of someone else
        # filed under this name is refused), so accepted photos join the working gallery.
        gallery.add(person_id, photo.encoding)
    return checked


def _result(item: _Checked, lang: str | None) -> dict[str, Any]:
    if item.problem is not None:
        return {"index": item.index, "name": item.name, "ok": False, "error": item.problem.code, "message": item.problem.user_message(lang),
                "message_en": item.problem.user_message("en")}
    return {"index": item.index, "name": item.name, "ok": True, "error": None, "message": "", "message_en": "", "measures": item.measures}


def enrol(db: Database, actor: Actor, person_id: str, photos: Sequence[PhotoUpload], *, cipher: EncodingCipher, settings: FaceSettings | None = None,
          detector: FaceDetector | None = None, lang: str | None = None) -> dict[str, Any]:
    """Check each photo (quality, not a duplicate of someone else) and store the accepted ones.
    Returns {person_id, enrolled (accepted now), photos (on file), results: one per photo}.
    Refused photos are reported, not raised: the secretary sees which photo to replace and why."""
    _require(actor, ENROLLERS)
    settings = settings or FaceSettings()
    with db.read() as session:
        person = _person(session, person_id)
        _consent_in_force(session, person)
        if not 1 <= len(photos) <= MAX_PHOTOS:
            raise PhotoCountError(limit=MAX_PHOTOS)
        gallery = stored_gallery(session, cipher)
        names = dict(session.execute(select(Person.id, Person.full_name).where(Person.id.in_(gallery.person_ids | {person.id}))).all())
    checked = _check_uploads(photos, person.id, gallery, names, detector or FaceDetector(settings))  # no transaction open
    accepted = [c for c in checked if c.problem is None]
    with db.write() as session:
        person = _person(session, person_id)
        _consent_in_force(session, person)  # withdrawn while the photos were checked: store nothing
        now = utcnow()
        for item in accepted:
            m = item.measures or {}
            session.add(FaceEnrolment(person_id=person.id, encoding=cipher.seal(item.encoding, owner=person.id), photo=item.data if settings.keep_photos else None,
                                      size_px=int(m.get("size_px", 0)), brightness=m.get("brightness", 0.0), sharpness=m.get("sharpness", 0.0), ear=m.get("ear", 0.0),
                                      nearest_other=m.get("nearest_other"), created_at=now, created_by=actor.account_id, created_by_name=actor.username))
        session.flush()
        on_file = _count(session, person.id)
        audit(session, actor, "face_data.enrolled" if accepted else "face_data.enrolment_refused", person.full_name, person_id=person.id,
              accepted=len(accepted), refused=len(checked) - len(accepted), photos_kept=bool(settings.keep_photos and accepted),
              refusals=[c.problem.code for c in checked if c.problem is not None])
        if accepted:
            record_event(session, kind=EVENT_KIND, action="enrolled", entity_id=person.id, data={"person_id": person.id, "photos": on_file}, actor=actor)
    return {"person_id": person.id, "enrolled": len(accepted), "photos": on_file, "results": [_result(c, lang) for c in checked]}


def _count(session: Session, person_id: str) -> int:
    return session.scalar(select(func.count()).select_from(FaceEnrolment).where(FaceEnrolment.person_id == person_id)) or 0


def status(session: Session, actor: Actor, person_id: str) -> dict[str, Any]:
    """What the secretariat may know of a person's face data: the consent, how many photos are
    enrolled, when, whether photos are kept. Never the encodings. Needs a write session (audited)."""
    _require(actor, ENROLLERS)
    person = _person(session, person_id)
    rows = list(session.execute(select(FaceEnrolment.created_at, FaceEnrolment.created_by_name, FaceEnrolment.photo.is_not(None))
                                .where(FaceEnrolment.person_id == person.id).order_by(FaceEnrolment.created_at)))
    current = session.scalars(select(FaceConsent).where(FaceConsent.person_id == person.id, FaceConsent.withdrawn_at.is_(None))
                              .order_by(FaceConsent.given_at.desc())).first()
    audit(session, actor, "face_data.viewed", person.full_name, person_id=person.id)
    return {"person_id": person.id, "full_name": person.full_name, "consent": consent.consent_dict(current) if current else None,
            "photos": len(rows), "photos_kept": sum(1 for r in rows if r[2]), "enrolled_at": iso(rows[-1][0]) if rows else None,
            "enrolled_by": rows[-1][1] if rows else None}


def gallery(session: Session, actor: Actor, cipher: EncodingCipher, *, device: str = "") -> list[dict[str, Any]]:
    """For a kiosk to match locally: every enrolled person's encodings, opened here (the kiosk
    keeps them sealed with its own key). Audited: who downloaded how many faces."""
    _require(actor, GALLERY_READERS)
    by_person: dict[str, list[list[float]]] = {}
    for person_id, encoding in stored_gallery(session, cipher).entries():
        by_person.setdefault(person_id, []).append([float(x) for x in encoding])
    photos = _card_photos(session)
    audit(session, actor, "face_gallery.downloaded", actor.username, device=device, persons=len(by_person), encodings=sum(len(v) for v in by_person.values()),
          photos=len(photos))
    return [{"person_id": pid, "encodings": encs, "photo": photos.get(pid)} for pid, encs in by_person.items()]


CARD_PHOTO_PX = 256


def _card_photos(session: Session) -> dict[str, str]:
    """Only where the admin keeps photos: each person's latest kept photo as a small JPEG
    (base64), for the kiosk's welcome card."""
    rows = session.execute(select(FaceEnrolment.person_id, FaceEnrolment.photo).where(FaceEnrolment.photo.is_not(None))
                           .order_by(FaceEnrolment.created_at, FaceEnrolment.id))
    photos: dict[str, str] = {}
    for person_id, data in rows:
        try:
            image, _scale = fit_within(decode_image(data), CARD_PHOTO_PX)
        except ChamberError:
            continue
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            photos[person_id] = base64.b64encode(buf.tobytes()).decode("ascii")
    return photos


def erase(session: Session, person_id: str) -> int:
    """Delete every face data row of a person, zeroed in the file on SQLite. The caller commits."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(SQLITE_SECURE_DELETE))
    count = session.execute(delete(FaceEnrolment).where(FaceEnrolment.person_id == person_id)).rowcount or 0
    record_event(session, kind=EVENT_KIND, action="erased", entity_id=person_id, data={"person_id": person_id, "photos": 0})
    return count


@consent.on_withdrawal
def _erase_on_withdrawal(session: Session, person_id: str) -> None:
    erased = erase(session, person_id)
    audit(session, None, "face_data.erased", person_id, username="(consent withdrawn)", person_id=person_id, rows=erased)


def withdraw(session: Session, actor: Actor, person_id: str) -> dict[str, Any]:
    """The person's face data go, and their consent is recorded as withdrawn (when one was in
    force). Call `scrub(db)` after the commit."""
    _require(actor, ENROLLERS)
    person = _person(session, person_id)
    if consent.has_consent(session, person.id):
        before = _count(session, person.id)
        consent.withdraw(session, actor, person.id)  # erases through _erase_on_withdrawal
        return {"person_id": person.id, "erased": before, "consent_withdrawn": True}
    erased = erase(session, person.id)
    audit(session, actor, "face_data.erased", person.full_name, person_id=person.id, rows=erased)
    return {"person_id": person.id, "erased": erased, "consent_withdrawn": False}


def scrub(db: Database) -> None:
    """After erasing on SQLite: copy the zeroed pages into the database file and empty the
    write-ahead log, where the deleted rows' old pages would otherwise linger until the next
    checkpoint."""
    if not db.is_sqlite:
        return
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
