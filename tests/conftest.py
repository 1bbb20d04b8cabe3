"""Shared fixtures: paths to the real data in ../shared/data, a real Chamber server on 127.0.0.1
with the demo council (HTTPS on a port the test picks, stopped at the end), and logged-in clients.

Qt runs offscreen: the variable is set here, before anything can import Qt.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402
from typing import Iterator  # noqa: E402

import pytest  # noqa: E402

from app.config import ServerSettings  # noqa: E402
from app.demo import DEMO_PASSWORD, seed  # noqa: E402
from app.server.context import ServerContext  # noqa: E402
from app.server.runner import ServerRunner  # noqa: E402
from app.sync.profile import PairedServer, Profile, pin_local  # noqa: E402
from app.sync.session import ChamberSession  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("CHAMBER_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"real test data not found at {SHARED_DATA}")
    return SHARED_DATA


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite in tmp_path, and PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chamber.db'}"
    if not POSTGRES_URL:
        pytest.skip("CHAMBER_TEST_POSTGRES_URL is not set")
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def server_ctx(tmp_path: Path) -> Iterator[ServerContext]:
    """A chamber (SQLite in tmp_path) filled with the demo council."""
    data = tmp_path / "server"
    ctx = ServerContext.open(ServerSettings(data_dir=data))
    seed(ctx.db, data)
    yield ctx
    ctx.db.dispose()


@pytest.fixture(scope="module")
def module_demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerRunner, ServerContext]]:
    """One demo server (SQLite) for a whole test module, for tests that add their own data and
    only look at that or at differences: seeding a chamber costs seconds."""
    data = tmp_path_factory.mktemp("demo")
    ctx = ServerContext.open(ServerSettings(data_dir=data))
    seed(ctx.db, data)
    runner = ServerRunner(ctx).start()
    yield runner, ctx
    runner.stop()
    ctx.db.dispose()


@pytest.fixture
def server(server_ctx: ServerContext) -> Iterator[ServerRunner]:
    """The real server on 127.0.0.1, a free port, HTTPS + WSS; stopped after the test."""
    runner = ServerRunner(server_ctx).start()
    yield runner
    runner.stop()


@pytest.fixture
def make_profile(tmp_path: Path, server: ServerRunner, server_ctx: ServerContext):
    """A new client device (its own data directory) already paired with `server`."""
    count = 0

    def make() -> tuple[Profile, PairedServer]:
        nonlocal count
        count += 1
        profile = Profile(tmp_path / f"client{count}")
        paired = pin_local(profile, host="127.0.0.1", port=server.port, pem=server_ctx.certificate.pem, server_id=server_ctx.server_id, name=server_ctx.name)
        return profile, paired

    return make


@pytest.fixture
def login(make_profile):
    """login(username) → a started ChamberSession on a new device, online and caught up."""
    sessions: list[ChamberSession] = []

    def do(username: str, password: str = DEMO_PASSWORD) -> ChamberSession:
        profile, paired = make_profile()
        session = ChamberSession.login(profile, paired, username, password).start()
        sessions.append(session)
        assert session.engine.wait_until(session.engine.idle, 10), f"{username} did not come online: {session.state}"
        return session

    yield do
    for s in sessions:
        s.close()
