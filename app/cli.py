"""The command-line side of Chamber: server, discover, admin, documents and faces commands (no Qt here).

`main.py` parses the arguments and calls these; the windows (client, kiosk, demo) are started by
ui/application.py.
"""

from __future__ import annotations

import getpass
import json
import logging
import sys
from pathlib import Path
from typing import Callable

from app.config import ServerSettings
from app.domain.roles import Actor
from app.errors import ChamberError, InvalidInputError
from app.i18n import N_, _, ngettext
from app.net.tls import format_fingerprint
from app.storage.db import Database, sqlite_url

log = logging.getLogger(__name__)


class NoChamberHereError(InvalidInputError):
    message = N_("There is no chamber database in %(folder)s. Give the server's data folder with --data, or its database with --db.")


def run_server(settings: ServerSettings, *, demo: bool = False) -> int:
    from app.demo import seed
    from app.server.context import ServerContext
    from app.server.runner import ServerRunner

    ctx = ServerContext.open(settings)
    if demo and seed(ctx.db, settings.data_dir):
        print(_("Demo council created (password for every demo account: %s).") % "chamber-demo")
    runner = ServerRunner(ctx, host=settings.host, port=settings.port, advertise=settings.advertise, log_level="info")
    cert = ctx.certificate
    print(_("Chamber server \"%(name)s\" is listening on https://%(host)s:%(port)s") % {"name": ctx.name, "host": settings.host, "port": runner.port})
    print(_("Database: %s") % ctx.db.url.render_as_string(hide_password=True))
    print(_pairing_line(_issue_code(ctx.db, settings.pairing_code_minutes)))
    print(_("Certificate fingerprint: %s") % format_fingerprint(cert.fingerprint))
    if settings.smtp is None:
        print(_("E-mail is not configured (no [smtp] in %s): invitations are sent in the app only.") % (settings.data_dir / "server.toml"))
    else:
        print(_("Invitations are also e-mailed through %(host)s:%(port)s as %(sender)s.") % {"host": settings.smtp.host, "port": settings.smtp.port, "sender": settings.smtp.sender})
    sys.stdout.flush()
    runner.serve_forever()
    return 0


def _issue_code(db: Database, minutes: int):  # noqa: ANN202
    from datetime import timedelta

    from app.services import pairing

    with db.write() as session:
        return pairing.issue_code(session, Actor.system(), lifetime=timedelta(minutes=minutes))


def _pairing_line(issued) -> str:  # noqa: ANN001
    # Local time: the person at the console reads the wall clock.
    until = issued.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return _("Pairing code for one new device (works once, until %(until)s): %(code)s") % {"until": until, "code": issued.code}


def issue_pairing_code(*, data_dir: Path | None, db_url: str | None, minutes: int | None = None) -> int:
    """`admin pairing-code`: a fresh one-time code, written to the database the server uses; the
    last line is JSON (code, expires_at)."""
    settings = ServerSettings(data_dir=data_dir or ServerSettings().data_dir, db_url=db_url).with_config_file()
    if db_url is None and not (settings.data_dir / "chamber.db").is_file():
        raise NoChamberHereError(folder=str(settings.data_dir))
    db = Database(settings.database_url)
    try:
        db.upgrade()
        issued = _issue_code(db, minutes or settings.pairing_code_minutes)
    finally:
        db.dispose()
    print(_pairing_line(issued))
    print(dump({"code": issued.code, "expires_at": issued.as_dict()["expires_at"]}))
    return 0


def discover_servers(timeout: float) -> int:
    from app.net.discovery import discover

    servers = discover(timeout=timeout)
    if not servers:
        print(_("No Chamber server found on this network in %s seconds. You can still connect by address.") % timeout)
        return 1
    rows = [(s.name, s.address, str(s.port), format_fingerprint(s.fingerprint)) for s in servers]
    header = (_("Name"), _("Address"), _("Port"), _("Certificate fingerprint"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return 0


def create_user(*, username: str, role: str, data_dir: Path | None, db_url: str | None, password_stdin: bool, display_name: str = "") -> int:
    from app.services import accounts

    url = db_url or sqlite_url((data_dir or ServerSettings().data_dir) / "chamber.db")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = _read_new_password(_("Password for %s: ") % username, from_stdin=False)
    db = Database(url)
    try:
        db.upgrade()
        with db.write() as session:
            account = accounts.create_account(session, Actor.system(), username=username, password=password, role=role, display_name=display_name)
    finally:
        db.dispose()
    print(_("Account %(username)s created with the role %(role)s.") % account)
    return 0


def _read_new_password(prompt: str, *, from_stdin: bool) -> str:
    """The new password: typed twice at a terminal, or the first line of standard input."""
    from app.domain.passwords import PasswordMismatchError

    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(prompt)
    if getpass.getpass(_("Repeat the password: ")) != password:
        raise PasswordMismatchError()
    return password


def reset_password(*, username: str, data_dir: Path | None, db_url: str | None, password_stdin: bool = False) -> int:
    """`admin password USERNAME`: a new password, every device of the account signed out. A
    running server closes those devices' event streams when they next reconnect or call it."""
    from app.services import accounts

    db = Database(db_url or sqlite_url((data_dir or ServerSettings().data_dir) / "chamber.db"))
    try:
        db.upgrade()
        with db.read() as session:
            accounts.find_account(session, username)  # an unknown name is said before the password is asked
        password = _read_new_password(_("New password for %s: ") % username, from_stdin=password_stdin)
        with db.write() as session:
            account = accounts.find_account(session, username)
            result = accounts.reset_password(session, Actor.system(), account.id, password)
    finally:
        db.dispose()
    count = result["signed_out_devices"]
    print(ngettext("New password set for %(username)s; %(count)s device signed out.", "New password set for %(username)s; %(count)s devices signed out.", count)
          % {"username": username, "count": count})
    return 0


def set_disabled(*, username: str, disabled: bool, data_dir: Path | None, db_url: str | None) -> int:
    """`admin disable USERNAME` / `admin enable USERNAME`."""
    from app.services import accounts

    db = Database(db_url or sqlite_url((data_dir or ServerSettings().data_dir) / "chamber.db"))
    try:
        db.upgrade()
        with db.write() as session:
            result = accounts.set_disabled(session, Actor.system(), accounts.find_account(session, username).id, disabled)
    finally:
        db.dispose()
    if disabled:
        count = result["signed_out_devices"]
        print(ngettext("Account %(username)s disabled; %(count)s device signed out.", "Account %(username)s disabled; %(count)s devices signed out.", count)
              % {"username": username, "count": count})
    else:
        print(_("Account %(username)s enabled again.") % {"username": username})
    return 0


def check_documents(files: list[Path], *, timeout_s: float = 30.0, memory_mb: int = 1024, jobs: int | None = None) -> int:
    """`documents check`: vet files in parallel; one line each, in the order given, then JSON counts.
    The line formats are read by scripts: keep them."""
    import os
    import time
    from concurrent.futures import ThreadPoolExecutor

    from app.pdf.check import check_file

    started = time.monotonic()
    ok = 0
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chamber-check") as pool:
        for path, result in zip(files, pool.map(lambda f: check_file(f, timeout_s=timeout_s, memory_mb=memory_mb), files)):
            if result.ok:
                ok += 1
                print(f"ok  {result.pages} pages  {path}", flush=True)
            else:
                print(f"refused: {result.error().user_message()}  {path}", flush=True)
    print(dump({"checked": len(files), "ok": ok, "refused": len(files) - ok, "seconds": round(time.monotonic() - started, 2)}), flush=True)
    return 0


def _progress_printer() -> Callable[[str, float], None]:
    """Progress on stderr, one line per stage and tenth, so a log stays short and a person sees it move."""
    shown: dict[str, int] = {}
    stages = {"database": N_("database"), "files": N_("files")}

    def show(stage: str, fraction: float) -> None:
        step = int(fraction * 10)
        if shown.get(stage) != step:
            shown[stage] = step
            print(_("%(stage)s: %(percent)s%%") % {"stage": _(stages.get(stage, stage)), "percent": step * 10}, file=sys.stderr, flush=True)

    return show


def backup(file: Path, *, data_dir: Path | None, db_url: str | None) -> int:
    """`admin backup FILE`: the last line is JSON (file, rows, tables, files, bytes, seconds, revision)."""
    from app import backup as backups

    data_dir = data_dir or ServerSettings().data_dir
    if db_url is None and not (data_dir / "chamber.db").is_file():
        raise backups.BackupError(reason=N_("there is no chamber database in this data folder"))
    db = Database(db_url or sqlite_url(data_dir / "chamber.db"))
    try:
        summary = backups.backup(db, data_dir, file, progress=_progress_printer())
    finally:
        db.dispose()
    print(_("Backup written to %(file)s.") % {"file": summary.path})
    print(dump(summary.as_dict()))
    return 0


def restore(file: Path, *, data_dir: Path | None, db_url: str | None) -> int:
    """`admin restore FILE` into an empty data directory / database; the last line is JSON."""
    from app import backup as backups

    data_dir = data_dir or ServerSettings().data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(db_url or sqlite_url(data_dir / "chamber.db"))
    try:
        result = backups.restore(db, data_dir, file, progress=_progress_printer())
    finally:
        db.dispose()
    print(_("Restored %(rows)s rows and %(files)s files into %(folder)s.") % {**result, "folder": data_dir})
    print(dump(result))
    return 0


def evaluate_faces(folder: Path, *, config: Path | None = None, threshold: float | None = None, margin: float | None = None) -> int:
    """`faces evaluate`: the calibration report of app/faces/evaluate.py; its last line is JSON."""
    from app.faces.evaluate import evaluate, print_report
    from app.faces.settings import load_face_settings

    settings = load_face_settings(config)
    changes = {k: v for k, v in (("threshold", threshold), ("margin", margin)) if v is not None}
    if changes:
        settings = settings.with_(**changes)
    print_report(evaluate(folder, settings), sys.stdout)
    sys.stdout.flush()
    return 0


class PinMismatchError(InvalidInputError):
    message = N_("The two PINs are not the same.")


def set_kiosk_exit_pin(data_dir: Path, *, pin_stdin: bool = False) -> int:
    """`kiosk --set-exit-pin`: the PIN that closes this locked kiosk without the server (app/kiosk_lock.py)."""
    from app.kiosk_lock import set_exit_pin
    from app.sync.profile import Profile

    if pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass(_("Exit PIN for this kiosk: "))
        if getpass.getpass(_("Repeat the PIN: ")) != pin:
            raise PinMismatchError()
    set_exit_pin(Profile(data_dir), pin)
    print(_("Exit PIN set for the kiosk in %s.") % data_dir)
    return 0


def report(err: ChamberError) -> int:
    print(_("Error: %s") % err.user_message(), file=sys.stderr)
    return 2


def dump(obj) -> str:  # noqa: ANN001
    return json.dumps(obj, ensure_ascii=False)
