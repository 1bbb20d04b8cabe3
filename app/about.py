"""What a Chamber client says about itself in its About dialog (version, API, licence, release
notes), and whether the server it talks to speaks a newer API than it does.

The server reports its API version in GET /api/v1/health ("api"); a server with a newer API keeps
answering that path so old clients can find out that they must be updated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app import API_VERSION, __version__, i18n
from app.errors import ChamberError
from app.i18n import N_

LICENCE = "AGPL-3.0-or-later"
VERSION = __version__
CLIENT_API = API_VERSION
# Next to app/ in a checkout and in the PyInstaller bundle alike (installers/chamber.spec).
NOTES_DIR = Path(__file__).resolve().parent.parent


class ClientOutdatedError(ChamberError):
    status = 409
    code = "client_outdated"
    message = N_(
        "The server runs a newer Chamber (version %(server_version)s, API %(server_api)s) than this device "
        "(version %(version)s, API %(client_api)s). Some things may not work until Chamber is updated here: "
        "ask your IT office to install the new version."
    )


def release_notes(lang: str | None = None) -> str:
    """The release notes (Markdown) in `lang` when a translation exists, else in English."""
    lang = i18n.normalise(lang or i18n.current_language())
    for name in (f"RELEASE_NOTES.{lang}.md", "RELEASE_NOTES.md"):
        path = NOTES_DIR / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


def check_server_api(health: dict[str, Any], *, client_api: int | None = None) -> ClientOutdatedError | None:
    """The warning to show when the server's API (from its health answer) is newer than ours."""
    ours = CLIENT_API if client_api is None else client_api
    try:
        theirs = int(health.get("api") or 0)
    except (TypeError, ValueError):
        return None  # not a Chamber answer we understand; the connection code reports that
    if theirs <= ours:
        return None
    return ClientOutdatedError(server_version=str(health.get("version") or "?"), server_api=theirs, version=VERSION, client_api=ours)


def fetch_server_check(api: Any) -> ClientOutdatedError | None:  # api: app.net.client.ApiClient
    """Ask the server (blocking: call it on a worker thread). Raises ChamberError when unreachable."""
    return check_server_api(api.health())
