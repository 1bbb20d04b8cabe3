"""The server's disk fills up during a meeting: writes are refused with a clear "disk full" answer
(never a bare server error), nothing is half-written, the client keeps its change in the outbox,
and everything works again — the kept change included — as soon as space returns.

The disk is a real, small tmpfs mounted for the test (needs root, as in CI; skipped otherwise)."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path
from typing import Iterator

import pymupdf
import pytest
from sqlalchemy import text

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.services import documents
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession
from tests.integration.conftest import Rest


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small disk here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * (1 << 16))
                fh.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
    return filler


def pdf_bytes(pages: int) -> bytes:
    doc = pymupdf.open()
    for n in range(pages):
        doc.new_page().insert_htmlbox(pymupdf.Rect(50, 50, 545, 700), f"<p>Trang {n} " + "dự toán ngân sách " * 300 + "</p>")
    data = doc.tobytes()
    doc.close()
    return data


def test_a_full_disk_refuses_clearly_keeps_the_change_and_recovers(small_disk: Path, tmp_path: Path) -> None:
    ctx = ServerContext.open(ServerSettings(data_dir=small_disk / "server"))
    seed(ctx.db, ctx.settings.data_dir)
    runner = ServerRunner(ctx).start()
    rest = Rest(runner.url, ctx.certificate.pem)
    profile = Profile(tmp_path / "tablet")
    paired = pin_local(profile, host="127.0.0.1", port=runner.port, pem=ctx.certificate.pem, server_id=ctx.server_id, name=ctx.name)
    secretary = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD).start()
    try:
        assert secretary.engine.wait_until(secretary.engine.idle, 10)
        token = rest.token("thuky")
        meeting = next(m for m in rest.call("GET", "/meetings", token=token).json() if m["title"].startswith("Kỳ họp thứ 12"))
        before = rest.call("GET", f"/meetings/{meeting['id']}", token=token).json()
        with ctx.db.engine.connect() as conn:  # an empty write-ahead log: the next write needs new space
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store = documents.store_dir(ctx.settings.data_dir)
        files_before = sorted(p for p in store.rglob("*") if p.is_file())
        filler = fill(small_disk)

        refused = rest.call("PATCH", f"/meetings/{meeting['id']}", token=token, json={"location": "Hội trường B, tầng 3"},
                            headers={"Accept-Language": "en"})
        assert refused.status_code == 507, refused.text
        assert refused.json()["error"] == "storage_full" and "disk is full" in refused.json()["message"]
        upload = rest.call("POST", f"/meetings/{meeting['id']}/documents", token=token,
                           files={"file": ("phu_luc.pdf", pdf_bytes(40), "application/pdf")})
        assert upload.status_code == 507, upload.text
        assert sorted(p for p in store.rglob("*") if p.is_file()) == files_before  # no half-written file left

        # The secretary's own change made meanwhile waits in the outbox, not refused.
        secretary.update_meeting(meeting["id"], {"description": "Bổ sung nội dung trong lúc máy chủ đầy đĩa"})
        secretary.engine.kick()
        assert not secretary.engine.wait_until(lambda: not secretary.pending_operations(), 2)
        assert not secretary.failed_operations()

        filler.unlink()  # space is back
        assert rest.call("GET", f"/meetings/{meeting['id']}", token=token).json()["location"] == before["location"]  # nothing half-written
        ok = rest.call("PATCH", f"/meetings/{meeting['id']}", token=token, json={"location": "Hội trường B, tầng 3"})
        assert ok.status_code == 200, ok.text
        secretary.engine.kick()
        assert secretary.engine.wait_until(lambda: not secretary.pending_operations(), 10)
        after = rest.call("GET", f"/meetings/{meeting['id']}", token=token).json()
        assert after["description"] == "Bổ sung nội dung trong lúc máy chủ đầy đĩa" and after["location"] == "Hội trường B, tầng 3"
        with ctx.db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        secretary.close()
        rest.close()
        runner.stop()
        ctx.db.dispose()
