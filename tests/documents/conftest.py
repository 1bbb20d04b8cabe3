"""Fixtures for the documents tests: the PDF corpus in ../shared/data/pdfs (read in place, never
copied into the repo) with its manifests, and plain HTTPS calls to the demo `server`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator

import httpx
import pymupdf
import pytest
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.net.tls import client_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.services import documents
from app.storage.models import Account, Meeting


@pytest.fixture(scope="session")
def pdfs(shared_data: Path) -> Path:
    return shared_data / "pdfs"


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """file (relative to the folder) → its manifest row."""
    with (folder / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="session")
def good(pdfs: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    return pdfs / "good", read_manifest(pdfs / "good")


@pytest.fixture(scope="session")
def broken(pdfs: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    return pdfs / "broken", read_manifest(pdfs / "broken")


def _make_pdf(text: str, pages: int = 1) -> bytes:
    """A small real PDF with Vietnamese text."""
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        doc.new_page().insert_htmlbox(pymupdf.Rect(50, 50, 545, 400), f"<h2>{text}</h2><p>Trang {n}/{pages}</p>")
    data = doc.tobytes()
    doc.close()
    return data


class Api:
    """HTTPS calls to the demo server as any demo user (one login per user)."""

    def __init__(self, runner: ServerRunner, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.url = runner.url
        self.http = httpx.Client(base_url=f"{runner.url}/api/v1", verify=client_ssl_context(ctx.certificate.pem), timeout=60)
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.http.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_name": "pytest"})
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["token"]
        return self._tokens[username]

    def call(self, username: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}", "Accept-Language": "en", **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def upload(self, username: str, meeting_id: str, name: str, data: bytes, **fields: Any) -> httpx.Response:
        return self.call(username, "POST", f"/meetings/{meeting_id}/documents", files={"file": (name, data, "application/pdf")}, data=fields)

    @property
    def store(self) -> Path:
        return documents.store_dir(self.ctx.settings.data_dir)

    def stored_files(self) -> list[Path]:
        """Every file in the document store (not the upload area, not cached packets)."""
        return sorted(p for p in self.store.glob("??/*") if p.is_file())

    def leftovers(self) -> list[Path]:
        return sorted(p for p in (self.store / "tmp").glob("*")) if (self.store / "tmp").exists() else []

    def person_id(self, username: str) -> str:
        with self.ctx.db.read() as session:
            return session.scalar(select(Account.person_id).where(Account.username == username))

    def council_meeting(self) -> str:
        """The demo's scheduled plenary session (every delegate of the council sees it)."""
        with self.ctx.db.read() as session:
            return session.scalar(select(Meeting.id).where(Meeting.title.like("Kỳ họp thứ 12%")))

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="session")
def make_pdf():  # noqa: ANN201
    """make_pdf(text, pages=1) → the bytes of a small real PDF with Vietnamese text on each page."""
    return _make_pdf


@pytest.fixture(scope="module")
def chamber(module_demo_server: tuple[ServerRunner, ServerContext]) -> tuple[ServerRunner, ServerContext]:
    """Tests add their own documents and look only at those, or at differences."""
    return module_demo_server


@pytest.fixture(scope="module")
def api(chamber: tuple[ServerRunner, ServerContext]) -> Iterator[Api]:
    client = Api(*chamber)
    yield client
    client.close()
