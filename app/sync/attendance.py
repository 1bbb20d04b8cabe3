"""Attendance on a client (a mixin of ChamberSession): a meeting's attendance board from the cache,
and the commands of the kiosk, the secretariat and the chair — check in, check out, excuse.

Every command is an event with a UUID made on this device, checked with the server's rules and
queued in the outbox; the board shows it at once (marked pending) because it is computed from the
server's events *plus* this device's unsent ones. An offline kiosk or secretary keeps working, and
the server applies each event exactly once however often it is sent. Confirmed events come back
through the event stream with the same id, so nothing is counted twice on the way.
"""

from __future__ import annotations

import platform
from typing import Any

from app.domain import attendance as rules
from app.domain import consent as consent_rules
from app.domain.clock import utcnow
from app.errors import NotFoundError, PermissionDeniedError
from app.i18n import N_


class PersonNotInCacheError(NotFoundError):
    message = N_("This person is not in the directory on this device.")


class AttendanceCommands:
    """Needs from ChamberSession: cache, api, role, get_meeting, list_persons, list_bodies, _queue, _changed."""

    # --- who may ------------------------------------------------------------------------------
    @property
    def can_read_attendance(self) -> bool:
        return self.role in rules.READERS

    @property
    def can_record_attendance(self) -> bool:
        return self.role in rules.RECORDERS

    @property
    def can_excuse(self) -> bool:
        return self.role in rules.EXCUSERS

    @property
    def can_export_attendance(self) -> bool:
        return self.role in rules.EXPORTERS

    # --- queries --------------------------------------------------------------------------------
    def attendance_events(self, meeting_id: str) -> list[dict[str, Any]]:
        """The server's events of a meeting and this device's unsent ones (marked `pending`)."""
        events = {e["id"]: e for e in self.cache.list_attendance_events(meeting_id)}
        for op in self.cache.operations("pending"):
            body = op.get("body") or {}
            if op.get("kind") == "attendance" and op.get("meeting_id") == meeting_id and body.get("id") not in events:
                events[body["id"]] = {**body, "meeting_id": meeting_id, "recorded_at": None, "pending": True}
        return list(events.values())

    def attendance_board(self, meeting_id: str) -> dict[str, Any]:
        """The board of a meeting: a row per member then everyone else who came, counts, quorum;
        computed here with the server's rules, so it works offline and follows every event."""
        meeting = self.get_meeting(meeting_id)
        body = next((b for b in self.list_bodies() if b["id"] == meeting.get("body_id")), None)
        persons = {p["id"]: p for p in self.list_persons()}
        board = rules.board(self.attendance_events(meeting_id), members=list(body.get("member_ids") or []) if body else [], persons=persons,
                            quorum_rule=(body or {}).get("quorum_rule") or rules.QuorumRule.MORE_THAN_HALF.value,
                            quorum_count=(body or {}).get("quorum_count") or 0)
        return {"meeting": meeting, "body": {"id": body["id"], "name": body["name"]} if body else None, **board}

    def attendance_of(self, meeting_id: str, person_id: str) -> dict[str, Any] | None:
        """One person's row of the board (the kiosk: "already checked in at 07:52")."""
        return next((r for r in self.attendance_board(meeting_id)["rows"] if r["person_id"] == person_id), None)

    # --- commands -------------------------------------------------------------------------------
    def _record(self, meeting_id: str, fields: dict[str, Any], *, origin: Any = None) -> dict[str, Any]:
        if self.role not in rules.RECORDERS:
            raise PermissionDeniedError()
        meeting = self.get_meeting(meeting_id)
        persons = {p["id"]: p for p in self.list_persons()}
        if fields.get("person_id") not in persons:
            raise PersonNotInCacheError()
        event = rules.clean_event({"device": platform.node(), **fields}, now=utcnow())
        rules.check_may_record(self.role, event)
        if event["substitute_for"]:
            body = next((b for b in self.list_bodies() if b["id"] == meeting.get("body_id")), None)
            rules.check_substitute(event, set((body or {}).get("member_ids") or []), persons[event["person_id"]].get("full_name") or "")
        name = persons[event["person_id"]].get("full_name") or ""
        self._queue("POST", f"/meetings/{meeting_id}/attendance", event, kind="attendance", entity_id=event["id"], meeting_id=meeting_id,
                    summary=f"{name} – {meeting.get('title', '')}")
        self._changed("attendance", meeting_id, origin=origin)
        return {**event, "meeting_id": meeting_id}

    def check_in(self, meeting_id: str, person_id: str, *, method: str = "manual", reason: str = "", distance: float | None = None,
                 event_id: str | None = None, at: Any = None, substitute_for: str | None = None, device: str | None = None,
                 origin: Any = None) -> dict[str, Any]:
        """Record an arrival. The kiosk passes method="face" and the match distance; a person
        checked in by hand needs a reason. Give `event_id` to retry the very same check-in."""
        fields = {"id": event_id, "person_id": person_id, "action": rules.Action.CHECK_IN.value, "method": method, "reason": reason,
                  "distance": distance, "at": at, "substitute_for": substitute_for}
        if device is not None:
            fields["device"] = device
        return self._record(meeting_id, fields, origin=origin)

    def check_out(self, meeting_id: str, person_id: str, *, method: str = "manual", reason: str = "", distance: float | None = None,
                  event_id: str | None = None, at: Any = None, device: str | None = None, origin: Any = None) -> dict[str, Any]:
        """Record a departure (leaving early, or for a while: a later check-in brings them back)."""
        fields = {"id": event_id, "person_id": person_id, "action": rules.Action.CHECK_OUT.value, "method": method, "reason": reason,
                  "distance": distance, "at": at}
        if device is not None:
            fields["device"] = device
        return self._record(meeting_id, fields, origin=origin)

    def mark_excused(self, meeting_id: str, person_id: str, reason: str, *, event_id: str | None = None, origin: Any = None) -> dict[str, Any]:
        """The person is excused from this meeting (the secretariat or the chair, with a reason)."""
        return self._record(meeting_id, {"id": event_id, "person_id": person_id, "action": rules.Action.EXCUSED.value, "reason": reason}, origin=origin)

    def withdraw_excuse(self, meeting_id: str, person_id: str, *, event_id: str | None = None, origin: Any = None) -> dict[str, Any]:
        """Take back an excuse marked by mistake."""
        return self._record(meeting_id, {"id": event_id, "person_id": person_id, "action": rules.Action.UNEXCUSED.value}, origin=origin)

    def set_quorum_rule(self, body_id: str, rule: str, count: int | None = None) -> None:
        """How many members a meeting of this body needs; every board follows."""
        if self.role not in rules.QUORUM_KEEPERS:
            raise PermissionDeniedError()
        rule, count = rules.check_quorum_rule(rule, count)
        body = next((b for b in self.list_bodies() if b["id"] == body_id), None)
        if body is None:
            raise rules.BodyNotFoundError()
        self.cache.put_body({**body, "quorum_rule": rule, "quorum_count": count})
        self._queue("PUT", f"/bodies/{body_id}/quorum", {"rule": rule, "count": count}, kind="body", entity_id=body_id, meeting_id=None, summary=body["name"])
        self._changed("body", body_id)

    # --- network ----------------------------------------------------------------------------------
    def export_attendance(self, meeting_id: str, fmt: str = "pdf") -> bytes:
        """Network: the attendance list as PDF or CSV bytes, in the user's language. Run off the GUI thread."""
        if fmt not in ("pdf", "csv"):
            raise ValueError(fmt)
        return self.api.download(f"/meetings/{meeting_id}/attendance.{fmt}")

    def face_consents(self, person_id: str | None = None) -> list[dict[str, Any]]:
        """Network: the consent records (secretariat, admin)."""
        return self.api.request("GET", "/face-consents", params={"person_id": person_id} if person_id else None)

    def give_face_consent(self, person_id: str, text_version: str) -> str:
        """Queue the person's consent to face check-in (sent exactly once, also from offline)."""
        if self.role not in consent_rules.KEEPERS:
            raise PermissionDeniedError()
        version = consent_rules.clean_text_version(text_version)
        return self._queue("POST", f"/persons/{person_id}/face-consent", {"text_version": version}, kind="face_consent", entity_id=person_id,
                           meeting_id=None, summary=version)

    def withdraw_face_consent(self, person_id: str) -> str:
        if self.role not in consent_rules.KEEPERS:
            raise PermissionDeniedError()
        return self._queue("DELETE", f"/persons/{person_id}/face-consent", None, kind="face_consent", entity_id=person_id, meeting_id=None, summary="")
