"""The server goes away: the header says offline, an edit is kept on the device (one change
waiting), and when a server is back on the same port it is sent and the badge turns online.
A change the server refuses is listed with its reason, to retry or discard."""

from __future__ import annotations

from app.domain.roles import Actor
from app.i18n import _
from app.server.runner import ServerRunner
from app.services import meetings as meeting_service
from app.sync.engine import ConnectionState

WAIT = 15_000


def _go_offline(qtbot, window, server) -> int:  # noqa: ANN001
    port = server.port
    server.stop()
    qtbot.waitUntil(lambda: window.header.badge.state == ConnectionState.OFFLINE, timeout=WAIT)
    return port


def test_offline_edit_is_kept_and_sent_when_the_server_is_back(qtbot, open_window, login, server, server_ctx) -> None:
    window = open_window("thuky")
    meeting = window.session.list_meetings()[0]
    window.meetings.select(meeting["id"])
    port = _go_offline(qtbot, window, server)
    assert window.header.badge.text() == _("Offline — changes kept and sent later")
    assert not window.connection_banner.isHidden() and window.connection_banner.action.isVisible()

    form = window.page.form
    form.location_edit.setText("Phòng họp dự phòng")
    form.save_button.click()
    assert form.error.isHidden()
    assert len(window.session.pending_operations()) == 1
    qtbot.waitUntil(lambda: window.header.outbox_button.isVisible(), timeout=WAIT)
    assert "1" in window.header.outbox_button.text()

    restarted = ServerRunner(server_ctx, port=port).start()
    try:
        window.connection_banner.action.click()  # "Try again now" instead of waiting for the back-off
        qtbot.waitUntil(lambda: window.session.state == ConnectionState.ONLINE and not window.session.pending_operations(), timeout=WAIT)
        qtbot.waitUntil(lambda: window.header.badge.state == ConnectionState.ONLINE and not window.header.outbox_button.isVisible(), timeout=WAIT)
        assert window.connection_banner.isHidden()
        assert login("daibieu").get_meeting(meeting["id"])["location"] == "Phòng họp dự phòng"
    finally:
        restarted.stop()


def test_refused_change_is_listed_and_can_be_discarded(qtbot, open_window, server, server_ctx) -> None:
    window = open_window("thuky")
    meeting = window.session.list_meetings()[0]
    window.meetings.select(meeting["id"])
    port = _go_offline(qtbot, window, server)
    window.page.form.title_edit.setText("Sửa khi mất mạng")
    window.page.form.save_button.click()
    with server_ctx.db.write() as db_session:  # meanwhile someone deletes it on the server
        meeting_service.delete_meeting(db_session, Actor.system(), meeting["id"])

    restarted = ServerRunner(server_ctx, port=port).start()
    try:
        window.connection_banner.action.click()
        qtbot.waitUntil(lambda: len(window.session.failed_operations()) == 1, timeout=WAIT)
        op = window.session.failed_operations()[0]
        qtbot.waitUntil(lambda: window.outbox.isVisible() and op["operation_id"] in window.outbox.discard_buttons, timeout=WAIT)
        assert "1" in window.header.outbox_button.text()
        assert meeting["id"] not in window.meetings.meeting_ids()
        window.outbox.discard_buttons[op["operation_id"]].click()
        qtbot.waitUntil(lambda: not window.header.outbox_button.isVisible(), timeout=WAIT)
        assert window.session.failed_operations() == []
    finally:
        restarted.stop()
