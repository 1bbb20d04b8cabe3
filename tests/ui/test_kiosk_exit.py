"""A locked kiosk (`main.py kiosk --fullscreen`) stays open and full screen until an administrator's
password (checked by the real server) or the kiosk's exit PIN is given; the session ending still
brings the login screen back."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QWidget

from app.demo import DEMO_PASSWORD
from app.i18n import translate
from app.kiosk_lock import NotAnAdministratorError, set_exit_pin
from app.sync.session import ChamberSession
from tests.ui.conftest import WAIT
from ui.flows.client import ClientFlow
from ui.language import switch_language
from ui.views.kiosk_exit import KioskExitGuard


@pytest.fixture
def locked_kiosk(qtbot, tasks, make_profile):  # noqa: ANN001, ANN201
    """locked_kiosk(pin="") → (flow, window, guard): the kiosk account's locked window, full screen."""
    opened: list[tuple[QWidget, KioskExitGuard]] = []

    def open_(pin: str = ""):  # noqa: ANN202
        flow, window, guard = _locked_kiosk(qtbot, tasks, make_profile, pin=pin)
        opened.append((window, guard))
        return flow, window, guard

    yield open_
    for window, guard in opened:  # a failed test must not leave a window nobody can close
        if shiboken6.isValid(window):
            guard.release()
            window.close()


def _locked_kiosk(qtbot, tasks, make_profile, *, pin: str = ""):  # noqa: ANN001, ANN202
    profile, paired = make_profile()
    if pin:
        set_exit_pin(profile, pin)
    flow = ClientFlow(profile, tasks, kiosk_camera="/dev/video2", discover=False, full_screen=True, kiosk_locked=True)
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = flow.open_window(session)
    guard: KioskExitGuard = window.exit_guard
    qtbot.waitUntil(lambda: window.isVisible() and window.isFullScreen(), timeout=WAIT)
    return flow, window, guard


def _ask(qtbot, window, guard):  # noqa: ANN001, ANN202
    assert window.close() is False  # Ctrl+Q, Alt+F4 and the window manager all come here
    qtbot.waitUntil(lambda: guard.dialog is not None and guard.dialog.isVisible(), timeout=WAIT)
    assert window.isVisible()
    return guard.dialog


def test_only_an_administrator_password_closes_the_locked_kiosk(qtbot, locked_kiosk, tmp_path) -> None:  # noqa: ANN001
    _flow, window, guard = locked_kiosk()
    window.showNormal()  # leaving full screen is undone at once
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT)

    dialog = _ask(qtbot, window, guard)
    assert not dialog.pin.isVisible()  # no exit PIN on this kiosk: only the password way
    dialog.check()
    assert dialog.error.text() == translate("Enter an administrator's user name and password.", "vi")

    dialog.username.setText("kiosk")
    dialog.password.setText(DEMO_PASSWORD)
    dialog.check()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled() and dialog.error.isVisible(), timeout=WAIT)
    assert dialog.error.text() == NotAnAdministratorError().user_message("vi")
    assert window.isVisible() and dialog.password.text() == ""
    dialog.grab().save(str(tmp_path / "kiosk_exit_vi.png"))
    switch_language("en")
    try:
        assert dialog.error.text() == NotAnAdministratorError().user_message("en")
        assert dialog.ok.text() == "Close the kiosk"
        QApplication.processEvents()  # the relabelled buttons' new sizes are laid out by the event loop
        assert dialog.ok.width() >= dialog.ok.sizeHint().width()
        dialog.grab().save(str(tmp_path / "kiosk_exit_en.png"))
    finally:
        switch_language("vi")

    dialog.username.setText("admin")
    dialog.password.setText(DEMO_PASSWORD)
    dialog.check()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window) or not window.isVisible(), timeout=WAIT)


def test_the_exit_pin_closes_it_without_the_server(qtbot, locked_kiosk, server, tmp_path) -> None:  # noqa: ANN001
    _flow, window, guard = locked_kiosk(pin="246810")
    server.stop()  # the kiosk is cut off: the PIN still works
    dialog = _ask(qtbot, window, guard)
    assert dialog.pin.isVisible()
    dialog.pin.setText("000000")
    dialog.check()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.ok.isEnabled(), timeout=WAIT)
    assert window.isVisible()
    dialog.grab().save(str(tmp_path / "kiosk_exit_pin.png"))
    dialog.pin.setText("246810")
    dialog.check()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window) or not window.isVisible(), timeout=WAIT)


def test_the_end_of_the_session_still_replaces_the_kiosk_by_the_login_screen(qtbot, locked_kiosk) -> None:  # noqa: ANN001
    flow, window, _guard = locked_kiosk()
    window.login_again_requested.emit()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window) or not window.isVisible(), timeout=WAIT)
    assert flow.connect_window is not None and flow.connect_window.isVisible()
    qtbot.addWidget(flow.connect_window)
