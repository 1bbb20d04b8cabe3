"""Backup and restore: a chamber backed up while the server writes is restored into a new data
directory (and into PostgreSQL) with every row and file equal; damaged or misplaced restores change
nothing; the commands keep their names and their last line of JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from app import backup as backups
from app.config import ServerSettings
from app.demo import seed
from app.domain.roles import Actor
from app.server.context import ServerContext
from app.services import audit
from app.storage.db import Database, sqlite_url
from app.storage.models import Base

REPO = Path(__file__).resolve().parents[2]


def table_rows(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a form that compares across SQLite and PostgreSQL."""
    out = {}
    with db.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(_plain(v) for v in row) for row in rows]
    return out


def _plain(value):  # noqa: ANN001, ANN202
    if hasattr(value, "isoformat"):
        return value.replace(tzinfo=None).isoformat() if getattr(value, "tzinfo", None) else value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def files_of(data_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(data_dir).as_posix(): p.read_bytes() for name in ("documents", "tls") for p in (data_dir / name).rglob("*") if p.is_file()}


@pytest.fixture
def chamber(tmp_path: Path, shared_data: Path) -> ServerContext:
    """The demo chamber with its documents (real PDFs in the store)."""
    ctx = ServerContext.open(ServerSettings(data_dir=tmp_path / "source"))
    seed(ctx.db, ctx.settings.data_dir)
    yield ctx
    ctx.db.dispose()


def test_backup_while_writing_then_restore_into_a_new_folder_is_identical(chamber: ServerContext, tmp_path: Path) -> None:
    stop = threading.Event()
    written = []

    def keep_writing() -> None:  # the server keeps working during the backup
        n = 0
        while not stop.is_set():
            with chamber.db.write() as session:
                audit.audit(session, Actor.system(), "test.write", f"w{n}", n=n)
            written.append(n)
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        stages: list[tuple[str, float]] = []
        summary = backups.backup(chamber.db, chamber.settings.data_dir, tmp_path / "chamber.backup", progress=lambda s, f: stages.append((s, f)))
    finally:
        stop.set()
        writer.join()
    assert written, "the writer never ran"
    assert ("database", 1.0) in stages and ("files", 1.0) in stages
    assert summary.files >= 3 and summary.rows["meetings"] == 3

    target_dir = tmp_path / "restored"
    target = Database(sqlite_url(target_dir / "chamber.db"))
    try:
        result = backups.restore(target, target_dir, summary.path)
        restored = table_rows(target)
    finally:
        target.dispose()
    assert result["rows"] == sum(summary.rows.values())
    original = table_rows(chamber.db)
    for name, rows in restored.items():
        # Exactly the snapshot: every row the backup counted, and each equal to the source's.
        assert len(rows) == summary.rows[name], name
        assert set(rows) <= set(original[name]), name
    assert restored["audit_log"]  # what was committed before the snapshot, never half a write
    assert files_of(target_dir) == files_of(chamber.settings.data_dir)

    # The restored chamber starts: same identity (devices keep trusting it), same data.
    reopened = ServerContext.open(ServerSettings(data_dir=target_dir))
    try:
        assert reopened.server_id == chamber.server_id
        assert reopened.certificate.fingerprint == chamber.certificate.fingerprint
    finally:
        reopened.db.dispose()


@pytest.mark.postgres
def test_a_sqlite_chamber_moves_to_postgresql_and_back(chamber: ServerContext, tmp_path: Path) -> None:
    from tests.conftest import POSTGRES_URL, _reset_postgres

    if not POSTGRES_URL:
        pytest.skip("CHAMBER_TEST_POSTGRES_URL is not set")
    _reset_postgres(POSTGRES_URL)
    first = backups.backup(chamber.db, chamber.settings.data_dir, tmp_path / "from_sqlite.backup")
    pg = Database(POSTGRES_URL)
    try:
        backups.restore(pg, tmp_path / "pg_data", first.path)
        assert table_rows(pg) == table_rows(chamber.db)
        # New rows get new keys after a restore (sequences moved past the restored ones).
        with pg.write() as session:
            audit.audit(session, Actor.system(), "test.after_restore", "x")
        second = backups.backup(pg, tmp_path / "pg_data", tmp_path / "from_pg.backup")
    finally:
        pg.dispose()
    back = Database(sqlite_url(tmp_path / "back" / "chamber.db"))
    try:
        backups.restore(back, tmp_path / "back", second.path)
        rows = table_rows(back)
    finally:
        back.dispose()
    assert sum(len(v) for v in rows.values()) == sum(len(v) for v in table_rows(chamber.db).values()) + 1


def test_restore_refuses_a_used_target_and_a_damaged_backup_and_changes_nothing(chamber: ServerContext, tmp_path: Path) -> None:
    summary = backups.backup(chamber.db, chamber.settings.data_dir, tmp_path / "ok.backup")
    before = table_rows(chamber.db)
    with pytest.raises(backups.RestoreRefusedError):
        backups.restore(chamber.db, tmp_path / "empty", summary.path)  # the database holds a chamber
    assert table_rows(chamber.db) == before

    # One document byte changed inside the archive: refused, nothing written to the new folder.
    damaged = tmp_path / "damaged.backup"
    with tarfile.open(summary.path) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("files/documents/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, io.BytesIO(data))
    target_dir = tmp_path / "target"
    target = Database(sqlite_url(target_dir / "chamber.db"))
    try:
        with pytest.raises(backups.BackupDamagedError):
            backups.restore(target, target_dir, damaged)
        assert all(not rows for name, rows in table_rows(target).items())
    finally:
        target.dispose()
    assert not (target_dir / "documents").exists() and not (target_dir / "tls").exists()

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(backups.BackupDamagedError):
        backups.read_manifest(not_a_backup)


def test_backup_and_restore_commands(chamber: ServerContext, tmp_path: Path) -> None:
    chamber.db.dispose()
    archive = tmp_path / "nightly.backup"
    run = lambda *args: subprocess.run([sys.executable, str(REPO / "main.py"), "--lang", "en", "admin", *args],  # noqa: E731
                                       capture_output=True, text=True, timeout=120, cwd=REPO)
    made = run("backup", str(archive), "--data", str(chamber.settings.data_dir))
    assert made.returncode == 0, made.stderr
    summary = json.loads(made.stdout.strip().splitlines()[-1])
    assert summary["file"] == str(archive) and summary["rows"] > 0 and summary["files"] >= 3
    assert "database: 100%" in made.stderr and "files: 100%" in made.stderr

    restored = run("restore", str(archive), "--data", str(tmp_path / "new"))
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout.strip().splitlines()[-1])["rows"] == summary["rows"]

    again = run("restore", str(archive), "--data", str(tmp_path / "new"))
    assert again.returncode == 2 and "Nothing was restored" in again.stderr
