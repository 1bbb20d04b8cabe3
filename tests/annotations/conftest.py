"""Fixtures for the annotation tests: two versions of a document built with PyMuPDF (the text an
annotation covers moves to another page; another text is removed), the real PDF corpus read in
place, and a demo chamber served from the `db_url` database with clients logged in to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pymupdf
import pytest

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.net.tls import client_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession

BUDGET = "Dự toán thu ngân sách phường năm 2027 là 48 tỷ đồng"
SCHOOL = "Xây dựng trường mầm non Hòa Bình"
PARKING = "Bãi đỗ xe tạm trên đường Trần Phú"


def _page(doc: pymupdf.Document, html: str) -> None:
    doc.new_page().insert_htmlbox(pymupdf.Rect(60, 60, 535, 780), html)


def build_versions(folder: Path) -> tuple[Path, Path]:
    """Version 1: the budget on page 1, the school and the parking lot on page 2, a third page.
    Version 2: a new first page, the budget now on page 3 lower down, the school still on page 2,
    the parking lot gone, and only three pages."""
    v1, v2 = pymupdf.open(), pymupdf.open()
    _page(v1, f"<h2>Tờ trình</h2><p>{BUDGET}, tăng 6% so với năm trước.</p>")
    _page(v1, f"<p>Danh mục công trình.</p><p>{SCHOOL} với 12 phòng học.</p><p>{PARKING} trong năm 2027.</p>")
    _page(v1, "<p>Trang cuối: chữ ký.</p>")
    _page(v2, "<h2>Tờ trình (bản sửa đổi)</h2><p>Trang mới: tóm tắt các thay đổi.</p>")
    _page(v2, f"<p>Danh mục công trình.</p><p>{SCHOOL} với 12 phòng học.</p>")
    _page(v2, f"<p>Phần một.</p><p>Phần hai.</p><p>Phần ba.</p><p>{BUDGET}, tăng 6% so với năm trước.</p>")
    paths = folder / "to_trinh_v1.pdf", folder / "to_trinh_v2.pdf"
    for doc, path in zip((v1, v2), paths):
        doc.save(str(path))
        doc.close()
    return paths


def text_rects(path: Path, page: int, text: str) -> list[list[float]]:
    """The line rectangles of `text` on a page (as the reader's selection would give them)."""
    from app.pdf.anchor import PdfText, find_text

    with PdfText(path) as pdf:
        found = find_text(pdf, text, page, None)
    assert found is not None and found[0] == page, (text, page, found)
    return found[1]


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    return build_versions(tmp_path)


@pytest.fixture(scope="session")
def good(shared_data: Path) -> Path:
    return shared_data / "pdfs" / "good"


class Rest:
    """Plain HTTPS calls as a demo user (to check what the API itself answers)."""

    def __init__(self, url: str, pem: str) -> None:
        self.http = httpx.Client(base_url=f"{url}/api/v1", verify=client_ssl_context(pem), timeout=30)
        self._tokens: dict[str, str] = {}

    def call(self, username: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if username not in self._tokens:
            answer = self.http.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_name": "pytest"})
            self._tokens[username] = answer.json()["token"]
        headers = {"Authorization": f"Bearer {self._tokens[username]}", "Accept-Language": "en", **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)


class Chamber:
    """The demo council's server on one database, and the devices logged in to it."""

    def __init__(self, ctx: ServerContext, clients: Path) -> None:
        self.ctx = ctx
        self.clients = clients
        self.runner = ServerRunner(ctx).start()
        self.port = self.runner.port
        self.sessions: list[ChamberSession] = []
        self.rest = Rest(self.runner.url, ctx.certificate.pem)

    def login(self, username: str) -> ChamberSession:
        """A new device of `username`, logged in and caught up."""
        profile = Profile(self.clients / f"device{len(self.sessions) + 1}")
        paired = pin_local(profile, host="127.0.0.1", port=self.port, pem=self.ctx.certificate.pem, server_id=self.ctx.server_id, name=self.ctx.name)
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD).start()
        self.sessions.append(session)
        assert session.engine.wait_until(session.engine.idle, 10), f"{username} did not come online: {session.state}"
        return session

    def stop(self) -> None:
        self.runner.stop()

    def restart(self) -> None:
        self.runner = ServerRunner(self.ctx, port=self.port).start()

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        self.rest.http.close()
        self.runner.stop()


@pytest.fixture
def chamber(db_url: str, tmp_path: Path) -> Iterator[Chamber]:
    """The demo council served from `db_url` (SQLite, and PostgreSQL when it is set)."""
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    running = Chamber(ctx, tmp_path / "clients")
    yield running
    running.close()
    ctx.db.dispose()


def plenary(session: ChamberSession) -> str:
    """The demo's plenary session, which every delegate of the council sees."""
    return next(m["id"] for m in session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))
