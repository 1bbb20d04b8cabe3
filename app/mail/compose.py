"""Build the e-mail for one outbox row: UTF-8 text, and the .ics as a text/calendar part that
calendar programs (Outlook, Thunderbird, Gmail) offer to add to the calendar."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from app.domain.clock import utcnow
from app.mail.smtp import SmtpSettings


def _address(name: str, addr: str) -> Address:
    user, _, domain = addr.partition("@")
    return Address(display_name=name, username=user, domain=domain)


def compose(settings: SmtpSettings, *, to_addr: str, to_name: str, subject: str, text_body: str, ics: str | None, ics_method: str | None, message_key: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _address(settings.sender_name, settings.sender)
    msg["To"] = _address(to_name, to_addr)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(idstring=message_key.replace(":", ".")[:60], domain=settings.sender.partition("@")[2] or "chamber")
    msg["X-Chamber-Message"] = message_key
    msg.set_content(text_body, charset="utf-8")
    if ics:
        msg.add_attachment(ics.encode("utf-8"), maintype="text", subtype="calendar", filename="invite.ics", params={"method": ics_method or "REQUEST", "charset": "utf-8"})
    return msg
