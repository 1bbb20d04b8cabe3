"""HTTPS client of one paired Chamber server: pinned certificate, bearer token, typed errors.

Every failure becomes a ChamberError a secretary can read: the server's own error (translated here
from its message id, so it follows the user's language), an unreachable server, or a server whose
certificate is not the paired one (then nothing, not even the password, has been sent).
"""

from __future__ import annotations

import logging
import socket
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx

from app import API_VERSION
from app.errors import (
    AuthenticationError,
    CertificateChangedError,
    ChamberError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PairingCodeInvalidError,
    PairingError,
    PermissionDeniedError,
    ServerError,
    ServerUnreachableError,
    SessionExpiredError,
    TooManyAttemptsError,
    TooManyPairingCodesError,
)
from app.i18n import current_language
from app.net.tls import client_ssl_context, is_certificate_error

log = logging.getLogger(__name__)

API = f"/api/v{API_VERSION}"
_BY_CODE: dict[str, type[ChamberError]] = {
    cls.code: cls
    for cls in (
        AuthenticationError,
        SessionExpiredError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        InvalidInputError,
        TooManyAttemptsError,
        ServerError,
        PairingError,
        PairingCodeInvalidError,
        TooManyPairingCodesError,
    )
}


class RemoteError(ChamberError):
    """An error the server reported; keeps its status so callers can tell final from retryable."""


def error_from_response(response: httpx.Response) -> ChamberError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return error_from_body(response.status_code, body if isinstance(body, dict) else {})


def error_from_body(status: int, body: dict[str, Any]) -> ChamberError:
    """The typed error behind a server's error body (from HTTPS or from the event stream)."""
    code = body.get("error", "")
    base = _BY_CODE.get(code)
    if base is None:
        base = ServerError if status >= 500 else InvalidInputError
    cls = type(base.__name__, (base,), {})  # keep isinstance() checks; carry the server's message
    err = cls(body.get("message_id") or base.message, **(body.get("params") or {}))
    err.status = status
    err.code = code or base.code
    return err


class ApiClient:
    """REST calls to one server. Thread-safe (httpx.Client is)."""

    def __init__(self, base_url: str, *, pinned_pem: str, token: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.address = urlsplit(self.base_url).netloc
        self.pinned_pem = pinned_pem
        self.ssl_context = client_ssl_context(pinned_pem)
        self.token = token
        # TCP_NODELAY: a request's headers and body go out as separate TLS records; without it the
        # second waits for a delayed ACK (~40 ms per request).
        transport = httpx.HTTPTransport(verify=self.ssl_context, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        self._http = httpx.Client(base_url=self.base_url, transport=transport, timeout=timeout, headers={"User-Agent": "Chamber client"})

    @property
    def ws_url(self) -> str:
        return "wss://" + self.base_url.split("://", 1)[1] + API + "/events"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _send(self, method: str, path: str, *, operation_id: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Accept-Language": current_language(), **self.auth_headers()}
        if operation_id:
            headers["X-Operation-Id"] = operation_id
        try:
            response = self._http.request(method, API + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            if is_certificate_error(exc):
                raise CertificateChangedError(address=self.address) from exc
            raise ServerUnreachableError(address=self.address) from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None, operation_id: str | None = None) -> Any:
        response = self._send(method, path, json=json, params=params, operation_id=operation_id)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def download(self, path: str, *, params: dict | None = None) -> bytes:
        return self._send("GET", path, params=params).content

    @contextmanager
    def stream(self, method: str, path: str, *, operation_id: str | None = None, timeout: float | httpx.Timeout | None = None, **kwargs: Any) -> Iterator[httpx.Response]:
        """A request whose body is read (or sent) in pieces: large files. Same headers and typed
        errors as `request`, also for a connection lost half-way through the body."""
        headers = {"Accept-Language": current_language(), **self.auth_headers()}
        if operation_id:
            headers["X-Operation-Id"] = operation_id
        try:
            with self._http.stream(method, API + path, headers=headers, timeout=timeout or self._http.timeout, **kwargs) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_from_response(response)
                yield response
        except httpx.HTTPError as exc:
            if is_certificate_error(exc):
                raise CertificateChangedError(address=self.address) from exc
            raise ServerUnreachableError(address=self.address) from exc

    # --- the API, one method per endpoint ---------------------------------------------------
    def health(self) -> dict:
        return self.request("GET", "/health")

    def login(self, username: str, password: str, *, device_name: str = "") -> dict:
        result = self.request("POST", "/auth/login", json={"username": username, "password": password, "device_name": device_name})
        self.token = result["token"]
        return result

    def logout(self) -> None:
        if self.token:
            self.request("POST", "/auth/logout")
            self.token = None

    def me(self) -> dict:
        return self.request("GET", "/auth/me")

    def snapshot(self) -> dict:
        return self.request("GET", "/sync/snapshot")

    def list_meetings(self) -> list[dict]:
        return self.request("GET", "/meetings")

    def get_agenda(self, meeting_id: str) -> list[dict]:
        return self.request("GET", f"/meetings/{meeting_id}/agenda")

    def issue_pairing_code(self, minutes: int | None = None) -> dict:
        return self.request("POST", "/pairing/codes", json={"minutes": minutes} if minutes else {})

    def close(self) -> None:
        self._http.close()
