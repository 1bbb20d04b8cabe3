"""The mail outbox worker: sends queued e-mails in order, retries with back-off, never twice.

A message is marked `sending` in its own committed transaction before it is handed to the mail
server, and `sent` right after. If the server process dies in between, the message is not sent
again on restart (it is marked failed with "interrupted" and shown on the board), because a
second e-mail is worse than asking the secretariat to check one.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Callable

from sqlalchemy import select, update

from app.domain.clock import utcnow
from app.i18n import N_
from app.mail.compose import compose
from app.mail.smtp import MailError, MailRejectedError, MailTemporaryError, SmtpConnection, SmtpSettings
from app.services.events import record_event
from app.storage.db import Database
from app.storage.models import Invitation, MailMessage, Meeting

log = logging.getLogger(__name__)

BACKOFF = (5, 15, 60, 300, 900)  # seconds; the last repeats until the mail server is back
INTERRUPTED = N_("Sending was interrupted (the server stopped while handing this e-mail over); it may or may not have arrived. Check with the invitee before sending again.")


def error_record(message: str, params: dict) -> str:
    """What went wrong, kept untranslated (message id + parameters) so each viewer reads it in their language."""
    import json

    return json.dumps({"message": message, "params": {k: v for k, v in params.items() if isinstance(v, (str, int, float))}}, ensure_ascii=False)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts else 0)


class MailOutbox:
    def __init__(self, db: Database, settings: SmtpSettings, *, batch: int = 100, poll_seconds: float = 2.0, on_tick: Callable[[], None] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.on_tick = on_tick
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: MailError | None = None

    def start(self) -> "MailOutbox":
        self.recover()
        self._thread = threading.Thread(target=self._run, name="chamber-mail", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self) -> None:
        self._wake.set()

    def recover(self) -> None:
        """Messages left `sending` by a crash: at most once, so they are not sent again."""
        with self.db.write() as session:
            for msg in session.scalars(select(MailMessage).where(MailMessage.state == "sending")):
                msg.state = "failed"
                msg.last_error = INTERRUPTED
                self._invitation_state(session, msg, "failed", error_record(INTERRUPTED, {}))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.on_tick:
                    self.on_tick()
                self.send_due()
            except Exception:  # the worker must survive anything; the message stays queued
                log.exception("mail outbox pass failed")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def send_due(self) -> int:
        """Send what is due now, in order. Returns how many were handed to the mail server."""
        sent = 0
        conn = SmtpConnection(self.settings)
        try:
            while not self._stop.is_set():
                with self.db.read() as session:
                    ids = list(session.scalars(
                        select(MailMessage.id).where(MailMessage.state == "queued", MailMessage.next_attempt_at <= utcnow()).order_by(MailMessage.id).limit(self.batch)
                    ))
                if not ids:
                    return sent
                for msg_id in ids:
                    if self._stop.is_set():
                        return sent
                    outcome = self._send_one(conn, msg_id)
                    if outcome == "sent":
                        sent += 1
                    elif outcome == "retry":
                        return sent  # the mail server is down: wait before trying the rest
        finally:
            conn.close()
        return sent

    def _send_one(self, conn: SmtpConnection, msg_id: int) -> str:
        with self.db.write() as session:
            claimed = session.execute(
                update(MailMessage).where(MailMessage.id == msg_id, MailMessage.state == "queued").values(state="sending", attempts=MailMessage.attempts + 1)
            ).rowcount
            msg = session.get(MailMessage, msg_id) if claimed else None
            if msg is None:
                return "skipped"
            email = compose(self.settings, to_addr=msg.to_addr, to_name=msg.to_name, subject=msg.subject, text_body=msg.text_body, ics=msg.ics, ics_method=msg.ics_method, message_key=msg.dedupe_key)
            attempts = msg.attempts
        try:
            conn.send(email)
        except MailRejectedError as err:
            self.last_error = err
            self._finish(msg_id, "failed", err.user_message("en"), invitation_state="failed", error=err)
            return "failed"
        except MailTemporaryError as err:
            self.last_error = err
            self._finish(msg_id, "queued", err.user_message("en"), next_attempt=utcnow() + backoff(attempts), error=err)
            return "retry"
        self.last_error = None
        self._finish(msg_id, "sent", None, invitation_state="sent")
        return "sent"

    def _finish(self, msg_id: int, state: str, error_text: str | None, *, invitation_state: str | None = None, next_attempt=None, error: MailError | None = None) -> None:  # noqa: ANN001
        with self.db.write() as session:
            msg = session.get(MailMessage, msg_id)
            msg.state = state
            msg.last_error = error_text
            if state == "sent":
                msg.sent_at = utcnow()
            if next_attempt is not None:
                msg.next_attempt_at = next_attempt
            record = error_record(error.message, error.params) if error is not None and state != "sent" else None
            self._invitation_state(session, msg, invitation_state or ("queued" if state == "queued" else state), record)

    @staticmethod
    def _invitation_state(session, msg: MailMessage, state: str, error: str | None) -> None:  # noqa: ANN001
        if not msg.invitation_id:
            return
        inv = session.get(Invitation, msg.invitation_id)
        if inv is None:
            return
        inv.email_state = state
        inv.email_error = error
        if state == "sent" and inv.delivered_at is None:
            inv.delivered_at = utcnow()
        inv.updated_at = utcnow()
        meeting = session.get(Meeting, inv.meeting_id)
        from app.services.invitations import invitation_dict

        session.flush()
        record_event(session, kind="invitation", action="updated", entity_id=inv.id, data=invitation_dict(inv, meeting), meeting_id=meeting.id, body_id=meeting.body_id)
