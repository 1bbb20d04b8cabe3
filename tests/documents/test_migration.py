"""Migration 0003 on a chamber that already has documents: the rows get sensible values for the new
columns (version 1, not confidential, nobody listed, not vetted), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from app.services.documents import document_dict
from app.storage import migrate
from app.storage.db import Database
from app.storage.models import Document


def test_existing_documents_survive_the_upgrade(db_url: str) -> None:
    db = Database(db_url)
    try:
        migrate.upgrade(db.engine, "0002")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO meetings (id, title, starts_at, location, status, description, kind, ical_sequence, version, created_at, updated_at) "
                              "VALUES ('m1', 'Kỳ họp', '2026-12-01 01:00:00', '', 'scheduled', '', 'regular', 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
            conn.execute(text("INSERT INTO documents (id, meeting_id, content_hash, file_name, pages, size_bytes, created_at) "
                              "VALUES ('d1', 'm1', :h, 'To_trinh_ngan_sach.pdf', 4, 1000, '2026-11-01 00:00:00')"), {"h": "a" * 64})
        migrate.upgrade(db.engine, "0003")  # later revisions have their own tests
        assert migrate.current_revision(db.engine) == "0003"
        with db.read() as session:
            doc = document_dict(session.get(Document, "d1"))
        assert (doc["version"], doc["confidential"], doc["access"], doc["vetted"], doc["replaces_id"]) == (1, False, [], False, None)
        assert doc["title"] == "To_trinh_ngan_sach"  # no title yet: the file name stands in
    finally:
        db.dispose()


def test_downgrade_and_upgrade_again(tmp_path) -> None:  # noqa: ANN001
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        cfg = migrate.alembic_config(db.engine)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "0002")
        command.upgrade(cfg, "head")
        command.check(cfg)  # the models and the migrations agree
    finally:
        db.dispose()
