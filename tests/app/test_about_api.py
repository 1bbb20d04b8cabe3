"""About and the API check (app/about.py) against a real server's health answer; and the files that
the About dialog, the translations, the icons and the migrations read at run time are where the
PyInstaller bundle puts them (installers/chamber.spec keeps the source tree's layout)."""

from __future__ import annotations

from pathlib import Path

from app import about, i18n
from app.i18n import translate
from app.net.client import ApiClient
from app.storage import migrate

ROOT = Path(__file__).resolve().parents[2]


def test_release_notes_follow_the_language_and_fall_back_to_english() -> None:
    assert about.release_notes("vi").startswith("# Ghi chú phát hành Chamber")
    assert about.release_notes("en").startswith("# Chamber release notes")
    assert f"## {about.VERSION}" in about.release_notes("en")  # the running version has its notes
    assert f"## {about.VERSION}" in about.release_notes("vi")


def test_a_server_with_a_newer_api_is_reported_with_both_versions(server, server_ctx) -> None:  # noqa: ANN001
    api = ApiClient(f"https://127.0.0.1:{server.port}", pinned_pem=server_ctx.certificate.pem)
    try:
        health = api.health()
        assert about.fetch_server_check(api) is None  # the same release: nothing to say
    finally:
        api.close()
    assert health["api"] == about.CLIENT_API
    assert about.check_server_api(health, client_api=health["api"] + 1) is None  # an older server is not our concern here

    warning = about.check_server_api(health, client_api=health["api"] - 1)
    assert isinstance(warning, about.ClientOutdatedError)
    assert warning.params == {"server_version": health["version"], "server_api": health["api"], "version": about.VERSION, "client_api": health["api"] - 1}
    vi = warning.user_message("vi")
    assert vi != warning.user_message("en") and f"API {health['api']}" in vi and translate(warning.message, "vi") != warning.message


def test_answers_that_are_not_a_chamber_health_are_not_a_warning() -> None:
    assert about.check_server_api({}) is None
    assert about.check_server_api({"api": "two"}) is None
    assert about.check_server_api({"api": None, "version": "9"}) is None


def test_files_read_at_run_time_are_shipped_by_the_bundle_spec_at_the_same_place() -> None:
    spec = (ROOT / "installers" / "chamber.spec").read_text(encoding="utf-8")
    from ui.application import THEME
    from ui.widgets.icons import ICONS

    # Each path below is computed from a module's __file__; the bundle must ship its top folder
    # under the same name relative to the bundle's root.
    for path, shipped in (
        (i18n.TRANSLATIONS_DIR, '"resources"'),
        (ICONS, '"resources"'),
        (THEME, '"resources"'),
        (migrate.MIGRATIONS, '"app/storage/migrations"'),
    ):
        relative = path.relative_to(ROOT).as_posix()
        assert path.exists(), relative
        assert shipped in spec and relative.startswith(shipped.strip('"')), relative
    assert about.NOTES_DIR == ROOT and 'ROOT.glob("RELEASE_NOTES*.md")' in spec
    assert (migrate.MIGRATIONS / "script.py.mako").is_file()
