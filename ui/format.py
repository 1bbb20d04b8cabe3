"""How values read on screen: local date and time (dd/MM/yyyy HH:mm), durations, statuses, roles.

Times are stored in UTC (ISO strings); they are shown in the computer's local time zone.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QDateTime

from app.domain.meetings import STATUS_LABELS, MeetingStatus
from app.domain.roles import ROLE_LABELS, Role
from app.i18n import _
from ui.language import qt_locale

# Pill colours per status: (text, background). Calm tones; the text keeps AA contrast.
STATUS_COLORS = {
    MeetingStatus.DRAFT: ("#4b5563", "#eceff3"),
    MeetingStatus.SCHEDULED: ("#1d4e89", "#e1ecf8"),
    MeetingStatus.OPEN: ("#0b6b4f", "#d9f3e8"),
    MeetingStatus.ADJOURNED: ("#8a4b08", "#fcefd4"),
    MeetingStatus.CLOSED: ("#3f4a5a", "#e4e8ee"),
    MeetingStatus.CANCELLED: ("#9b1c1c", "#fbe3e3"),
}


def parse(value: str | datetime | None) -> datetime | None:
    """An ISO string or datetime as an aware datetime in the local time zone (None stays None)."""
    if value is None or value == "":
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone()


def to_qdatetime(value: str | datetime | None) -> QDateTime | None:
    dt = parse(value)
    return QDateTime.fromSecsSinceEpoch(int(dt.timestamp())) if dt else None


def from_qdatetime(value: QDateTime) -> datetime:
    """A QDateTime from an editor as an aware UTC datetime (minute precision, as edited)."""
    return datetime.fromtimestamp(value.toSecsSinceEpoch() // 60 * 60, tz=timezone.utc)


def date_time(value: str | datetime | None) -> str:
    dt = parse(value)
    return dt.strftime("%d/%m/%Y %H:%M") if dt else ""


def date_only(value: str | datetime | None) -> str:
    dt = parse(value)
    return dt.strftime("%d/%m/%Y") if dt else ""


def time_only(value: str | datetime | None) -> str:
    dt = parse(value)
    return dt.strftime("%H:%M") if dt else ""


def weekday_date(value: str | datetime | None) -> str:
    """'Thứ Hai, 30/11/2026' / 'Monday, 30/11/2026' in the interface language."""
    qdt = to_qdatetime(value)
    return qt_locale().toString(qdt.date(), "dddd, dd/MM/yyyy") if qdt else ""


def time_range(starts_at: str | None, ends_at: str | None) -> str:
    start, end = parse(starts_at), parse(ends_at)
    if start is None:
        return ""
    if end is None:
        return start.strftime("%H:%M")
    if end.date() == start.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M} – {end:%d/%m/%Y %H:%M}"


def when(meeting: dict) -> str:
    """'Thứ Hai, 30/11/2026 · 08:00–12:00'."""
    day = weekday_date(meeting.get("starts_at"))
    hours = time_range(meeting.get("starts_at"), meeting.get("ends_at"))
    return f"{day} · {hours}" if hours else day


def minutes(total: int) -> str:
    if total < 60:
        return _("%(minutes)d min") % {"minutes": total}
    return _("%(hours)d h %(minutes)02d min") % {"hours": total // 60, "minutes": total % 60}


def status_label(status: str) -> str:
    try:
        return _(STATUS_LABELS[MeetingStatus(status)])
    except ValueError:
        return status


def status_colors(status: str) -> tuple[str, str]:
    try:
        return STATUS_COLORS[MeetingStatus(status)]
    except ValueError:
        return STATUS_COLORS[MeetingStatus.DRAFT]


def role_label(role: str | Role) -> str:
    try:
        return _(ROLE_LABELS[Role(role)])
    except ValueError:
        return str(role)
