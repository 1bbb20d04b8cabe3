"""Help → About from the main window's header and from the demo launcher (version, API, licence,
release notes, and the server's version once connected), and the warning banner of a client whose
API is older than its server's (the real server; only the client's own API number is lowered)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app import about
from app.i18n import translate
from tests.ui.conftest import WAIT
from ui.language import switch_language
from ui.views.launcher import Launcher


def test_about_from_the_header_shows_versions_licence_and_notes(open_window, qtbot, tmp_path) -> None:  # noqa: ANN001
    window = open_window("daibieu")
    qtbot.waitUntil(lambda: window.server_health is not None, timeout=WAIT)
    assert not window.version_holder.isVisible()  # same API: no warning

    qtbot.mouseClick(window.header.about_button, Qt.MouseButton.LeftButton)
    dialog = window.about_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.version.text() == translate("Version %(version)s · API %(api)s", "vi") % {"version": about.VERSION, "api": about.CLIENT_API}
    assert window.server_health["version"] in dialog.server_line.text() and dialog.server_line.isVisible()
    assert about.LICENCE in dialog.licence.text()
    assert "Phiên bản đầu tiên" in dialog.notes.toPlainText()
    dialog.grab().save(str(tmp_path / "about_vi.png"))

    switch_language("en")
    try:
        assert dialog.windowTitle() == "About Chamber" and dialog.close_button.text() == "Close"
        assert "First version" in dialog.notes.toPlainText()
        dialog.grab().save(str(tmp_path / "about_en.png"))
    finally:
        switch_language("vi")  # while the session is open: the windows re-read it
    dialog.reject()
    qtbot.waitUntil(lambda: window.about_dialog is None, timeout=WAIT)


def test_an_older_client_is_warned_by_a_banner_in_both_languages(open_window, qtbot, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setattr(about, "CLIENT_API", about.API_VERSION - 1)
    window = open_window("thuky")
    qtbot.waitUntil(lambda: window.version_holder.isVisible(), timeout=WAIT)
    params = {"server_version": about.VERSION, "server_api": about.API_VERSION, "version": about.VERSION, "client_api": about.API_VERSION - 1}
    message = about.ClientOutdatedError.message
    assert window.version_banner.message == translate(message, "vi") % params
    window.grab().save(str(tmp_path / "outdated_vi.png"))
    switch_language("en")
    try:
        assert window.version_banner.message == message % params
        window.grab().save(str(tmp_path / "outdated_en.png"))
    finally:
        switch_language("vi")


def test_the_launcher_has_about_too(qtbot, tmp_path) -> None:  # noqa: ANN001
    launcher = Launcher(council="HĐND")
    qtbot.addWidget(launcher)
    launcher.show()
    qtbot.mouseClick(launcher.about_button, Qt.MouseButton.LeftButton)
    dialog = launcher.about_dialog
    assert dialog.isVisible() and not dialog.server_line.isVisible()  # no server known here
    assert about.VERSION in dialog.version.text()
    dialog.grab().save(str(tmp_path / "about_launcher.png"))
    launcher.grab().save(str(tmp_path / "launcher.png"))
    dialog.reject()
