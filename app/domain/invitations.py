"""Invitations as plain rules: answers, the board's statuses, templates and their placeholders."""

from __future__ import annotations

import re
import string
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from app.errors import InvalidInputError, NotFoundError
from app.i18n import N_


class Response(StrEnum):
    NONE = "none"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SUBSTITUTE = "substitute"


RESPONSE_LABELS = {
    Response.NONE: N_("No answer"),
    Response.ACCEPTED: N_("Accepted"),
    Response.DECLINED: N_("Declined"),
    Response.SUBSTITUTE: N_("Sending a substitute"),
}

EMAIL_STATE_LABELS = {
    "none": N_("In the app only"),
    "queued": N_("E-mail waiting to be sent"),
    "sent": N_("E-mail delivered to the mail server"),
    "failed": N_("E-mail failed"),
}

PLACEHOLDERS = ("name", "title", "meeting", "time", "place", "agenda", "sender")
MAX_REASON = 2000
EMAIL_RE = re.compile(r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$")
VN = timezone(timedelta(hours=7))


class InvitationNotFoundError(NotFoundError):
    message = N_("This invitation does not exist or was withdrawn.")


class NoInviteesError(InvalidInputError):
    message = N_("Choose at least one person to invite.")


class SubstituteMissingError(InvalidInputError):
    message = N_("Name the substitute: choose a person or type a name.")


class UnknownTemplateError(InvalidInputError):
    code = "unknown_template"
    message = N_("There is no invitation template for this kind of meeting and language (kinds: regular, special, committee; languages: vi, en).")


TEMPLATE_KINDS = ("regular", "special", "committee")
TEMPLATE_LANGUAGES = ("vi", "en")


def check_template_key(meeting_kind: str, language: str) -> None:
    if meeting_kind not in TEMPLATE_KINDS or language not in TEMPLATE_LANGUAGES:
        raise UnknownTemplateError()


class InvalidTemplateError(InvalidInputError):
    message = N_("The invitation text has an unknown placeholder {%(name)s}. Use only: {name}, {title}, {meeting}, {time}, {place}, {agenda}, {sender}.")


class BrokenTemplateError(InvalidInputError):
    message = N_("The invitation text has an unmatched brace { or }. Write {{ and }} for a literal brace.")


class InvalidEmailError(InvalidInputError):
    message = N_("'%(email)s' is not a valid e-mail address.")


class ReasonTooLongError(InvalidInputError):
    message = N_("The reason is too long: at most %(limit)s characters.")


def check_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > 320 or not EMAIL_RE.match(email):
        raise InvalidEmailError(email=email[:60])
    return email


def check_template(text: str) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        raise BrokenTemplateError() from None
    for field in fields:
        if field not in PLACEHOLDERS:
            raise InvalidTemplateError(name=field[:40])


def render(text: str, values: dict[str, Any]) -> str:
    check_template(text)
    return text.format_map({k: values.get(k, "") for k in PLACEHOLDERS})


def local_time(dt: datetime) -> str:
    """Meeting times as a Vietnamese council writes them: 08:00, 01/12/2026 (Vietnam time)."""
    return dt.astimezone(VN).strftime("%H:%M, %d/%m/%Y")


DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "vi": {
        "subject": "Giấy mời: {meeting}",
        "body": (
            "Kính gửi: {title} {name}\n\n"
            "Trân trọng kính mời Ông/Bà tham dự {meeting}.\n\n"
            "Thời gian: {time}\n"
            "Địa điểm: {place}\n\n"
            "Nội dung chương trình:\n{agenda}\n\n"
            "Tài liệu có trong ứng dụng Chamber. Xin Ông/Bà xác nhận tham dự, báo vắng hoặc cử người dự thay "
            "ngay trong ứng dụng, hoặc trả lời lịch mời đính kèm.\n\n"
            "Trân trọng.\n{sender}"
        ),
    },
    "en": {
        "subject": "Invitation: {meeting}",
        "body": (
            "Dear {title} {name},\n\n"
            "You are invited to attend {meeting}.\n\n"
            "Time: {time}\n"
            "Place: {place}\n\n"
            "Agenda:\n{agenda}\n\n"
            "The documents are in the Chamber app. Please accept, decline or name a substitute in the app, "
            "or answer the attached calendar invitation.\n\n"
            "Kind regards,\n{sender}"
        ),
    },
}

UPDATE_SUBJECT = {"vi": "Thay đổi giấy mời: {meeting}", "en": "Changed: {meeting}"}
CANCEL_SUBJECT = {"vi": "Hủy cuộc họp: {meeting}", "en": "Cancelled: {meeting}"}
REMINDER_SUBJECT = {"vi": "Nhắc xác nhận tham dự: {meeting}", "en": "Reminder: please answer the invitation to {meeting}"}
UPDATE_BODY = {
    "vi": "Kính gửi: {title} {name}\n\nCuộc họp {meeting} có thay đổi.\nThời gian: {time}\nĐịa điểm: {place}\n\nTrân trọng.\n{sender}",
    "en": "Dear {title} {name},\n\n{meeting} has changed.\nTime: {time}\nPlace: {place}\n\nKind regards,\n{sender}",
}
CANCEL_BODY = {
    "vi": "Kính gửi: {title} {name}\n\nCuộc họp {meeting} dự kiến lúc {time} tại {place} đã bị hủy.\n\nTrân trọng.\n{sender}",
    "en": "Dear {title} {name},\n\n{meeting}, planned for {time} at {place}, has been cancelled.\n\nKind regards,\n{sender}",
}
REMINDER_BODY = {
    "vi": "Kính gửi: {title} {name}\n\nVăn phòng chưa nhận được xác nhận tham dự {meeting} ({time}, {place}) của Ông/Bà. "
    "Xin Ông/Bà trả lời trong ứng dụng Chamber.\n\nTrân trọng.\n{sender}",
    "en": "Dear {title} {name},\n\nWe have not yet received your answer to the invitation to {meeting} ({time}, {place}). "
    "Please answer in the Chamber app.\n\nKind regards,\n{sender}",
}


def board_counts(invitations: list[dict[str, Any]], sequence: int) -> dict[str, int]:
    """The numbers at the top of the tracking board (withdrawn invitations do not count)."""
    live = [i for i in invitations if not i.get("cancelled_at")]
    return {
        "invited": len(live),
        "emailed": sum(1 for i in live if i["email_state"] == "sent"),
        "email_failed": sum(1 for i in live if i["email_state"] == "failed"),
        "read": sum(1 for i in live if i["read_at"]),
        **{r.value: sum(1 for i in live if i["response"] == r.value) for r in Response},
        "substitutes_waiting": sum(1 for i in live if i["substitute_status"] == "proposed"),
        "seen_latest_change": sum(1 for i in live if i["sequence_seen"] >= sequence),
    }
