"""Chamber's entry point: `python main.py [demo|server|client|kiosk|discover|admin|documents|faces] ...`.

It parses the command line and starts the chosen part; everything else lives in app/ and ui/.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from app.config import DEFAULT_PORT, ServerSettings, default_data_dir
from app.errors import ChamberError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Chamber: paperless council meetings. Without a command, runs the demo.")
    parser.add_argument("--lang", choices=("vi", "en"), help="language of the interface (default: vi)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="embedded server on 127.0.0.1 with SQLite and demo data, plus a launcher to open any role's window")
    demo.add_argument("--data", type=Path, help="data directory (default: the user's data directory)/demo")

    server = sub.add_parser("server", help="run a headless chamber server")
    server.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0: every network)")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    server.add_argument("--data", type=Path, help="data directory: database, certificate, documents")
    server.add_argument("--db", help="database URL, e.g. postgresql+psycopg://user@host/chamber (default: SQLite in --data)")
    server.add_argument("--name", help="the chamber's name shown to clients (default: the machine's name)")
    server.add_argument("--no-advertise", action="store_true", help="do not announce the server on the LAN (zeroconf)")
    server.add_argument("--demo", action="store_true", help="fill an empty database with the demo council")

    client = sub.add_parser("client", help="open the Chamber window (connect, log in, meetings)")
    client.add_argument("--data", type=Path, help="client data directory (paired servers, offline cache)")

    kiosk = sub.add_parser("kiosk", help="open the check-in kiosk window")
    kiosk.add_argument("--data", type=Path, help="client data directory")
    kiosk.add_argument("--camera", default="0", help="camera: a device index, a video file or a folder of frames")
    kiosk.add_argument("--fullscreen", action="store_true", help="locked kiosk (e.g. started at boot): full screen, closed only with an administrator's password or the exit PIN")
    kiosk.add_argument("--set-exit-pin", action="store_true", help="set this kiosk's exit PIN (at least 6 digits; asked twice, or one line on stdin with --pin-stdin) and quit")
    kiosk.add_argument("--pin-stdin", action="store_true", help="with --set-exit-pin: read the PIN from the first line of standard input")

    live = sub.add_parser("live", help="open a live meeting window: the chair's console, a delegate's live screen or the hall display")
    live.add_argument("window", choices=("console", "delegate", "hall"), help="console: the chair; delegate: ask to speak and vote; hall: the projector")
    live.add_argument("--data", type=Path, help="client data directory")

    first_run = sub.add_parser("setup", help="first run of a server (a window): the chamber's name, the first administrator, e-mail with a test message, the pairing code")
    first_run.add_argument("--data", type=Path, help="the server's data directory, as given to `server --data`")

    discover = sub.add_parser("discover", help="list Chamber servers found on the LAN")
    discover.add_argument("--timeout", type=float, default=3.0, help="seconds to listen (default 3)")

    admin = sub.add_parser("admin", help="administration commands")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create-user", help="create an account (asks for the password)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=("admin", "secretariat", "chair", "delegate", "kiosk", "guest"))
    create.add_argument("--display-name", default="", help="name shown in the interface")
    where = create.add_mutually_exclusive_group()
    where.add_argument("--data", type=Path, help="the server's data directory (SQLite)")
    where.add_argument("--db", help="database URL")
    create.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    password = admin_sub.add_parser(
        "password", help="set a new password for an account and sign out all its devices",
        description="Set a new password for USERNAME (asked twice; read from the first line of standard input when that is not "
        "a terminal). Every device of the account is signed out; a lockout after failed logins is lifted.",
    )
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    for name, text in (("disable", "disable an account: all its devices are signed out and its logins refused"), ("enable", "enable a disabled account again")):
        admin_sub.add_parser(name, help=text).add_argument("username")
    for account_parser in (password, *(admin_sub.choices[n] for n in ("disable", "enable"))):
        account_where = account_parser.add_mutually_exclusive_group()
        account_where.add_argument("--data", type=Path, help="the server's data directory (SQLite)")
        account_where.add_argument("--db", help="database URL")
    backup = admin_sub.add_parser(
        "backup", help="write a consistent backup (database, documents, server identity) to FILE while the server runs",
        description="Write one tar FILE with every table (read in one transaction, so the server may keep running), the "
        "document store and the server's identity (TLS certificate and key, server.toml, keys/). Keep it as safe as the server: "
        "it holds the private key and confidential documents. Prints progress, then one line of JSON.",
    )
    backup.add_argument("file", type=Path, metavar="FILE")
    restore = admin_sub.add_parser(
        "restore", help="restore FILE into a new, empty data directory or database",
        description="Restore a backup into an empty database (SQLite in --data, or --db; a SQLite backup restores into "
        "PostgreSQL and back) and an empty data directory. Every file is checked against its hash; nothing is overwritten.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    code = admin_sub.add_parser(
        "pairing-code", help="print a new one-time pairing code for a new device (works once, expires)",
        description="Issue a one-time pairing code in the server's database (the server may be running). The code works "
        "for one device, until it expires (15 minutes, or [pairing] code_minutes in server.toml), and is burned after 3 wrong "
        "attempts. Prints the code, then one line of JSON: {\"code\": ..., \"expires_at\": ...}.",
    )
    code.add_argument("--minutes", type=int, help="how long the code works (1 to 1440 minutes)")
    for command_parser in (backup, restore, code):
        command_parser.add_argument("--data", type=Path, help="the server's data directory: documents, certificate (default: the user's data directory)")
        command_parser.add_argument("--db", help="database URL (default: SQLite in the data directory)")

    documents = sub.add_parser("documents", help="document tools")
    documents_sub = documents.add_subparsers(dest="documents_command", required=True)
    check = documents_sub.add_parser(
        "check", help="vet files as an upload would be: one line per file (ok/refused), then a JSON summary",
        description="Vet each FILE as the server does on upload (each in its own process with time and memory limits, "
        "in parallel up to the number of cores). Prints 'ok  <pages> pages  <file>' or 'refused: <reason>  <file>' per file, "
        'then one line of JSON: {"checked": N, "ok": N, "refused": N, "seconds": S}. Always exits 0 once every file is checked.',
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="PDF files (DOCX/XLSX when LibreOffice is installed)")
    check.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per file (default 30)")
    check.add_argument("--memory", type=int, default=1024, help="memory allowed per file, in MB (default 1024)")
    check.add_argument("--jobs", type=int, default=None, help="files checked at once (default: the number of cores)")

    faces = sub.add_parser("faces", help="face check-in tools (calibration)")
    faces_sub = faces.add_subparsers(dest="faces_command", required=True)
    evaluate = faces_sub.add_parser(
        "evaluate", help="measure false accepts/rejects of face check-in on a folder of photos",
        description="FOLDER holds one sub-folder of photos per person (folders starting with _ are skipped). The first usable "
        "photo of each person is enrolled, the others are probed with the kiosk's own matcher and settings; every person is also "
        "left out in turn and probed as an unenrolled visitor. Prints a table per threshold (0.40-0.60), then one line of JSON: "
        '{"threshold": T, "far": F, "frr": R, "unsure": U, "probes": N} for the configured threshold.',
    )
    evaluate.add_argument("folder", type=Path, metavar="FOLDER", help="one sub-folder of photos per person")
    evaluate.add_argument("--config", type=Path, help="a TOML file whose [faces] table holds the kiosk's settings (e.g. DATA/server.toml)")
    evaluate.add_argument("--threshold", type=float, help="distance threshold to report in the JSON line (default: the configured one, 0.50)")
    evaluate.add_argument("--margin", type=float, help="required lead over the second-best person (default: the configured one)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from app import i18n

    i18n.set_language(args.lang or os.environ.get("CHAMBER_LANG") or "vi")
    from app import cli

    command = args.command or "demo"
    try:
        if command == "server":
            settings = ServerSettings(host=args.host, port=args.port, db_url=args.db, name=args.name or "", advertise=not args.no_advertise)
            if args.data:
                settings = settings.with_(data_dir=args.data)
            return cli.run_server(settings.with_config_file(), demo=args.demo)
        if command == "discover":
            return cli.discover_servers(args.timeout)
        if command == "documents":
            return cli.check_documents(args.files, timeout_s=args.timeout, memory_mb=args.memory, jobs=args.jobs)
        if command == "admin" and args.admin_command in ("backup", "restore"):
            run = cli.backup if args.admin_command == "backup" else cli.restore
            return run(args.file, data_dir=args.data, db_url=args.db)
        if command == "admin" and args.admin_command == "pairing-code":
            return cli.issue_pairing_code(data_dir=args.data, db_url=args.db, minutes=args.minutes)
        if command == "faces":
            return cli.evaluate_faces(args.folder, config=args.config, threshold=args.threshold, margin=args.margin)
        if command == "admin" and args.admin_command == "password":
            return cli.reset_password(username=args.username, data_dir=args.data, db_url=args.db, password_stdin=args.password_stdin)
        if command == "admin" and args.admin_command in ("disable", "enable"):
            return cli.set_disabled(username=args.username, disabled=args.admin_command == "disable", data_dir=args.data, db_url=args.db)
        if command == "admin":
            return cli.create_user(
                username=args.username, role=args.role, data_dir=args.data, db_url=args.db, password_stdin=args.password_stdin, display_name=args.display_name
            )
        from ui.application import run_client, run_demo, run_kiosk, run_live, run_setup

        if command == "setup":
            return run_setup(data_dir=args.data or ServerSettings().data_dir, language=args.lang)

        if command == "client":
            return run_client(data_dir=args.data or default_data_dir() / "client", language=args.lang)
        if command == "kiosk":
            kiosk_data = args.data or default_data_dir() / "kiosk"
            if args.set_exit_pin:
                return cli.set_kiosk_exit_pin(kiosk_data, pin_stdin=args.pin_stdin)
            return run_kiosk(data_dir=kiosk_data, camera=args.camera, language=args.lang, locked=args.fullscreen)
        if command == "live":
            return run_live(data_dir=args.data or default_data_dir() / f"live-{args.window}", window=args.window, language=args.lang)
        return run_demo(data_dir=getattr(args, "data", None) or default_data_dir() / "demo", language=args.lang)
    except ChamberError as err:
        return cli.report(err)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # In a PyInstaller bundle, the PDF vetting fork server and its children re-enter here.
    import multiprocessing

    multiprocessing.freeze_support()
    # Without a console (chamberw.exe on Windows, a desktop launcher) there are no standard streams;
    # print() and uvicorn's log set-up (the demo's embedded server) need them.
    for _stream in ("stdout", "stderr"):
        if getattr(sys, _stream) is None:
            setattr(sys, _stream, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - for the whole process
    sys.exit(main())
