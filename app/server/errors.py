"""Every error leaves the server as JSON with a stable code and a message in the caller's language."""

from __future__ import annotations

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import ChamberError, DatabaseBusyError, InvalidInputError, NotFoundError, ServerError, StorageFullError
from app.i18n import N_, normalise

log = logging.getLogger(__name__)


class MalformedRequestError(InvalidInputError):
    message = N_("The request is not valid: %(detail)s")


class UnstorableValueError(InvalidInputError):
    code = "unstorable_value"
    message = N_("Some of the information cannot be stored: a number is out of range, or a text holds a character that is not allowed (such as NUL). Nothing was changed.")


class UnknownAddressError(NotFoundError):
    message = N_("There is no such address on this server.")


def error_response(err: ChamberError, request: Request) -> JSONResponse:
    lang = normalise(request.headers.get("accept-language", "vi"))
    body = err.to_json(lang)
    body["message_id"] = err.message
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
    return JSONResponse(body, status_code=err.status, headers=headers)


def _storage_error(err: OperationalError, request: Request) -> ServerError:
    return storage_error(err, f"{request.method} {request.url.path}")


def storage_error(err: OperationalError, where: str) -> ServerError:
    """The database could not write: a full disk or a lock held too long are the server's
    trouble, reported as such (the transaction was rolled back, the client will retry)."""
    text = str(err.orig).lower()
    if "full" in text or "no space" in text or "disk i/o" in text:
        log.error("database cannot write on %s (disk full?): %s", where, err.orig)
        return StorageFullError()
    if "locked" in text or "busy" in text or "could not obtain lock" in text:
        log.warning("database busy on %s: %s", where, err.orig)
        return DatabaseBusyError()
    log.error("database error on %s: %s", where, err.orig)
    return ServerError()


def install(app: FastAPI) -> None:
    @app.exception_handler(ChamberError)
    async def _chamber(request: Request, err: ChamberError):  # noqa: ANN202
        if err.status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, err)
        return error_response(err, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, err: RequestValidationError):  # noqa: ANN202
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        detail = f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
        return error_response(MalformedRequestError(detail=detail[:200]), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException):  # noqa: ANN202
        if err.status_code == 404:
            return error_response(UnknownAddressError(), request)
        if err.status_code == 400:  # FastAPI could not even decode the body (e.g. not UTF-8)
            return error_response(MalformedRequestError(detail=str(err.detail)[:200]), request)
        generic = ChamberError(str(err.detail)[:200])
        generic.status = err.status_code
        return error_response(generic, request)

    @app.exception_handler(DataError)
    async def _data(request: Request, err: DataError):  # noqa: ANN202
        # The database refused a value (PostgreSQL: NUL in text, an integer out of range): the
        # transaction was rolled back, so this is the caller's input, not a server fault.
        log.info("value refused by the database on %s %s: %s", request.method, request.url.path, err.orig)
        return error_response(UnstorableValueError(), request)

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, err: OperationalError):  # noqa: ANN202
        return error_response(_storage_error(err, request), request)

    @app.exception_handler(OSError)
    async def _os_error(request: Request, err: OSError):  # noqa: ANN202
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("disk full on %s %s: %s", request.method, request.url.path, err)
            return error_response(StorageFullError(), request)
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(ServerError(), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception):  # noqa: ANN202
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(ServerError(), request)
