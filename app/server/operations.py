"""Exactly-once commands: a client names each operation with a UUID (header `X-Operation-Id`);
the server applies it once and answers a repeat with the answer it gave the first time."""

from __future__ import annotations

from typing import Any, Callable

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.domain.roles import Actor
from app.errors import ConflictError, InvalidInputError
from app.i18n import N_
from app.storage.models import AppliedOperation

HEADER = "X-Operation-Id"


class BadOperationIdError(InvalidInputError):
    message = N_("The operation id must be 1 to 64 characters.")


def run(ctx: Any, actor: Actor, op_id: str | None, fn: Callable[[Session], Any], *, status: int = 200) -> Response:
    if op_id is not None and not 0 < len(op_id) <= 64:
        raise BadOperationIdError()
    with ctx.db.write() as session:
        if op_id:
            done = session.get(AppliedOperation, op_id)
            if done is not None:
                if done.account_id != actor.account_id:
                    raise ConflictError()
                return _response(done.response, done.status_code, replayed=True)
            session.info["operation_id"] = op_id
        result = jsonable_encoder(fn(session))
        if op_id:
            session.add(AppliedOperation(operation_id=op_id, account_id=actor.account_id, status_code=status, response=result))
    return _response(result, status)


def _response(body: Any, status: int, *, replayed: bool = False) -> Response:
    headers = {"X-Operation-Replayed": "1"} if replayed else None
    if status == 204:
        return Response(status_code=204, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)
