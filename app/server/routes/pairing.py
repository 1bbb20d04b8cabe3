"""Pairing a new device with a one-time code (app/services/pairing.py): staff issue codes; start
and finish need no login, since the device has no account here yet, and are limited per address."""

from datetime import timedelta

from fastapi import APIRouter, Depends, Request

from app.domain.roles import Actor
from app.net import pairing as protocol
from app.net.schemas import PairingCodeRequest, PairingFinish, PairingStart
from app.server.deps import require
from app.services import pairing

router = APIRouter()


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("/pairing/codes")
def issue_code(request: Request, body: PairingCodeRequest | None = None, actor: Actor = Depends(require(*pairing.ISSUERS))) -> dict:
    ctx = request.app.state.ctx
    minutes = (body.minutes if body else None) or ctx.settings.pairing_code_minutes
    with ctx.db.write() as session:
        return pairing.issue_code(session, actor, lifetime=timedelta(minutes=minutes)).as_dict()


@router.post("/pairing/start")
def start(body: PairingStart, request: Request) -> dict:
    ctx = request.app.state.ctx
    address = _address(request)
    limiter = request.app.state.pairing_attempts
    limiter.check(address)
    # Every start counts against the address: an attempt is only proven by its finish, and a
    # guesser never finishes.
    limiter.failed(address)
    client_message = protocol.decode(body.client_message)
    with ctx.db.write() as session:
        started = pairing.start(session, lookup=body.lookup, client_message=client_message, address=address)
    fingerprint = ctx.certificate.fingerprint
    return {
        "pairing_id": request.app.state.pending_pairings.add(started),
        "server_message": protocol.encode(started.server_message),
        "server_confirm": protocol.confirm(started.key, "server", fingerprint),
        "key_confirm": protocol.key_confirm(started.key),
    }


@router.post("/pairing/finish")
def finish(body: PairingFinish, request: Request) -> dict:
    ctx = request.app.state.ctx
    address = _address(request)
    request.app.state.pairing_attempts.check(address)
    started = request.app.state.pending_pairings.take(body.pairing_id)
    device = body.device_name or request.headers.get("user-agent", "")[:200]
    with ctx.db.write() as session:
        pairing.finish(session, code_id=started.code_id, key=started.key, fingerprint=ctx.certificate.fingerprint,
                       client_confirm=body.client_confirm, device=device, address=address)
    return {"server_id": ctx.server_id, "name": ctx.name}
