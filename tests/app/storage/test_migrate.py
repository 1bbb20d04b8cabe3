"""Tests for app/storage/migrate.py and the Alembic migrations: an empty database reaches the
newest revision, the migrated schema is exactly the models', and upgrading again changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from app.storage.db import Database
from app.storage.migrate import alembic_config, current_revision
from app.storage.models import Base, Body


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_reaches_head_when_database_is_empty(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert current_revision(db.engine) is None
        db.upgrade()
        assert current_revision(db.engine) == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        db.dispose()


def test_migrated_schema_matches_models_when_upgraded(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"the migrations and app/storage/models.py disagree: {diff}"


def test_second_upgrade_is_noop_when_already_at_head(db: Database) -> None:
    with db.write() as session:
        session.add(Body(name="Hội đồng nhân dân phường"))
    revision = current_revision(db.engine)
    columns = {t: [c["name"] for c in inspect(db.engine).get_columns(t)] for t in Base.metadata.tables}

    db.upgrade()

    assert current_revision(db.engine) == revision
    assert {t: [c["name"] for c in inspect(db.engine).get_columns(t)] for t in Base.metadata.tables} == columns
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Body)) == 1
