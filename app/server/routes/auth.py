"""Log in, log out, who am I, passwords, and the devices (tokens) of an account. Whatever ends
tokens also ends their event streams at once (the broadcaster), so those devices show the
signed-out state without waiting for their next request."""

from fastapi import APIRouter, Depends, Request, Response

from app.domain.roles import ALL_ROLES, Actor, Role
from app.errors import AuthenticationError, TooManyAttemptsError
from app.net.schemas import AccountDisabled, LoginRequest, PasswordChange, PasswordReset
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


@router.post("/auth/password")
def change_password(body: PasswordChange, request: Request, actor: Actor = Depends(any_role)) -> dict:
    """The caller's own password; every other device of the account is signed out."""
    limiter = request.app.state.login_failures
    address = request.client.host if request.client else ""
    limiter.check(address)  # guessing the current password with a stolen token is guessing a login
    try:
        with request.app.state.ctx.db.write() as session:
            result = accounts.change_password(session, actor, body.current_password, body.new_password)
    except (accounts.WrongCurrentPasswordError, TooManyAttemptsError):
        limiter.failed(address)
        raise
    return _signed_out(request, result)


@router.post("/accounts/{account_id}/password")
def reset_password(account_id: str, body: PasswordReset, request: Request, actor: Actor = Depends(require(Role.ADMIN))) -> dict:
    with request.app.state.ctx.db.write() as session:
        result = accounts.reset_password(session, actor, account_id, body.new_password)
    return _signed_out(request, result)


@router.put("/accounts/{account_id}/disabled")
def set_disabled(account_id: str, body: AccountDisabled, request: Request, actor: Actor = Depends(require(Role.ADMIN))) -> dict:
    with request.app.state.ctx.db.write() as session:
        result = accounts.set_disabled(session, actor, account_id, body.disabled)
    return _signed_out(request, result)


def _signed_out(request: Request, result: dict) -> dict:
    """Close the event streams of the tokens just ended; the ids stay on the server."""
    ended = result.pop("revoked_token_ids", [])
    request.app.state.broadcaster.end_sessions(ended)
    return result


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
    request.app.state.broadcaster.end_sessions([token_id])
    return Response(status_code=204)


@router.get("/accounts")
def list_accounts(request: Request, actor: Actor = Depends(require(Role.ADMIN))) -> list:
    with request.app.state.ctx.db.read() as session:
        return accounts.list_accounts(session, actor)
