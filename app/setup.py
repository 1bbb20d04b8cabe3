"""First run of a chamber server (`main.py setup --data DIR`, ui/views/setup_wizard.py): the chamber's
name, the first administrator, optional e-mail (SMTP) with a test message, and a one-time pairing code and
the certificate fingerprint to give to the devices.

It works on the data directory itself, like `admin create-user`, so it can run before the service is
started (or while it runs: SQLite in WAL mode). The name and the SMTP settings go into
DATA/server.toml, which the server reads when it starts; other tables of that file are kept as they
are. An SMTP password is written to DATA/smtp-password (0600), never into server.toml.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.config import CONFIG_FILE, ServerSettings
from app.domain.roles import Actor, Role
from app.errors import InvalidInputError
from app.i18n import N_, _
from app.mail.compose import compose
from app.mail.smtp import SmtpConnection, SmtpSettings
from app.net.tls import format_fingerprint
from app.storage.models import Account

SMTP_PASSWORD_FILE = "smtp-password"
SECURITIES = ("starttls", "ssl", "none")


class ChamberNameRequiredError(InvalidInputError):
    message = N_("Enter the chamber's name, as devices should show it.")


class SmtpSettingsError(InvalidInputError):
    message = N_("The e-mail settings are not complete: %(detail)s")


@dataclass(frozen=True)
class ChamberInfo:
    name: str
    server_id: str
    fingerprint: str  # formatted AA:BB:…
    admins: int


def open_chamber(data_dir: Path, *, name: str = "") -> ChamberInfo:
    """Create (first time) or open the chamber in `data_dir`: schema, identity, certificate; `name` renames it."""
    from app.server.context import ServerContext

    settings = ServerSettings(data_dir=Path(data_dir), name=name.strip())
    ctx = ServerContext.open(settings if settings.name else settings.with_config_file())
    try:
        with ctx.db.read() as session:
            admins = session.scalar(select(func.count()).select_from(Account).where(Account.role == Role.ADMIN.value, Account.disabled.is_(False))) or 0
        cert = ctx.certificate
        return ChamberInfo(name=ctx.name, server_id=ctx.server_id, fingerprint=format_fingerprint(cert.fingerprint), admins=int(admins))
    finally:
        ctx.db.dispose()


def pairing_code(data_dir: Path, code_id: str | None = None):  # noqa: ANN201 - app.services.pairing.IssuedCode
    """The one-time code to show on the last page: `code_id` while it works, else a new one."""
    from app.services.pairing import code_to_show
    from app.storage.db import Database

    settings = ServerSettings(data_dir=Path(data_dir)).with_config_file()
    db = Database(settings.database_url)
    try:
        return code_to_show(db, code_id, minutes=settings.pairing_code_minutes)
    finally:
        db.dispose()


def create_admin(data_dir: Path, *, username: str, password: str, display_name: str = "") -> dict:
    """The first (or another) administrator; the same checks as every account (name, password strength)."""
    from app.services import accounts
    from app.storage.db import Database, sqlite_url

    db = Database(sqlite_url(Path(data_dir) / "chamber.db"))
    try:
        db.upgrade()
        with db.write() as session:
            return accounts.create_account(session, Actor.system(), username=username, password=password, role=Role.ADMIN.value, display_name=display_name)
    finally:
        db.dispose()


# --- server.toml ------------------------------------------------------------------------------
_TABLE = re.compile(r"^\s*\[")


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _without(lines: list[str], *, key: str | None = None, table: str | None = None) -> list[str]:
    """`lines` without the top-level `key = …` line, or without the whole `[table]`."""
    out: list[str] = []
    current: str | None = None
    for line in lines:
        if _TABLE.match(line):
            current = line.strip().strip("[]").strip()
        if table is not None and current == table:
            continue
        if key is not None and current is None and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            continue
        out.append(line)
    return out


def _rewrite(data_dir: Path, edit) -> Path:  # noqa: ANN001 - edit(lines) -> lines
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONFIG_FILE
    lines = edit(path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
    while lines and not lines[-1].strip():
        lines.pop()
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    ServerSettings(data_dir=data_dir).with_config_file()  # what the server will read: refused now, not at its start
    return path


def save_name(data_dir: Path, name: str) -> Path:
    """The chamber's name as the first line of DATA/server.toml (the rest of the file is kept)."""
    name = name.strip()
    if not name:
        raise ChamberNameRequiredError()
    return _rewrite(data_dir, lambda lines: [f"name = {_toml_string(name)}", *_without(lines, key="name")])


def save_smtp(data_dir: Path, smtp: dict | None, *, password: str | None = None) -> Path:
    """The [smtp] table of DATA/server.toml from the wizard's fields (None: no e-mail, the table goes).
    With a user name, the password goes to DATA/smtp-password (0600), named by `password_file`."""
    data_dir = Path(data_dir)
    table: list[str] = []
    if smtp is not None:
        settings = smtp_settings(smtp, data_dir=data_dir)
        table = ["", "[smtp]", f"host = {_toml_string(settings.host)}", f"port = {settings.port}", f"security = {_toml_string(settings.security)}"]
        if settings.user:
            table += [f"user = {_toml_string(settings.user)}", f"password_file = {_toml_string(str(data_dir / SMTP_PASSWORD_FILE))}"]
        table += [f"sender = {_toml_string(settings.sender)}", f"sender_name = {_toml_string(settings.sender_name)}"]
        if settings.user and password is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(data_dir / SMTP_PASSWORD_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(password)

    def edit(lines: list[str]) -> list[str]:
        kept = _without(lines, table="smtp")
        while kept and not kept[-1].strip():
            kept.pop()
        return kept + table

    return _rewrite(data_dir, edit)


def smtp_settings(fields: dict, *, data_dir: Path, password: str | None = None) -> SmtpSettings:
    """SmtpSettings from the wizard's fields (host, port, security, user, sender, sender_name)."""
    host = str(fields.get("host") or "").strip()
    sender = str(fields.get("sender") or "").strip()
    security = str(fields.get("security") or "starttls")
    try:
        port = int(fields.get("port") or 587)
    except (TypeError, ValueError):
        raise SmtpSettingsError(detail="port") from None
    if not host:
        raise SmtpSettingsError(detail="host")
    if "@" not in sender:
        raise SmtpSettingsError(detail="sender")
    if security not in SECURITIES or not 0 < port < 65536:
        raise SmtpSettingsError(detail="security/port")
    user = str(fields.get("user") or "").strip() or None
    common = dict(host=host, port=port, security=security, user=user, sender=sender, sender_name=str(fields.get("sender_name") or "Chamber").strip(),
                  verify_tls=bool(fields.get("verify_tls", True)), timeout=float(fields.get("timeout") or 20.0))
    if password is not None:
        return _GivenPasswordSmtpSettings(**common, given_password=password)
    return SmtpSettings(**common)


@dataclass(frozen=True)
class _GivenPasswordSmtpSettings(SmtpSettings):
    """For the test message: the wizard has the password in hand, not yet in its file."""

    given_password: str | None = None

    def password(self) -> str | None:
        return self.given_password


def send_test_email(settings: SmtpSettings, to_addr: str, *, chamber: str) -> None:
    """One short message to `to_addr` through `settings` (blocking). Raises MailError with the reason."""
    to_addr = to_addr.strip()
    if "@" not in to_addr:
        raise SmtpSettingsError(detail="to")
    message = compose(settings, to_addr=to_addr, to_name="", subject=_("Chamber: test e-mail from %(chamber)s") % {"chamber": chamber},
                      text_body=_("This test e-mail was sent by the Chamber server of %(chamber)s: its e-mail settings work.") % {"chamber": chamber} + "\n",
                      ics=None, ics_method=None, message_key="setup-test")
    conn = SmtpConnection(settings)
    try:
        conn.send(message)
    finally:
        conn.close()
