"""“Pair a new device…” in the main window: only the secretariat and administrators see it; the
dialog shows a one-time code from the real server, large, with the address and a countdown, and
“New code” replaces it. Rendered in Vietnamese and English."""

from __future__ import annotations

from app.net.pairing import parse_code
from PySide6.QtWidgets import QApplication

from app.domain.clock import utcnow
from app.storage.models import PairingCode
from app.sync.profile import Profile, pair
from tests.ui.conftest import WAIT


def test_staff_show_a_code_that_pairs_a_device(qtbot, open_window, server, server_ctx, tmp_path) -> None:  # noqa: ANN001
    delegate = open_window("daibieu")
    assert not delegate.header.pair_device_action.isVisible()

    window = open_window("thuky")
    assert window.header.pair_device_action.isVisible()
    window.header.grab().save(str(tmp_path / "header_vi.png"))
    window.header.pair_device_action.trigger()
    dialog = window.pair_device_dialog
    qtbot.waitUntil(lambda: dialog.view.code_text != "", timeout=WAIT)
    first = dialog.view.code_text
    assert parse_code(first) and dialog.view.code.text() == first
    assert f"127.0.0.1:{server.port}" in dialog.view.address_label.text()
    assert 14 * 60 <= dialog.view.seconds_left() <= 15 * 60
    dialog.grab().save(str(tmp_path / "pair_device_vi.png"))
    window.header.language.buttons["en"].click()
    assert dialog.new_button.text() == "New code" and dialog.view.countdown.text().startswith("Works once, for one device")
    QApplication.processEvents()  # the buttons take their new widths
    dialog.grab().save(str(tmp_path / "pair_device_en.png"))
    window.header.language.buttons["vi"].click()

    dialog.new_button.click()
    qtbot.waitUntil(lambda: dialog.view.code_text != first, timeout=WAIT)
    # The code on screen pairs a new device (the first one still works too until it expires).
    paired = pair(Profile(tmp_path / "new-tablet"), "127.0.0.1", server.port, dialog.view.code_text)
    assert paired.server_id == server_ctx.server_id
    with server_ctx.db.read() as session:
        issued_by = {c.issued_by for c in session.query(PairingCode)}
    assert issued_by == {"thuky"}

    # An expired code says so on screen.
    dialog.view.show_code(first, utcnow())
    dialog.view._tick()
    assert dialog.view.countdown.text() == "Mã này đã hết hạn." and not dialog.view.code.isEnabled()
    dialog.reject()
