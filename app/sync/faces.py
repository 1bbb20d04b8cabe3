"""Face data on a client device: the kiosk's own sealed copy of the gallery (so it matches faces
offline, and a restarted kiosk without network still recognises people), and the secretariat's
enrolment calls (network only: the photos are checked on the server).

The kiosk's gallery is sealed with app/sync/vault.py under a key of its own (keys/, beside the
documents' key), refreshed after login and on every "faces" change event (an enrolment, an
erasure). A withdrawn person disappears from the next copy; the previous copy is overwritten
before removal.
"""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from app.errors import ChamberError
from app.faces.crypto import erase_file
from app.faces.matcher import Gallery
from app.faces.settings import FaceSettings, load_face_settings
from app.sync.vault import SealedFileDamagedError, Vault

if TYPE_CHECKING:
    from app.sync.session import ChamberSession

EVENT_KIND = "faces"
MAX_PHOTOS = 5  # what the server accepts in one enrolment (app/services/faces.py; a test holds them equal)
KIOSK_CONFIG = "kiosk.toml"
MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".bmp": "image/bmp"}


def kiosk_face_settings(session: "ChamberSession") -> FaceSettings:
    """This kiosk's `[faces]` settings (threshold, liveness on/off...) from PROFILE/kiosk.toml."""
    path = session.profile.directory / KIOSK_CONFIG
    return load_face_settings(path if path.exists() else None)


def gallery_from(entries: Sequence[dict[str, Any]]) -> Gallery:
    return Gallery((e["person_id"], np.asarray(enc, dtype=np.float64)) for e in entries for enc in e.get("encodings") or [])


class KioskGallery:
    """The gallery a kiosk matches against, downloaded from the server and kept sealed on disk."""

    def __init__(self, session: "ChamberSession") -> None:
        self.session = session
        self.path = session.cache.path.with_suffix("") / "faces" / "gallery.sealed"
        self.vault = Vault(session.profile.directory / "keys" / session.server.server_id / f"{session.username}.faces.key")
        self.photos: dict[str, bytes] = {}

    def download(self) -> Gallery:
        """Network: the current gallery, stored sealed for offline use. Run off the GUI thread."""
        entries = self.session.api.request("GET", "/faces/gallery")
        self._store(entries)
        self._keep_photos(entries)
        return gallery_from(entries)

    def _keep_photos(self, entries: Sequence[dict[str, Any]]) -> None:
        # Only when the chamber keeps photos does an entry carry one (a small JPEG for the card).
        photos = {}
        for e in entries:
            try:
                photos[e["person_id"]] = base64.b64decode(e["photo"]) if e.get("photo") else None
            except (ValueError, TypeError):
                continue
        self.photos = {pid: data for pid, data in photos.items() if data}

    def photo(self, person_id: str) -> bytes | None:
        """The person's card photo (JPEG bytes) if the chamber keeps photos, else None."""
        return self.photos.get(person_id)

    def _store(self, entries: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        plain = self.path.with_name(f".{uuid.uuid4().hex}.plain")
        try:
            plain.write_bytes(json.dumps(entries).encode("utf-8"))
            self.vault.seal(plain, self.path)
        finally:
            erase_file(plain)  # the plain copy only ever existed for sealing

    def load(self) -> Gallery | None:
        """The sealed copy (None when there is none or it cannot be opened)."""
        if not self.path.exists():
            return None
        try:
            entries = json.loads(self.vault.open(self.path))
            gallery = gallery_from(entries)
            self._keep_photos(entries)
            return gallery
        except (SealedFileDamagedError, ValueError, KeyError, TypeError):
            return None

    def refresh(self) -> tuple[Gallery, bool]:
        """(gallery, fresh): the server's when reachable, else the sealed copy (or an empty one)."""
        try:
            return self.download(), True
        except ChamberError:
            cached = self.load()
            return (cached if cached is not None else Gallery()), False

    def forget(self) -> None:
        """Logout: the copy and its key go."""
        erase_file(self.path)
        self.vault.forget()
        self.photos = {}


# --- the secretariat's calls (network; run off the GUI thread) ---------------------------------
def record_consent(session: "ChamberSession", person_id: str, text_version: str) -> dict[str, Any]:
    """Record the consent on the server now (enrolment right after needs it there)."""
    return session.api.request("POST", f"/persons/{person_id}/face-consent", json={"text_version": text_version}, operation_id=str(uuid.uuid4()))


def face_data(session: "ChamberSession", person_id: str) -> dict[str, Any]:
    """The person's consent and how many photos are enrolled (never the encodings)."""
    return session.api.request("GET", f"/persons/{person_id}/face-data")


def _upload(photo: Path | tuple[str, bytes]) -> tuple[str, tuple[str, bytes, str]]:
    if isinstance(photo, tuple):  # (name, JPEG bytes): a frame taken with the camera, never written to disk
        name, data = photo
        return "photos", (name, data, "image/jpeg")
    path = Path(photo)
    return "photos", (path.name, path.read_bytes(), MIME.get(path.suffix.lower(), "application/octet-stream"))


def enrol(session: "ChamberSession", person_id: str, photos: Sequence[Path | tuple[str, bytes]]) -> dict[str, Any]:
    """Send 1–5 photos — files, or (name, JPEG bytes) taken with a camera; the answer has one
    result per photo (accepted, or the reason)."""
    files = [_upload(p) for p in photos]
    with session.api.stream("POST", f"/persons/{person_id}/face-enrolment", files=files, timeout=120) as response:
        response.read()
        return response.json()


def erase_face_data(session: "ChamberSession", person_id: str) -> dict[str, Any]:
    """Withdrawal: the person's face data are deleted on the server and the consent ends."""
    return session.api.request("DELETE", f"/persons/{person_id}/face-data", operation_id=str(uuid.uuid4()))
