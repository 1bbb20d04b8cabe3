"""The audit log for administrators: a filtered page of it, and the same filters as a CSV download
streamed a batch at a time. Both are themselves audited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.domain.roles import Actor
from app.server.deps import language, require
from app.services import audit
from app.services.audit import AuditFilter

router = APIRouter()
admin = require(*audit.VIEWERS)


def _ctx(request: Request):  # noqa: ANN202
    return request.app.state.ctx


def _filter(since: str | None = Query(default=None, alias="from", max_length=40),
            until: str | None = Query(default=None, alias="to", max_length=40),
            username: str = Query(default="", max_length=audit.MAX_FILTER),
            action: str = Query(default="", max_length=audit.MAX_FILTER),
            q: str = Query(default="", max_length=audit.MAX_FILTER),
            before_id: int | None = Query(default=None, ge=0, le=2**62),
            limit: int = Query(default=audit.DEFAULT_LIMIT, ge=1, le=audit.MAX_LIMIT)) -> AuditFilter:
    """`from`/`to`: a date (YYYY-MM-DD, `to` inclusive) or an ISO date-time (`to` exclusive);
    `username` exact; `action` a prefix (`vote`, `attendance.checkin`); `q` text in the target."""
    return audit.audit_filter(since=since, until=until, username=username, action=action, text=q, before_id=before_id, limit=limit)


@router.get("/audit")
def list_audit(request: Request, actor: Actor = Depends(admin), f: AuditFilter = Depends(_filter)) -> dict:
    with _ctx(request).db.write() as session:  # a write: looking at the log is audited
        return audit.view_audit(session, actor, f)


@router.get("/audit/export")
def export(request: Request, actor: Actor = Depends(admin), f: AuditFilter = Depends(_filter), format: str = Query(default="csv", pattern="^csv$"),
           lang: str = Depends(language)) -> StreamingResponse:
    ctx = _ctx(request)
    with ctx.db.write() as session:
        audit.start_export(session, actor, f)
    return StreamingResponse(audit.export_csv(ctx.db.read, f, lang), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit-log.csv"', "Cache-Control": "no-store"})
