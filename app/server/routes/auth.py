"""Log in, log out, who am I, and the devices (tokens) of an account."""

from fastapi import APIRouter, Depends, Request, Response

from app.domain.roles import ALL_ROLES, Actor, Role
from app.errors import AuthenticationError, TooManyAttemptsError
from app.net.schemas import LoginRequest
from app.server.deps import require
from app.services import accounts

router = APIRouter()
any_role = require(*ALL_ROLES)


@router.post("/auth/login")
def login(body: LoginRequest, request: Request) -> dict:
    ctx = request.app.state.ctx
    device = body.device_name or request.headers.get("user-agent", "")[:200]
    limiter = request.app.state.login_failures
    address = request.client.host if request.client else ""
    limiter.check(address)
    try:
        with ctx.db.write() as session:
            return accounts.login(session, username=body.username, password=body.password, device_name=device)
    except (AuthenticationError, TooManyAttemptsError):
        limiter.failed(address)
        raise


@router.post("/auth/logout", status_code=204)
def logout(request: Request, actor: Actor = Depends(any_role)) -> Response:
    with request.app.state.ctx.db.write() as session:
        accounts.revoke_device(session, actor, actor.token_id)
    return Response(status_code=204)


@router.get("/auth/me")
def me(request: Request, actor: Actor = Depends(any_role)) -> dict:
    with request.app.state.ctx.db.read() as session:
        from app.storage.models import Account

        return accounts.account_dict(session.get(Account, actor.account_id))


@router.get("/devices")
def devices(request: Request, account_id: str | None = None, actor: Actor = Depends(any_role)) -> list:
    with request.app.state.ctx.db.read() as session:
        return accounts.list_devices(session, actor, account_id=account_id)


@router.delete("/devices/{token_id}", status_code=204)
def revoke(token_id: str, request: Request, actor: Actor = Depends(any_role)) -> Response:
    with request.app.state.ctx.db.write() as session:
        accounts.revoke_device(session, actor, token_id)
    return Response(status_code=204)


@router.get("/accounts")
def list_accounts(request: Request, actor: Actor = Depends(require(Role.ADMIN))) -> list:
    with request.app.state.ctx.db.read() as session:
        return accounts.list_accounts(session, actor)
