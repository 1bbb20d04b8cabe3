"""Fixtures for face enrolment and the kiosk: the demo chamber served from the `db_url` database
(SQLite, and PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set), REST calls per demo user, and the
real photos of ../shared/data/faces read (never copied) and analysed once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from sqlalchemy import select

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.domain.roles import Actor, Role
from app.net.tls import client_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.storage.models import Account, Person


@pytest.fixture(scope="session")
def faces_dir(shared_data: Path) -> Path:
    path = shared_data / "faces"
    if not (path / "manifest.csv").exists():
        pytest.skip(f"face photos not found at {path}")
    return path


@pytest.fixture(scope="session")
def photo_bytes(faces_dir: Path) -> Callable[[str], bytes]:
    return lambda name: (faces_dir / name).read_bytes()


class Chamber:
    """A running demo chamber: REST calls as any demo user, and its database."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.runner = ServerRunner(ctx).start()
        self.http = httpx.Client(base_url=f"{self.runner.url}/api/v1", verify=client_ssl_context(ctx.certificate.pem), timeout=60)
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.http.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_name": "pytest"})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def call(self, username: str, method: str, path: str, *, lang: str = "en", **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}", "Accept-Language": lang}
        return self.http.request(method, path, headers=headers, **kwargs)

    def actor(self, username: str) -> Actor:
        with self.ctx.db.read() as session:
            a = session.scalar(select(Account).where(Account.username == username))
            return Actor(a.id, a.username, Role(a.role), a.person_id)

    def persons(self) -> list[str]:
        with self.ctx.db.read() as session:
            return list(session.scalars(select(Person.id).order_by(Person.full_name)))

    def close(self) -> None:
        self.http.close()
        self.runner.stop()


@pytest.fixture
def chamber(db_url: str, tmp_path: Path) -> Iterator[Chamber]:
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    running = Chamber(ctx)
    yield running
    running.close()
    ctx.db.dispose()
