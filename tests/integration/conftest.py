"""Fixtures for the integration tests: plain HTTPS calls to a running server (`rest`), and a
whole chamber on the `db_url` database (SQLite, and PostgreSQL when CHAMBER_TEST_POSTGRES_URL is
set) that can be stopped and started again on the same port, with logged-in clients (`chamber`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.net.tls import client_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession

DEMO_USERS = ("admin", "thuky", "chutoa", "daibieu", "daibieu2", "kiosk", "khach")


class Rest:
    """HTTPS requests to one server's /api/v1, pinned to its certificate; nothing in between."""

    def __init__(self, url: str, pem: str) -> None:
        self.url = url
        self.pem = pem
        self.http = httpx.Client(base_url=f"{url}/api/v1", verify=client_ssl_context(pem), timeout=10)
        self._tokens: dict[str, str] = {}

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        """A token of `username`, logged in once per Rest (a login costs an argon2 hash)."""
        if username not in self._tokens:
            self._tokens[username] = self.login(username, password)["token"]
        return self._tokens[username]

    def login(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        response = self.http.post("/auth/login", json={"username": username, "password": password, "device_name": "pytest"})
        assert response.status_code == 200, response.text
        return response.json()

    def call(self, method: str, path: str, *, token: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        all_headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        return self.http.request(method, path, headers=all_headers, **kwargs)

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def rest(server: ServerRunner, server_ctx: ServerContext) -> Iterator[Rest]:
    """Plain HTTPS calls to the demo `server` of tests/conftest.py (SQLite, one per test)."""
    client = Rest(server.url, server_ctx.certificate.pem)
    yield client
    client.close()


@pytest.fixture(scope="module")
def demo(module_demo_server: tuple[ServerRunner, ServerContext]) -> tuple[ServerRunner, ServerContext]:
    return module_demo_server


@pytest.fixture(scope="module")
def api(demo: tuple[ServerRunner, ServerContext]) -> Iterator[Rest]:
    """Plain HTTPS calls to the module's `demo` server (tokens cached per user)."""
    client = Rest(demo[0].url, demo[1].certificate.pem)
    yield client
    client.close()


class Chamber:
    """A demo chamber's server on one database, and the clients logged in to it."""

    def __init__(self, ctx: ServerContext, clients_dir: Path) -> None:
        self.ctx = ctx
        self.clients_dir = clients_dir
        self.runner = ServerRunner(ctx).start()
        self.port = self.runner.port
        self.sessions: list[ChamberSession] = []
        self._rests: list[Rest] = []

    @property
    def url(self) -> str:
        return self.runner.url

    def stop(self) -> None:
        self.runner.stop()

    def restart(self) -> None:
        """Start the server again on the same port (clients reconnect to the address they know)."""
        self.runner = ServerRunner(self.ctx, port=self.port).start()

    def rest(self) -> Rest:
        client = Rest(self.url, self.ctx.certificate.pem)
        self._rests.append(client)
        return client

    def device(self) -> tuple[Profile, Any]:
        profile = Profile(self.clients_dir / f"device{len(self.sessions) + 1}")
        paired = pin_local(profile, host="127.0.0.1", port=self.port, pem=self.ctx.certificate.pem, server_id=self.ctx.server_id, name=self.ctx.name)
        return profile, paired

    def login(self, username: str, password: str = DEMO_PASSWORD) -> ChamberSession:
        """A new device, logged in, its sync engine started and caught up."""
        profile, paired = self.device()
        session = ChamberSession.login(profile, paired, username, password).start()
        self.sessions.append(session)
        assert session.engine.wait_until(session.engine.idle, 10), f"{username} did not come online: {session.state}"
        return session

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        for client in self._rests:
            client.close()
        self.runner.stop()


@pytest.fixture
def chamber(db_url: str, tmp_path: Path) -> Iterator[Chamber]:
    """The demo council served from the `db_url` database (SQLite, and PostgreSQL when set)."""
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    running = Chamber(ctx, tmp_path / "clients")
    yield running
    running.close()
    ctx.db.dispose()
