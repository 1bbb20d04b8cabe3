"""Failed logins per network address: after too many in a window, that address must wait, whatever
account it tries. The per-account lockout (app/services/accounts.py) stops guessing one password;
this stops one machine guessing many accounts' passwords. In memory: a restart forgets, which is
acceptable for a limit counted in minutes."""

from __future__ import annotations

import threading
import time
from collections import deque

from app.errors import TooManyAttemptsError


class FailureLimiter:
    def __init__(self, *, max_failures: int = 20, window_s: float = 300.0, clock=time.monotonic) -> None:  # noqa: ANN001
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        seen = self._failures.setdefault(address, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        return seen

    def check(self, address: str) -> None:
        """Raise TooManyAttemptsError if `address` has failed too often lately."""
        with self._lock:
            now = self._clock()
            seen = self._recent(address, now)
            if len(seen) >= self.max_failures:
                raise TooManyAttemptsError(seconds=int(seen[0] + self.window_s - now) + 1)
            if not seen:
                self._failures.pop(address, None)  # keep the table small

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address, self._clock()).append(self._clock())
