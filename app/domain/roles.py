"""Roles and what each may do. Every server endpoint and every service names the roles it needs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.i18n import N_


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    DELEGATE = "delegate"
    KIOSK = "kiosk"
    GUEST = "guest"


ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.SECRETARIAT: N_("Secretariat"),
    Role.CHAIR: N_("Chair"),
    Role.DELEGATE: N_("Delegate"),
    Role.KIOSK: N_("Check-in kiosk"),
    Role.GUEST: N_("Guest"),
}

ALL_ROLES = frozenset(Role)
# Who may create and edit meetings and their agendas.
EDITORS = frozenset({Role.ADMIN, Role.SECRETARIAT})
# Who sees every meeting of the chamber (delegates see only their bodies' published meetings).
SEES_ALL_MEETINGS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.KIOSK})
MEMBERS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.DELEGATE, Role.KIOSK})


@dataclass(frozen=True)
class Actor:
    """Who is acting: an authenticated account (or the local system for CLI and demo seeding)."""

    account_id: str | None
    username: str
    role: Role
    person_id: str | None = None
    token_id: str | None = None
    device: str = ""  # the name the device gave at login: every audit row of this actor says it

    @classmethod
    def system(cls) -> "Actor":
        return cls(account_id=None, username="system", role=Role.ADMIN)
