"""Started without standard streams, as chamberw.exe (the Windows shortcuts' program) or a desktop
launcher starts it, `main.py server` still comes up and answers: print() and uvicorn's log set-up
must not need a console."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

from app.net.tls import client_ssl_context, ensure_certificate
from tests.cli.test_commands import MAIN, REPO, free_port


def _close_streams() -> None:
    os.close(1)
    os.close(2)


def test_the_server_starts_without_stdout_and_stderr(tmp_path: Path) -> None:
    port, data = free_port(), tmp_path / "srv"
    cert = ensure_certificate(data)  # made first, so the client can pin it (the server reuses it)
    proc = subprocess.Popen([*MAIN, "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--no-advertise"],
                            stdin=subprocess.DEVNULL, preexec_fn=_close_streams, cwd=REPO)
    try:
        health = None
        deadline = time.monotonic() + 60
        with httpx.Client(verify=client_ssl_context(cert.pem), timeout=2) as client:
            while health is None and proc.poll() is None and time.monotonic() < deadline:
                try:
                    health = client.get(f"https://127.0.0.1:{port}/api/v1/health").json()
                except httpx.HTTPError:
                    time.sleep(0.2)
        assert proc.poll() is None, f"the server exited with {proc.returncode}"
        assert health is not None and health["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(20)
