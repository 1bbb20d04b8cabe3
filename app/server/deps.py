"""Request dependencies: the database, the caller's identity and the role an endpoint requires."""

from __future__ import annotations

from datetime import timedelta
from typing import Callable

from fastapi import Depends, Request

from app.domain.roles import Actor, Role
from app.errors import AuthenticationError, PermissionDeniedError
from app.i18n import normalise
from app.services import accounts
from app.storage.models import utcnow

_TOUCH_EVERY = timedelta(minutes=5)


def bearer_token(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise AuthenticationError()
    return authorization[7:].strip()


def current_actor(request: Request) -> Actor:
    ctx = request.app.state.ctx
    token = bearer_token(request.headers.get("authorization"))
    with ctx.db.read() as session:
        actor = accounts.authenticate(session, token)
    # Recording "last used" on every request would make every read a write; once in a while is enough.
    touched = request.app.state.token_touched
    now = utcnow()
    if actor.token_id and now - touched.get(actor.token_id, now - _TOUCH_EVERY * 2) > _TOUCH_EVERY:
        touched[actor.token_id] = now
        with ctx.db.write() as session:
            accounts.touch_token(session, actor.token_id)
    return actor


def require(*roles: Role) -> Callable[..., Actor]:
    """Dependency for an endpoint: the caller must be logged in with one of `roles`."""
    allowed = frozenset(roles)

    def dependency(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role not in allowed:
            raise PermissionDeniedError()
        return actor

    dependency.roles = allowed  # type: ignore[attr-defined]  # read by the role-matrix test
    return dependency


def language(request: Request) -> str:
    return normalise(request.headers.get("accept-language", "vi"))
