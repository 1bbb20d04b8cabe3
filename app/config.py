"""Typed settings of a Chamber server or client: where data lives, which database, which address,
how e-mail is sent.

Each option is declared once here with its type and default. The command line (main.py) fills
them; a server also reads `DATA/server.toml` (SMTP, reminders; see README) and `CHAMBER_*`
environment variables for deployments (systemd units).
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_data_dir

from app.errors import InvalidInputError
from app.i18n import N_
from app.mail.smtp import SmtpSettings
from app.storage.db import sqlite_url

DEFAULT_PORT = 8443
CONFIG_FILE = "server.toml"


class ConfigFileError(InvalidInputError):
    message = N_("The configuration file %(path)s cannot be used: %(detail)s")


def default_data_dir() -> Path:
    env = os.environ.get("CHAMBER_DATA")
    return Path(env) if env else Path(user_data_dir("Chamber", appauthor=False))


@dataclass(frozen=True)
class InvitationSettings:
    reminder_hours_before: float = 24.0
    sms_cost_vnd: int = 850
    sms_per_invitation: float = 3.0  # invitation, change notice and reminder, as the city counted


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path = field(default_factory=default_data_dir)
    db_url: str | None = None
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    name: str = ""
    advertise: bool = True
    smtp: SmtpSettings | None = None
    invitations: InvitationSettings = field(default_factory=InvitationSettings)
    pairing_code_minutes: int = 15  # how long a new pairing code works ([pairing] code_minutes)

    @property
    def database_url(self) -> str:
        return self.db_url or os.environ.get("CHAMBER_DB") or sqlite_url(self.data_dir / "chamber.db")

    @property
    def display_name(self) -> str:
        return self.name or os.environ.get("CHAMBER_NAME") or f"Chamber ({socket.gethostname()})"

    def with_(self, **changes) -> "ServerSettings":
        return replace(self, **changes)

    def with_config_file(self) -> "ServerSettings":
        """Read DATA/server.toml if it exists; values given on the command line win."""
        path = self.data_dir / CONFIG_FILE
        if not path.exists():
            return self
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            smtp = raw.get("smtp")
            inv = raw.get("invitations", {})
            changes: dict = {}
            if smtp:
                if "password_file" in smtp:
                    smtp = {**smtp, "password_file": Path(smtp["password_file"])}
                changes["smtp"] = SmtpSettings(**smtp)
            if inv:
                changes["invitations"] = InvitationSettings(**inv)
            if "pairing" in raw and "code_minutes" in raw["pairing"]:
                changes["pairing_code_minutes"] = int(raw["pairing"]["code_minutes"])
            if raw.get("name") and not self.name:
                changes["name"] = str(raw["name"])
        except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
            raise ConfigFileError(path=str(path), detail=str(exc)[:200]) from None
        return replace(self, **changes)

