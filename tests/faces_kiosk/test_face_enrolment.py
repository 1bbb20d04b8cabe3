"""Enrolment and withdrawal on the real server (SQLite, and PostgreSQL when configured), with the
real shared photos: consent first, per-photo quality refusals, duplicates of another person,
deletion that really removes the rows and their bytes, the audit trail, and the kiosk-only gallery."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from app.faces.crypto import EncodingCipher
from app.services import consent, faces
from app.storage.models import AuditEntry, Event, FaceEnrolment


def _enrol(chamber, person_id: str, *files: tuple[str, bytes], user: str = "thuky", lang: str = "en"):  # noqa: ANN001, ANN202
    return chamber.call(user, "POST", f"/persons/{person_id}/face-enrolment", lang=lang, files=[("photos", (name, data, "image/jpeg")) for name, data in files])


def _give_consent(chamber, person_id: str) -> None:  # noqa: ANN001
    r = chamber.call("thuky", "POST", f"/persons/{person_id}/face-consent", json={"text_version": "2026-01"})
    assert r.status_code == 200, r.text


def _audit_actions(chamber) -> list[str]:  # noqa: ANN001
    with chamber.ctx.db.read() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_enrolment_needs_consent_a_keeper_and_one_to_five_photos(chamber, photo_bytes) -> None:  # noqa: ANN001
    person = chamber.persons()[0]
    obama = ("obama.jpg", photo_bytes("obama/1.jpg"))
    refused = _enrol(chamber, person, obama)
    assert refused.status_code == 409 and refused.json()["error"] == "face_consent_required"
    assert "only manual check-in" in refused.json()["message"]
    _give_consent(chamber, person)
    assert _enrol(chamber, person, obama, user="daibieu").status_code == 403
    assert _enrol(chamber, person, obama, user="kiosk").status_code == 403
    too_many = _enrol(chamber, person, *[obama] * 6)
    assert too_many.status_code == 422 and too_many.json()["error"] == "face_photo_count"
    none = chamber.call("thuky", "POST", f"/persons/{person}/face-enrolment", files=[("other", ("x.txt", b"x", "text/plain"))])
    assert none.status_code == 422 and none.json()["error"] == "face_photo_count"
    with chamber.ctx.db.read() as session:
        assert session.scalars(select(FaceEnrolment)).all() == []


def test_each_photo_gets_its_own_verdict_and_duplicates_are_refused(chamber, photo_bytes, faces_dir) -> None:  # noqa: ANN001
    first, second = chamber.persons()[:2]
    for person in (first, second):
        _give_consent(chamber, person)
    noface = sorted((faces_dir / "_noface").iterdir())[0]
    r = _enrol(chamber, first, ("1.jpg", photo_bytes("obama/1.jpg")), ("noface", noface.read_bytes()), ("group.jpg", photo_bytes("_multi/fr_obama_and_biden.jpg")),
               ("broken.jpg", b"not a photo"), ("2.jpg", photo_bytes("obama/2.jpg")))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["ok"] for p in body["results"]] == [True, False, False, False, True]
    assert [p["error"] for p in body["results"]] == [None, "no_face", "several_faces", "image_unreadable", None]
    assert body["enrolled"] == 2 and body["photos"] == 2
    assert all(p["message"] for p in body["results"] if not p["ok"])
    assert body["results"][0]["measures"]["size_px"] >= 80

    # Another person's photo that is Obama again: a possible duplicate, named, in Vietnamese too.
    dup = _enrol(chamber, second, ("obama3.jpg", photo_bytes("obama/3.jpg")), lang="vi").json()
    assert dup["enrolled"] == 0 and dup["results"][0]["error"] == "possible_duplicate"
    first_name = chamber.call("thuky", "GET", f"/persons/{first}/face-data").json()["full_name"]
    assert first_name in dup["results"][0]["message"] and first_name in dup["results"][0]["message_en"]
    assert dup["results"][0]["message"] != dup["results"][0]["message_en"]
    # Biden for the second person is fine.
    assert _enrol(chamber, second, ("biden.jpg", photo_bytes("biden/1.jpg"))).json()["enrolled"] == 1

    status = chamber.call("thuky", "GET", f"/persons/{first}/face-data").json()
    assert status["photos"] == 2 and status["photos_kept"] == 0 and status["consent"]["text_version"] == "2026-01"
    assert "encodings" not in status and "encoding" not in str(status)
    actions = _audit_actions(chamber)
    assert actions.count("face_data.enrolled") == 2 and "face_data.enrolment_refused" in actions and "face_data.viewed" in actions

    # Stored sealed with the key in the data folder, bound to the person, photos not kept.
    cipher = EncodingCipher.for_data_dir(chamber.ctx.settings.data_dir)
    with chamber.ctx.db.read() as session:
        rows = session.scalars(select(FaceEnrolment).where(FaceEnrolment.person_id == first)).all()
        assert len(rows) == 2 and all(r.photo is None for r in rows)
        assert all(cipher.open(r.encoding, owner=first).shape == (128,) for r in rows)
        kinds = [(e.kind, e.action) for e in session.scalars(select(Event).where(Event.kind == "faces"))]
    assert kinds == [("faces", "enrolled"), ("faces", "enrolled")]


def test_gallery_is_for_kiosks_only_and_opened_server_side(chamber, photo_bytes) -> None:  # noqa: ANN001
    person = chamber.persons()[0]
    _give_consent(chamber, person)
    assert _enrol(chamber, person, ("1.jpg", photo_bytes("jack/1.jpg"))).json()["enrolled"] == 1
    for user in ("daibieu", "thuky", "admin", "chutoa"):
        r = chamber.call(user, "GET", "/faces/gallery")
        assert r.status_code == 403 and r.json()["error"] == "permission_denied", user
    r = chamber.call("kiosk", "GET", "/faces/gallery")
    assert r.status_code == 200
    [entry] = r.json()
    assert entry["person_id"] == person and len(entry["encodings"]) == 1 and len(entry["encodings"][0]) == 128
    assert np.isfinite(entry["encodings"][0]).all()
    assert "face_gallery.downloaded" in _audit_actions(chamber)
    assert chamber.call("daibieu", "GET", f"/persons/{person}/face-data").status_code == 403


def test_kept_photos_only_when_the_admin_chose_so(chamber, photo_bytes) -> None:  # noqa: ANN001
    person = chamber.persons()[0]
    _give_consent(chamber, person)
    chamber.runner.app.state.face_settings = faces.FaceSettings(keep_photos=True)
    data = photo_bytes("katy/1.jpg")
    assert _enrol(chamber, person, ("katy.jpg", data)).json()["enrolled"] == 1
    with chamber.ctx.db.read() as session:
        assert session.scalar(select(FaceEnrolment.photo)) == data
    assert chamber.call("thuky", "GET", f"/persons/{person}/face-data").json()["photos_kept"] == 1


def test_withdrawal_deletes_rows_and_their_bytes_and_ends_the_consent(chamber, photo_bytes) -> None:  # noqa: ANN001
    keep, go = chamber.persons()[:2]
    for person in (keep, go):
        _give_consent(chamber, person)
    chamber.runner.app.state.face_settings = faces.FaceSettings(keep_photos=True)
    assert _enrol(chamber, keep, ("elon.jpg", photo_bytes("elon/1.jpg"))).json()["enrolled"] == 1
    assert _enrol(chamber, go, ("a.jpg", photo_bytes("angelina/1.jpg")), ("b.jpg", photo_bytes("angelina/2.jpg"))).json()["enrolled"] == 2
    with chamber.ctx.db.read() as session:
        blobs = [(r.encoding, r.photo) for r in session.scalars(select(FaceEnrolment).where(FaceEnrolment.person_id == go))]
    assert len(blobs) == 2

    r = chamber.call("thuky", "DELETE", f"/persons/{go}/face-data")
    assert r.status_code == 200, r.text
    assert r.json() == {"person_id": go, "erased": 2, "consent_withdrawn": True}
    with chamber.ctx.db.read() as session:
        assert session.scalars(select(FaceEnrolment.person_id)).all() == [keep]
        assert not consent.has_consent(session, go) and consent.has_consent(session, keep)
    status = chamber.call("thuky", "GET", f"/persons/{go}/face-data").json()
    assert status["photos"] == 0 and status["consent"] is None
    actions = _audit_actions(chamber)
    assert "face_consent.withdrawn" in actions and "face_data.erased" in actions
    # Enrolling again needs a new consent.
    assert _enrol(chamber, go, ("a.jpg", photo_bytes("angelina/1.jpg"))).status_code == 409

    if chamber.ctx.db.is_sqlite:
        # The sealed encodings and the photos are gone from the database file and its log, not
        # only from the table (secure_delete zeroes them; the log was checkpointed and emptied).
        db_file = chamber.ctx.db.url.database
        on_disk = b"".join(open(p, "rb").read() for p in (db_file, db_file + "-wal") if __import__("os").path.exists(p))
        for encoding, photo in blobs:
            assert encoding[20:60] not in on_disk
            assert photo[2000:2064] not in on_disk
        with chamber.ctx.db.read() as session:
            kept = session.scalar(select(FaceEnrolment.encoding))
        assert kept[20:60] in on_disk  # the check can see bytes that are there


def test_withdrawing_consent_alone_also_erases_face_data(chamber, photo_bytes) -> None:  # noqa: ANN001
    person = chamber.persons()[0]
    _give_consent(chamber, person)
    assert _enrol(chamber, person, ("m.jpg", photo_bytes("mark/1.jpg"))).json()["enrolled"] == 1
    assert chamber.call("thuky", "DELETE", f"/persons/{person}/face-consent").status_code == 200
    with chamber.ctx.db.read() as session:
        assert session.scalars(select(FaceEnrolment)).all() == []
    # Without consent and without data, deleting face data is harmless and still audited.
    r = chamber.call("admin", "DELETE", f"/persons/{person}/face-data")
    assert r.status_code == 200 and r.json()["erased"] == 0 and r.json()["consent_withdrawn"] is False


def test_unknown_person_is_not_found(chamber) -> None:  # noqa: ANN001
    r = chamber.call("thuky", "GET", "/persons/00000000-0000-0000-0000-000000000000/face-data")
    assert r.status_code == 404
