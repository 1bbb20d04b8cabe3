"""Fixtures for the attendance tests: the demo chamber served from the `db_url` database (SQLite,
and PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set), plain HTTPS calls per user, logged-in
client devices, and the demo's meeting of today (the economic committee, with check-ins)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import select

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.net.tls import client_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.storage.models import Account, Body, Meeting, Membership, Person
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession


class Chamber:
    """A running demo chamber: REST calls as any demo user, client devices, and its database."""

    def __init__(self, ctx: ServerContext, clients_dir: Path) -> None:
        self.ctx = ctx
        self.clients_dir = clients_dir
        self.runner = ServerRunner(ctx).start()
        self.port = self.runner.port
        self.http = httpx.Client(base_url=f"{self.runner.url}/api/v1", verify=client_ssl_context(ctx.certificate.pem), timeout=20)
        self.tokens: dict[str, str] = {}
        self.sessions: list[ChamberSession] = []

    # --- REST ---------------------------------------------------------------------------------
    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.http.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_name": "pytest"})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def call(self, username: str, method: str, path: str, *, op_id: str | None = None, lang: str = "vi", **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}", "Accept-Language": lang}
        if op_id:
            headers["X-Operation-Id"] = op_id
        return self.http.request(method, path, headers=headers, **kwargs)

    # --- clients ------------------------------------------------------------------------------
    def login(self, username: str) -> ChamberSession:
        profile = Profile(self.clients_dir / f"device{len(self.sessions) + 1}")
        paired = pin_local(profile, host="127.0.0.1", port=self.port, pem=self.ctx.certificate.pem, server_id=self.ctx.server_id, name=self.ctx.name)
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD).start()
        self.sessions.append(session)
        assert session.engine.wait_until(session.engine.idle, 10), f"{username} did not come online: {session.state}"
        return session

    def stop(self) -> None:
        self.runner.stop()

    def restart(self) -> None:
        self.runner = ServerRunner(self.ctx, port=self.port).start()

    # --- the demo's data ------------------------------------------------------------------------
    def today(self) -> str:
        """Today's meeting: the economic committee's, with the demo's check-ins."""
        with self.ctx.db.read() as session:
            return session.scalar(select(Meeting.id).where(Meeting.title.like("Phiên họp Ban Kinh tế%")))

    def session_meeting(self) -> str:
        """Next week's council session (15 members, two thirds needed), nobody checked in yet."""
        with self.ctx.db.read() as session:
            return session.scalar(select(Meeting.id).where(Meeting.title.like("Kỳ họp thứ 12%")))

    def person(self, name: str) -> str:
        with self.ctx.db.read() as session:
            return session.scalar(select(Person.id).where(Person.full_name == name))

    def members(self, body_name_prefix: str) -> list[str]:
        with self.ctx.db.read() as session:
            body = session.scalar(select(Body.id).where(Body.name.like(f"{body_name_prefix}%")))
            return list(session.scalars(select(Membership.person_id).where(Membership.body_id == body)))

    def person_of(self, username: str) -> str | None:
        with self.ctx.db.read() as session:
            return session.scalar(select(Account.person_id).where(Account.username == username))

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        self.http.close()
        self.runner.stop()


@pytest.fixture
def chamber(db_url: str, tmp_path: Path) -> Iterator[Chamber]:
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    running = Chamber(ctx, tmp_path / "clients")
    yield running
    running.close()
    ctx.db.dispose()


# --- the interface (pytest-qt, offscreen), as in tests/ui/conftest.py -----------------------------
@pytest.fixture
def themed_app(qapp):  # noqa: ANN001, ANN201
    from app import i18n
    from ui.application import setup_application

    if not qapp.property("chamberThemed"):
        setup_application(qapp)
        qapp.setProperty("chamberThemed", True)
    yield qapp
    i18n.set_language("vi")


@pytest.fixture
def open_window(themed_app, qtbot, make_profile):  # noqa: ANN001, ANN201
    """open_window(username) → a MainWindow on a new device (SQLite demo server), online and caught up."""
    from ui.tasks import TaskRunner
    from ui.views.main_window import MainWindow

    tasks = TaskRunner()

    def open_(username: str) -> MainWindow:
        profile, paired = make_profile()
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD, device_name=f"test {username}")
        window = MainWindow(session, tasks)
        qtbot.addWidget(window, before_close_func=lambda w: w.close_now())
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: session.engine.idle() and bool(window.meetings.meeting_ids()), timeout=10_000)
        return window

    yield open_
    tasks.wait(10_000)
