"""LocalCache: one SQLite file per server and user holding what that user may see, the last event
sequence number applied, and the outbox of operations not yet accepted by the server.

The cache is what every view reads, online or not. Events from the server overwrite it; local
edits are written to it at once (so they show immediately) and queued in the outbox.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

from app.domain.agenda import ordered
from app.domain.clock import utcnow

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meetings (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agendas (meeting_id TEXT PRIMARY KEY, items TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS invitations (id TEXT PRIMARY KEY, meeting_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_invitations_meeting ON invitations(meeting_id);
CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, meeting_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_documents_meeting ON documents(meeting_id);
CREATE TABLE IF NOT EXISTS annotations (id TEXT PRIMARY KEY, document_id TEXT NOT NULL, meeting_id TEXT, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_annotations_document ON annotations(document_id);
CREATE TABLE IF NOT EXISTS attendance (id TEXT PRIMARY KEY, meeting_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_attendance_meeting ON attendance(meeting_id);
CREATE TABLE IF NOT EXISTS outbox (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id TEXT UNIQUE NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    kind TEXT NOT NULL,
    entity_id TEXT,
    meeting_id TEXT,
    summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending',
    error_message TEXT,
    error_params TEXT
);
"""


class LocalCache:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # One connection shared under a lock: the cache is small and writes are short.
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        had_documents = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents'").fetchone()
        had_annotations = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='annotations'").fetchone()
        had_attendance = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='attendance'").fetchone()
        self._db.executescript(SCHEMA)
        if not had_attendance:  # a cache from before attendance was kept: its next snapshot brings it
            self._db.execute("DELETE FROM meta WHERE key='server_id'")
        if not had_documents or not had_annotations:  # a cache from before these were kept: start again from a snapshot
            self._db.execute("DELETE FROM meta WHERE key='server_id'")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))

    @property
    def last_seq(self) -> int:
        return int(self.get_meta("last_seq", 0))

    # --- meetings and agendas -----------------------------------------------------------------
    def list_meetings(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM meetings").fetchall()
        meetings = [json.loads(r[0]) for r in rows]
        return sorted(meetings, key=lambda m: (m.get("starts_at") or "", m.get("title") or ""))

    def get_meeting(self, meeting_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM meetings WHERE id=?", (meeting_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_meeting(self, meeting: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meetings(id, data) VALUES (?, ?)", (meeting["id"], json.dumps(meeting, ensure_ascii=False)))

    def remove_meeting(self, meeting_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM meetings WHERE id=?", (meeting_id,))
            self._db.execute("DELETE FROM agendas WHERE meeting_id=?", (meeting_id,))
            self._db.execute("DELETE FROM invitations WHERE meeting_id=?", (meeting_id,))
            self._db.execute("DELETE FROM documents WHERE meeting_id=?", (meeting_id,))
            self._db.execute("DELETE FROM annotations WHERE meeting_id=?", (meeting_id,))
            self._db.execute("DELETE FROM attendance WHERE meeting_id=?", (meeting_id,))
            self._db.execute("COMMIT")

    def get_agenda(self, meeting_id: str) -> list[dict[str, Any]]:
        with self._lock:
            row = self._db.execute("SELECT items FROM agendas WHERE meeting_id=?", (meeting_id,)).fetchone()
        return json.loads(row[0]) if row else []

    def put_agenda(self, meeting_id: str, items: list[dict[str, Any]]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO agendas(meeting_id, items) VALUES (?, ?)", (meeting_id, json.dumps(ordered(items), ensure_ascii=False))
            )

    def replace_all(self, snapshot: dict[str, Any]) -> None:
        """Start over from a server snapshot (first login, or the server's database was replaced)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("DELETE FROM meetings")
                self._db.execute("DELETE FROM agendas")
                self._db.execute("DELETE FROM invitations")
                self._db.execute("DELETE FROM documents")
                self._db.execute("DELETE FROM annotations")
                for a in snapshot.get("annotations", []):
                    self._db.execute("INSERT OR REPLACE INTO annotations(id, document_id, meeting_id, data) VALUES (?, ?, ?, ?)",
                                     (a["id"], a["document_id"], a.get("meeting_id"), json.dumps(a, ensure_ascii=False)))
                self._db.execute("DELETE FROM attendance")
                for e in snapshot.get("attendance", []):
                    self._db.execute("INSERT OR REPLACE INTO attendance(id, meeting_id, data) VALUES (?, ?, ?)", (e["id"], e["meeting_id"], json.dumps(e, ensure_ascii=False)))
                for doc in snapshot.get("documents", []):
                    self._db.execute("INSERT OR REPLACE INTO documents(id, meeting_id, data) VALUES (?, ?, ?)", (doc["id"], doc["meeting_id"], json.dumps(doc, ensure_ascii=False)))
                for inv in snapshot.get("invitations", []):
                    self._db.execute("INSERT INTO invitations(id, meeting_id, data) VALUES (?, ?, ?)", (inv["id"], inv["meeting_id"], json.dumps(inv, ensure_ascii=False)))
                for m in snapshot["meetings"]:
                    self._db.execute("INSERT INTO meetings(id, data) VALUES (?, ?)", (m["id"], json.dumps(m, ensure_ascii=False)))
                for meeting_id, items in snapshot["agendas"].items():
                    self._db.execute("INSERT INTO agendas(meeting_id, items) VALUES (?, ?)", (meeting_id, json.dumps(items, ensure_ascii=False)))
                for key in ("bodies", "persons", "server_id"):
                    self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, json.dumps(snapshot.get(key), ensure_ascii=False)))
                self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('last_seq', ?)", (json.dumps(snapshot["seq"]),))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # --- invitations --------------------------------------------------------------------------
    def put_invitation(self, invitation: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO invitations(id, meeting_id, data) VALUES (?, ?, ?)",
                (invitation["id"], invitation["meeting_id"], json.dumps(invitation, ensure_ascii=False)),
            )

    def get_invitation(self, invitation_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM invitations WHERE id=?", (invitation_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def list_invitations(self, meeting_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            if meeting_id is None:
                rows = self._db.execute("SELECT data FROM invitations").fetchall()
            else:
                rows = self._db.execute("SELECT data FROM invitations WHERE meeting_id=?", (meeting_id,)).fetchall()
        return sorted((json.loads(r[0]) for r in rows), key=lambda i: i.get("name") or "")

    # --- documents (metadata; the files are kept by content hash beside the cache) -------------
    def put_document(self, document: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO documents(id, meeting_id, data) VALUES (?, ?, ?)",
                (document["id"], document["meeting_id"], json.dumps(document, ensure_ascii=False)),
            )

    def remove_document(self, document_id: str) -> None:
        """The document and the annotations on it (a new version's arrive as their own events)."""
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM documents WHERE id=?", (document_id,))
            self._db.execute("DELETE FROM annotations WHERE document_id=?", (document_id,))
            self._db.execute("COMMIT")

    def get_document(self, document_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM documents WHERE id=?", (document_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def list_documents(self, meeting_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            if meeting_id is None:
                rows = self._db.execute("SELECT data FROM documents").fetchall()
            else:
                rows = self._db.execute("SELECT data FROM documents WHERE meeting_id=?", (meeting_id,)).fetchall()
        return sorted((json.loads(r[0]) for r in rows), key=lambda d: ((d.get("title") or "").lower(), d.get("created_at") or ""))

    def put_documents(self, meeting_id: str, documents: list[dict[str, Any]]) -> None:
        """The whole list of one meeting's documents, as the server gave it."""
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM documents WHERE meeting_id=?", (meeting_id,))
            for doc in documents:
                self._db.execute("INSERT OR REPLACE INTO documents(id, meeting_id, data) VALUES (?, ?, ?)", (doc["id"], meeting_id, json.dumps(doc, ensure_ascii=False)))
            self._db.execute("COMMIT")

    # --- attendance (the server's events; unsent ones stay in the outbox) -----------------------
    def put_attendance_event(self, event: dict[str, Any]) -> None:
        """Events never change, so storing one again (a replayed stream) is harmless."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO attendance(id, meeting_id, data) VALUES (?, ?, ?)", (event["id"], event["meeting_id"], json.dumps(event, ensure_ascii=False)))

    def list_attendance_events(self, meeting_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM attendance WHERE meeting_id=?", (meeting_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def put_body(self, body: dict[str, Any]) -> None:
        """One body changed (its quorum rule): replace it in the directory kept in meta."""
        with self._lock:
            bodies = [b for b in (self.get_meta("bodies") or []) if b["id"] != body["id"]]
            self.set_meta("bodies", sorted([*bodies, body], key=lambda b: b.get("name") or ""))

    # --- annotations ----------------------------------------------------------------------------
    def put_annotation(self, annotation: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO annotations(id, document_id, meeting_id, data) VALUES (?, ?, ?, ?)",
                (annotation["id"], annotation["document_id"], annotation.get("meeting_id"), json.dumps(annotation, ensure_ascii=False)),
            )

    def get_annotation(self, annotation_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM annotations WHERE id=?", (annotation_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def remove_annotation(self, annotation_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM annotations WHERE id=?", (annotation_id,))

    def list_annotations(self, document_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM annotations WHERE document_id=?", (document_id,)).fetchall()
        return sorted((json.loads(r[0]) for r in rows), key=lambda a: (a.get("page", 0), a.get("created_at") or "", a["id"]))

    def put_annotations(self, document_id: str, annotations: list[dict[str, Any]]) -> None:
        """The whole list of one document's annotations, as the server gave it."""
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM annotations WHERE document_id=?", (document_id,))
            for a in annotations:
                self._db.execute("INSERT OR REPLACE INTO annotations(id, document_id, meeting_id, data) VALUES (?, ?, ?, ?)",
                                 (a["id"], document_id, a.get("meeting_id"), json.dumps(a, ensure_ascii=False)))
            self._db.execute("COMMIT")

    # --- outbox -------------------------------------------------------------------------------
    def enqueue(self, *, method: str, path: str, body: Any, kind: str, entity_id: str | None, meeting_id: str | None, summary: str) -> str:
        op_id = str(uuid.uuid4())
        with self._lock:
            self._db.execute(
                "INSERT INTO outbox(operation_id, method, path, body, kind, entity_id, meeting_id, summary, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (op_id, method, path, json.dumps(body, ensure_ascii=False) if body is not None else None, kind, entity_id, meeting_id, summary, utcnow().isoformat()),
            )
        return op_id

    def operations(self, state: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT n, operation_id, method, path, body, kind, entity_id, meeting_id, summary, created_at, attempts, state, error_message, error_params FROM outbox"
        args: tuple = ()
        if state:
            query += " WHERE state=?"
            args = (state,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY n", args).fetchall()
        keys = ("n", "operation_id", "method", "path", "body", "kind", "entity_id", "meeting_id", "summary", "created_at", "attempts", "state", "error_message", "error_params")
        out = []
        for row in rows:
            op = dict(zip(keys, row))
            op["body"] = json.loads(op["body"]) if op["body"] else None
            op["error_params"] = json.loads(op["error_params"]) if op["error_params"] else {}
            out.append(op)
        return out

    def next_pending(self) -> dict[str, Any] | None:
        ops = self.operations("pending")
        return ops[0] if ops else None

    def mark_attempt(self, op_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE operation_id=?", (op_id,))

    def mark_done(self, op_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE operation_id=?", (op_id,))

    def mark_failed(self, op_id: str, message: str, params: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET state='failed', error_message=?, error_params=? WHERE operation_id=?",
                (message, json.dumps(params, ensure_ascii=False), op_id),
            )

    def retry(self, op_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE outbox SET state='pending', error_message=NULL, error_params=NULL WHERE operation_id=?", (op_id,))

    def discard(self, op_id: str) -> None:
        self.mark_done(op_id)

    def pending_fields(self, kind: str, entity_id: str) -> dict[str, Any]:
        """Field values of not-yet-sent edits of one record, oldest first (they win over the server's)."""
        merged: dict[str, Any] = {}
        for op in self.operations("pending"):
            if op["kind"] == kind and op["entity_id"] == entity_id and op["method"] == "PATCH" and op["body"]:
                merged.update(op["body"])
        return merged

    # --- the live meeting (app/services/live.py): whole records in meta, replaced as they come --
    def get_live(self, meeting_id: str) -> dict[str, Any] | None:
        return self.get_meta(f"live:{meeting_id}")

    def put_live(self, meeting_id: str, state: dict[str, Any]) -> None:
        """Keep the newer of what we have and `state` (by the server's version of the meeting's live state)."""
        with self._lock:
            current = self.get_live(meeting_id)
            if current is None or state.get("version", 0) >= current.get("version", 0):
                self.set_meta(f"live:{meeting_id}", state)

    def list_tasks(self, meeting_id: str) -> list[dict[str, Any]]:
        tasks = self.get_meta(f"tasks:{meeting_id}") or {}
        return sorted(tasks.values(), key=lambda t: (t.get("created_at") or "", t["id"]))

    def put_task(self, task: dict[str, Any]) -> None:
        with self._lock:
            tasks = self.get_meta(f"tasks:{task['meeting_id']}") or {}
            tasks[task["id"]] = task
            self.set_meta(f"tasks:{task['meeting_id']}", tasks)

    def replace_live(self, states: dict[str, dict[str, Any]], tasks: list[dict[str, Any]]) -> None:
        """Start the live records over from a server snapshot."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("DELETE FROM meta WHERE key LIKE 'live:%' OR key LIKE 'tasks:%' OR key LIKE 'ballots:%'")
                for meeting_id, state in states.items():
                    self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (f"live:{meeting_id}", json.dumps(state, ensure_ascii=False)))
                grouped: dict[str, dict[str, Any]] = {}
                for task in tasks:
                    grouped.setdefault(task["meeting_id"], {})[task["id"]] = task
                for meeting_id, by_id in grouped.items():
                    self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (f"tasks:{meeting_id}", json.dumps(by_id, ensure_ascii=False)))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
