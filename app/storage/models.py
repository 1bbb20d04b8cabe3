"""The database schema as SQLAlchemy 2 models. One name per thing: the table names are the nouns
used in the code and the UI (meeting, agenda item, document, delegate/person, event, audit).

Ids of user-made things (meetings, agenda items, …) are UUID strings that a client may choose, so
a meeting created offline keeps its id when the outbox reaches the server.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


from app.domain.clock import iso, utcnow  # noqa: E402  (re-exported: models stamp rows with it)


class Base(DeclarativeBase):
    pass


class ServerInfo(Base):
    """One row: the identity of this chamber's server (stable id, display name)."""

    __tablename__ = "server_info"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_id: Mapped[str] = mapped_column(String(36), default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Body(Base):
    """A council body or committee (e.g. a People's Council, its economic–budget committee)."""

    __tablename__ = "bodies"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), default="council")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # How many members must be present for a meeting of this body to decide (app/domain/attendance.py):
    # more_than_half | two_thirds | at_least (quorum_count members).
    quorum_rule: Mapped[str] = mapped_column(String(20), default="more_than_half", server_default="more_than_half")
    quorum_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Person(Base):
    """A delegate, staff member or guest: the human, whether or not they have an account."""

    __tablename__ = "persons"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    seat: Mapped[str] = mapped_column(String(40), default="", server_default="")  # the person's seat in the chamber ("12"), shown at the door
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Membership(Base):
    """A person's seat in a body; a delegate sees the meetings of the bodies they belong to."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("body_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(100), default="member")


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="vi")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person | None] = relationship(lazy="joined")


class DeviceToken(Base):
    """A login on one device. Only the SHA-256 of the token is stored; revoking deletes access."""

    __tablename__ = "device_tokens"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Meeting(Base):
    __tablename__ = "meetings"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    body_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="regular")  # regular | special | committee
    # iCalendar SEQUENCE: raised when the time or place changes, so calendars update the entry.
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgendaItem(Base):
    """An item of a meeting's agenda; `parent_id` makes sub-items, `position` orders siblings."""

    __tablename__ = "agenda_items"
    __table_args__ = (Index("ix_agenda_items_meeting_parent", "meeting_id", "parent_id", "position"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(500))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Document(Base):
    """One version of a document; the file itself is stored by its SHA-256 content hash.

    A new version is a new row whose `replaces_id` names the one before; the current version is
    the row nothing replaces. A confidential document is seen by editors and by the people (person
    ids) and roles (role names) listed in `access`."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    access: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    uploaded_by: Mapped[str | None] = mapped_column(String(36))
    vetted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Event(Base):
    """The change log. Every committed change writes one row in the same transaction; `seq` is the
    monotonically increasing number clients resume from."""

    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(36))
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    body_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict | None] = mapped_column(JSON)
    operation_id: Mapped[str | None] = mapped_column(String(64))
    account_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "action": self.action,
            "id": self.entity_id,
            "meeting_id": self.meeting_id,
            "body_id": self.body_id,
            "data": self.data,
            "operation_id": self.operation_id,
            "at": iso(self.created_at),
        }


class AppliedOperation(Base):
    """A client operation the server has applied, by its client-made UUID, with the answer it
    gave: a retry of the same operation gets the same answer and changes nothing again."""

    __tablename__ = "applied_operations"
    operation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(36))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict | list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what, when, from which device: logins, failed logins, changes, revocations."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    account_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict | None] = mapped_column(JSON)
    device: Mapped[str] = mapped_column(String(200), default="")


class Invitation(Base):
    """One person invited to one meeting: how it reached them (in the app, by e-mail), whether they
    read it, and their answer (accept, decline with a reason, or send a substitute)."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"), UniqueConstraint("meeting_id", "email"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(20), default="member")  # member | guest | substitute
    on_behalf_of_id: Mapped[str | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    email_state: Mapped[str] = mapped_column(String(20), default="none")  # none | queued | sent | failed
    email_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response: Mapped[str] = mapped_column(String(20), default="none")  # none | accepted | declined | substitute
    response_reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    substitute_person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    substitute_name: Mapped[str] = mapped_column(String(200), default="")
    substitute_email: Mapped[str | None] = mapped_column(String(320))
    substitute_status: Mapped[str] = mapped_column(String(20), default="none")  # none | proposed | approved | rejected
    sequence_sent: Mapped[int] = mapped_column(Integer, default=0)
    sequence_seen: Mapped[int] = mapped_column(Integer, default=-1)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MailMessage(Base):
    """The persistent mail outbox. `dedupe_key` names what the message is (this invitation, this
    method, this sequence): queueing the same thing twice is refused by the unique key, so nobody
    is e-mailed twice for one action, whatever is clicked or retried."""

    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    invitation_id: Mapped[str | None] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InvitationTemplate(Base):
    """The invitation text for one kind of meeting in one language, with {placeholders}."""

    __tablename__ = "invitation_templates"
    __table_args__ = (UniqueConstraint("meeting_kind", "language"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class Annotation(Base):
    """A reader's mark on one document version: highlight, underline, ink, sticky note or bookmark.

    Coordinates are PDF points on the unrotated page (PyMuPDF's page space). The id is made by the
    client, so an annotation made offline keeps it. `author_account_id` decides who may change it
    (one account on several devices); `author_id` is the person, for sharing. When the document gets
    a new version the annotation moves to it (`placement` says how it was found again)."""

    __tablename__ = "annotations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    document_sha256: Mapped[str] = mapped_column(String(64))
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # highlight | underline | ink | note | bookmark
    page: Mapped[int] = mapped_column(Integer, default=0)
    rects: Mapped[list] = mapped_column(JSON, default=list)
    ink: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#FFE135")
    author_id: Mapped[str | None] = mapped_column(String(36))
    author_account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    visibility: Mapped[str] = mapped_column(String(10), default="private")  # private | people | meeting
    shared_with: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    placement: Mapped[str] = mapped_column(String(10), default="placed")  # placed | moved | unplaced
    conflict_of: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AttendanceEvent(Base):
    """One fact of attendance, never changed afterwards: a person checked in to or out of a meeting,
    or was excused from it (or the excuse was taken back).

    The id is made by the device that saw it, so a kiosk that lost the network sends the same event
    later and it is applied once. `at` is when it happened on that device, `recorded_at` when the
    server stored it. A substitute checks in as themselves with `substitute_for` naming the member
    they stand in for."""

    __tablename__ = "attendance_events"
    __table_args__ = (Index("ix_attendance_events_meeting_at", "meeting_id", "at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # check_in | check_out | excused | unexcused
    method: Mapped[str] = mapped_column(String(10), default="manual")  # face | manual
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    device: Mapped[str] = mapped_column(String(200), default="")
    account_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    distance: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    substitute_for: Mapped[str | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))


class FaceConsent(Base):
    """A person's consent to keep their face data for check-in: who recorded it, when, and which
    version of the consent text they agreed to; `withdrawn_at` once they take it back. Without a
    consent that is not withdrawn there is no face data, only manual check-in."""

    __tablename__ = "face_consents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    text_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    given_by: Mapped[str | None] = mapped_column(String(36))
    given_by_name: Mapped[str] = mapped_column(String(200), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(36))


# --- the live meeting (app/domain/live.py, app/services/live.py; migration 0006) ---------------
from datetime import date  # noqa: E402

from sqlalchemy import Date  # noqa: E402


class LiveMeeting(Base):
    """Where a running meeting is: its state, the current agenda item and its timer, the page
    shown to the hall. One row per meeting that was ever opened; a restarted server reads it back."""

    __tablename__ = "live_meetings"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="scheduled")
    current_item_id: Mapped[str | None] = mapped_column(String(36))
    item_planned: Mapped[int] = mapped_column(Integer, default=0)
    item_elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    item_running_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    page_document_id: Mapped[str | None] = mapped_column(String(36))
    page_number: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    quorum: Mapped[dict | None] = mapped_column(JSON)
    # [{item_id, started_at, ended_at}] in the order items were taken up: the minutes' timeline.
    item_log: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SpeakerRequest(Base):
    """A request to speak (or a point of order) in a meeting, and the floor when it is given."""

    __tablename__ = "speaker_requests"
    __table_args__ = (Index("ix_speaker_requests_meeting_state", "meeting_id", "state"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="speak")  # speak | point_of_order
    state: Mapped[str] = mapped_column(String(20), default="waiting")  # waiting | speaking | done | withdrawn
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_seconds: Mapped[int] = mapped_column(Integer, default=0)


class Vote(Base):
    """A vote on an agenda item. `eligible` is the list of person ids who may vote, fixed when the
    vote opens; `members` the body's seats then (the base of absolute and two-thirds majorities)."""

    __tablename__ = "votes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(String(36))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[str] = mapped_column(String(20), default="simple")
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="open")  # open | closed
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    eligible: Mapped[list] = mapped_column(JSON, default=list)
    eligible_source: Mapped[str] = mapped_column(String(20), default="members")  # attendance | members
    members: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(36))


class VoteBallot(Base):
    """A named ballot: who chose what. One row per voter; changing the vote updates it."""

    __tablename__ = "vote_ballots"
    __table_args__ = (UniqueConstraint("vote_id", "person_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    vote_id: Mapped[str] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(200))
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    account_id: Mapped[str | None] = mapped_column(String(36))


class VoteParticipant(Base):
    """Who took part in a secret vote (never how): one row per voter."""

    __tablename__ = "vote_participants"
    __table_args__ = (UniqueConstraint("vote_id", "person_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    vote_id: Mapped[str] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    voted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SecretBallot(Base):
    """How one anonymous ballot of a secret vote was cast: no person, no time. Only the holder of
    the receipt (the voter's device) can change it; the server keeps the receipt's hash alone."""

    __tablename__ = "secret_ballots"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    vote_id: Mapped[str] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str] = mapped_column(String(200))
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)


class ItemConclusion(Base):
    """The conclusion recorded for one agenda item, optionally linked to the vote that decided it."""

    __tablename__ = "item_conclusions"
    agenda_item_id: Mapped[str] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    vote_id: Mapped[str | None] = mapped_column(ForeignKey("votes.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(36))


class FollowUpTask(Base):
    """A follow-up task from a meeting: what, who is responsible (a person or a unit), who supports,
    by when, with what expected result; tracked afterwards with progress and status."""

    __tablename__ = "follow_up_tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(String(36))
    body_id: Mapped[str | None] = mapped_column(String(36), index=True)
    what: Mapped[str] = mapped_column(Text)
    responsible_person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    responsible_unit: Mapped[str] = mapped_column(String(300), default="")
    supporters: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    expected_result: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done | cancelled
    progress: Mapped[int] = mapped_column(Integer, default=0)
    progress_note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- face enrolment (app/services/faces.py; migration 0007) --------------------------------------
from sqlalchemy import LargeBinary  # noqa: E402


class FaceEnrolment(Base):
    """One accepted enrolment photo of a person: its face encoding sealed with the server's face
    key (app/faces/crypto.py; the key is never in the database), the photo itself only when the
    admin chose to keep photos, and the quality figures it passed with. Rows exist only while the
    person's consent is in force; withdrawal deletes them (SQLite: with secure_delete)."""

    __tablename__ = "face_enrolments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    encoding: Mapped[bytes] = mapped_column(LargeBinary)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    size_px: Mapped[int] = mapped_column(Integer, default=0)
    brightness: Mapped[float] = mapped_column(Float, default=0.0)
    sharpness: Mapped[float] = mapped_column(Float, default=0.0)
    ear: Mapped[float] = mapped_column(Float, default=0.0)
    nearest_other: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")


# --- minutes (app/services/minutes.py; migration 0008) -------------------------------------------
class MeetingMinutes(Base):
    """A meeting's minutes: the latest saved version and whether the chair approved it (then it is
    locked). Every saved text is kept in minutes_versions."""

    __tablename__ = "meeting_minutes"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")  # draft | approved
    version: Mapped[int] = mapped_column(Integer, default=0)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    approved_by_name: Mapped[str] = mapped_column(String(200), default="")


class MinutesVersion(Base):
    """One saved text of a meeting's minutes (Markdown), never changed afterwards."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_by: Mapped[str | None] = mapped_column(String(36))
    saved_by_name: Mapped[str] = mapped_column(String(200), default="")


# --- proxy votes (app/services/proxies.py; migration 0009) ----------------------------------------
class VoteProxy(Base):
    """A delegate names another member of the body to cast their ballot in a meeting's votes; the
    secretariat approves it. One proxy per delegate and meeting (naming again replaces it)."""

    __tablename__ = "vote_proxies"
    __table_args__ = (UniqueConstraint("meeting_id", "principal_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    principal_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    proxy_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default="requested")  # requested | approved | refused
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(36))


# --- pairing codes (app/services/pairing.py; migration 0011) --------------------------------------
class PairingCode(Base):
    """A one-time code a new device types to pair: '1234 5678 9012'. The first group (`lookup`)
    finds the row; the other eight digits (`secret`) are the SPAKE2 password, kept in clear because
    the server needs it for the key exchange (it lives for minutes and works once)."""

    __tablename__ = "pairing_codes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    lookup: Mapped[str] = mapped_column(String(8), index=True)
    secret: Mapped[str] = mapped_column(String(16))
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_device: Mapped[str] = mapped_column(String(200), default="")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
