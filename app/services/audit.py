"""The audit log: who did what, when and from which device — and, for an administrator, the log
itself: filtered, paged (newest first, by id) and exported as CSV. Reading the log is audited too.

Action names are `<thing>.<what>` (`attendance.checkin`, `vote.ballot`, `document.downloaded`…);
a filter on an action matches its prefix, so `vote` finds every vote action. The detail never holds
a secret ballot's choice, a password or an annotation's text."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.clock import iso
from app.domain.audit import DEFAULT_LIMIT, MAX_FILTER, MAX_LIMIT, READERS
from app.domain.roles import Actor
from app.errors import InvalidInputError, PermissionDeniedError
from app.i18n import N_, translate
from app.storage.models import AuditEntry

EXPORT_BATCH = 1000  # rows read per query while an export streams
VIEWERS = READERS
CSV_COLUMNS = (("id", N_("No.")), ("at", N_("Time (UTC)")), ("username", N_("User")), ("action", N_("Action")), ("target", N_("Target")),
               ("device", N_("Device")), ("detail", N_("Detail")))


class AuditDateError(InvalidInputError):
    message = N_("The date %(value)s is not valid: use YYYY-MM-DD or an ISO date and time.")


class AuditFilterError(InvalidInputError):
    message = N_("An audit log filter is too long (at most %(limit)s characters).")


class AuditLimitError(InvalidInputError):
    message = N_("Ask for 1 to %(limit)s audit entries at a time.")


def audit(session: Session, actor: Actor | None, action: str, target: str = "", *, device: str = "", **detail: Any) -> None:
    session.add(
        AuditEntry(
            account_id=actor.account_id if actor else None,
            username=actor.username if actor else detail.pop("username", ""),
            action=action,
            target=target[:200],
            detail=detail or None,
            device=(device or (actor.device if actor else ""))[:200],
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: `since` ≤ time < `until`, exact user name, action prefix, text in the target;
    `before_id` pages back from the last entry seen."""

    since: datetime | None = None
    until: datetime | None = None
    username: str = ""
    action: str = ""
    text: str = ""
    before_id: int | None = None
    limit: int = DEFAULT_LIMIT

    def described(self) -> dict[str, Any]:
        """The filter as an audit detail (only what was set)."""
        out = {k: iso(v) if isinstance(v, datetime) else v for k, v in asdict(self).items() if v not in (None, "")}
        out.pop("limit", None)
        return out


def _when(value: Any, *, end: bool) -> datetime | None:
    """A date (`YYYY-MM-DD`: the whole day, in UTC) or an ISO date-time (UTC when it names no offset)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if len(text) > 40:
        raise AuditDateError(value=text[:40])
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise AuditDateError(value=text) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _short(value: Any) -> str:
    text = "" if value is None else str(value).replace("\x00", "").strip()
    if len(text) > MAX_FILTER:
        raise AuditFilterError(limit=MAX_FILTER)
    return text


def audit_filter(*, since: Any = None, until: Any = None, username: Any = "", action: Any = "", text: Any = "", before_id: Any = None,
                 limit: Any = DEFAULT_LIMIT) -> AuditFilter:
    """Check what a caller asked for (query parameters) and make it a filter, or a typed error."""
    try:
        count = int(limit)
    except (TypeError, ValueError):
        raise AuditLimitError(limit=MAX_LIMIT) from None
    if not 1 <= count <= MAX_LIMIT:
        raise AuditLimitError(limit=MAX_LIMIT)
    before = None
    if before_id is not None and before_id != "":
        try:
            before = max(0, min(int(before_id), 2**62))  # beyond any id; keeps SQLite's integers happy
        except (TypeError, ValueError):
            raise AuditLimitError(limit=MAX_LIMIT) from None
    return AuditFilter(since=_when(since, end=False), until=_when(until, end=True), username=_short(username), action=_short(action),
                       text=_short(text), before_id=before, limit=count)


def entry_dict(r: AuditEntry) -> dict[str, Any]:
    return {"id": r.id, "at": iso(r.at), "username": r.username, "action": r.action, "target": r.target, "detail": r.detail, "device": r.device}


def _query(f: AuditFilter, *, before_id: int | None):  # noqa: ANN202
    query = select(AuditEntry)  # times are UTC here, as stored (SQLite's naive times are UTC too)
    if f.since is not None:
        query = query.where(AuditEntry.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEntry.at < f.until)
    if f.username:
        query = query.where(AuditEntry.username == f.username)
    if f.action:
        query = query.where(AuditEntry.action.startswith(f.action, autoescape=True))
    if f.text:
        query = query.where(AuditEntry.target.icontains(f.text, autoescape=True))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return query.order_by(AuditEntry.id.desc())


def list_audit(session: Session, f: AuditFilter | None = None, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Entries matching the filter, newest first (no permission check: the callers' job)."""
    f = f or AuditFilter()
    rows = session.scalars(_query(f, before_id=f.before_id).limit(min(limit or f.limit, MAX_LIMIT)))
    return [entry_dict(r) for r in rows]


def _require_viewer(actor: Actor) -> None:
    if actor.role not in VIEWERS:
        raise PermissionDeniedError()


def view_audit(session: Session, actor: Actor, f: AuditFilter) -> dict[str, Any]:
    """One page of the log for an administrator: `entries`, and `next_before_id` when older ones remain."""
    _require_viewer(actor)
    entries = list_audit(session, f, limit=f.limit + 1)
    more = len(entries) > f.limit
    entries = entries[: f.limit]
    if f.before_id is None:  # the first page, not every "load more": one row per look at the log
        audit(session, actor, "audit.viewed", "", filters=f.described())
    return {"entries": entries, "next_before_id": entries[-1]["id"] if more and entries else None}


def start_export(session: Session, actor: Actor, f: AuditFilter) -> None:
    """Check and record an export before any row is sent (the export then lists itself too)."""
    _require_viewer(actor)
    audit(session, actor, "audit.exported", "", format="csv", filters=f.described())


def _cell(value: Any) -> str:
    """A text cell Excel will not run as a formula (a target named "=HYPERLINK(…)")."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(values: list[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def export_csv(read: Callable[[], Any], f: AuditFilter, lang: str) -> Iterator[bytes]:
    """The matching entries as CSV (UTF-8 with BOM, so Excel shows Vietnamese), a batch of rows at a
    time, each batch in its own short read (`read()` opens a session), so a long log never sits in
    memory nor holds a transaction open."""
    yield ("\ufeff" + _csv_line([translate(label, lang) for _, label in CSV_COLUMNS])).encode("utf-8")
    cursor = f.before_id
    while True:
        with read() as session:
            rows = [entry_dict(r) for r in session.scalars(_query(f, before_id=cursor).limit(EXPORT_BATCH))]
        if not rows:
            return
        lines = []
        for r in rows:
            detail = json.dumps(r["detail"], ensure_ascii=False, sort_keys=True) if r["detail"] else ""
            lines.append(_csv_line([r["id"], r["at"], _cell(r["username"]), r["action"], _cell(r["target"]), _cell(r["device"]), detail]))
        yield "".join(lines).encode("utf-8")
        if len(rows) < EXPORT_BATCH:
            return
        cursor = rows[-1]["id"]
