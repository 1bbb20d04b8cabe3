"""Sending invitations from the meeting page, end to end with real parts: the server with SMTP
configured, a real mail server (aiosmtpd), the secretariat's window and a delegate's window.

The secretariat sends to the council through the dialog (the preview shows the delegate's name),
the board fills and the e-mail tile reaches 15; the delegate finds the invitation in the inbox,
declines with a reason, and the board shows it within a second."""

from __future__ import annotations

import email
import socket
import threading
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.i18n import translate
from app.mail.smtp import SmtpSettings
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession
from ui.views.main_window import MainWindow

WAIT = 10_000


class _Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mail_inbox() -> Iterator[tuple[int, _Inbox]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.fixture
def open_mail_window(qtbot, tasks, tmp_path: Path, mail_inbox) -> Iterator[Callable[[str], MainWindow]]:  # noqa: ANN001
    """open_window(username) against a server that e-mails through the real SMTP server above."""
    port, _inbox = mail_inbox
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="vanphong@hoabinh.example.vn", sender_name="Văn phòng HĐND phường")
    ctx = ServerContext.open(ServerSettings(data_dir=tmp_path / "server", smtp=smtp))
    seed(ctx.db, tmp_path / "server")
    runner = ServerRunner(ctx).start()
    runner.mail_outbox.poll_seconds = 0.1
    count = 0

    def open_(username: str) -> MainWindow:
        nonlocal count
        count += 1
        profile = Profile(tmp_path / f"device{count}")
        paired = pin_local(profile, host="127.0.0.1", port=runner.port, pem=ctx.certificate.pem, server_id=ctx.server_id, name=ctx.name)
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD, device_name=f"test {username}")
        window = MainWindow(session, tasks)
        qtbot.addWidget(window, before_close_func=lambda w: w.close_now())
        window.show()
        qtbot.waitUntil(lambda: session.engine.idle() and bool(window.meetings.meeting_ids()), timeout=WAIT)
        return window

    yield open_
    runner.stop()
    ctx.db.dispose()


def test_send_to_the_council_mails_everyone_and_the_delegate_declines(qtbot, open_mail_window, mail_inbox) -> None:
    _port, smtp = mail_inbox
    secretariat = open_mail_window("thuky")
    delegate = open_mail_window("daibieu")
    session = secretariat.session
    council = next(b for b in session.list_bodies() if b["kind"] == "council")
    meeting = next(m for m in session.list_meetings() if m["body_id"] == council["id"] and m["status"] == "scheduled")
    secretariat.meetings.select(meeting["id"])
    page, board = secretariat.page, secretariat.page.board
    page.tabs.buttons["invitations"].click()
    assert page.section == "invitations" and not board.empty.isHidden()
    qtbot.waitUntil(lambda: board.mail is not None, timeout=WAIT)
    assert board.mail["enabled"] and board.mail_banner.isHidden()  # e-mail works: nothing to warn about

    dialog = board.open_send_dialog()
    assert dialog.chosen_body_ids() == [council["id"]]  # the meeting's own council, ready to go
    dialog.preview_button.click()
    assert dialog.pages.currentWidget() is dialog.preview and not dialog.busy.isHidden()  # busy while the server renders
    qtbot.waitUntil(lambda: len(dialog.previews) == 15, timeout=WAIT)
    assert dialog.busy.isHidden() and "15" in dialog.preview_counts.text()
    me = next(n for n, p in enumerate(dialog.previews) if p["person_id"] == delegate.session.account["person_id"])
    dialog.recipients.setCurrentRow(me)
    assert "Hoàng Đức Thắng" in dialog.rendered_body.toPlainText()
    assert "daibieu05@hoabinh.example.vn" in dialog.rendered_to.text()
    assert dialog.rendered_subject.text() == f"Giấy mời: {meeting['title']}"

    calls: list[dict] = []
    send = session.send_invitations
    session.send_invitations = lambda *a, **k: (calls.append(k), send(*a, **k))[1]
    sent_at = time.monotonic()
    dialog.send_button.click()
    dialog.send()  # a second press (double click) must not queue a second sending
    assert len(calls) == 1 and not dialog.isVisible() and board.send_dialog is None

    # The delegate's tablet shows it within a second, with a badge on the header's button.
    qtbot.waitUntil(lambda: delegate.header.invitations_button.count == 1, timeout=WAIT)
    assert time.monotonic() - sent_at < 1.0
    qtbot.waitUntil(lambda: len(board.model.rows) == 15, timeout=WAIT)
    assert board.tiles["invited"].number.text() == "15" and board.table_card.isVisible()
    assert page.tabs.buttons["invitations"].text() == translate("Invitations (%(count)d)", "vi") % {"count": 15}
    qtbot.waitUntil(lambda: board.tiles["emailed"].number.text() == "15", timeout=15_000)
    assert len(smtp.messages) == 15
    assert any("daibieu05@hoabinh.example.vn" in str(m["To"]) for m in smtp.messages)

    # The delegate opens it (read receipt), then declines with a reason.
    delegate.header.invitations_button.click()
    inbox = delegate.inbox
    assert delegate.views.currentWidget() is inbox
    inbox.select(inbox.invitations[0]["id"])
    assert inbox.title.text() == meeting["title"] and "Hoàng Đức Thắng" in inbox.body.text()
    assert inbox.agenda.items  # the meeting's agenda, from the cache
    qtbot.waitUntil(lambda: delegate.header.invitations_button.count == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: board.counts.get("read") == 1, timeout=WAIT)

    decline = inbox.decline()
    decline.decline_button.click()  # no reason yet
    assert not decline.error.isHidden() and decline.isVisible()
    decline.reason_edit.setPlainText("Đi công tác tỉnh")
    answered = time.monotonic()
    decline.decline_button.click()
    assert not decline.isVisible()
    qtbot.waitUntil(lambda: inbox.pill.text() == translate("Declined", "vi"), timeout=WAIT)
    qtbot.waitUntil(lambda: board.counts.get("declined") == 1, timeout=WAIT)
    assert time.monotonic() - answered < 1.0
    row = board.model.rows[board.model.row_of(inbox.invitations[0]["id"])]
    assert row["response"] == "declined" and row["response_reason"] == "Đi công tác tỉnh"
    board.set_filter("declined")
    assert board.proxy.rowCount() == 1
