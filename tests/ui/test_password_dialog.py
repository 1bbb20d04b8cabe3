"""Changing one's password from the header's account menu: a live strength hint, errors shown in
the dialog with every field kept as typed, the change made off the GUI thread, then "other
devices signed out" — and the other device's window shows the signed-out state."""

from __future__ import annotations

import os
from pathlib import Path

from app import i18n
from app.demo import DEMO_PASSWORD
from app.i18n import _
from app.sync.engine import ConnectionState
from ui.views.password_dialog import ChangePasswordDialog

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None
NEW_PASSWORD = "Sáng thứ Hai họp hội đồng"


def open_dialog(window) -> ChangePasswordDialog:  # noqa: ANN001
    window.header.change_password_action.trigger()
    dialog = window.password_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_strength_hint_follows_the_new_password(qtbot, open_window) -> None:  # noqa: ANN001
    i18n.set_language("en")
    window = open_window("daibieu")
    dialog = open_dialog(window)
    dialog.new.setText("matkhau123")
    assert dialog.meter.score == 0 and "most common" in dialog.hints.text()
    dialog.new.setText("xe đạp xanh")
    assert dialog.meter.score >= 2 and "15 characters" in dialog.hints.text()
    if SHOTS:
        dialog.grab().save(str(SHOTS / "change_password_hint_en.png"))
    dialog.new.setText(NEW_PASSWORD)
    assert dialog.meter.score == 4 and dialog.strength.text() == "Strength: Strong" and dialog.hints.isHidden()
    dialog.repeat.setText(NEW_PASSWORD + "!")
    dialog.current.setText(DEMO_PASSWORD)
    dialog.submit_button.click()  # refused here, before anything is sent
    assert dialog.error.message == "The two passwords are not the same." and dialog.repeat.property("invalid")
    if SHOTS:
        dialog.grab().save(str(SHOTS / "change_password_mismatch_en.png"))
        window.grab().save(str(SHOTS / "header_account_menu_en.png"))
    dialog.reject()


def test_wrong_current_password_keeps_the_fields_then_the_change_signs_out_the_other_window(qtbot, open_window) -> None:  # noqa: ANN001
    window, other = open_window("thuky"), open_window("thuky")
    dialog = open_dialog(window)
    dialog.current.setText("khong-phai-mat-khau")
    dialog.new.setText(NEW_PASSWORD)
    dialog.repeat.setText(NEW_PASSWORD)
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: bool(dialog.error.message), timeout=WAIT)
    assert dialog.error.message == _("The current password is not right. Nothing was changed.")
    assert (dialog.current.text(), dialog.new.text(), dialog.repeat.text()) == ("khong-phai-mat-khau", NEW_PASSWORD, NEW_PASSWORD)
    assert dialog.current.property("invalid") and dialog.current.hasFocus() and dialog.submit_button.isEnabled()
    assert window.session.state == other.session.state == ConnectionState.ONLINE  # nobody signed out
    if SHOTS:
        dialog.grab().save(str(SHOTS / "change_password_error_vi.png"))

    dialog.current.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.changed, timeout=WAIT) as changed:
        dialog.submit_button.click()
    assert changed.args == [1]
    assert "1" in dialog.done_banner.message and dialog.form.isHidden() and dialog.close_button.isVisible()
    assert not dialog.current.text() and not dialog.new.text()
    if SHOTS:
        dialog.grab().save(str(SHOTS / "change_password_done_vi.png"))

    qtbot.waitUntil(lambda: other.header.badge.state == ConnectionState.SESSION_EXPIRED, timeout=WAIT)
    assert not other.connection_banner.isHidden() and other.connection_banner.action.text() == _("Log in again")
    assert window.session.state == ConnectionState.ONLINE and window.connection_banner.isHidden()
    dialog.close_button.click()
    assert window.password_dialog is None
