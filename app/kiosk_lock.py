"""Leaving a locked kiosk (`main.py kiosk --fullscreen`): only an administrator may close it.

Two ways, so that a kiosk cut off from the server can still be closed by the IT office: an admin
account's user name and password, checked by the server (the login made for the check is revoked
at once, so it leaves no session behind), or this kiosk's own exit PIN, set with
`main.py kiosk --set-exit-pin` and kept as an Argon2 hash in the kiosk's profile. Wrong answers
are counted: after MAX_FAILURES the kiosk refuses every answer for LOCKOUT_S seconds (the
server has its own limit on password attempts).
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from app.domain.roles import Role
from app.errors import AuthenticationError, InvalidInputError, PermissionDeniedError, TooManyAttemptsError
from app.i18n import N_
from app.net.client import ApiClient
from app.sync.profile import PairedServer, Profile

PIN_SETTING = "kiosk_exit_pin"
MIN_PIN_DIGITS = 6
MAX_FAILURES = 5
LOCKOUT_S = 60.0
_hasher = PasswordHasher()


class WrongExitPinError(AuthenticationError):
    code = "wrong_exit_pin"
    message = N_("Wrong PIN.")


class NoExitPinError(AuthenticationError):
    code = "no_exit_pin"
    message = N_("This kiosk has no exit PIN. Use an administrator's user name and password.")


class NotAnAdministratorError(PermissionDeniedError):
    code = "not_an_administrator"
    message = N_("Only an administrator can close the kiosk.")


class ExitPinFormatError(InvalidInputError):
    code = "exit_pin_format"
    message = N_("The exit PIN must be at least %(digits)d digits, and digits only.")


def set_exit_pin(profile: Profile, pin: str) -> None:
    if not (pin.isascii() and pin.isdigit()) or len(pin) < MIN_PIN_DIGITS:  # ASCII: what a kiosk's keypad types
        raise ExitPinFormatError(digits=MIN_PIN_DIGITS)
    profile.set_setting(PIN_SETTING, _hasher.hash(pin))


def has_exit_pin(profile: Profile) -> bool:
    return bool(profile.get_setting(PIN_SETTING))


def check_admin_password(server: PairedServer, username: str, password: str) -> None:
    """Raises unless `username` is an administrator with this password (blocking: a worker thread)."""
    api = ApiClient(server.url, pinned_pem=server.pem)
    try:
        result = api.login(username, password, device_name="kiosk exit check")
        try:
            role = result["account"]["role"]
        finally:
            api.logout()
    finally:
        api.close()
    if role != Role.ADMIN.value:
        raise NotAnAdministratorError()


class ExitLock:
    """What the kiosk's exit dialog asks. Thread-safe: the password check runs on a worker thread."""

    def __init__(self, profile: Profile, server: PairedServer, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.profile = profile
        self.server = server
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._locked_until = 0.0

    @property
    def has_pin(self) -> bool:
        return has_exit_pin(self.profile)

    def _guard(self) -> None:
        with self._lock:
            left = self._locked_until - self.clock()
            if left > 0:
                raise TooManyAttemptsError(seconds=int(left) + 1)

    def _failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= MAX_FAILURES:
                self._failures = 0
                self._locked_until = self.clock() + LOCKOUT_S

    def check_pin(self, pin: str) -> None:
        self._guard()
        stored = self.profile.get_setting(PIN_SETTING)
        if not stored:
            raise NoExitPinError()
        try:
            _hasher.verify(stored, pin)
        except (VerifyMismatchError, InvalidHashError):
            self._failed()
            raise WrongExitPinError() from None

    def check_admin(self, username: str, password: str) -> None:
        self._guard()
        try:
            check_admin_password(self.server, username, password)
        except (AuthenticationError, PermissionDeniedError):
            self._failed()
            raise
