"""The administrator revokes this device: at the next exchange with the server the window says
the session has ended and offers to log in again, without losing what is on screen."""

from __future__ import annotations

from app.domain.roles import Actor
from app.i18n import _
from app.services import accounts
from app.sync.engine import ConnectionState

WAIT = 15_000


def test_revoked_device_is_asked_to_log_in_again(qtbot, open_window, server_ctx) -> None:
    window = open_window("thuky")
    account_id = window.session.account["id"]
    with server_ctx.db.write() as db:
        device = next(d for d in accounts.list_devices(db, Actor.system(), account_id=account_id) if d["device_name"] == "test thuky")
        accounts.revoke_device(db, Actor.system(), device["id"])

    meeting = window.session.list_meetings()[0]
    window.meetings.select(meeting["id"])
    window.page.form.location_edit.setText("Phòng khác")
    window.page.form.save_button.click()  # the next request meets the revoked token

    qtbot.waitUntil(lambda: window.header.badge.state == ConnectionState.SESSION_EXPIRED, timeout=WAIT)
    assert window.header.badge.text() == _("Session ended — log in again")
    banner = window.connection_banner
    assert not banner.isHidden() and banner.action.text() == _("Log in again")
    assert window.page.form.location_edit.text() == "Phòng khác"
    with qtbot.waitSignal(window.login_again_requested, timeout=WAIT):
        banner.action.click()
