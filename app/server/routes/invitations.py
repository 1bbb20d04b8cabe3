"""Invitations: send (with preview), the tracking board and its export, reminders, the delegate's
inbox and answers, substitutes, templates, mail status and the usage report."""

from fastapi import APIRouter, Depends, Header, Request, Response
from sqlalchemy import func, select

from app.domain.roles import ALL_ROLES, EDITORS, Actor, Role
from app.net.schemas_invitations import InvitationRequest, InvitationResponse, SubstituteDecision, TemplateBody
from app.server import operations
from app.server.deps import language, require
from app.services import exports, invitations
from app.storage.models import MailMessage

router = APIRouter()
editor = require(*EDITORS)
anyone = require(*ALL_ROLES)
reporter = require(Role.ADMIN, Role.SECRETARIAT, Role.CHAIR)
OpId = Header(default=None, alias=operations.HEADER)


def _ctx(request: Request):  # noqa: ANN202
    return request.app.state.ctx


def _woken(request: Request, response: Response) -> Response:
    outbox = getattr(request.app.state, "mail_outbox", None)
    if outbox is not None:
        outbox.wake()
    return response


@router.get("/meetings/{meeting_id}/invitations")
def board(meeting_id: str, request: Request, actor: Actor = Depends(editor)) -> dict:
    with _ctx(request).db.read() as session:
        return invitations.list_invitations(session, actor, meeting_id)


@router.get("/meetings/{meeting_id}/invitations/export")
def export(meeting_id: str, request: Request, format: str = "csv", actor: Actor = Depends(editor), lang: str = Depends(language)) -> Response:
    with _ctx(request).db.read() as session:
        data = invitations.list_invitations(session, actor, meeting_id)
    if format == "xlsx":
        return Response(exports.to_xlsx(data, lang), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="invitations.xlsx"'})
    return Response(exports.to_csv(data, lang), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="invitations.csv"'})


@router.post("/meetings/{meeting_id}/invitations/preview")
def preview(meeting_id: str, body: InvitationRequest, request: Request, actor: Actor = Depends(editor)) -> list:
    with _ctx(request).db.read() as session:
        return invitations.preview_invitations(session, actor, meeting_id, body_ids=body.body_ids, person_ids=body.person_ids,
                                               guests=[g.model_dump() for g in body.guests], subject=body.subject, body=body.body, language=body.language)


@router.post("/meetings/{meeting_id}/invitations")
def send(meeting_id: str, body: InvitationRequest, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    result = operations.run(_ctx(request), actor, op_id, lambda s: invitations.send_invitations(
        s, actor, meeting_id, body_ids=body.body_ids, person_ids=body.person_ids, guests=[g.model_dump() for g in body.guests],
        subject=body.subject, body=body.body, language=body.language))
    return _woken(request, result)


@router.post("/meetings/{meeting_id}/invitations/remind")
def remind(meeting_id: str, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    result = operations.run(_ctx(request), actor, op_id, lambda s: {"reminded": invitations.remind(s, actor, meeting_id)})
    return _woken(request, result)


@router.get("/invitations/mine")
def mine(request: Request, actor: Actor = Depends(anyone)) -> list:
    with _ctx(request).db.read() as session:
        return invitations.my_invitations(session, actor)


@router.post("/invitations/{invitation_id}/read")
def read(invitation_id: str, request: Request, actor: Actor = Depends(anyone), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: invitations.mark_read(s, actor, invitation_id))


@router.post("/invitations/{invitation_id}/response")
def respond(invitation_id: str, body: InvitationResponse, request: Request, actor: Actor = Depends(anyone), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: invitations.respond(s, actor, invitation_id, **body.model_dump()))


@router.post("/invitations/{invitation_id}/substitute")
def substitute(invitation_id: str, body: SubstituteDecision, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    result = operations.run(_ctx(request), actor, op_id, lambda s: invitations.approve_substitute(s, actor, invitation_id, approve=body.approve))
    return _woken(request, result)


@router.get("/invitation-templates/{meeting_kind}/{lang}")
def get_template(meeting_kind: str, lang: str, request: Request, actor: Actor = Depends(editor)) -> dict:
    with _ctx(request).db.read() as session:
        return invitations.get_template(session, meeting_kind, lang)


@router.put("/invitation-templates/{meeting_kind}/{lang}")
def put_template(meeting_kind: str, lang: str, body: TemplateBody, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: invitations.save_template(s, actor, meeting_kind=meeting_kind, language=lang, subject=body.subject, body=body.body))


@router.get("/mail/status")
def mail_status(request: Request, actor: Actor = Depends(editor)) -> dict:
    ctx = _ctx(request)
    outbox = getattr(request.app.state, "mail_outbox", None)
    with ctx.db.read() as session:
        counts = dict(session.execute(select(MailMessage.state, func.count()).group_by(MailMessage.state)).all())
    error = outbox.last_error if outbox is not None else None
    return {
        "enabled": ctx.settings.smtp is not None,
        "queued": counts.get("queued", 0) + counts.get("sending", 0),
        "sent": counts.get("sent", 0),
        "failed": counts.get("failed", 0),
        "last_error": {"message": error.message, "params": error.params} if error is not None else None,
    }


@router.get("/reports/usage")
def usage(request: Request, actor: Actor = Depends(reporter)) -> dict:
    ctx = _ctx(request)
    inv = ctx.settings.invitations
    with ctx.db.read() as session:
        return invitations.usage_report(session, actor, sms_cost_vnd=inv.sms_cost_vnd, sms_per_invitation=inv.sms_per_invitation)
