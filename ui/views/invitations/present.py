"""How invitations read on screen: answers, delivery and substitutes with their colours, the
e-mail error in the user's language, money in đồng, rates and months."""

from __future__ import annotations

import json
from typing import Any

from app.domain.invitations import EMAIL_STATE_LABELS, RESPONSE_LABELS, Response
from app.errors import ChamberError
from app.i18n import N_, _
from ui.language import qt_locale

# (text, background) per answer: the same calm tones as the meeting statuses.
RESPONSE_COLORS = {
    Response.NONE: ("#4b5563", "#eceff3"),
    Response.ACCEPTED: ("#0b6b4f", "#d9f3e8"),
    Response.DECLINED: ("#9b1c1c", "#fbe3e3"),
    Response.SUBSTITUTE: ("#8a4b08", "#fcefd4"),
}
# Short words for the board's column; the longer EMAIL_STATE_LABELS are the tooltip.
DELIVERY_LABELS = {
    "none": N_("In the app"),
    "queued": N_("E-mail queued"),
    "sent": N_("E-mail sent"),
    "failed": N_("E-mail failed"),
}
DELIVERY_COLORS = {"none": "#5f6b7a", "queued": "#8a4b08", "sent": "#0b6b4f", "failed": "#a61b1b"}
SUBSTITUTE_LABELS = {
    "proposed": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
}
SUBSTITUTE_COLORS = {"proposed": ("#8a4b08", "#fcefd4"), "approved": ("#0b6b4f", "#d9f3e8"), "rejected": ("#9b1c1c", "#fbe3e3")}
KIND_LABELS = {"guest": N_("Guest"), "substitute": N_("Substitute")}


def response_label(response: str) -> str:
    try:
        return _(RESPONSE_LABELS[Response(response)])
    except ValueError:
        return response


def response_colors(response: str) -> tuple[str, str]:
    try:
        return RESPONSE_COLORS[Response(response)]
    except ValueError:
        return RESPONSE_COLORS[Response.NONE]


def delivery_label(state: str) -> str:
    return _(DELIVERY_LABELS.get(state, DELIVERY_LABELS["none"]))


def delivery_tooltip(invitation: dict[str, Any]) -> str:
    state = invitation.get("email_state") or "none"
    text = _(EMAIL_STATE_LABELS.get(state, EMAIL_STATE_LABELS["none"]))
    if state == "failed":
        reason = email_error_text(invitation.get("email_error"))
        if reason:
            text += "\n" + reason
    return text


def email_error_text(raw: str | None) -> str:
    """The server keeps the mail error as {"message": msgid, "params": {...}}: shown translated."""
    if not raw:
        return ""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return str(raw)
    if not isinstance(data, dict) or not data.get("message"):
        return str(raw)
    return ChamberError(data["message"], **(data.get("params") or {})).user_message()


def substitute_label(status: str) -> str:
    label = SUBSTITUTE_LABELS.get(status)
    return _(label) if label else ""


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return _(label) if label else ""


def saw_latest_change(invitation: dict[str, Any], sequence: int) -> bool:
    return int(invitation.get("sequence_seen", -1)) >= sequence


def number(value: int | float) -> str:
    """1.234.000 in Vietnamese, 1,234,000 in English."""
    return qt_locale().toString(int(round(value)))


def money(vnd: int | float) -> str:
    return f"{number(vnd)} ₫"


def percent(rate: float) -> str:
    return f"{number(rate * 100)}%"


def month(value: str) -> str:
    """'2026-11' → '11/2026'."""
    year, _sep, mon = value.partition("-")
    return f"{mon}/{year}" if mon else value
