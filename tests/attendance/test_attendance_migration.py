"""Migration 0005 on a chamber that already has bodies and meetings: existing bodies get the
"more than half" quorum rule, the attendance and consent tables arrive empty and take rows that
go with their meeting or person; down and up again; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from alembic import command
from sqlalchemy import inspect, select, text

from app.storage import migrate
from app.storage.db import Database
from app.storage.models import AttendanceEvent, Body, FaceConsent, Meeting, Person


def test_existing_bodies_get_a_quorum_rule_and_attendance_can_be_recorded(db_url: str) -> None:
    db = Database(db_url)
    try:
        migrate.upgrade(db.engine, "0004")
        assert "attendance_events" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO bodies (id, name, kind, created_at) VALUES ('b1', 'Hội đồng nhân dân phường', 'council', '2026-11-01 00:00:00')"))
            conn.execute(text("INSERT INTO persons (id, full_name, title, unit, created_at) VALUES ('p1', 'Hoàng Đức Thắng', '', '', '2026-11-01 00:00:00')"))
            conn.execute(text("INSERT INTO meetings (id, body_id, title, starts_at, location, status, description, kind, ical_sequence, version, created_at, updated_at) "
                              "VALUES ('m1', 'b1', 'Kỳ họp', '2026-12-01 01:00:00', '', 'scheduled', '', 'regular', 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
        migrate.upgrade(db.engine, "0005")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT quorum_rule, quorum_count FROM bodies WHERE id = 'b1'")).one() == ("more_than_half", 0)
        # The models describe the newest schema (later migrations add columns): go on at head.
        migrate.upgrade(db.engine, "head")
        at = datetime(2026, 12, 1, 0, 50, tzinfo=timezone.utc)
        with db.write() as session:
            body = session.get(Body, "b1")
            assert (body.quorum_rule, body.quorum_count) == ("more_than_half", 0)
            session.add(AttendanceEvent(id="e1", meeting_id="m1", person_id="p1", action="check_in", method="face", at=at, distance=0.41))
            session.add(FaceConsent(person_id="p1", text_version="2026-1"))
        with db.read() as session:
            event = session.get(AttendanceEvent, "e1")
            assert (event.device, event.reason, event.actor_name, event.substitute_for, event.distance) == ("", "", "", None, 0.41)
            assert event.recorded_at is not None
        with db.write() as session:
            session.delete(session.get(Meeting, "m1"))
        with db.write() as session:
            assert session.scalars(select(AttendanceEvent)).all() == []  # the record goes with its meeting
            session.delete(session.get(Person, "p1"))
        with db.read() as session:
            assert session.scalars(select(FaceConsent)).all() == []  # and consent with its person
    finally:
        db.dispose()


def test_downgrade_and_upgrade_again(tmp_path) -> None:  # noqa: ANN001
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        cfg = migrate.alembic_config(db.engine)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "0004")
        names = inspect(db.engine).get_table_names()
        assert "attendance_events" not in names and "face_consents" not in names
        assert "quorum_rule" not in {c["name"] for c in inspect(db.engine).get_columns("bodies")}
        command.upgrade(cfg, "head")
        command.check(cfg)  # the models and the migrations agree
    finally:
        db.dispose()
