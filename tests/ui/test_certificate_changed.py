"""A device pinned to another certificate than the server presents: the login refuses with a
prominent warning (no password is sent), and an open main window says so in its header."""

from __future__ import annotations

from app.errors import CertificateChangedError
from app.i18n import _
from app.net.tls import ensure_certificate
from app.sync.engine import ConnectionState
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession
from ui.views.connect.connect_window import ConnectWindow
from ui.views.main_window import MainWindow

WAIT = 10_000


def _pinned_to_impostor(tmp_path, server, server_ctx) -> tuple[Profile, object]:  # noqa: ANN001
    impostor = ensure_certificate(tmp_path / "impostor")
    profile = Profile(tmp_path / "device")
    paired = pin_local(profile, host="127.0.0.1", port=server.port, pem=impostor.pem, server_id=server_ctx.server_id, name=server_ctx.name)
    return profile, paired


def test_login_shows_the_certificate_warning(qtbot, tasks, server, server_ctx, tmp_path) -> None:
    profile, paired = _pinned_to_impostor(tmp_path, server, server_ctx)
    window = ConnectWindow(profile, tasks, discover=False)
    qtbot.addWidget(window)
    window.show()
    window.start()
    window.servers.list.itemClicked.emit(window.servers.list.item(0))  # the paired server
    assert window.stack.currentWidget() is window.login_page
    page = window.login_page
    page.username.setText("thuky")
    page.password.setText("chamber-demo")
    page.login_button.click()
    qtbot.waitUntil(lambda: bool(page.error.message), timeout=WAIT)
    assert page.error.property("kind") == "danger"
    assert page.error.message == CertificateChangedError(address=paired.address).user_message()
    assert profile.session(server_ctx.server_id) is None


def test_main_window_shows_certificate_changed(qtbot, tasks, server, server_ctx, tmp_path) -> None:
    profile, paired = _pinned_to_impostor(tmp_path, server, server_ctx)
    account = {"username": "thuky", "role": "secretariat", "display_name": "Văn phòng HĐND (Thư ký)"}
    profile.save_session(server_ctx.server_id, username="thuky", token="saved-token", account=account)
    window = MainWindow(ChamberSession.resume(profile), tasks)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.header.badge.state == ConnectionState.CERTIFICATE_CHANGED, timeout=WAIT)
    assert window.header.badge.text() == _("Certificate changed!")
    assert window.connection_banner.property("kind") == "danger"
    assert window.connection_banner.message == CertificateChangedError(address=paired.address).user_message()
