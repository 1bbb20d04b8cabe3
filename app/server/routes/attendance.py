"""Attendance: the board of a meeting, recording a check-in/out or excuse (exactly once), the
attendance list as CSV and PDF; a body's quorum rule; face-data consent records."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from app.domain.roles import Actor
from app.net.schemas_attendance import AttendanceEventBody, ConsentBody, QuorumBody
from app.server import operations
from app.server.deps import language, require
from app.services import attendance, attendance_export, consent

router = APIRouter()
reader = require(*attendance.READERS)
recorder = require(*attendance.RECORDERS)
exporter = require(*attendance.EXPORTERS)
keeper = require(*consent.KEEPERS)
OpId = Header(default=None, alias=operations.HEADER)


def _ctx(request: Request):  # noqa: ANN202
    return request.app.state.ctx


@router.get("/meetings/{meeting_id}/attendance")
def board(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> dict:
    with _ctx(request).db.write() as session:  # a write: the look is audited
        return attendance.view_board(session, actor, meeting_id)


@router.post("/meetings/{meeting_id}/attendance")
def record(meeting_id: str, body: AttendanceEventBody, request: Request, actor: Actor = Depends(recorder), op_id: str | None = OpId) -> Response:
    fields = body.model_dump()
    return operations.run(_ctx(request), actor, op_id, lambda s: attendance.record(s, actor, meeting_id, fields))


def _export_board(request: Request, actor: Actor, meeting_id: str, fmt: str) -> tuple[dict, str]:
    with _ctx(request).db.write() as session:  # a write: the export is audited
        return attendance.export_board(session, actor, meeting_id, fmt)


@router.get("/meetings/{meeting_id}/attendance.csv")
def export_csv(meeting_id: str, request: Request, actor: Actor = Depends(exporter), lang: str = Depends(language)) -> Response:
    data, _council = _export_board(request, actor, meeting_id, "csv")
    return Response(attendance_export.to_csv(data, lang), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="attendance.csv"'})


@router.get("/meetings/{meeting_id}/attendance.pdf")
async def export_pdf(meeting_id: str, request: Request, actor: Actor = Depends(exporter), lang: str = Depends(language)) -> Response:
    data, council = await run_in_threadpool(_export_board, request, actor, meeting_id, "pdf")
    pdf = await run_in_threadpool(attendance_export.to_pdf, data, lang, council=council)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": 'attachment; filename="attendance.pdf"'})


@router.put("/bodies/{body_id}/quorum")
def set_quorum(body_id: str, body: QuorumBody, request: Request, actor: Actor = Depends(require(*attendance.QUORUM_KEEPERS)), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: attendance.set_quorum_rule(s, actor, body_id, rule=body.rule, count=body.count))


@router.get("/face-consents")
def list_consents(request: Request, person_id: str | None = None, actor: Actor = Depends(keeper)) -> list:
    with _ctx(request).db.read() as session:
        return consent.list_consents(session, actor, person_id=person_id)


@router.post("/persons/{person_id}/face-consent")
def give_consent(person_id: str, body: ConsentBody, request: Request, actor: Actor = Depends(keeper), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: consent.give(s, actor, person_id, text_version=body.text_version))


@router.delete("/persons/{person_id}/face-consent")
def withdraw_consent(person_id: str, request: Request, actor: Actor = Depends(keeper), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: consent.withdraw(s, actor, person_id))
