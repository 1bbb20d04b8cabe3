"""Face-data consent rules shared by the server and the clients: who keeps consent records and
what a consent names (the version of the text the person agreed to)."""

from __future__ import annotations

from app.domain.roles import Role
from app.errors import InvalidInputError
from app.i18n import N_

KEEPERS = frozenset({Role.ADMIN, Role.SECRETARIAT})
MAX_TEXT_VERSION = 40


class ConsentTextVersionError(InvalidInputError):
    message = N_("Name the version of the consent text the person agreed to (at most %(limit)d characters).")


def clean_text_version(value: str | None) -> str:
    version = (value or "").strip()
    if not version or len(version) > MAX_TEXT_VERSION:
        raise ConsentTextVersionError(limit=MAX_TEXT_VERSION)
    return version
