"""SMTP: the server's mail settings and one connection that sends messages, with every failure
sorted into "try again later" (server down, 4xx) or "this address will never work" (5xx)."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from app.errors import ChamberError
from app.i18n import N_


class MailError(ChamberError):
    status = 502
    code = "mail_error"
    message = N_("The e-mail could not be sent: %(detail)s")


class MailTemporaryError(MailError):
    message = N_("The mail server is not available right now (%(detail)s); sending will be retried.")


class MailLoginError(MailTemporaryError):
    message = N_("The mail server refused Chamber's user name or password (%(detail)s). Check the SMTP settings; sending will be retried.")


class MailRejectedError(MailError):
    message = N_("The mail server refused the address %(address)s: %(detail)s")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password_env: str | None = None
    password_file: Path | None = None
    sender: str = "chamber@localhost"
    sender_name: str = "Chamber"
    timeout: float = 20.0
    # Only for tests and closed networks: accept the mail server's certificate without checking it.
    verify_tls: bool = True

    def password(self) -> str | None:
        if self.password_env:
            return os.environ.get(self.password_env)
        if self.password_file:
            return Path(self.password_file).read_text(encoding="utf-8").strip()
        return None


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    if not settings.verify_tls:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _detail(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"[:200]
    return (str(exc) or type(exc).__name__)[:200]


class SmtpConnection:
    """One SMTP session, reused for a batch; reconnects when the server dropped it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=_tls_context(s))
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=_tls_context(s))
            if s.user:
                smtp.login(s.user, s.password() or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise MailLoginError(detail=_detail(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailTemporaryError(detail=_detail(exc)) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the mail server. Raises MailTemporaryError or MailRejectedError."""
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                refused = self._smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                detail = f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"[:200]
                if 400 <= code < 500:
                    raise MailTemporaryError(detail=detail) from exc
                raise MailRejectedError(address=message["To"], detail=detail) from exc
            except smtplib.SMTPServerDisconnected as exc:
                self.close()
                if attempt == 2:
                    raise MailTemporaryError(detail=_detail(exc)) from exc
                continue
            except smtplib.SMTPResponseException as exc:
                self.close()
                if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (554,):
                    raise MailRejectedError(address=message["To"], detail=_detail(exc)) from exc
                raise MailTemporaryError(detail=_detail(exc)) from exc
            except (OSError, socket.timeout, smtplib.SMTPException) as exc:
                self.close()
                raise MailTemporaryError(detail=_detail(exc)) from exc
            if refused:
                raise MailRejectedError(address=message["To"], detail=str(refused)[:200])
            return

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None
