"""Fixtures for the live meeting: the demo chamber on the `db_url` database (SQLite, and
PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set) with its clients, and the demo council's next
regular session (scheduled, with an agenda and documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from app.config import ServerSettings
from app.demo import seed
from app.server.context import ServerContext
from app.storage.models import Body, Meeting
from tests.integration.conftest import Chamber


@pytest.fixture
def chamber(db_url: str, tmp_path: Path) -> Iterator[Chamber]:
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    running = Chamber(ctx, tmp_path / "clients")
    yield running
    running.close()
    ctx.db.dispose()


def session_meeting(ctx: ServerContext) -> dict[str, Any]:
    """The council's scheduled regular session: its id and body."""
    with ctx.db.read() as session:
        council = session.scalar(select(Body).where(Body.kind == "council"))
        meeting = session.scalar(select(Meeting).where(Meeting.body_id == council.id, Meeting.status == "scheduled"))
        return {"id": meeting.id, "body_id": council.id}
