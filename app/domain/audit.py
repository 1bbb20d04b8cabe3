"""The audit log's rules shared by server and client: who reads it, and how much at a time."""

from __future__ import annotations

from app.domain.roles import Role

READERS = frozenset({Role.ADMIN})
MAX_LIMIT = 1000  # entries in one page of the log
DEFAULT_LIMIT = 200
MAX_FILTER = 200  # characters of a user name, action prefix or search text
