"""iCalendar for invitations, with the `icalendar` package: REQUEST (new or changed), CANCEL, and
reading a REPLY from a calendar program.

One meeting has one UID for ever; every change the invitees must see raises SEQUENCE, so calendar
programs update the entry instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from app.domain.clock import utcnow
from app.errors import InvalidInputError
from app.i18n import N_

PRODID = "-//Chamber//Council meetings//VI"


class UnreadableCalendarError(InvalidInputError):
    message = N_("The calendar reply could not be read.")


def meeting_uid(meeting_id: str) -> str:
    return f"{meeting_id}@chamber"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str


def _address(email: str, name: str, **params: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{email}")
    addr.params["CN"] = vText(name)
    for key, value in params.items():
        addr.params[key] = vText(value)
    return addr


def build(
    *,
    method: str,
    meeting_id: str,
    sequence: int,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    location: str,
    description: str,
    organizer_email: str,
    organizer_name: str,
    attendee: Attendee,
) -> bytes:
    """One VCALENDAR for one attendee (each e-mail carries only its own ATTENDEE line)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", meeting_uid(meeting_id))
    event.add("sequence", sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at or starts_at + timedelta(hours=2))
    event.add("summary", title)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event["organizer"] = _address(organizer_email, organizer_name)
    event.add("attendee", _address(attendee.email, attendee.name, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"))
    cal.add_component(event)
    return cal.to_ical()


@dataclass(frozen=True)
class Reply:
    uid: str
    sequence: int
    email: str
    partstat: str  # ACCEPTED, DECLINED, TENTATIVE, DELEGATED
    comment: str


def parse_reply(data: bytes | str) -> Reply:
    """Read an iCalendar REPLY (a calendar program's answer to an invitation)."""
    try:
        cal = Calendar.from_ical(data)
        if str(cal.get("method", "")).upper() != "REPLY":
            raise UnreadableCalendarError()
        event = next(c for c in cal.walk("VEVENT"))
        attendee = event.get("attendee")
        if isinstance(attendee, list):
            attendee = attendee[0]
        email = str(attendee).split(":", 1)[-1].strip().lower()
        partstat = str(attendee.params.get("PARTSTAT", "")).upper()
        return Reply(uid=str(event.get("uid")), sequence=int(event.get("sequence", 0)), email=email, partstat=partstat, comment=str(event.get("comment", "")))
    except UnreadableCalendarError:
        raise
    except (ValueError, StopIteration, AttributeError, TypeError, KeyError):
        raise UnreadableCalendarError() from None
