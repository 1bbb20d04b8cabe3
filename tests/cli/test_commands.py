"""The command line as an administrator uses it: `main.py server` (with its one-time pairing code),
`discover`, `admin create-user`, `admin pairing-code`, and `--help` on each — real processes, real HTTPS, real zeroconf on this machine."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from app.errors import PairingCodeInvalidError
from app.net.tls import client_ssl_context, ensure_certificate, format_fingerprint
from app.sync.profile import Profile, pair

REPO = Path(__file__).resolve().parent.parent.parent
MAIN = [sys.executable, str(REPO / "main.py"), "--lang", "en"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_process(tmp_path: Path):
    port = free_port()
    name = f"HĐND thử nghiệm {uuid.uuid4().hex[:6]}"
    proc = subprocess.Popen(
        [*MAIN, "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp_path / "srv"), "--name", name],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "Certificate fingerprint" in line or not line:
            break
    yield proc, port, name, tmp_path / "srv", "".join(lines)
    proc.terminate()
    proc.wait(15)


@pytest.mark.parametrize("command", [[], ["demo"], ["server"], ["client"], ["kiosk"], ["discover"], ["admin", "create-user"], ["admin", "password"], ["admin", "pairing-code"]])
def test_help_works_for_every_command(command: list[str]) -> None:
    out = subprocess.run([*MAIN, *command, "--help"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "usage:" in out.stdout


def test_server_prints_pairing_code_and_serves_https(server_process, tmp_path: Path) -> None:  # noqa: ANN001
    proc, port, name, data, banner = server_process
    cert = ensure_certificate(data)
    assert format_fingerprint(cert.fingerprint) in banner
    # The console's one-time code pairs one device, once.
    console_code = re.search(r"Pairing code for one new device \(works once, until [0-9: -]+\): (\d{4} \d{4} \d{4})", banner).group(1)
    paired = pair(Profile(tmp_path / "tablet"), "127.0.0.1", port, console_code)
    assert paired.fingerprint == cert.fingerprint and paired.name == name
    with pytest.raises(PairingCodeInvalidError):
        pair(Profile(tmp_path / "second"), "127.0.0.1", port, console_code)
    # `admin pairing-code` writes a new code into the running server's database.
    issued = subprocess.run([*MAIN, "admin", "pairing-code", "--data", str(data), "--minutes", "5"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert issued.returncode == 0, issued.stderr
    assert "Pairing code for one new device" in issued.stdout
    code = json.loads(issued.stdout.strip().splitlines()[-1])["code"]
    assert pair(Profile(tmp_path / "second"), "127.0.0.1", port, code).server_id == paired.server_id
    nowhere = subprocess.run([*MAIN, "admin", "pairing-code", "--data", str(tmp_path / "empty")], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert nowhere.returncode == 2 and "There is no chamber database" in nowhere.stderr
    health = httpx.get(f"https://127.0.0.1:{port}/api/v1/health", verify=client_ssl_context(cert.pem), timeout=10).json()
    assert health["status"] == "ok" and health["api"] == 1 and health["name"] == name
    # Plain HTTP is not served.
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).raise_for_status()


def test_discover_lists_the_running_server(server_process) -> None:  # noqa: ANN001
    subprocess.run(["ip", "link", "set", "lo", "multicast", "on"], capture_output=True, check=False)
    proc, port, name, data, _ = server_process
    fingerprint = format_fingerprint(ensure_certificate(data).fingerprint)
    for _ in range(3):  # the server announces itself a moment after it starts
        out = subprocess.run([*MAIN, "discover", "--timeout", "3"], capture_output=True, text=True, cwd=REPO, timeout=60)
        row = next((line for line in out.stdout.splitlines() if name in line), None)
        if row:
            break
    assert row is not None, out.stdout + out.stderr
    assert str(port) in row and fingerprint in row


def test_admin_create_user_then_log_in(tmp_path: Path) -> None:
    data = tmp_path / "chamber"
    created = subprocess.run([*MAIN, "admin", "create-user", "lan.nguyen", "--role", "secretariat", "--data", str(data), "--password-stdin"],
                             input="mat-khau-dai-1\n", capture_output=True, text=True, cwd=REPO, timeout=60)
    assert created.returncode == 0, created.stderr
    assert "lan.nguyen" in created.stdout
    again = subprocess.run([*MAIN, "admin", "create-user", "lan.nguyen", "--role", "secretariat", "--data", str(data), "--password-stdin"],
                           input="mat-khau-dai-1\n", capture_output=True, text=True, cwd=REPO, timeout=60)
    assert again.returncode == 2 and "already taken" in again.stderr
    weak = subprocess.run([*MAIN, "admin", "create-user", "minh", "--role", "chair", "--data", str(data), "--password-stdin"],
                          input="short\n", capture_output=True, text=True, cwd=REPO, timeout=60)
    assert weak.returncode == 2 and "at least 8" in weak.stderr

    from app.services import accounts
    from app.storage.db import Database, sqlite_url

    db = Database(sqlite_url(data / "chamber.db"))
    with db.write() as session:
        result = accounts.login(session, username="lan.nguyen", password="mat-khau-dai-1")
    assert result["account"]["role"] == "secretariat"
    db.dispose()


def test_admin_password_sets_a_new_one_and_signs_out_every_device(tmp_path: Path) -> None:
    """`admin password USERNAME` reads the new password from standard input when it is not a terminal."""
    from app.domain.roles import Actor
    from app.errors import AuthenticationError, SessionExpiredError
    from app.services import accounts
    from app.storage.db import Database, sqlite_url

    data = tmp_path / "chamber"
    data.mkdir()
    db = Database(sqlite_url(data / "chamber.db"))
    db.upgrade()
    with db.write() as session:
        accounts.create_account(session, Actor.system(), username="lan.nguyen", password="mat-khau-dai-1", role="secretariat")
    with db.write() as session:
        token = accounts.login(session, username="lan.nguyen", password="mat-khau-dai-1")["token"]

    unknown = subprocess.run([*MAIN, "admin", "password", "khong.co", "--data", str(data)], input="mat-khau-moi-dai\n", capture_output=True, text=True, cwd=REPO, timeout=60)
    assert unknown.returncode == 2 and "no account with the user name khong.co" in unknown.stderr
    done = subprocess.run([*MAIN, "admin", "password", "lan.nguyen", "--data", str(data)], input="mật khẩu mới thật dài\n", capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "1 device signed out" in done.stdout

    with pytest.raises(SessionExpiredError), db.read() as session:
        accounts.authenticate(session, token)
    with pytest.raises(AuthenticationError), db.write() as session:
        accounts.login(session, username="lan.nguyen", password="mat-khau-dai-1")
    with db.write() as session:
        assert accounts.login(session, username="lan.nguyen", password="mật khẩu mới thật dài")["account"]["username"] == "lan.nguyen"
    db.dispose()
