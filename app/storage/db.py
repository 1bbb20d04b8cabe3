"""Database engines and transactions: SQLite (WAL, foreign keys, one writer) or PostgreSQL.

`Database.write()` is the only way to change data. It serialises writers, runs a short
transaction, and after the commit hands the events the transaction recorded to the listeners
(the server's broadcaster). An event is never published for a change that rolled back.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.errors import ChamberError

log = logging.getLogger(__name__)

EventListener = Callable[[list[dict[str, Any]]], None]
# Set `session.info[KEEP_ON_REFUSAL] = True` before raising a ChamberError to commit the
# transaction anyway (see `Database.write`).
KEEP_ON_REFUSAL = "keep_on_refusal"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # pysqlite's own implicit BEGIN is disabled so that we can say BEGIN IMMEDIATE for writes.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=NORMAL")
        if not engine.url.database in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # A writer takes the write lock at BEGIN, so it never fails half-way on a busy database.
        mode = "IMMEDIATE" if conn.get_execution_options().get("chamber_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One database (a URL), its engine and its write lane."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
            if self.url.database and self.url.database != ":memory:":
                # The server answers on up to 40 worker threads at once. With the default pool of
                # 5 (+10 overflow) a busy moment opens and closes a connection per request, each
                # paying its PRAGMAs; an idle SQLite connection costs next to nothing to keep.
                kwargs["pool_size"] = 40
                kwargs["max_overflow"] = 20
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
        self.engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.RLock()
        self._listeners: list[EventListener] = []
        # Copied into every session's `info`: per-chamber policy the services read (mail settings).
        self.session_info: dict[str, Any] = {}

    # --- transactions -------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            session.info.update(self.session_info)
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction. Events recorded with `record_event` are published after commit."""
        refusal: ChamberError | None = None
        with self._write_lock:
            session = self._sessions()
            try:
                session.connection(execution_options={"chamber_write": True})
                session.info.update(self.session_info)
                session.info["events"] = []
                try:
                    yield session
                except ChamberError as err:
                    # A service may refuse *and* keep what it wrote about the refusal (a failed
                    # login's counter and audit entry); any other error undoes everything.
                    if not session.info.get(KEEP_ON_REFUSAL):
                        raise
                    refusal = err
                session.commit()
                events = [e.as_dict() for e in session.info.get("events", [])]
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
            # Still inside the write lane, so listeners hear of commits in sequence order (a
            # stream that skips seqs it has passed would otherwise lose an event for good).
            # Listeners must be quick and must not write (the broadcaster only hands over).
            if events:
                for listener in list(self._listeners):
                    try:
                        listener(events)
                    except Exception:  # a broken listener must not undo a committed change
                        log.exception("event listener failed")
        if refusal is not None:
            raise refusal

    def add_listener(self, listener: EventListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: EventListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # --- schema -------------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision (the server does this on start)."""
        from app.storage.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
