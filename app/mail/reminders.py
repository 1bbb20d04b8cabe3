"""Automatic reminders: once per meeting, a configurable time before it starts, everyone who has
not answered the invitation gets a reminder (in the app and by e-mail)."""

from __future__ import annotations

import logging
import time

from app.services import invitations
from app.storage.db import Database

log = logging.getLogger(__name__)


class Reminders:
    def __init__(self, db: Database, hours_before: float, *, every_seconds: float = 60.0) -> None:
        self.db = db
        self.hours_before = hours_before
        self.every_seconds = every_seconds
        self._last = 0.0

    def tick(self) -> int:
        """Called by the mail worker on each pass; does the work at most once a minute."""
        if time.monotonic() - self._last < self.every_seconds:
            return 0
        self._last = time.monotonic()
        with self.db.read() as session:
            due = invitations.due_reminders(session, hours_before=self.hours_before)
        count = 0
        for meeting_id in due:
            with self.db.write() as session:
                count += invitations.remind(session, None, meeting_id, automatic=True)
        if count:
            log.info("sent %d automatic reminders", count)
        return count
