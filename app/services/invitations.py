"""Invitations: the secretariat invites, invitees answer, and every change reaches them.

Every invitee gets the invitation in the app at once (an `invitation` event); those with an
e-mail address also get a message with an iCalendar attachment through the mail outbox. A change
of time or place raises the meeting's iCalendar SEQUENCE and sends an update only to those still
invited; a cancellation sends METHOD:CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import invitations as rules
from app.domain.clock import aware, iso, utcnow
from app.domain.invitations import InvitationNotFoundError, NoInviteesError, Response, SubstituteMissingError
from app.domain.meetings import MeetingStatus
from app.domain.roles import EDITORS, Actor, Role
from app.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_
from app.mail import ical
from app.services.audit import audit
from app.services.events import record_event
from app.services.meetings import get_meeting_row, meeting_dict
from app.storage.models import (
    AgendaItem,
    Body,
    Invitation,
    InvitationTemplate,
    MailMessage,
    Meeting,
    Membership,
    Person,
)


class NotYourInvitationError(PermissionDeniedError):
    message = N_("This invitation is addressed to someone else.")


class MeetingOverError(InvalidInputError):
    message = N_("This meeting is closed or cancelled; invitations can no longer be sent or answered.")


class NoSubstituteProposedError(ConflictError):
    message = N_("No substitute is waiting for approval on this invitation.")


@dataclass(frozen=True)
class MailPolicy:
    """Whether and as whom the server e-mails. Set per database by the server (`Database.session_info`)."""

    enabled: bool = False
    sender: str = "Chamber"
    organizer_email: str = "chamber@localhost"


def mail_policy(session: Session) -> MailPolicy:
    return session.info.get("mail_policy") or MailPolicy()


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise PermissionDeniedError()


def invitation_dict(inv: Invitation, meeting: Meeting | None = None) -> dict[str, Any]:
    meeting = meeting or inv.__dict__.get("_meeting")
    data = {
        "id": inv.id,
        "meeting_id": inv.meeting_id,
        "person_id": inv.person_id,
        "name": inv.name,
        "email": inv.email,
        "kind": inv.kind,
        "on_behalf_of_id": inv.on_behalf_of_id,
        "language": inv.language,
        "subject": inv.subject,
        "body": inv.body,
        "email_state": inv.email_state,
        "email_error": inv.email_error,
        "delivered_at": iso(inv.delivered_at),
        "read_at": iso(inv.read_at),
        "response": inv.response,
        "response_reason": inv.response_reason,
        "responded_at": iso(inv.responded_at),
        "substitute_person_id": inv.substitute_person_id,
        "substitute_name": inv.substitute_name,
        "substitute_email": inv.substitute_email,
        "substitute_status": inv.substitute_status,
        "sequence_sent": inv.sequence_sent,
        "sequence_seen": inv.sequence_seen,
        "cancelled_at": iso(inv.cancelled_at),
        "reminded_at": iso(inv.reminded_at),
        "created_at": iso(inv.created_at),
    }
    if meeting is not None:
        data["meeting_sequence"] = meeting.ical_sequence
        data["has_unseen_change"] = inv.sequence_seen < meeting.ical_sequence and inv.sequence_seen >= 0
    return data


def _publish(session: Session, actor: Actor | None, inv: Invitation, meeting: Meeting, action: str = "updated") -> dict[str, Any]:
    inv.updated_at = utcnow()
    session.flush()
    data = invitation_dict(inv, meeting)
    record_event(session, kind="invitation", action=action, entity_id=inv.id, data=data, actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)
    return data


# --- templates -----------------------------------------------------------------------------
def get_template(session: Session, meeting_kind: str, language: str) -> dict[str, str]:
    rules.check_template_key(meeting_kind, language)
    row = session.scalar(select(InvitationTemplate).where(InvitationTemplate.meeting_kind == meeting_kind, InvitationTemplate.language == language))
    if row is not None:
        return {"subject": row.subject, "body": row.body}
    return dict(rules.DEFAULT_TEMPLATES.get(language, rules.DEFAULT_TEMPLATES["vi"]))


def save_template(session: Session, actor: Actor, *, meeting_kind: str, language: str, subject: str, body: str) -> dict[str, str]:
    _require_editor(actor)
    rules.check_template_key(meeting_kind, language)
    rules.check_template(subject)
    rules.check_template(body)
    row = session.scalar(select(InvitationTemplate).where(InvitationTemplate.meeting_kind == meeting_kind, InvitationTemplate.language == language))
    if row is None:
        row = InvitationTemplate(meeting_kind=meeting_kind, language=language, subject="", body="")
        session.add(row)
    row.subject, row.body = subject[:300], body
    audit(session, actor, "template.save", f"{meeting_kind}/{language}")
    return {"subject": row.subject, "body": row.body}


def _agenda_summary(session: Session, meeting: Meeting) -> str:
    from app.domain.agenda import ordered
    from app.services.agenda import item_dict

    rows = session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    return "\n".join(f"{'   ' * i['depth']}{i['number']}. {i['title']}" for i in ordered([item_dict(r) for r in rows])) or "-"


def _values(session: Session, meeting: Meeting, *, name: str, title: str, sender: str) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "meeting": meeting.title,
        "time": rules.local_time(aware(meeting.starts_at)),
        "place": meeting.location or "-",
        "agenda": _agenda_summary(session, meeting),
        "sender": sender,
    }


# --- who is invited -----------------------------------------------------------------------
def _resolve_invitees(session: Session, meeting: Meeting, *, body_ids: Iterable[str], person_ids: Iterable[str], guests: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    people: dict[str, Person] = {}
    for body_id in body_ids:
        if session.get(Body, body_id) is None:
            raise NotFoundError()
        for person in session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(Membership.body_id == body_id)):
            people[person.id] = person
    for person_id in person_ids:
        person = session.get(Person, person_id) if isinstance(person_id, str) else None
        if person is None:
            raise NotFoundError()
        people[person.id] = person
    out = [{"person_id": p.id, "name": p.full_name, "title": p.title, "email": p.email, "kind": "member"} for p in people.values()]
    for guest in guests:
        name = (guest.get("name") or "").strip()[:200]
        email = rules.check_email(guest.get("email"))
        if not email:
            raise rules.InvalidEmailError(email=guest.get("email") or "")
        out.append({"person_id": None, "name": name or email, "title": guest.get("title", "")[:100], "email": email, "kind": "guest"})
    if not out:
        raise NoInviteesError()
    return out


def preview_invitations(session: Session, actor: Actor, meeting_id: str, *, body_ids: Iterable[str] = (), person_ids: Iterable[str] = (), guests: Iterable[dict[str, str]] = (),
                        subject: str | None = None, body: str | None = None, language: str = "vi") -> list[dict[str, Any]]:
    _require_editor(actor)
    meeting = get_meeting_row(session, actor, meeting_id)
    template = get_template(session, meeting.kind, language)
    subject_t, body_t = subject if subject is not None else template["subject"], body if body is not None else template["body"]
    out = []
    for who in _resolve_invitees(session, meeting, body_ids=body_ids, person_ids=person_ids, guests=guests):
        values = _values(session, meeting, name=who["name"], title=who["title"], sender=mail_policy(session).sender)
        out.append({**who, "subject": rules.render(subject_t, values), "body": rules.render(body_t, values)})
    return out


def send_invitations(session: Session, actor: Actor, meeting_id: str, *, body_ids: Iterable[str] = (), person_ids: Iterable[str] = (), guests: Iterable[dict[str, str]] = (),
                     subject: str | None = None, body: str | None = None, language: str = "vi") -> dict[str, Any]:
    """Invite everyone chosen who is not invited yet. Sending again to the same people adds nobody
    twice and e-mails nobody twice."""
    meeting = get_meeting_row(session, actor, meeting_id)
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise MeetingOverError()
    policy = mail_policy(session)
    previews = preview_invitations(session, actor, meeting_id, body_ids=body_ids, person_ids=person_ids, guests=guests, subject=subject, body=body, language=language)
    existing = {(i.person_id or i.email) for i in session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id))}
    created, skipped = [], 0
    for p in previews:
        key = p["person_id"] or p["email"]
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        inv = Invitation(
            meeting_id=meeting.id, person_id=p["person_id"], name=p["name"], email=p["email"], kind=p["kind"], language=language,
            subject=p["subject"][:300], body=p["body"], created_by=actor.account_id, sequence_sent=meeting.ical_sequence, sequence_seen=-1,
        )
        session.add(inv)
        session.flush()
        if p["email"] and policy.enabled:
            _queue_mail(session, inv, meeting, method="REQUEST", subject=inv.subject, text=inv.body)
        created.append(_publish(session, actor, inv, meeting, "created"))
    if meeting.status == MeetingStatus.DRAFT:
        # Sending invitations publishes the meeting: delegates see it from now on.
        meeting.status = MeetingStatus.SCHEDULED.value
        meeting.version += 1
        session.flush()
        record_event(session, kind="meeting", action="updated", entity_id=meeting.id, data=meeting_dict(meeting), actor=actor, meeting_id=meeting.id, body_id=meeting.body_id)
    audit(session, actor, "invitations.send", meeting.id, created=len(created), skipped=skipped)
    return {"created": len(created), "already_invited": skipped, "invitations": created, "mail": policy.enabled}


def _queue_mail(session: Session, inv: Invitation, meeting: Meeting, *, method: str, subject: str, text: str, key: str | None = None) -> bool:
    """Queue one e-mail unless this exact message was already queued (unique dedupe key)."""
    policy = mail_policy(session)
    if not inv.email or not policy.enabled:
        return False
    sequence = meeting.ical_sequence
    key = key or f"inv:{inv.id}:{method}:{sequence}"
    if session.scalar(select(MailMessage.id).where(MailMessage.dedupe_key == key)) is not None:
        return False
    ics = None
    if method in ("REQUEST", "CANCEL"):
        ics = ical.build(
            method=method, meeting_id=meeting.id, sequence=sequence, title=meeting.title, starts_at=aware(meeting.starts_at), ends_at=aware(meeting.ends_at),
            location=meeting.location, description=text, organizer_email=policy.organizer_email, organizer_name=policy.sender,
            attendee=ical.Attendee(inv.email, inv.name),
        ).decode("utf-8")
    try:
        with session.begin_nested():
            session.add(MailMessage(dedupe_key=key, invitation_id=inv.id, to_addr=inv.email, to_name=inv.name, subject=subject[:300], text_body=text, ics=ics, ics_method=method if ics else None))
    except IntegrityError:
        return False  # queued by a concurrent request a moment ago
    inv.email_state = "queued"
    inv.email_error = None
    inv.sequence_sent = sequence
    return True


# --- the board and the inbox ----------------------------------------------------------------
def list_invitations(session: Session, actor: Actor, meeting_id: str) -> dict[str, Any]:
    _require_editor(actor)
    meeting = get_meeting_row(session, actor, meeting_id)
    rows = list(session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id).order_by(Invitation.name)))
    items = [invitation_dict(i, meeting) for i in rows]
    counts = rules.board_counts(items, meeting.ical_sequence)
    return {"meeting": meeting_dict(meeting), "sequence": meeting.ical_sequence, "counts": counts, "invitations": items}


def visible_invitations(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """For a client's cache: every invitation for the secretariat, one's own for everyone else."""
    if actor.role in EDITORS:
        rows = session.execute(select(Invitation, Meeting).join(Meeting, Meeting.id == Invitation.meeting_id)).all()
        return [invitation_dict(inv, m) for inv, m in rows]
    return [{k: v for k, v in i.items() if k != "meeting"} for i in my_invitations(session, actor)]


def my_invitations(session: Session, actor: Actor) -> list[dict[str, Any]]:
    if not actor.person_id:
        return []
    rows = session.execute(
        select(Invitation, Meeting).join(Meeting, Meeting.id == Invitation.meeting_id).where(Invitation.person_id == actor.person_id).order_by(Meeting.starts_at)
    ).all()
    return [{**invitation_dict(inv, m), "meeting": meeting_dict(m)} for inv, m in rows]


def _own(session: Session, actor: Actor, invitation_id: str) -> tuple[Invitation, Meeting]:
    inv = session.get(Invitation, invitation_id) if isinstance(invitation_id, str) and len(invitation_id) <= 36 else None
    if inv is None or inv.cancelled_at is not None:
        raise InvitationNotFoundError()
    if actor.role not in EDITORS and (actor.person_id is None or inv.person_id != actor.person_id):
        raise NotYourInvitationError()
    return inv, session.get(Meeting, inv.meeting_id)


def mark_read(session: Session, actor: Actor, invitation_id: str) -> dict[str, Any]:
    """The invitee opened the invitation: a read receipt, and they have now seen the latest change."""
    inv, meeting = _own(session, actor, invitation_id)
    changed = False
    if inv.read_at is None:
        inv.read_at = utcnow()
        changed = True
    if inv.sequence_seen < meeting.ical_sequence:
        inv.sequence_seen = meeting.ical_sequence
        changed = True
    return _publish(session, actor, inv, meeting) if changed else invitation_dict(inv, meeting)


def respond(session: Session, actor: Actor, invitation_id: str, *, response: str, reason: str = "", substitute_person_id: str | None = None,
            substitute_name: str = "", substitute_email: str | None = None) -> dict[str, Any]:
    inv, meeting = _own(session, actor, invitation_id)
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise MeetingOverError()
    try:
        answer = Response(response)
    except ValueError:
        raise rules.InvalidInputError() from None
    if len(reason or "") > rules.MAX_REASON:
        raise rules.ReasonTooLongError(limit=rules.MAX_REASON)
    inv.response = answer.value
    inv.response_reason = (reason or "").strip()
    inv.responded_at = utcnow()
    if inv.read_at is None:
        inv.read_at = inv.responded_at
    if answer == Response.SUBSTITUTE:
        person = session.get(Person, substitute_person_id) if substitute_person_id else None
        if substitute_person_id and person is None:
            raise NotFoundError()
        name = person.full_name if person else (substitute_name or "").strip()[:200]
        if not name:
            raise SubstituteMissingError()
        inv.substitute_person_id = person.id if person else None
        inv.substitute_name = name
        inv.substitute_email = person.email if person else rules.check_email(substitute_email)
        inv.substitute_status = "proposed"
    elif inv.substitute_status == "proposed":
        inv.substitute_status = "none"
    audit(session, actor, "invitation.respond", inv.id, response=answer.value)
    return _publish(session, actor, inv, meeting)


def approve_substitute(session: Session, actor: Actor, invitation_id: str, *, approve: bool) -> dict[str, Any]:
    """The secretariat approves (or refuses) a named substitute; an approved one is invited in turn."""
    _require_editor(actor)
    inv, meeting = _own(session, actor, invitation_id)
    if inv.substitute_status != "proposed":
        raise NoSubstituteProposedError()
    inv.substitute_status = "approved" if approve else "rejected"
    result = _publish(session, actor, inv, meeting)
    if approve:
        key = inv.substitute_person_id or inv.substitute_email
        already = session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id, (Invitation.person_id == key) | (Invitation.email == key))) if key else None
        if already is None:
            template = get_template(session, meeting.kind, inv.language)
            person = session.get(Person, inv.substitute_person_id) if inv.substitute_person_id else None
            values = _values(session, meeting, name=inv.substitute_name, title=person.title if person else "", sender=mail_policy(session).sender)
            sub = Invitation(
                meeting_id=meeting.id, person_id=inv.substitute_person_id, name=inv.substitute_name, email=inv.substitute_email, kind="substitute",
                on_behalf_of_id=inv.id, language=inv.language, subject=rules.render(template["subject"], values)[:300],
                body=rules.render(template["body"], values), created_by=actor.account_id, sequence_sent=meeting.ical_sequence,
            )
            session.add(sub)
            session.flush()
            _queue_mail(session, sub, meeting, method="REQUEST", subject=sub.subject, text=sub.body)
            _publish(session, actor, sub, meeting, "created")
    audit(session, actor, "invitation.substitute", inv.id, approved=approve)
    return result


# --- changes, cancellations, reminders ----------------------------------------------------
CHANGE_FIELDS = ("starts_at", "ends_at", "location")


def meeting_changed(session: Session, actor: Actor | None, meeting: Meeting, fields: Iterable[str]) -> int:
    """Time, place or cancellation changed: raise SEQUENCE and tell those still invited (not
    those who declined). Returns how many invitees were told."""
    fields = set(fields)
    cancelled = "status" in fields and meeting.status == MeetingStatus.CANCELLED
    if not cancelled and not fields & set(CHANGE_FIELDS):
        return 0
    invitations = list(session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.cancelled_at.is_(None))))
    if not invitations:
        return 0
    meeting.ical_sequence += 1
    told = 0
    for inv in invitations:
        if inv.response == Response.DECLINED and not cancelled:
            continue
        lang = inv.language if inv.language in rules.DEFAULT_TEMPLATES else "vi"
        person = session.get(Person, inv.person_id) if inv.person_id else None
        values = _values(session, meeting, name=inv.name, title=person.title if person else "", sender=mail_policy(session).sender)
        subject = rules.render((rules.CANCEL_SUBJECT if cancelled else rules.UPDATE_SUBJECT)[lang], values)
        text = rules.render((rules.CANCEL_BODY if cancelled else rules.UPDATE_BODY)[lang], values)
        _queue_mail(session, inv, meeting, method="CANCEL" if cancelled else "REQUEST", subject=subject, text=text)
        _publish(session, actor, inv, meeting)
        told += 1
    return told


def remind(session: Session, actor: Actor | None, meeting_id: str, *, automatic: bool = False) -> int:
    """Remind everyone who has not answered. A reminder e-mail per invitee per day at most."""
    if actor is not None:
        _require_editor(actor)
        meeting = get_meeting_row(session, actor, meeting_id)
    else:
        meeting = session.get(Meeting, meeting_id)
    now = utcnow()
    count = 0
    for inv in session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.cancelled_at.is_(None), Invitation.response == Response.NONE.value)):
        if automatic and inv.reminded_at is not None:
            continue
        lang = inv.language if inv.language in rules.DEFAULT_TEMPLATES else "vi"
        person = session.get(Person, inv.person_id) if inv.person_id else None
        values = _values(session, meeting, name=inv.name, title=person.title if person else "", sender=mail_policy(session).sender)
        _queue_mail(session, inv, meeting, method="NONE", subject=rules.render(rules.REMINDER_SUBJECT[lang], values), text=rules.render(rules.REMINDER_BODY[lang], values),
                    key=f"remind:{inv.id}:{now.date().isoformat()}")
        inv.reminded_at = now
        _publish(session, actor, inv, meeting)
        count += 1
    if actor is not None:
        audit(session, actor, "invitations.remind", meeting.id, count=count)
    return count


def due_reminders(session: Session, *, hours_before: float) -> list[str]:
    """Meetings starting within `hours_before` whose unanswered invitees were not reminded yet."""
    now = utcnow()
    rows = session.scalars(
        select(Meeting.id).join(Invitation, Invitation.meeting_id == Meeting.id).where(
            Meeting.starts_at > now, Meeting.starts_at <= now + timedelta(hours=hours_before), Meeting.status == MeetingStatus.SCHEDULED.value,
            Invitation.response == Response.NONE.value, Invitation.reminded_at.is_(None), Invitation.cancelled_at.is_(None),
        ).distinct()
    )
    return list(rows)


# --- e-mail replies from calendar programs ------------------------------------------------
def apply_calendar_reply(session: Session, reply: ical.Reply) -> dict[str, Any] | None:
    """An iCalendar REPLY (ACCEPTED/DECLINED) from the invitee's calendar updates their answer."""
    meeting_id = reply.uid.removesuffix("@chamber")
    inv = session.scalar(select(Invitation).where(Invitation.meeting_id == meeting_id, func.lower(Invitation.email) == reply.email))
    if inv is None:
        return None
    meeting = session.get(Meeting, meeting_id)
    mapping = {"ACCEPTED": Response.ACCEPTED, "DECLINED": Response.DECLINED}
    if reply.partstat not in mapping:
        return None
    inv.response = mapping[reply.partstat].value
    inv.response_reason = reply.comment[: rules.MAX_REASON]
    inv.responded_at = utcnow()
    return _publish(session, None, inv, meeting)


# --- usage report ---------------------------------------------------------------------------
def usage_report(session: Session, actor: Actor, *, sms_cost_vnd: int = 850, sms_per_invitation: float = 3.0) -> dict[str, Any]:
    """Invitations per month and body, the answer rate, and what the same work would have cost by SMS."""
    if actor.role not in EDITORS and actor.role != Role.CHAIR:
        raise PermissionDeniedError()
    rows = session.execute(
        select(Invitation.created_at, Invitation.response, Invitation.email_state, Body.name)
        .join(Meeting, Meeting.id == Invitation.meeting_id).outerjoin(Body, Body.id == Meeting.body_id)
    ).all()
    months: dict[str, dict[str, Any]] = {}
    for created_at, response, email_state, body_name in rows:
        month = aware(created_at).strftime("%Y-%m")
        m = months.setdefault(month, {"month": month, "invitations": 0, "answered": 0, "emailed": 0, "by_body": {}})
        m["invitations"] += 1
        m["answered"] += response != Response.NONE.value
        m["emailed"] += email_state == "sent"
        key = body_name or "-"
        m["by_body"][key] = m["by_body"].get(key, 0) + 1
    total = sum(m["invitations"] for m in months.values())
    answered = sum(m["answered"] for m in months.values())
    for m in months.values():
        m["answer_rate"] = round(m["answered"] / m["invitations"], 3) if m["invitations"] else 0.0
        m["sms_saved"] = round(m["invitations"] * sms_per_invitation)
        m["saving_vnd"] = round(m["invitations"] * sms_per_invitation * sms_cost_vnd)
    return {
        "months": [months[k] for k in sorted(months)],
        "total_invitations": total,
        "answer_rate": round(answered / total, 3) if total else 0.0,
        "sms_cost_vnd": sms_cost_vnd,
        "sms_per_invitation": sms_per_invitation,
        "estimated_saving_vnd": round(total * sms_per_invitation * sms_cost_vnd),
    }

