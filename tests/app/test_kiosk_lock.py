"""Leaving a locked kiosk (app/kiosk_lock.py): the exit PIN (hashed, format, lockout after repeated
failures) and an administrator's password checked by the real server, whose login is revoked at once;
and `main.py kiosk --set-exit-pin`."""

from __future__ import annotations

import io
import sys

import pytest
from sqlalchemy import select

from app import i18n
from app.demo import DEMO_PASSWORD
from app.errors import AuthenticationError, ServerUnreachableError, TooManyAttemptsError
from app.kiosk_lock import (
    LOCKOUT_S,
    MAX_FAILURES,
    PIN_SETTING,
    ExitLock,
    ExitPinFormatError,
    NoExitPinError,
    NotAnAdministratorError,
    WrongExitPinError,
    set_exit_pin,
)
from app.storage.models import DeviceToken
from app.sync.profile import PairedServer, Profile


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _offline_server() -> PairedServer:
    return PairedServer(server_id="x", name="x", host="127.0.0.1", port=9, fingerprint="", pem="", paired_at="")


def test_exit_pin_is_stored_hashed_and_checked(tmp_path) -> None:  # noqa: ANN001
    profile = Profile(tmp_path / "kiosk")
    lock = ExitLock(profile, _offline_server())
    assert not lock.has_pin
    with pytest.raises(NoExitPinError):
        lock.check_pin("246810")
    for bad in ("12345", "12345a", "", "１２３４５６"):  # too short, not digits, full-width digits
        with pytest.raises(ExitPinFormatError):
            set_exit_pin(profile, bad)
    set_exit_pin(profile, "246810")
    assert lock.has_pin and "246810" not in profile.path.read_text()
    assert profile.get_setting(PIN_SETTING).startswith("$argon2")
    with pytest.raises(WrongExitPinError):
        lock.check_pin("246811")
    lock.check_pin("246810")


def test_repeated_failures_lock_every_answer_for_a_while(tmp_path) -> None:  # noqa: ANN001
    profile = Profile(tmp_path / "kiosk")
    set_exit_pin(profile, "246810")
    clock = Clock()
    lock = ExitLock(profile, _offline_server(), clock=clock)
    for _n in range(MAX_FAILURES):
        with pytest.raises(WrongExitPinError):
            lock.check_pin("000000")
    with pytest.raises(TooManyAttemptsError):
        lock.check_pin("246810")  # even the right PIN, while locked
    clock.now += LOCKOUT_S - 1
    with pytest.raises(TooManyAttemptsError):
        lock.check_pin("246810")
    clock.now += 2
    lock.check_pin("246810")


def test_an_administrator_password_is_checked_by_the_server_and_leaves_no_session(make_profile, server_ctx) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    lock = ExitLock(profile, paired)
    lock.check_admin("admin", DEMO_PASSWORD)
    with pytest.raises(NotAnAdministratorError):
        lock.check_admin("kiosk", DEMO_PASSWORD)  # the kiosk's own account may not close it
    with pytest.raises(AuthenticationError):
        lock.check_admin("admin", "not-the-password")
    with server_ctx.db.read() as session:
        checks = session.scalars(select(DeviceToken).where(DeviceToken.device_name == "kiosk exit check")).all()
    assert len(checks) == 2 and all(token.revoked_at is not None for token in checks)


def test_an_unreachable_server_leaves_the_pin(tmp_path, server_ctx) -> None:  # noqa: ANN001
    profile = Profile(tmp_path / "kiosk")
    set_exit_pin(profile, "246810")
    # The paired server's certificate, but nothing listens any more where it was.
    lock = ExitLock(profile, PairedServer(server_id=server_ctx.server_id, name="x", host="127.0.0.1", port=9, fingerprint="", pem=server_ctx.certificate.pem, paired_at=""))
    with pytest.raises(ServerUnreachableError):
        lock.check_admin("admin", DEMO_PASSWORD)
    lock.check_pin("246810")


def test_set_exit_pin_from_the_command_line(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    import main

    language = i18n.current_language()
    try:
        monkeypatch.setattr(sys, "stdin", io.StringIO("135790\n"))
        assert main.main(["--lang", "en", "kiosk", "--set-exit-pin", "--pin-stdin", "--data", str(tmp_path / "kiosk")]) == 0
        assert "Exit PIN set" in capsys.readouterr().out
        ExitLock(Profile(tmp_path / "kiosk"), _offline_server()).check_pin("135790")
        monkeypatch.setattr(sys, "stdin", io.StringIO("1357\n"))
        assert main.main(["--lang", "en", "kiosk", "--set-exit-pin", "--pin-stdin", "--data", str(tmp_path / "kiosk")]) == 2
        assert "at least 6 digits" in capsys.readouterr().err
    finally:
        i18n.set_language(language)  # main() sets the process's language; later tests expect theirs
