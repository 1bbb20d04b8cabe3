"""What the kiosk at the door does with a final face verdict (Qt-free; the window only shows it).

accepted  → the person is checked in to today's meeting through the session (an outbox event with
            a device-made id: works offline, reaches the server exactly once), unless the board
            already shows them present: then "already checked in", and no second event
other     → "please see the secretariat" (manual check-in), with the recogniser's reason

The board the kiosk reads includes its own unsent check-ins, so a person recognised twice before
the network comes back is still checked in once.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from app.errors import ChamberError
from app.faces.checkin import Verdict

if TYPE_CHECKING:
    from app.sync.session import ChamberSession

OutcomeKind = Literal["checked_in", "already", "manual", "no_meeting"]
PRESENT = "present"


@dataclass(frozen=True)
class KioskOutcome:
    kind: OutcomeKind
    person: dict[str, Any] | None = None
    at: Any = None  # arrival time (the new check-in's, or the earlier one's)
    distance: float | None = None
    event_id: str | None = None
    reason: str | None = None  # msgid (translate where shown), or a ChamberError's message
    error: ChamberError | None = None
    member: bool = False


class KioskDesk:
    def __init__(self, session: "ChamberSession", *, device: str | None = None) -> None:
        self.session = session
        self.device = device or f"kiosk {platform.node()}"

    def handle(self, meeting_id: str | None, verdict: Verdict) -> KioskOutcome | None:
        """None while the verdict is not final; otherwise what happened, for the screen."""
        if not verdict.final:
            return None
        if verdict.state != "accepted" or verdict.person_id is None:
            # Never name anybody the kiosk is not sure of.
            return KioskOutcome("manual", reason=verdict.prompt)
        person = next((p for p in self.session.list_persons() if p["id"] == verdict.person_id), None)
        if meeting_id is None:
            return KioskOutcome("no_meeting", person=person)
        try:
            row = self.session.attendance_of(meeting_id, verdict.person_id)
            if row is not None and row["state"] == PRESENT:
                return KioskOutcome("already", person=person, at=row.get("arrived_at"), member=bool(row.get("member")))
            event = self.session.check_in(meeting_id, verdict.person_id, method="face", distance=round(float(verdict.distance), 4), device=self.device)
        except ChamberError as err:
            return KioskOutcome("manual", error=err)
        member = bool((row or {}).get("member"))
        return KioskOutcome("checked_in", person=person, at=event.get("at"), distance=event.get("distance"), event_id=event.get("id"), member=member)
