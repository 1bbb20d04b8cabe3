"""Enrolment at the kiosk: a secretary or an administrator signs in on the kiosk for one
enrolment, with the kiosk's camera. The sign-in is a login of its own (never the kiosk account's,
which may not enrol), used only for the enrolment dialog's calls and revoked when the dialog
closes, so it leaves no session behind on the door's PC."""

from __future__ import annotations

from app.domain.consent import KEEPERS
from app.errors import ChamberError, PermissionDeniedError
from app.i18n import N_
from app.net.client import ApiClient
from app.sync.profile import PairedServer

DEVICE_NAME = "kiosk enrolment"


class NotAnEnrollerError(PermissionDeniedError):
    code = "not_an_enroller"
    message = N_("Only the secretariat or an administrator can enrol faces.")


class StaffLogin:
    """A secretary's or administrator's login for one enrolment at the kiosk. Quacks like a
    ChamberSession where app/sync/faces.py's calls need it (`api`, `display_name`)."""

    def __init__(self, api: ApiClient, username: str, display_name: str) -> None:
        self.api = api
        self.username = username
        self.display_name = display_name

    @classmethod
    def open(cls, server: PairedServer, username: str, password: str) -> "StaffLogin":
        """Blocking (a worker thread): raises unless the account may enrol faces."""
        api = ApiClient(server.url, pinned_pem=server.pem)
        try:
            account = api.login(username, password, device_name=DEVICE_NAME)["account"]
            if account["role"] not in {r.value for r in KEEPERS}:
                api.logout()
                raise NotAnEnrollerError()
        except BaseException:
            api.close()
            raise
        return cls(api, username, account.get("display_name") or username)

    @property
    def open_now(self) -> bool:
        return self.api.token is not None

    def close(self) -> None:
        """Revoke the login (blocking). Offline, the token is still dropped here."""
        try:
            self.api.logout()
        except ChamberError:
            self.api.token = None
        finally:
            self.api.close()
