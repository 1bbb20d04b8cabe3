"""Migration 0004 on a chamber that already has documents: the annotations table arrives empty,
takes annotations, and goes with its document; down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select, text

from app.storage import migrate
from app.storage.db import Database
from app.storage.models import Annotation, Document


def test_existing_documents_get_annotations_after_the_upgrade(db_url: str) -> None:
    db = Database(db_url)
    try:
        migrate.upgrade(db.engine, "0003")
        assert "annotations" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO meetings (id, title, starts_at, location, status, description, kind, ical_sequence, version, created_at, updated_at) "
                              "VALUES ('m1', 'Kỳ họp', '2026-12-01 01:00:00', '', 'scheduled', '', 'regular', 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
            conn.execute(text("INSERT INTO documents (id, meeting_id, content_hash, file_name, pages, size_bytes, created_at) "
                              "VALUES ('d1', 'm1', :h, 'To_trinh.pdf', 4, 1000, '2026-11-01 00:00:00')"), {"h": "a" * 64})
        migrate.upgrade(db.engine)
        with db.write() as session:
            session.add(Annotation(id="a1", document_id="d1", document_sha256="a" * 64, meeting_id="m1", kind="ink", page=2,
                                   ink=[[[10.0, 20.0, 0.5], [30.0, 40.0, 0.7]]], author_name="Hoàng Đức Thắng"))
        with db.read() as session:
            a = session.get(Annotation, "a1")
            assert (a.rects, a.text, a.note, a.visibility, a.shared_with, a.version, a.placement, a.conflict_of) == ([], "", "", "private", [], 1, "placed", None)
            assert a.ink == [[[10.0, 20.0, 0.5], [30.0, 40.0, 0.7]]]
        with db.write() as session:
            session.delete(session.get(Document, "d1"))
        with db.read() as session:
            assert session.scalars(select(Annotation)).all() == []  # they go with their document
    finally:
        db.dispose()


def test_downgrade_and_upgrade_again(tmp_path) -> None:  # noqa: ANN001
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        cfg = migrate.alembic_config(db.engine)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "0003")
        assert "annotations" not in inspect(db.engine).get_table_names()
        command.upgrade(cfg, "head")
        command.check(cfg)  # the models and the migrations agree
    finally:
        db.dispose()
