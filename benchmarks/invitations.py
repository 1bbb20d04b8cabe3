"""500 invitations with an iCalendar attachment each, through the mail outbox to a local SMTP
server (aiosmtpd on 127.0.0.1): total time from "send" to the last message accepted, lost and
duplicated messages. Baseline in the same run: the same 500 messages pushed with bare smtplib
over one connection (no database, no outbox).

    uv run python benchmarks/invitations.py [--count 500]
"""

from __future__ import annotations

import argparse
import email
import json
import smtplib
import sys
import tempfile
import threading
import time
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.fanout import free_port  # noqa: E402

from app.demo import seed  # noqa: E402
from app.domain.roles import Actor  # noqa: E402
from app.mail.compose import compose  # noqa: E402
from app.mail.outbox import MailOutbox  # noqa: E402
from app.mail.smtp import SmtpSettings  # noqa: E402
from app.services import invitations, meetings  # noqa: E402
from app.services.invitations import MailPolicy  # noqa: E402
from app.storage.db import Database  # noqa: E402
from app.storage.models import MailMessage  # noqa: E402


class Counting:
    def __init__(self) -> None:
        self.to: list[str] = []
        self.lock = threading.Lock()
        self.ics_ok = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.to.append(str(msg["To"]))
            self.ics_ok += any(p.get_content_type() == "text/calendar" for p in msg.iter_attachments())
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="chamber-invitations-"))
    db = Database(f"sqlite:///{tmp / 'chamber.db'}")
    db.upgrade()
    seed(db, tmp)
    db.session_info["mail_policy"] = MailPolicy(enabled=True, sender="Văn phòng HĐND phường", organizer_email="vanphong@hoabinh.example.vn")
    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="vanphong@hoabinh.example.vn", sender_name="Văn phòng HĐND phường")
    system = Actor.system()
    try:
        with db.read() as s:
            meeting = next(m for m in meetings.list_meetings(s, system) if m["status"] == "scheduled")
        guests = [{"name": f"Đại biểu khách mời {n:03d}", "email": f"khach{n:03d}@example.vn"} for n in range(args.count)]
        t0 = time.perf_counter()
        with db.write() as s:
            invitations.send_invitations(s, system, meeting["id"], guests=guests)
        queued = time.perf_counter() - t0
        outbox = MailOutbox(db, settings)
        outbox.send_due()
        ours = time.perf_counter() - t0
        received = len(handler.to)
        duplicated = sum(c - 1 for c in Counter(handler.to).values() if c > 1)
        ics_ok = handler.ics_ok

        with db.read() as s:
            rows = list(s.query(MailMessage).order_by(MailMessage.id))
        messages = [compose(settings, to_addr=r.to_addr, to_name=r.to_name, subject=r.subject, text_body=r.text_body, ics=r.ics, ics_method=r.ics_method, message_key=r.dedupe_key) for r in rows]
        handler.to.clear()
        t1 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for m in messages:
                smtp.send_message(m)
        bare = time.perf_counter() - t1
    finally:
        controller.stop()
        db.dispose()
    print(f"{'path':<34} {'seconds':>8} {'per message ms':>15} {'ratio':>6}")
    print(f"{'outbox (queue + send + record)':<34} {ours:>8.2f} {ours / args.count * 1000:>15.2f} {ours / bare:>6.2f}")
    print(f"{'  of which queueing 500 invitations':<34} {queued:>8.2f}")
    print(f"{'bare smtplib, one connection':<34} {bare:>8.2f} {bare / args.count * 1000:>15.2f} {1.0:>6.2f}")
    print(f"received {received}/{args.count}, duplicated {duplicated}, with .ics {ics_ok}")
    print(json.dumps({"sent": args.count, "received": received, "duplicated": duplicated, "seconds": round(ours, 2), "bare_seconds": round(bare, 2), "ratio_vs_bare": round(ours / bare, 2)}))


if __name__ == "__main__":
    main()
