"""Backup and restore of a chamber: `main.py admin backup FILE` and `main.py admin restore FILE`.

A backup is one tar file holding
  manifest.json          format, when, which chamber, schema revision, row counts, file hashes
  database.jsonl.gz      every table's rows, read in ONE transaction (a consistent snapshot while
                         the server keeps running: SQLite WAL read transaction, PostgreSQL
                         REPEATABLE READ), one JSON object per line, in foreign-key order
  files/...              the document store (by content hash) and the server's identity: its TLS
                         certificate and key (so paired devices keep trusting it), server.toml and
                         any key files in keys/

The rows are written in a database-neutral form, so a chamber backed up from SQLite can be
restored into PostgreSQL (a council that outgrew one PC) and back. Restore refuses a database
that already holds a chamber, and a backup made with another schema revision.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Table, func, insert, select

from app.errors import ChamberError
from app.i18n import N_
from app.storage.db import Database
from app.storage.migrate import current_revision
from app.storage.models import Base

log = logging.getLogger(__name__)

FORMAT = "chamber-backup/1"
Progress = Callable[[str, float], None]  # (stage, fraction 0..1)
# What else of the data directory belongs to the chamber (the database file itself is dumped).
IDENTITY = ("tls", "keys", "server.toml")
STORE = "documents"
BATCH = 1000


class BackupError(ChamberError):
    status = 400
    code = "backup_failed"
    message = N_("The backup could not be made: %(reason)s")


class RestoreRefusedError(ChamberError):
    status = 409
    code = "restore_refused"
    message = N_("Nothing was restored: %(reason)s")


class BackupDamagedError(ChamberError):
    status = 400
    code = "backup_damaged"
    message = N_("This file is not a Chamber backup, or it is damaged (%(detail)s). Nothing was restored.")


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int
    bytes: int
    seconds: float
    revision: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "rows": sum(self.rows.values()), "tables": len(self.rows), "files": self.files,
                "bytes": self.bytes, "seconds": round(self.seconds, 2), "revision": self.revision}


# --- values in a database-neutral form -----------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "$datetime":
            return dt.datetime.fromisoformat(raw)
        if tag == "$date":
            return dt.date.fromisoformat(raw)
        if tag == "$bytes":
            return base64.b64decode(raw)
        if tag == "$decimal":
            return Decimal(raw)
    return value


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (agenda item → parent, document → the version it
    replaces), ordered so that a row comes after the rows it points to (PostgreSQL checks at once)."""
    columns = _self_references(table)
    keys = [c.name for c in table.primary_key.columns]
    if not columns or len(keys) != 1:
        return rows
    key = keys[0]
    pending = {row[key]: row for row in rows}
    done: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    while pending:
        ready = [k for k, row in pending.items() if all(row.get(c) is None or row[c] in done or row[c] not in pending for c in columns)]
        if not ready:  # a cycle cannot be stored anyway; keep the rest as they are
            ready = list(pending)
        for k in ready:
            ordered.append(pending.pop(k))
            done.add(k)
    return ordered


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _data_files(data_dir: Path) -> Iterator[tuple[Path, str]]:
    """(file on disk, name in the archive) for the document store and the server's identity."""
    for name in (STORE, *IDENTITY):
        root = data_dir / name
        if root.is_file():
            yield root, f"files/{name}"
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.endswith(".part") and "tmp" not in path.relative_to(root).parts[:1]:
                    yield path, f"files/{path.relative_to(data_dir).as_posix()}"


# --- backup ---------------------------------------------------------------------------------
def backup(db: Database, data_dir: Path, target: Path, *, progress: Progress | None = None) -> BackupSummary:
    """Write a consistent backup of the chamber to `target` (atomically: a failure leaves nothing)."""
    started = time.monotonic()
    target = Path(target)
    report = progress or (lambda _stage, _f: None)
    revision = current_revision(db.engine)
    head = _head()
    if revision != head:
        raise BackupError(reason=N_("the database is not at this version's schema; start the server once to upgrade it"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    rows: dict[str, int] = {}
    try:
        with tarfile.open(tmp, "w") as tar:
            dump = io.BytesIO()
            with gzip.GzipFile(fileobj=dump, mode="wb", compresslevel=6, mtime=0) as gz, db.read() as session:
                if not db.is_sqlite:
                    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                tables = _tables()
                for n, table in enumerate(tables):
                    count = 0
                    result = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                    for row in result:
                        gz.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}, ensure_ascii=False).encode("utf-8") + b"\n")
                        count += 1
                    rows[table.name] = count
                    report("database", (n + 1) / len(tables))
            _add_bytes(tar, "database.jsonl.gz", dump.getvalue())
            files = list(_data_files(Path(data_dir)))
            total = sum(p.stat().st_size for p, _ in files) or 1
            done, hashes = 0, {}
            for path, name in files:
                hashes[name] = _sha256(path)
                tar.add(path, arcname=name, recursive=False)
                done += path.stat().st_size
                report("files", done / total)
            manifest = {
                "format": FORMAT, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(), "revision": revision,
                "database": db.engine.url.get_backend_name(), "rows": rows, "files": hashes,
                "database_sha256": hashlib.sha256(dump.getvalue()).hexdigest(),
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise BackupError(reason=str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return BackupSummary(target, rows, len(hashes), target.stat().st_size, time.monotonic() - started, revision)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _head() -> str:
    from alembic.script import ScriptDirectory

    from app.storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


# --- restore --------------------------------------------------------------------------------
def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source, "r") as tar:
            member = tar.getmember("manifest.json")
            manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (OSError, KeyError, tarfile.TarError, ValueError, AttributeError) as exc:
        raise BackupDamagedError(detail=type(exc).__name__) from exc
    if manifest.get("format") != FORMAT:
        raise BackupDamagedError(detail=str(manifest.get("format")))
    return manifest


def restore(db: Database, data_dir: Path, source: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Restore a backup into an empty database and data directory; verifies every file's hash."""
    report = progress or (lambda _stage, _f: None)
    source = Path(source)
    manifest = read_manifest(source)
    if manifest["revision"] != _head():
        raise RestoreRefusedError(reason=N_("the backup was made with another version of Chamber; restore it with that version, then upgrade"))
    db.upgrade()
    tables = {t.name: t for t in _tables()}
    with db.read() as session:
        for name in ("server_info", "accounts", "meetings"):
            if name in tables and session.scalar(select(func.count()).select_from(tables[name])):
                raise RestoreRefusedError(reason=N_("the target database already holds a chamber; restore into a new, empty one"))
    data_dir = Path(data_dir)
    for name in IDENTITY + (STORE,):
        target = data_dir / name
        if target.is_file() or (target.is_dir() and any(target.iterdir())):
            raise RestoreRefusedError(reason=N_("the target data folder already holds a chamber's files; restore into a new, empty folder"))

    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir if data_dir.exists() else None))
    try:
        with tarfile.open(source, "r") as tar:
            dump = tar.extractfile("database.jsonl.gz").read()
            if hashlib.sha256(dump).hexdigest() != manifest.get("database_sha256"):
                raise BackupDamagedError(detail="database")
            members = [m for m in tar.getmembers() if m.name.startswith("files/")]
            total = sum(m.size for m in members) or 1
            done = 0
            for member in members:
                if not member.isfile() or member.name not in manifest["files"]:
                    raise BackupDamagedError(detail=member.name)
                relative = Path(member.name).relative_to("files")
                if relative.is_absolute() or ".." in relative.parts:
                    raise BackupDamagedError(detail=member.name)
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, path.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                if _sha256(path) != manifest["files"][member.name]:
                    raise BackupDamagedError(detail=member.name)
                done += member.size
                report("files", done / total)
        rows_by_table: dict[str, list[dict[str, Any]]] = {}
        with gzip.GzipFile(fileobj=io.BytesIO(dump)) as gz:
            for line in gz:
                item = json.loads(line)
                rows_by_table.setdefault(item["t"], []).append({k: _decode(v) for k, v in item["r"].items()})
        unknown = set(rows_by_table) - set(tables)
        if unknown:
            raise BackupDamagedError(detail=", ".join(sorted(unknown)))
        with db.write() as session:
            ordered = [t for t in _tables() if t.name != "alembic_version"]
            for n, table in enumerate(ordered):
                rows = _parents_first(table, rows_by_table.get(table.name, []))
                for start in range(0, len(rows), BATCH):
                    session.execute(insert(table), rows[start:start + BATCH])
                report("database", (n + 1) / len(ordered))
            if not db.is_sqlite:
                _reset_sequences(session, ordered)
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                target = data_dir / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
        if (data_dir / "tls").is_dir():
            for key in (data_dir / "tls").iterdir():
                key.chmod(0o600)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"rows": sum(manifest["rows"].values()), "tables": len(manifest["rows"]), "files": len(manifest["files"]), "revision": manifest["revision"]}


def _reset_sequences(session: Any, tables: list[Table]) -> None:
    """PostgreSQL: integer keys were inserted as they were; move each sequence past them."""
    from sqlalchemy import text

    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and column.type.python_type is int and len(table.primary_key.columns) == 1):
                seq = session.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name})
                if seq:
                    session.execute(text(f"SELECT setval('{seq}', COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
