"""Fixtures for the live meeting: the demo chamber on the `db_url` database (SQLite, and
PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set) with its clients, and the demo council's next
regular session (scheduled, with an agenda and documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.config import ServerSettings
from app.demo import seed
from app.server.context import ServerContext
from app.domain.roles import Role
from app.services import directory
from app.services.accounts import hash_token
from app.storage.models import Account, Body, DeviceToken, Meeting, utcnow
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


def make_voters(ctx: ServerContext, body_id: str, count: int) -> list[str]:
    """`count` new members of the body, each a delegate account with a device token (made
    directly: a password login costs an argon2 hash each). Returns their bearer tokens."""
    tokens = []
    with ctx.db.write() as session:
        for n in range(count):
            person = directory.add_person(session, full_name=f"Đại biểu thử {n:03d}", title="Đại biểu HĐND", unit="")
            directory.add_membership(session, body_id=body_id, person_id=person.id)
            account = Account(username=f"voter{n:03d}", password_hash="!", role=Role.DELEGATE.value, person_id=person.id)
            session.add(account)
            session.flush()
            token = secrets.token_urlsafe(24)
            session.add(DeviceToken(account_id=account.id, token_hash=hash_token(token), device_name="test", expires_at=utcnow() + timedelta(days=1)))
            tokens.append(token)
    return tokens
