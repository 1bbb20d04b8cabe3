"""Limits on JSON request bodies, checked before anything parses them: at most MAX_JSON_BYTES
(an agenda, an annotation with long ink strokes and a meeting's fields are all far smaller) and at
most MAX_DEPTH levels of nesting (Python's JSON parser would otherwise recurse until it fails). A
request over a limit gets a clear 413/422 and the application never sees it. File uploads
(multipart) have their own limits (app/server/uploads.py)."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from app.errors import ChamberError, InvalidInputError
from app.i18n import N_, normalise

MAX_JSON_BYTES = 2 * 2**20
MAX_DEPTH = 32


class RequestTooLargeError(ChamberError):
    status = 413
    code = "request_too_large"
    message = N_("The request is too large (at most %(limit)s MB of data). Nothing was changed.")


class RequestTooDeepError(InvalidInputError):
    code = "request_too_deep"
    message = N_("The request is nested too deeply to be read. Nothing was changed.")


def nesting_depth(body: bytes) -> int:
    """The deepest nesting of arrays/objects in a JSON text, brackets inside strings not counted."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


class JsonLimits:
    """ASGI middleware: buffers a JSON body (up to the limit), checks it, then hands it on."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if headers.get("content-type", "").startswith("multipart/"):
            await self.app(scope, receive, send)
            return
        lang = normalise(headers.get("accept-language", "vi"))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_JSON_BYTES:
            await _refuse(send, RequestTooLargeError(limit=MAX_JSON_BYTES // 2**20), lang)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                await _refuse(send, RequestTooLargeError(limit=MAX_JSON_BYTES // 2**20), lang)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if nesting_depth(body) > MAX_DEPTH:
            await _refuse(send, RequestTooDeepError(), lang)
            return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Callable[[dict], Awaitable[None]], err: ChamberError, lang: str) -> None:
    body = {**err.to_json(lang), "message_id": err.message}
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": err.status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
