"""ChamberSession: what a logged-in user can do from a client, online or offline.

Queries read the local cache. Commands check the role and the input with the same rules as the
server, apply the change to the cache at once (the user sees it immediately, even offline), queue
the operation in the outbox and wake the sync engine. The UI, the tests and scripts all use this.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, Callable

from app.domain import agenda as agenda_rules
from app.domain import annotations as annotation_rules
from app.domain import invitations as inv_rules
from app.domain import live as live_rules
from app.domain import meetings as rules
from app.domain import passwords
from app.domain.clock import utcnow
from app.domain.roles import EDITORS, Role
from app.errors import CertificateChangedError, ChamberError, NotFoundError, PermissionDeniedError, ServerUnreachableError
from app.events import Change, EventBus
from app.i18n import N_
from app.net.client import ApiClient
from app.sync.attendance import AttendanceCommands
from app.sync.audit import AuditCommands
from app.sync.autodownload import AutoDownloader
from app.sync.cache import LocalCache
from app.sync.documents import DocumentFiles
from app.sync.engine import ConnectionState, SyncEngine
from app.sync.profile import PairedServer, Profile
from app.sync.vault import SealedFile, Vault

log = logging.getLogger(__name__)


class NotLoggedInError(ChamberError):
    status = 401
    message = N_("Nobody has logged in to this server on this device yet. Connect to the server and log in.")


class MeetingNotInCacheError(NotFoundError):
    message = N_("This meeting does not exist or was deleted.")


class AgendaItemNotInCacheError(NotFoundError):
    message = N_("This agenda item does not exist or was deleted.")


class DocumentNotInCacheError(NotFoundError):
    message = N_("This document does not exist, was deleted, or is not shared with you.")


class DocumentNotDownloadedError(NotFoundError):
    message = N_("This document is not on this device yet and the server cannot be reached to fetch it. Try again when connected.")


class ChamberSession(AttendanceCommands, AuditCommands):
    def __init__(self, profile: Profile, server: PairedServer, *, username: str, account: dict[str, Any], token: str | None, bus: EventBus | None = None) -> None:
        self.profile = profile
        self.server = server
        self.username = username
        self.account = account
        self.bus = bus or EventBus()
        self.api = ApiClient(server.url, pinned_pem=server.pem, token=token)
        self.cache = LocalCache(profile.cache_path(server.server_id, username))
        self.engine = SyncEngine(self.api, self.cache, self.bus, server_id=server.server_id)
        self.files = DocumentFiles(self.api, self.cache, self.cache.path.with_suffix("") / "documents",
                                   Vault(profile.directory / "keys" / server.server_id / f"{username}.key"))
        # Access withdrawn, a document deleted or made confidential: its copies go from this device.
        self._stop_pruning = self.bus.subscribe(self._prune_files)
        self.auto_download: AutoDownloader | None = None

    # --- opening and closing ------------------------------------------------------------------
    @classmethod
    def login(cls, profile: Profile, server: PairedServer, username: str, password: str, *, device_name: str = "", bus: EventBus | None = None) -> "ChamberSession":
        api = ApiClient(server.url, pinned_pem=server.pem)
        try:
            result = api.login(username, password, device_name=device_name)
        finally:
            api.close()
        account = result["account"]
        profile.save_session(server.server_id, username=account["username"], token=result["token"], account=account)
        return cls(profile, server, username=account["username"], account=account, token=result["token"], bus=bus)

    @classmethod
    def resume(cls, profile: Profile, server_id: str | None = None, *, bus: EventBus | None = None) -> "ChamberSession":
        """Open the last session on this device from its cache, without needing the network."""
        server_id = server_id or profile.last_server_id
        server = profile.server(server_id) if server_id else None
        saved = profile.session(server_id) if server_id else None
        if server is None or saved is None or not saved.get("token"):
            raise NotLoggedInError()
        return cls(profile, server, username=saved["username"], account=saved["account"], token=saved["token"], bus=bus)

    def start(self) -> "ChamberSession":
        self.engine.start()
        return self

    def enable_auto_download(self) -> None:
        """Fetch the documents of upcoming published meetings in the background (the client
        window turns this on; scripts and tests download on demand)."""
        if self.auto_download is None:
            self.auto_download = AutoDownloader(self, self.bus)

    def download_progress(self) -> dict[str, float]:
        """meeting id → fraction, for the meetings whose documents are being fetched right now."""
        return self.auto_download.progress() if self.auto_download is not None else {}

    def close(self) -> None:
        if self.auto_download is not None:
            self.auto_download.stop()
        self._stop_pruning()
        self.engine.stop()
        self.api.close()
        self.cache.close()

    def logout(self) -> None:
        """Revoke this device's token on the server (when reachable) and forget it here."""
        try:
            self.api.logout()
        except ChamberError as err:
            log.info("logout: token not revoked on the server: %s", err)
        self.profile.clear_token(self.server.server_id)
        self.close()
        self.files.forget_sealed()  # confidential copies are not readable without a login

    # --- passwords and accounts (app/services/accounts.py): online only -------------------------
    def change_password(self, current_password: str, new_password: str, repeated: str | None = None) -> int:
        """Network: set a new password for this account; the number of other devices signed out
        (this one stays signed in). The new password is checked here first, with the server's rules."""
        passwords.check_password_change(current_password, new_password, repeated, username=self.username)
        result = self.api.request("POST", "/auth/password", json={"current_password": current_password, "new_password": new_password})
        return int(result["signed_out_devices"])

    def list_accounts(self) -> list[dict[str, Any]]:
        """Network (administrators): every account, with whether it is disabled."""
        return self.api.request("GET", "/accounts")

    def reset_password(self, account_id: str, new_password: str) -> int:
        """Network (administrators): another account's new password; all its devices are signed out."""
        return int(self.api.request("POST", f"/accounts/{account_id}/password", json={"new_password": new_password})["signed_out_devices"])

    def set_account_disabled(self, account_id: str, disabled: bool) -> dict[str, Any]:
        """Network (administrators): disable an account (all its devices signed out) or enable it."""
        return self.api.request("PUT", f"/accounts/{account_id}/disabled", json={"disabled": disabled})

    # --- who and how --------------------------------------------------------------------------
    @property
    def role(self) -> Role:
        return Role(self.account["role"])

    @property
    def display_name(self) -> str:
        return self.account.get("display_name") or self.username

    @property
    def can_edit(self) -> bool:
        return self.role in EDITORS

    @property
    def state(self) -> ConnectionState:
        return self.engine.state

    @property
    def last_error(self) -> ChamberError | None:
        return self.engine.last_error

    def _require_editor(self) -> None:
        if not self.can_edit:
            raise PermissionDeniedError()

    def _prune_files(self, change: Change) -> None:
        if change.kind in ("document", "meeting", "all"):
            try:
                self.files.prune()
            except Exception:  # noqa: BLE001 - housekeeping must never break the sync
                log.exception("could not remove cached document files")

    def _changed(self, kind: str, *ids: str, origin: Any = None) -> None:
        self.bus.publish(Change(kind, tuple(ids), origin=origin))

    def _queue(self, method: str, path: str, body: Any, *, kind: str, entity_id: str | None, meeting_id: str | None, summary: str) -> str:
        op_id = self.cache.enqueue(method=method, path=path, body=body, kind=kind, entity_id=entity_id, meeting_id=meeting_id, summary=summary)
        self._changed("outbox", op_id)
        self.engine.kick()
        return op_id

    # --- queries ------------------------------------------------------------------------------
    def list_meetings(self) -> list[dict[str, Any]]:
        return self.cache.list_meetings()

    def get_meeting(self, meeting_id: str) -> dict[str, Any]:
        meeting = self.cache.get_meeting(meeting_id)
        if meeting is None:
            raise MeetingNotInCacheError()
        return meeting

    def get_agenda(self, meeting_id: str) -> list[dict[str, Any]]:
        return self.cache.get_agenda(meeting_id)

    def list_bodies(self) -> list[dict[str, Any]]:
        return self.cache.get_meta("bodies") or []

    def list_persons(self) -> list[dict[str, Any]]:
        return self.cache.get_meta("persons") or []

    def pending_operations(self) -> list[dict[str, Any]]:
        return self.cache.operations("pending")

    def failed_operations(self) -> list[dict[str, Any]]:
        return self.cache.operations("failed")

    # --- meeting commands ---------------------------------------------------------------------
    def create_meeting(self, fields: dict[str, Any], *, origin: Any = None) -> str:
        self._require_editor()
        clean = rules.clean_meeting_fields(fields, creating=True)
        clean.pop("status", None)  # a new meeting always starts as a draft
        rules.check_times(clean.get("starts_at"), clean.get("ends_at"))
        meeting_id = str(uuid.uuid4())
        meeting = {
            "id": meeting_id, "body_id": None, "location": "", "description": "", "ends_at": None,
            **clean, "status": rules.MeetingStatus.DRAFT.value, "version": 0, "updated_at": utcnow().isoformat(),
        }
        self.cache.put_meeting(meeting)
        self.cache.put_agenda(meeting_id, [])
        self._queue("POST", "/meetings", {"id": meeting_id, **clean}, kind="meeting", entity_id=meeting_id, meeting_id=meeting_id, summary=clean["title"])
        self._changed("meeting", meeting_id, origin=origin)
        return meeting_id

    def update_meeting(self, meeting_id: str, fields: dict[str, Any], *, origin: Any = None) -> None:
        """Send only the fields that changed, so that two people editing different fields both win."""
        self._require_editor()
        current = self.get_meeting(meeting_id)
        clean = rules.clean_meeting_fields(fields, creating=False)
        clean = {k: v for k, v in clean.items() if current.get(k) != v}
        if not clean:
            return
        merged = {**current, **clean}
        rules.check_times(merged.get("starts_at"), merged.get("ends_at"))
        self.cache.put_meeting(merged)
        self._queue("PATCH", f"/meetings/{meeting_id}", clean, kind="meeting", entity_id=meeting_id, meeting_id=meeting_id, summary=merged["title"])
        self._changed("meeting", meeting_id, origin=origin)

    def delete_meeting(self, meeting_id: str, *, origin: Any = None) -> None:
        self._require_editor()
        current = self.get_meeting(meeting_id)
        self.cache.remove_meeting(meeting_id)
        self._queue("DELETE", f"/meetings/{meeting_id}", None, kind="meeting", entity_id=meeting_id, meeting_id=meeting_id, summary=current["title"])
        self._changed("meeting", meeting_id, origin=origin)

    # --- agenda commands ----------------------------------------------------------------------
    def _agenda_item(self, meeting_id: str, item_id: str) -> dict[str, Any]:
        for item in self.cache.get_agenda(meeting_id):
            if item["id"] == item_id:
                return item
        raise AgendaItemNotInCacheError()

    def _check_parent(self, items: list[dict[str, Any]], parent_id: str | None, moving: str | None = None) -> None:
        if parent_id is None:
            return
        if not any(i["id"] == parent_id for i in items):
            raise AgendaItemNotInCacheError()
        if moving is not None and (parent_id == moving or parent_id in agenda_rules.descendants(items, moving)):
            raise agenda_rules.AgendaCycleError()
        levels = agenda_rules.height(items, moving) if moving is not None else 1  # the item and its sub-items
        if agenda_rules.depth_of(items, parent_id) + levels > rules.MAX_AGENDA_DEPTH:
            raise agenda_rules.AgendaTooDeepError(depth=rules.MAX_AGENDA_DEPTH)

    def add_agenda_item(self, meeting_id: str, fields: dict[str, Any], *, parent_id: str | None = None, position: int | None = None, origin: Any = None) -> str:
        self._require_editor()
        self.get_meeting(meeting_id)
        clean = rules.clean_item_fields(fields, creating=True)
        items = self.cache.get_agenda(meeting_id)
        self._check_parent(items, parent_id)
        item_id = str(uuid.uuid4())
        item = {"id": item_id, "meeting_id": meeting_id, "parent_id": parent_id, "position": 0, "presenter": "", "duration_minutes": 0, "notes": "", **clean, "version": 0}
        self.cache.put_agenda(meeting_id, agenda_rules.with_added(items, item, position))
        body = {"id": item_id, "parent_id": parent_id, **clean}
        if position is not None:
            body["position"] = position
        self._queue("POST", f"/meetings/{meeting_id}/agenda", body, kind="agenda_item", entity_id=item_id, meeting_id=meeting_id, summary=clean["title"])
        self._changed("agenda", meeting_id, origin=origin)
        return item_id

    def update_agenda_item(self, meeting_id: str, item_id: str, fields: dict[str, Any], *, origin: Any = None) -> None:
        self._require_editor()
        current = self._agenda_item(meeting_id, item_id)
        clean = {k: v for k, v in rules.clean_item_fields(fields, creating=False).items() if current.get(k) != v}
        if not clean:
            return
        self.cache.put_agenda(meeting_id, agenda_rules.with_updated(self.cache.get_agenda(meeting_id), item_id, clean))
        self._queue("PATCH", f"/agenda-items/{item_id}", clean, kind="agenda_item", entity_id=item_id, meeting_id=meeting_id, summary=clean.get("title", current["title"]))
        self._changed("agenda", meeting_id, origin=origin)

    def move_agenda_item(self, meeting_id: str, item_id: str, *, parent_id: str | None, position: int, origin: Any = None) -> None:
        self._require_editor()
        current = self._agenda_item(meeting_id, item_id)
        items = self.cache.get_agenda(meeting_id)
        self._check_parent(items, parent_id, moving=item_id)
        self.cache.put_agenda(meeting_id, agenda_rules.with_moved(items, item_id, parent_id, position))
        self._queue("POST", f"/agenda-items/{item_id}/move", {"parent_id": parent_id, "position": position}, kind="agenda_item", entity_id=item_id, meeting_id=meeting_id, summary=current["title"])
        self._changed("agenda", meeting_id, origin=origin)

    def delete_agenda_item(self, meeting_id: str, item_id: str, *, origin: Any = None) -> None:
        self._require_editor()
        current = self._agenda_item(meeting_id, item_id)
        self.cache.put_agenda(meeting_id, agenda_rules.with_removed(self.cache.get_agenda(meeting_id), item_id))
        self._queue("DELETE", f"/agenda-items/{item_id}", None, kind="agenda_item", entity_id=item_id, meeting_id=meeting_id, summary=current["title"])
        self._changed("agenda", meeting_id, origin=origin)

    # --- invitations ----------------------------------------------------------------------------
    def list_invitations(self, meeting_id: str) -> list[dict[str, Any]]:
        """The tracking board's rows (secretariat), from the cache: works offline, follows events."""
        return self.cache.list_invitations(meeting_id)

    def invitation_board(self, meeting_id: str) -> dict[str, Any]:
        from app.domain.invitations import board_counts

        rows = self.list_invitations(meeting_id)
        sequence = max((i.get("meeting_sequence", 0) for i in rows), default=0)
        return {"meeting": self.get_meeting(meeting_id), "sequence": sequence, "counts": board_counts(rows, sequence), "invitations": rows}

    def my_invitations(self) -> list[dict[str, Any]]:
        """The delegate's inbox: their invitations, newest meeting first, with the meeting attached."""
        out = []
        for inv in self.cache.list_invitations():
            if inv.get("person_id") != self.account.get("person_id") or inv.get("cancelled_at"):
                continue
            meeting = self.cache.get_meeting(inv["meeting_id"])
            if meeting is not None:
                out.append({**inv, "meeting": meeting})
        return sorted(out, key=lambda i: i["meeting"].get("starts_at") or "", reverse=True)

    def send_invitations(self, meeting_id: str, *, body_ids: list[str] = (), person_ids: list[str] = (), guests: list[dict[str, str]] = (),
                         subject: str | None = None, body: str | None = None, language: str = "vi") -> str:
        """Queue the sending (exactly once, also when offline); the board fills as the server confirms."""
        self._require_editor()
        meeting = self.get_meeting(meeting_id)
        for text in (subject, body):
            if text is not None:
                inv_rules.check_template(text)
        clean_guests = [{"name": g.get("name", ""), "email": inv_rules.check_email(g.get("email")) or ""} for g in guests]
        if not (body_ids or person_ids or clean_guests):
            raise inv_rules.NoInviteesError()
        payload = {"body_ids": list(body_ids), "person_ids": list(person_ids), "guests": clean_guests, "language": language}
        if subject is not None:
            payload["subject"] = subject
        if body is not None:
            payload["body"] = body
        return self._queue("POST", f"/meetings/{meeting_id}/invitations", payload, kind="invitations", entity_id=meeting_id, meeting_id=meeting_id, summary=meeting["title"])

    def preview_invitations(self, meeting_id: str, **request: Any) -> list[dict[str, Any]]:
        """Network: the texts exactly as the server will send them. Run off the GUI thread."""
        return self.api.request("POST", f"/meetings/{meeting_id}/invitations/preview", json=request)

    def remind_now(self, meeting_id: str) -> str:
        self._require_editor()
        meeting = self.get_meeting(meeting_id)
        return self._queue("POST", f"/meetings/{meeting_id}/invitations/remind", None, kind="invitations", entity_id=meeting_id, meeting_id=meeting_id, summary=meeting["title"])

    def _invitation(self, invitation_id: str) -> dict[str, Any]:
        inv = self.cache.get_invitation(invitation_id)
        if inv is None:
            raise inv_rules.InvitationNotFoundError()
        return inv

    def mark_invitation_read(self, invitation_id: str) -> None:
        inv = self._invitation(invitation_id)
        sequence = inv.get("meeting_sequence", 0)
        if inv.get("read_at") and inv.get("sequence_seen", -1) >= sequence:
            return
        self.cache.put_invitation({**inv, "read_at": inv.get("read_at") or utcnow().isoformat(), "sequence_seen": sequence, "has_unseen_change": False})
        self._queue("POST", f"/invitations/{invitation_id}/read", None, kind="invitation", entity_id=invitation_id, meeting_id=inv["meeting_id"], summary=inv["name"])
        self._changed("invitation", invitation_id)

    def respond_to_invitation(self, invitation_id: str, response: str, *, reason: str = "", substitute_person_id: str | None = None,
                              substitute_name: str = "", substitute_email: str | None = None) -> None:
        """Accept, decline (with a reason) or name a substitute; shown at once, sent when online."""
        inv = self._invitation(invitation_id)
        answer = inv_rules.Response(response)
        if len(reason) > inv_rules.MAX_REASON:
            raise inv_rules.ReasonTooLongError(limit=inv_rules.MAX_REASON)
        changes: dict[str, Any] = {"response": answer.value, "response_reason": reason.strip(), "responded_at": utcnow().isoformat()}
        body: dict[str, Any] = {"response": answer.value, "reason": reason.strip()}
        if answer == inv_rules.Response.SUBSTITUTE:
            if not (substitute_person_id or substitute_name.strip()):
                raise inv_rules.SubstituteMissingError()
            email = inv_rules.check_email(substitute_email)
            name = substitute_name.strip() or next((p["full_name"] for p in self.list_persons() if p["id"] == substitute_person_id), "")
            changes.update(substitute_person_id=substitute_person_id, substitute_name=name, substitute_email=email, substitute_status="proposed")
            body.update(substitute_person_id=substitute_person_id, substitute_name=name, substitute_email=email)
        self.cache.put_invitation({**inv, **changes})
        self._queue("POST", f"/invitations/{invitation_id}/response", body, kind="invitation", entity_id=invitation_id, meeting_id=inv["meeting_id"], summary=inv["name"])
        self._changed("invitation", invitation_id)

    def decide_substitute(self, invitation_id: str, *, approve: bool) -> None:
        self._require_editor()
        inv = self._invitation(invitation_id)
        self.cache.put_invitation({**inv, "substitute_status": "approved" if approve else "rejected"})
        self._queue("POST", f"/invitations/{invitation_id}/substitute", {"approve": approve}, kind="invitation", entity_id=invitation_id, meeting_id=inv["meeting_id"], summary=inv["name"])
        self._changed("invitation", invitation_id)

    def export_invitations(self, meeting_id: str, fmt: str = "xlsx") -> bytes:
        """Network: the board as CSV or XLSX bytes. Run off the GUI thread."""
        return self.api.download(f"/meetings/{meeting_id}/invitations/export", params={"format": fmt})

    def mail_status(self) -> dict[str, Any]:
        """Network: is e-mail configured on the server, and how is the mail outbox doing."""
        return self.api.request("GET", "/mail/status")

    def usage_report(self) -> dict[str, Any]:
        """Network: invitations per month and body, answer rate, estimated saving against SMS."""
        return self.api.request("GET", "/reports/usage")

    # --- documents ------------------------------------------------------------------------------
    def list_documents(self, meeting_id: str) -> list[dict[str, Any]]:
        """The meeting's documents this user may read (current versions), from the cache."""
        return self.cache.list_documents(meeting_id)

    def get_document(self, document_id: str) -> dict[str, Any]:
        document = self.cache.get_document(document_id)
        if document is None:
            raise DocumentNotInCacheError()
        return document

    def document_file(self, document: dict[str, Any] | str) -> Path | SealedFile | None:
        """The local copy of a document (by content hash), or None if it is not downloaded. No network.
        A confidential document's copy is a SealedFile: open it with `read_bytes()`, as the reader does."""
        if isinstance(document, str):
            document = self.cache.get_document(document)
            if document is None:
                return None
        return self.files.local_file(document)

    def download_document(self, document_id: str, progress: Callable[[float], None] | None = None) -> Path | SealedFile:
        """Network (unless already here): the file, verified against its SHA-256. Run off the GUI thread."""
        document = self.cache.get_document(document_id) or self.api.request("GET", f"/documents/{document_id}")
        return self.files.download(document, progress)

    def predownload(self, meeting_id: str, progress: Callable[[float], None] | None = None) -> list[Path | SealedFile]:
        """Network: every document of a meeting, so it can be read offline; progress over all bytes."""
        return self.files.download_all(self.list_documents(meeting_id), progress)

    def upload_document(self, meeting_id: str, path: str | Path, *, agenda_item_id: str | None = None, title: str | None = None,
                        confidential: bool = False, access: list[str] = (), progress: Callable[[float], None] | None = None,
                        operation_id: str | None = None) -> dict[str, Any]:
        """Network, direct (files are too big for the outbox): the server vets the file and answers
        with the document, or refuses it (DocumentRefusedError). Retry a lost answer with the same
        `operation_id` and the file is attached once. Run off the GUI thread."""
        self._require_editor()
        self.get_meeting(meeting_id)
        document = self.files.upload_new(meeting_id, Path(path), agenda_item_id=agenda_item_id, title=title, confidential=confidential,
                                         access=access, progress=progress, operation_id=operation_id)
        self.cache.put_document(document)
        self._changed("document", document["id"])
        return document

    def replace_document(self, document_id: str, path: str | Path, *, progress: Callable[[float], None] | None = None,
                         operation_id: str | None = None) -> dict[str, Any]:
        """Network, direct: a new version of the document (a new id; the old one stays in its history)."""
        self._require_editor()
        old = self.get_document(document_id)
        document = self.files.upload("PUT", f"/documents/{document_id}/content", Path(path), fields={}, progress=progress, operation_id=operation_id)
        self.cache.remove_document(old["id"])
        self.cache.put_document(document)
        self._changed("document", document["id"], old["id"])
        return document

    def document_versions(self, document_id: str) -> list[dict[str, Any]]:
        """Network: every version of a document, newest first."""
        return self.api.request("GET", f"/documents/{document_id}/versions")

    def update_document(self, document_id: str, fields: dict[str, Any], *, origin: Any = None) -> None:
        """Title, agenda item, confidential flag, access list: shown at once, sent when online."""
        self._require_editor()
        current = self.get_document(document_id)
        clean = {k: v for k, v in fields.items() if k in ("title", "agenda_item_id", "confidential", "access") and current.get(k) != v}
        if not clean:
            return
        self.cache.put_document({**current, **clean})
        self._queue("PATCH", f"/documents/{document_id}", clean, kind="document", entity_id=document_id, meeting_id=current["meeting_id"], summary=current["title"])
        self._changed("document", document_id, origin=origin)

    def delete_document(self, document_id: str, *, origin: Any = None) -> None:
        self._require_editor()
        current = self.get_document(document_id)
        self.cache.remove_document(document_id)
        self._queue("DELETE", f"/documents/{document_id}", None, kind="document", entity_id=document_id, meeting_id=current["meeting_id"], summary=current["title"])
        self._changed("document", document_id, origin=origin)

    # --- annotations ----------------------------------------------------------------------------
    def annotations(self, document_id: str) -> list[dict[str, Any]]:
        """The annotations of a document this user sees (theirs and those shared with them), from
        the cache; `placement` says which ones a new version could not place ("unplaced")."""
        return self.cache.list_annotations(document_id)

    def unplaced_annotations(self, document_id: str) -> list[dict[str, Any]]:
        """This user's annotations that a new version of the document could not place: listed for
        them to place again or delete, never dropped."""
        return [a for a in self.annotations(document_id) if a.get("placement") == "unplaced" and self._is_mine(a)]

    def _is_mine(self, annotation: dict[str, Any]) -> bool:
        return annotation_rules.is_author(annotation, self.account.get("id"))

    def _annotation(self, annotation_id: str) -> dict[str, Any]:
        annotation = self.cache.get_annotation(annotation_id)
        if annotation is None:
            raise annotation_rules.AnnotationNotFoundError()
        return annotation

    def _my_annotation(self, annotation_id: str) -> dict[str, Any]:
        annotation = self._annotation(annotation_id)
        if not self._is_mine(annotation):
            raise annotation_rules.NotYourAnnotationError()
        return annotation

    @staticmethod
    def _annotation_summary(annotation: dict[str, Any]) -> str:
        return " ".join((annotation.get("note") or annotation.get("text") or "").split())[:80] or annotation["kind"]

    def create_annotation(self, document_id: str, *, kind: str, page: int, rects: Any = (), ink: Any = (), text: str = "", note: str = "",
                          colour: str | None = None, visibility: str = "private", shared_with: Any = (), origin: Any = None) -> dict[str, Any]:
        """A new annotation (validated with the server's rules), shown at once and sent when online."""
        if self.role not in annotation_rules.ANNOTATORS:
            raise PermissionDeniedError()
        document = self.get_document(document_id)
        clean = annotation_rules.clean_new({"kind": kind, "page": page, "rects": list(rects), "ink": list(ink), "text": text, "note": note, "colour": colour,
                                            "visibility": visibility, "shared_with": list(shared_with)}, pages=document.get("pages") or None)
        now = utcnow().isoformat()
        annotation = {
            "id": str(uuid.uuid4()), "document_id": document_id, "document_sha256": document.get("content_hash"), "meeting_id": document.get("meeting_id"),
            **clean, "author_id": self.account.get("person_id"), "author_account_id": self.account.get("id"), "author_name": self.display_name,
            "version": 1, "created_at": now, "updated_at": now, "placement": "placed", "conflict_of": None,
        }
        self.cache.put_annotation(annotation)
        self._queue("POST", f"/documents/{document_id}/annotations", {"id": annotation["id"], **clean}, kind="annotation", entity_id=annotation["id"],
                    meeting_id=document.get("meeting_id"), summary=self._annotation_summary(annotation))
        self._changed("annotation", annotation["id"], origin=origin)
        return annotation

    def update_annotation(self, annotation_id: str, changes: dict[str, Any], *, origin: Any = None) -> dict[str, Any]:
        """Change one of this user's annotations (note, colour, visibility, shared_with, rects, ink,
        page, text). Sent with the version it was made on: if another device changed it meanwhile,
        the server keeps this edit as a new annotation (`conflict_of`) and both show."""
        current = self._my_annotation(annotation_id)
        document = self.cache.get_document(current["document_id"]) or {}
        clean = annotation_rules.clean_changes(dict(changes), kind=current["kind"], pages=document.get("pages") or None)
        clean = {k: v for k, v in clean.items() if current.get(k) != v}
        if not clean:
            return current
        result = annotation_rules.merged(current, clean)
        updated = {**result, "version": int(current.get("version") or 1) + 1, "updated_at": utcnow().isoformat()}
        if updated.get("placement") == "unplaced" and {"page", "rects", "ink"} & set(clean):
            updated["placement"] = "placed"  # put back on the page by hand (the server does the same)
        self.cache.put_annotation(updated)
        body = {**clean, "base_version": current.get("version"), "base_document_id": current["document_id"]}
        self._queue("PATCH", f"/annotations/{annotation_id}", body, kind="annotation", entity_id=annotation_id, meeting_id=current.get("meeting_id"),
                    summary=self._annotation_summary(updated))
        self._changed("annotation", annotation_id, origin=origin)
        return updated

    def delete_annotation(self, annotation_id: str, *, origin: Any = None) -> None:
        current = self._my_annotation(annotation_id)
        self.cache.remove_annotation(annotation_id)
        self._queue("DELETE", f"/annotations/{annotation_id}", None, kind="annotation", entity_id=annotation_id, meeting_id=current.get("meeting_id"),
                    summary=self._annotation_summary(current))
        self._changed("annotation", annotation_id, origin=origin)

    def export_annotated_pdf(self, document_id: str, target: str | Path, *, watermark: bool | None = None) -> Path:
        """The document with this user's and the shared annotations as standard PDF annotations,
        written to `target`; a watermark with the user's name and the date goes across every page
        (by default on confidential documents only). Works offline from the downloaded file; run
        off the GUI thread (it reads and writes the whole PDF)."""
        from datetime import datetime

        from app.pdf.annotate_export import export_annotated, watermark_text

        document = self.get_document(document_id)
        source = self.files.local_file(document)
        if source is None:
            try:
                source = self.download_document(document_id)
            except (ServerUnreachableError, CertificateChangedError) as err:
                raise DocumentNotDownloadedError() from err
        if watermark is None:
            watermark = bool(document.get("confidential"))
        stamp = watermark_text(self.display_name, datetime.now().strftime("%d/%m/%Y")) if watermark else None
        placed = [a for a in self.annotations(document_id) if a.get("placement") != "unplaced"]
        return export_annotated(source, Path(target), placed, watermark=stamp)

    # --- the live meeting (app/services/live.py); commands go through the outbox -----------------
    def live_state(self, meeting_id: str) -> dict[str, Any]:
        """The meeting's live state as this device last heard it (`scheduled` before it opens)."""
        return self.cache.get_live(meeting_id) or {"meeting_id": meeting_id, "state": live_rules.LiveState.SCHEDULED.value, "current_item_id": None,
                                                   "page": None, "floor": None, "queue": [], "votes": [], "conclusions": {}, "version": 0}

    def expected_live_state(self, meeting_id: str) -> live_rules.LiveState:
        """The meeting's state once the commands queued on this device (not confirmed yet) apply."""
        state = live_rules.LiveState(self.live_state(meeting_id)["state"])
        for op in self.cache.operations("pending"):
            if op["path"] == f"/meetings/{meeting_id}/live/commands":
                try:
                    state = live_rules.check_allowed(state, live_rules.parse_command(op["body"]["command"]))
                except ChamberError:
                    pass  # the server will refuse it; it does not change the state
        return state

    def _require_runner(self) -> None:
        if self.role not in live_rules.RUNNERS:
            raise PermissionDeniedError()

    def _live_vote(self, vote_id: str) -> dict[str, Any]:
        for state in (self.cache.get_meta(k) for k in self._live_keys()):
            for vote in (state or {}).get("votes", []):
                if vote["id"] == vote_id:
                    return vote
        for op in self.cache.operations("pending"):  # opened from this device, not confirmed yet
            if op["entity_id"] == vote_id and op["method"] == "POST" and op["path"].endswith("/votes"):
                return {**op["body"], "meeting_id": op["meeting_id"], "state": "open", "eligible": []}
        raise NotFoundError()

    def _live_keys(self) -> list[str]:
        return [f"live:{m['id']}" for m in self.cache.list_meetings()]

    def live_command(self, meeting_id: str, command: str, **args: Any) -> str:
        """The chair's console: open, pause, resume, adjourn, close, goto (item_id), next, previous,
        show_page (document_id, page), set_item_time (seconds), give_floor (request_id, seconds),
        set_speaking_time (seconds), end_floor. Checked here with the server's rules, then queued."""
        self._require_runner()
        meeting = self.get_meeting(meeting_id)
        parsed = live_rules.parse_command(command)
        live_rules.check_allowed(self.expected_live_state(meeting_id), parsed)
        return self._queue("POST", f"/meetings/{meeting_id}/live/commands", {"command": parsed.value, **args}, kind="live", entity_id=meeting_id,
                           meeting_id=meeting_id, summary=meeting["title"])

    def ask_to_speak(self, meeting_id: str, *, point_of_order: bool = False) -> str:
        """Join the speakers' queue; returns the request's id (use it to withdraw)."""
        meeting = self.get_meeting(meeting_id)
        request_id = str(uuid.uuid4())
        kind = live_rules.SpeakKind.POINT_OF_ORDER if point_of_order else live_rules.SpeakKind.SPEAK
        self._queue("POST", f"/meetings/{meeting_id}/speakers", {"id": request_id, "kind": kind.value}, kind="live", entity_id=request_id,
                    meeting_id=meeting_id, summary=meeting["title"])
        return request_id

    def withdraw_request(self, meeting_id: str, request_id: str) -> str:
        return self._queue("POST", f"/speakers/{request_id}/withdraw", None, kind="live", entity_id=request_id, meeting_id=meeting_id, summary="")

    def open_vote(self, meeting_id: str, question: str, *, options: list[str] | None = None, secret: bool = False, rule: str = "simple",
                  duration_seconds: int = 0, agenda_item_id: str | None = None) -> str:
        """Open a vote on the current (or given) item; returns the vote's id."""
        self._require_runner()
        meeting = self.get_meeting(meeting_id)
        body: dict[str, Any] = {"id": str(uuid.uuid4()), "question": question, "options": live_rules.vote_options(options), "secret": secret,
                                "rule": live_rules.majority_rule(rule).value, "duration_seconds": live_rules.seconds(duration_seconds)}
        if agenda_item_id is not None:
            body["agenda_item_id"] = agenda_item_id
        self._queue("POST", f"/meetings/{meeting_id}/votes", body, kind="live", entity_id=body["id"], meeting_id=meeting_id, summary=meeting["title"])
        return body["id"]

    def cast_vote(self, vote_id: str, choice: str, *, on_behalf_of: str | None = None) -> str:
        """Vote, or change one's vote while it is open; as an approved proxy, `on_behalf_of` the
        delegate whose seat it is. A secret ballot carries a receipt this device keeps (one per
        seat): only this device can change it, and the server never links it to the voter."""
        vote = self._live_vote(vote_id)
        live_rules.check_choice(vote["options"], choice)
        seat = on_behalf_of or self.account.get("person_id")
        if seat not in vote.get("eligible", []):
            raise live_rules.NotEligibleError()
        body: dict[str, Any] = {"choice": choice}
        suffix = f":{on_behalf_of}" if on_behalf_of else ""
        if on_behalf_of:
            body["on_behalf_of"] = on_behalf_of
        if vote.get("secret"):
            receipt = self.cache.get_meta(f"receipt:{vote_id}{suffix}") or uuid.uuid4().hex + uuid.uuid4().hex
            self.cache.set_meta(f"receipt:{vote_id}{suffix}", receipt)
            body["receipt"] = receipt
        self.cache.set_meta(f"my_ballot:{vote_id}{suffix}", choice)
        return self._queue("POST", f"/votes/{vote_id}/ballots", body, kind="ballot", entity_id=vote_id, meeting_id=vote["meeting_id"], summary=vote["question"][:80])

    def my_ballot(self, vote_id: str, *, on_behalf_of: str | None = None) -> str | None:
        """How this device voted (kept on the device, also for a secret vote), or for the seat it holds a proxy for."""
        return self.cache.get_meta(f"my_ballot:{vote_id}" + (f":{on_behalf_of}" if on_behalf_of else ""))

    def close_vote(self, vote_id: str) -> str:
        self._require_runner()
        vote = self._live_vote(vote_id)
        return self._queue("POST", f"/votes/{vote_id}/close", None, kind="live", entity_id=vote_id, meeting_id=vote["meeting_id"], summary=vote["question"][:80])

    def vote_details(self, vote_id: str) -> dict[str, Any]:
        """Network: how many voted, the caller's ballot, and for the chair the running count of a named vote."""
        return self.api.request("GET", f"/votes/{vote_id}")

    def ballot_count(self, vote_id: str) -> dict[str, Any] | None:
        """The running count last heard (chair, secretariat, admin and the hall display receive it)."""
        return self.cache.get_meta(f"ballots:{vote_id}")

    def set_conclusion(self, meeting_id: str, item_id: str, text: str, *, vote_id: str | None = None) -> str:
        self._require_runner()
        self._agenda_item(meeting_id, item_id)
        return self._queue("PUT", f"/meetings/{meeting_id}/conclusions/{item_id}", {"text": text, "vote_id": vote_id}, kind="live", entity_id=item_id,
                           meeting_id=meeting_id, summary=text[:80])

    def list_tasks(self, meeting_id: str) -> list[dict[str, Any]]:
        return self.cache.list_tasks(meeting_id)

    def overdue_tasks(self, meeting_id: str) -> list[dict[str, Any]]:
        """Open tasks of this meeting's body from its other meetings, past their deadline (each with
        `meeting_title`): what this meeting should take up again. From the cache; works offline."""
        meeting = self.get_meeting(meeting_id)
        if not meeting.get("body_id"):
            return []
        earlier = {m["id"]: m for m in self.list_meetings() if m.get("body_id") == meeting["body_id"] and m["id"] != meeting_id}
        tasks = [t for m_id in earlier for t in self.cache.list_tasks(m_id)]
        return [{**t, "meeting_title": earlier[t["meeting_id"]].get("title", "")} for t in live_rules.overdue(tasks, utcnow().date())]

    def put_task_on_agenda(self, meeting_id: str, task: dict[str, Any], title: str) -> str:
        """An agenda item for an overdue task (its title worded by the caller, in the user's language)."""
        notes = "\n".join(x for x in (task.get("expected_result") or "", task.get("responsible_unit") or "") if x)
        return self.add_agenda_item(meeting_id, {"title": title[:300], "notes": notes})

    def create_task(self, meeting_id: str, fields: dict[str, Any]) -> str:
        self._require_runner()
        self.get_meeting(meeting_id)
        task_id = str(uuid.uuid4())
        self._queue("POST", f"/meetings/{meeting_id}/tasks", {"id": task_id, **fields}, kind="task", entity_id=task_id, meeting_id=meeting_id,
                    summary=str(fields.get("what", ""))[:80])
        return task_id

    def update_task(self, meeting_id: str, task_id: str, fields: dict[str, Any]) -> str:
        self._require_runner()
        return self._queue("PATCH", f"/tasks/{task_id}", fields, kind="task", entity_id=task_id, meeting_id=meeting_id, summary=str(fields.get("what", ""))[:80])

    # --- proxy votes (app/services/proxies.py): online, like the decision on a substitute ----------
    def name_proxy(self, meeting_id: str, proxy_person_id: str) -> dict[str, Any]:
        """Network: name who votes for me in this meeting (the secretariat approves)."""
        return self.api.request("POST", f"/meetings/{meeting_id}/proxies", json={"proxy_person_id": proxy_person_id}, operation_id=str(uuid.uuid4()))

    def decide_proxy(self, proxy_id: str, *, approve: bool) -> dict[str, Any]:
        return self.api.request("POST", f"/proxies/{proxy_id}/decide", json={"approve": approve}, operation_id=str(uuid.uuid4()))

    def list_proxies(self, meeting_id: str) -> list[dict[str, Any]]:
        return self.api.request("GET", f"/meetings/{meeting_id}/proxies")

    # --- minutes: edited and approved online (a saved text is a new version on the server) -------
    def minutes(self, meeting_id: str, *, version: int | None = None, lang: str | None = None) -> dict[str, Any]:
        """Network: the minutes as they stand (state, version, text, versions) or one saved version;
        nothing saved yet, the draft generated in `lang`."""
        params: dict[str, Any] = {"lang": lang} if lang else {}
        if version is not None:
            params["version"] = version
        return self.api.request("GET", f"/meetings/{meeting_id}/minutes/text", params=params or None)

    def save_minutes(self, meeting_id: str, text: str, *, base_version: int | None = None) -> dict[str, Any]:
        """Network: save `text` as a new version (ConflictError once approved, or when someone else
        saved after `base_version`)."""
        return self.api.request("PUT", f"/meetings/{meeting_id}/minutes", json={"text": text, "base_version": base_version}, operation_id=str(uuid.uuid4()))

    def approve_minutes(self, meeting_id: str, version: int) -> dict[str, Any]:
        """Network: the chair approves `version`; the minutes are locked from then on."""
        return self.api.request("POST", f"/meetings/{meeting_id}/minutes/approve", json={"version": version}, operation_id=str(uuid.uuid4()))

    def export_minutes(self, meeting_id: str, fmt: str = "pdf", *, lang: str | None = None, version: int | None = None) -> bytes:
        """Network: the minutes as PDF, HTML or Markdown bytes. Run off the GUI thread."""
        params: dict[str, Any] = {"format": fmt}
        if lang:
            params["lang"] = lang
        if version is not None:
            params["version"] = version
        return self.api.download(f"/meetings/{meeting_id}/minutes", params=params)

    # --- the outbox, as the user sees it ------------------------------------------------------
    def retry_operation(self, operation_id: str) -> None:
        self.cache.retry(operation_id)
        self._changed("outbox", operation_id)
        self.engine.kick()

    def discard_operation(self, operation_id: str) -> None:
        self.cache.discard(operation_id)
        self._changed("outbox", operation_id)

    @staticmethod
    def operation_error(op: dict[str, Any]) -> ChamberError:
        return ChamberError(op["error_message"] or ChamberError.message, **(op.get("error_params") or {}))
