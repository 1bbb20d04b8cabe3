"""The delegate's inbox: a meeting that changed since the invitation was read says so, and an
answer given while the server is away is shown at once, kept in the outbox (the header counts
it) and reaches the secretariat when the server is back."""

from __future__ import annotations

from app.i18n import translate
from app.server.runner import ServerRunner
from app.sync.engine import ConnectionState

WAIT = 15_000


def test_changed_meeting_and_offline_answer(qtbot, open_window, login, server, server_ctx) -> None:
    window = open_window("daibieu")
    secretariat = login("thuky")
    council = next(b for b in secretariat.list_bodies() if b["kind"] == "council")
    meeting = next(m for m in secretariat.list_meetings() if m["body_id"] == council["id"] and m["status"] == "scheduled")
    inbox = window.inbox
    assert inbox is not None and not inbox.invitations and not inbox.list_empty.isHidden()

    secretariat.send_invitations(meeting["id"], body_ids=[council["id"]])
    qtbot.waitUntil(lambda: window.header.invitations_button.count == 1, timeout=WAIT)
    assert not window.header.invitations_button.badge.isHidden()
    invitation_id = inbox.invitations[0]["id"]
    inbox.select(invitation_id)  # not on screen yet (the meetings are): not read
    assert not inbox.invitations[0]["read_at"]
    window.header.invitations_button.click()
    qtbot.waitUntil(lambda: window.header.invitations_button.count == 0, timeout=WAIT)
    assert inbox.change_note.isHidden()

    # The secretariat moves the meeting: the open invitation says what is new.
    window.show_section("meetings")
    secretariat.update_meeting(meeting["id"], {"location": "Hội trường lớn UBND phường"})
    qtbot.waitUntil(lambda: window.header.invitations_button.count == 1, timeout=WAIT)
    assert inbox.invitations[0]["has_unseen_change"]
    window.header.invitations_button.click()
    assert not inbox.change_note.isHidden() and "Hội trường lớn UBND phường" in inbox.change_note.message
    qtbot.waitUntil(lambda: window.header.invitations_button.count == 0, timeout=WAIT)
    assert not inbox.change_note.isHidden()  # still said while it is open

    # The network goes: the answer is shown at once and waits in the outbox.
    port = server.port
    server.stop()
    qtbot.waitUntil(lambda: window.header.badge.state == ConnectionState.OFFLINE, timeout=WAIT)
    inbox.accept_button.click()
    assert inbox.pill.text() == translate("Accepted", "vi") and inbox.accept_button.property("chosen") is True
    assert not inbox.answer_pending.isHidden()
    qtbot.waitUntil(lambda: window.header.outbox_button.isVisible(), timeout=WAIT)

    restarted = ServerRunner(server_ctx, port=port).start()
    try:
        window.session.engine.reconnect_now()
        qtbot.waitUntil(lambda: window.session.state == ConnectionState.ONLINE and not window.session.pending_operations(), timeout=WAIT)
        qtbot.waitUntil(lambda: inbox.answer_pending.isHidden() and not window.header.outbox_button.isVisible(), timeout=WAIT)
        assert secretariat.engine.wait_until(lambda: secretariat.invitation_board(meeting["id"])["counts"]["accepted"] == 1, 10)
    finally:
        restarted.stop()
