"""Errors a user can meet: each carries an English message (a gettext msgid) and its parameters.

The message is translated where it is shown (`err.user_message(lang)`), so the same error reads
in Vietnamese on a delegate's tablet and in English in the server log.
"""

from __future__ import annotations

from typing import Any

from app.i18n import N_, translate


class ChamberError(Exception):
    """Base of every error a user may see. `status` is the HTTP status the server answers with."""

    status = 400
    code = "error"
    message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message % params if params else self.message)

    def user_message(self, lang: str | None = None) -> str:
        text = translate(self.message, lang)
        # Parameters that are themselves messages (field names) are translated too.
        params = {k: translate(v, lang) if isinstance(v, str) else v for k, v in self.params.items()}
        try:
            return text % params if params else text
        except (KeyError, ValueError, TypeError):
            return self.message % self.params if self.params else self.message

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "error": self.code,
            "message": self.user_message(lang),
            "message_en": self.user_message("en"),
            "params": {k: v for k, v in self.params.items() if isinstance(v, (str, int, float))},
        }


class InvalidInputError(ChamberError):
    status = 422
    code = "invalid_input"
    message = N_("Some of the information entered is not valid.")


class NotFoundError(ChamberError):
    status = 404
    code = "not_found"
    message = N_("This item no longer exists.")


class ConflictError(ChamberError):
    status = 409
    code = "conflict"
    message = N_("This change conflicts with another one. Reload and try again.")


class AuthenticationError(ChamberError):
    status = 401
    code = "not_authenticated"
    message = N_("Wrong user name or password.")


class SessionExpiredError(AuthenticationError):
    code = "session_expired"
    message = N_("Your session has ended. Please log in again.")


class PermissionDeniedError(ChamberError):
    status = 403
    code = "permission_denied"
    message = N_("You do not have permission to do this.")


class TooManyAttemptsError(ChamberError):
    status = 429
    code = "too_many_attempts"
    message = N_("Too many failed attempts. Please wait %(seconds)s seconds and try again.")


class ServerUnreachableError(ChamberError):
    status = 503
    code = "server_unreachable"
    message = N_("Cannot reach the Chamber server at %(address)s. Check the network; your work is kept and will be sent when the server is back.")


class CertificateChangedError(ChamberError):
    status = 495
    code = "certificate_changed"
    message = N_("Warning: the server at %(address)s presents a different security certificate than the one paired with this device. No password was sent. It may be a different machine pretending to be the Chamber server; ask your administrator before pairing again.")


class PairingError(ChamberError):
    """The key exchange did not prove the code: a mistyped code, or a machine guessing it."""

    status = 400
    code = "pairing_failed"
    message = N_("The server could not prove that it knows this pairing code, so this device did not trust it. Check the code shown on the server and type it again. If it is right, another machine may be answering in the server's place: ask your administrator.")


class PairingCodeInvalidError(ChamberError):
    """Expired, used, burned or unknown: one message, so a guesser learns nothing about which."""

    status = 400
    code = "pairing_code_invalid"
    message = N_("This pairing code cannot be used: it has expired, was already used, or is not a code of this server. Ask for a new code on the server and type it within its time limit.")


class PairingInterceptedError(ChamberError):
    """The code was right but the proof names another certificate: someone relays the exchange."""

    status = 495
    code = "pairing_intercepted"
    message = N_("Warning: the pairing code is right, but the server that knows it has a different certificate than the machine this device is talking to at %(address)s. Another machine is in the middle, so this device did not trust it. Do not continue; tell your administrator.")


class TooManyPairingCodesError(ChamberError):
    status = 429
    code = "too_many_pairing_codes"
    message = N_("There are already %(count)s pairing codes waiting to be used. Use one of them or wait until they expire.")


class ServerError(ChamberError):
    status = 500
    code = "server_error"
    message = N_("The server could not complete the request. Nothing was changed; please try again.")


class StorageFullError(ServerError):
    status = 507
    code = "storage_full"
    message = N_("The server's disk is full, so nothing was changed. Your change is kept and will be sent again; please tell the IT office.")


class DatabaseBusyError(ServerError):
    status = 503
    code = "database_busy"
    message = N_("The server's database is busy right now, so nothing was changed. Your change is kept and will be sent again in a moment.")
