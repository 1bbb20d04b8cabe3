"""The annotation services on SQLite and PostgreSQL: who sees and changes what, the events each
viewer's stream receives, stale edits kept as conflicting copies, and annotations carried to a new
version of their document by their text (unplaced ones listed, none dropped)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import select

from app.domain.annotations import AnnotationNotFoundError, NotYourAnnotationError
from app.domain.roles import Actor, Role
from app.errors import PermissionDeniedError
from app.services import annotations, directory, documents, meetings
from app.services.documents import DocumentNotFoundError
from app.services.events import events_after, last_seq
from app.services.visibility import scope_for, visible_event
from app.storage.db import Database
from app.storage.models import Annotation
from tests.annotations.conftest import BUDGET, PARKING, SCHOOL, build_versions, text_rects


@dataclass
class Council:
    db: Database
    store: Path
    meeting_id: str
    document_id: str
    v1: Path
    v2: Path
    secretariat: Actor
    chair: Actor
    kiosk: Actor
    lan: Actor  # a delegate of the council
    an: Actor  # another delegate of the council
    binh: Actor  # a delegate of another council: does not see the meeting


@pytest.fixture
def council(db_url: str, tmp_path: Path) -> Iterator[Council]:
    db = Database(db_url)
    db.upgrade()
    store = documents.store_dir(tmp_path)
    v1, v2 = build_versions(tmp_path)
    with db.write() as session:
        council = directory.add_body(session, name="Hội đồng nhân dân phường")
        other = directory.add_body(session, name="Hội đồng nhân dân xã bên")
        lan, an, binh = (directory.add_person(session, full_name=n) for n in ("Vũ Thị Lan", "Hoàng Đức An", "Trần Văn Bình"))
        for body, person in ((council, lan), (council, an), (other, binh)):
            directory.add_membership(session, body_id=body.id, person_id=person.id)
        ids = lan.id, an.id, binh.id, council.id
    secretariat = Actor("acc-thuky", "thuky", Role.SECRETARIAT)
    with db.write() as session:
        m = meetings.create_meeting(session, secretariat, {"title": "Kỳ họp", "starts_at": "2026-12-01T08:00:00+07:00", "body_id": ids[3]})
        meetings.update_meeting(session, secretariat, m["id"], {"status": "scheduled"})
        doc = documents.attach_document(session, secretariat, store, meeting_id=m["id"], agenda_item_id=None, file_name="to_trinh.pdf",
                                        data=v1.read_bytes(), pages=3)
    yield Council(db, store, m["id"], doc["id"], v1, v2, secretariat, Actor("acc-chutoa", "chutoa", Role.CHAIR), Actor("acc-kiosk", "kiosk", Role.KIOSK),
                  Actor("acc-lan", "lan", Role.DELEGATE, ids[0]), Actor("acc-an", "an", Role.DELEGATE, ids[1]), Actor("acc-binh", "binh", Role.DELEGATE, ids[2]))
    db.dispose()


def highlight(c: Council, text: str = BUDGET, page: int = 0, **fields) -> dict:  # noqa: ANN003
    return {"kind": "highlight", "page": page, "rects": text_rects(c.v1, page, text), "text": text, **fields}


def visible_ids(c: Council, actor: Actor) -> set[str]:
    with c.db.read() as session:
        return {a["id"] for a in annotations.list_annotations(session, actor, c.document_id)}


def stream(c: Council, actor: Actor, after: int) -> list[tuple[str, str]]:
    """(action, id) of the annotation events `actor`'s event stream would carry after `after`."""
    with c.db.read() as session:
        scope = scope_for(session, actor)
        events = events_after(session, after)
    shown = [visible_event(scope, e) for e in events if e["kind"] == "annotation"]
    return [(e["action"], e["id"]) for e in shown if e is not None]


def seq(c: Council) -> int:
    with c.db.read() as session:
        return last_seq(session)


def test_private_shared_and_meeting_annotations(council: Council) -> None:
    c = council
    start = seq(c)
    with c.db.write() as session:
        private = annotations.create_annotation(session, c.lan, c.document_id, highlight(c, id="a-private", note="Hỏi lại số liệu"))
    assert private["id"] == "a-private" and private["version"] == 1 and private["author_id"] == c.lan.person_id
    assert visible_ids(c, c.lan) == {"a-private"}
    for other in (c.an, c.secretariat, c.chair):
        assert visible_ids(c, other) == set()
        with c.db.read() as session, pytest.raises(AnnotationNotFoundError):
            annotations.get_annotation_row(session, other, "a-private")
    with c.db.read() as session, pytest.raises(DocumentNotFoundError):
        annotations.list_annotations(session, c.binh, c.document_id)  # not their meeting
    with c.db.read() as session, pytest.raises(PermissionDeniedError):
        annotations.list_annotations(session, c.kiosk, c.document_id)
    assert stream(c, c.lan, start) == [("created", "a-private")]
    assert stream(c, c.an, start) == stream(c, c.chair, start) == stream(c, c.binh, start) == []

    # Shared with An: he sees it (read-only); taken back: his stream drops it.
    shared_at = seq(c)
    with c.db.write() as session:
        annotations.update_annotation(session, c.lan, "a-private", {"visibility": "people", "shared_with": [c.an.person_id]}, base_version=1)
    assert visible_ids(c, c.an) == {"a-private"} and visible_ids(c, c.chair) == set()
    with c.db.write() as session, pytest.raises(NotYourAnnotationError):
        annotations.update_annotation(session, c.an, "a-private", {"note": "Của tôi"})
    with c.db.write() as session, pytest.raises(NotYourAnnotationError):
        annotations.delete_annotation(session, c.an, "a-private")
    with c.db.write() as session:
        annotations.update_annotation(session, c.lan, "a-private", {"visibility": "meeting"}, base_version=2)
    assert visible_ids(c, c.chair) == visible_ids(c, c.secretariat) == {"a-private"}
    with c.db.write() as session:
        annotations.update_annotation(session, c.lan, "a-private", {"visibility": "private"}, base_version=3)
    assert visible_ids(c, c.an) == visible_ids(c, c.chair) == set()
    assert stream(c, c.an, shared_at) == [("updated", "a-private"), ("updated", "a-private"), ("deleted", "a-private")]
    assert stream(c, c.chair, shared_at) == [("updated", "a-private"), ("deleted", "a-private")]
    assert stream(c, c.binh, shared_at) == []

    with c.db.write() as session:
        annotations.update_annotation(session, c.lan, "a-private", {"visibility": "meeting"}, base_version=4)
    deleted_at = seq(c)
    with c.db.write() as session:
        annotations.delete_annotation(session, c.lan, "a-private")
    assert visible_ids(c, c.lan) == set()
    assert stream(c, c.lan, deleted_at) == stream(c, c.chair, deleted_at) == [("deleted", "a-private")]
    assert stream(c, c.binh, deleted_at) == []


def test_a_stale_edit_is_kept_as_a_conflicting_copy(council: Council) -> None:
    c = council
    with c.db.write() as session:
        note = annotations.create_annotation(session, c.lan, c.document_id, {"kind": "note", "page": 0, "rects": [[500, 60, 516, 76]], "note": "Bản đầu"})
    with c.db.write() as session:  # the tablet, on version 1
        tablet = annotations.update_annotation(session, c.lan, note["id"], {"note": "Sửa trên máy tính bảng"}, base_version=1)
    before = seq(c)
    with c.db.write() as session:  # the PC, also on version 1
        pc = annotations.update_annotation(session, c.lan, note["id"], {"note": "Sửa trên máy tính", "colour": "#00AA00"}, base_version=1)
    assert tablet["version"] == 2 and tablet["conflict_of"] is None
    assert pc["id"] != note["id"] and pc["conflict_of"] == note["id"] and pc["version"] == 1
    assert (pc["note"], pc["colour"], pc["rects"]) == ("Sửa trên máy tính", "#00AA00", note["rects"])
    with c.db.read() as session:
        listed = {a["id"]: a for a in annotations.list_annotations(session, c.lan, c.document_id)}
    assert listed[note["id"]]["note"] == "Sửa trên máy tính bảng" and listed[pc["id"]]["note"] == "Sửa trên máy tính"
    # Both devices hear of the copy, and of the original again (the PC showed its edit on it).
    assert stream(c, c.lan, before) == [("created", pc["id"]), ("updated", note["id"])]
    # The same edit arriving twice changes nothing; a current base version simply applies.
    with c.db.write() as session:
        again = annotations.update_annotation(session, c.lan, note["id"], {"note": "Sửa trên máy tính bảng"}, base_version=1)
        latest = annotations.update_annotation(session, c.lan, note["id"], {"note": "Bản cuối"}, base_version=2)
    assert again["version"] == 2 and (latest["version"], latest["note"]) == (3, "Bản cuối")
    with c.db.read() as session:
        assert len(session.scalars(select(Annotation)).all()) == 2


def test_a_new_version_carries_annotations_by_their_text(council: Council) -> None:
    c = council
    with c.db.write() as session:
        budget = annotations.create_annotation(session, c.lan, c.document_id, highlight(c, visibility="meeting"))
        school = annotations.create_annotation(session, c.an, c.document_id, highlight(c, SCHOOL, 1, kind="underline"))
        parking = annotations.create_annotation(session, c.lan, c.document_id, highlight(c, PARKING, 1))
        ink = annotations.create_annotation(session, c.lan, c.document_id, {"kind": "ink", "page": 2, "ink": [[[100, 400], [150, 420, 0.8]]]})
    upload = documents.temp_dir(c.store) / "upload.pdf"  # the store takes the uploaded file itself
    upload.write_bytes(c.v2.read_bytes())
    prepared = documents.prepare_upload(upload, "to_trinh_v2.pdf")
    plan = annotations.plan_carry_over(c.db, c.store, c.document_id, prepared.path)
    with c.db.write() as session:  # made while the new version was being vetted: found in the transaction
        late = annotations.create_annotation(session, c.lan, c.document_id, highlight(c, SCHOOL, 1))
    before = seq(c)
    with c.db.write() as session:
        new = documents.replace_document(session, c.secretariat, c.store, c.document_id, prepared, carry_plan=plan)
    with c.db.read() as session:
        rows = {a.id: annotations.annotation_dict(a) for a in session.scalars(select(Annotation))}
    assert {r["document_id"] for r in rows.values()} == {new["id"]}
    assert {r["document_sha256"] for r in rows.values()} == {new["content_hash"]}
    assert (rows[budget["id"]]["placement"], rows[budget["id"]]["page"], rows[budget["id"]]["rects"]) == ("moved", 2, text_rects(c.v2, 2, BUDGET))
    assert (rows[school["id"]]["placement"], rows[school["id"]]["page"]) == ("placed", 1)
    assert (rows[late["id"]]["placement"], rows[late["id"]]["rects"]) == ("placed", text_rects(c.v2, 1, SCHOOL))
    assert (rows[parking["id"]]["placement"], rows[parking["id"]]["rects"]) == ("unplaced", parking["rects"])  # kept, listed
    assert (rows[ink["id"]]["placement"], rows[ink["id"]]["page"]) == ("placed", 2)
    assert all(rows[a["id"]]["version"] == 1 for a in (budget, school, parking, ink))
    # Each reader's stream moves what it sees: Lan hers, An his and Lan's meeting-wide highlight.
    assert sorted(stream(c, c.lan, before)) == sorted(("updated", a["id"]) for a in (budget, parking, ink, late))
    assert sorted(stream(c, c.an, before)) == sorted(("updated", a["id"]) for a in (budget, school))
    # An annotation made offline on the old version reaches the server after the replacement: it
    # goes to the current version too.
    with c.db.write() as session:
        offline = annotations.create_annotation(session, c.an, c.document_id, highlight(c), store=c.store)
    assert (offline["document_id"], offline["page"], offline["placement"]) == (new["id"], 2, "moved")
    assert visible_ids(c, c.an) == set()  # the old version has none left
    with c.db.read() as session:
        assert {a["id"] for a in annotations.list_annotations(session, c.an, new["id"])} == {budget["id"], school["id"], offline["id"]}
