"""Document files on a client: downloaded once per content hash into the user's cache folder
(verified against the SHA-256 the server named, written atomically), uploaded straight to the
server (files are too big for the outbox), both with a progress callback(fraction).

Files already here open without the network. A progress callback may raise (a Cancel button) to
stop a transfer; nothing half-written is left behind. Confidential documents are kept sealed
(app/sync/vault.py) and `prune()` removes every copy the user may no longer read.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import threading
import uuid
from pathlib import Path
from typing import Any, BinaryIO, Callable

import httpx

from app.errors import ChamberError
from app.i18n import N_
from app.net.client import ApiClient
from app.pdf.errors import DocumentNotFoundOnDiskError, DocumentTooLargeError, EmptyFileError, mb_text
from app.pdf.vet import MAX_FILE_BYTES
from app.sync.cache import LocalCache
from app.sync.vault import SealedFile, Vault

log = logging.getLogger(__name__)
Progress = Callable[[float], None]
LocalFile = Path | SealedFile
CHUNK = 256 * 1024
# Generous read time for an upload: the server vets (and may convert) the file before it answers.
UPLOAD_TIMEOUT = httpx.Timeout(15.0, read=300.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(15.0, read=60.0)


class DownloadCorruptedError(ChamberError):
    status = 502
    code = "download_corrupted"
    message = N_("The downloaded file is not the document the server announced (it was damaged on the way). Download it again.")


class _CountingReader:
    """A file handed to httpx for a multipart upload: reports progress and hashes what is read."""

    def __init__(self, fh: BinaryIO, size: int, progress: Progress | None) -> None:
        self._fh = fh
        self._size = max(size, 1)
        self._progress = progress
        self.digest = hashlib.sha256()
        self.sent = 0

    def fileno(self) -> int:
        return self._fh.fileno()

    def tell(self) -> int:
        return self._fh.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._fh.seek(offset, whence)
        if position == 0:
            self.digest = hashlib.sha256()
            self.sent = 0
        return position

    def read(self, n: int = -1) -> bytes:
        chunk = self._fh.read(n)
        if chunk:
            self.digest.update(chunk)
            self.sent += len(chunk)
            if self._progress is not None:
                self._progress(min(self.sent / self._size, 1.0))
        return chunk


class DocumentFiles:
    def __init__(self, api: ApiClient, cache: LocalCache, directory: Path, vault: Vault) -> None:
        self.api = api
        self.cache = cache
        self.directory = Path(directory)
        self.vault = vault
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._prune_lock = threading.Lock()

    def path_for(self, content_hash: str) -> Path:
        return self.directory / content_hash[:2] / f"{content_hash}.pdf"

    def sealed_path_for(self, content_hash: str) -> Path:
        return self.directory / content_hash[:2] / f"{content_hash}.sealed"

    def local_file(self, document: dict[str, Any]) -> LocalFile | None:
        """The copy on this device: a plain PDF path, or for a confidential document a SealedFile."""
        if document.get("confidential"):
            sealed = self.sealed_path_for(document["content_hash"])
            return SealedFile(self.vault, sealed) if sealed.exists() else None
        path = self.path_for(document["content_hash"])
        return path if path.exists() else None

    def prune(self) -> list[Path]:
        """Remove every copy no document in the cache still needs: a document deleted, or no longer
        shared with this user (access withdrawn), or now confidential (its plain copy goes)."""
        plain_needed, sealed_needed = set(), set()
        for document in self.cache.list_documents():
            (sealed_needed if document.get("confidential") else plain_needed).add(document["content_hash"])
        removed = []
        with self._prune_lock:
            if not self.directory.exists():
                return removed
            for path in self.directory.glob("*/*"):
                digest, suffix = path.stem, path.suffix
                if suffix == ".part":
                    continue  # a transfer in progress cleans up after itself
                keep = (suffix == ".pdf" and digest in plain_needed) or (suffix == ".sealed" and digest in sealed_needed)
                if keep or self._lock(digest).locked():
                    continue
                path.unlink(missing_ok=True)
                removed.append(path)
        if removed:
            log.info("removed %d cached document file(s) no longer readable here", len(removed))
        return removed

    def forget_sealed(self) -> None:
        """At logout: the key goes, and with it every sealed copy."""
        self.vault.forget()
        if self.directory.exists():
            for path in self.directory.glob("*/*.sealed"):
                path.unlink(missing_ok=True)

    def _lock(self, content_hash: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(content_hash, threading.Lock())

    def download(self, document: dict[str, Any], progress: Progress | None = None) -> LocalFile:
        """The document's file, downloaded unless these bytes are here already (by hash)."""
        digest_wanted = document["content_hash"]
        with self._lock(digest_wanted):  # two views asking for the same file download it once
            existing = self.local_file(document)
            if existing is not None:
                if progress is not None:
                    progress(1.0)
                return existing
            confidential = bool(document.get("confidential"))
            target = self.path_for(digest_wanted)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
            digest = hashlib.sha256()
            try:
                with self.api.stream("GET", f"/documents/{document['id']}/content", timeout=DOWNLOAD_TIMEOUT) as response:
                    total = int(response.headers.get("content-length") or document.get("size_bytes") or 0)
                    done = 0
                    with tmp.open("wb") as fh:
                        for chunk in response.iter_bytes(CHUNK):
                            fh.write(chunk)
                            digest.update(chunk)
                            done += len(chunk)
                            if progress is not None and total:
                                progress(min(done / total, 1.0))
                        fh.flush()
                        os.fsync(fh.fileno())
                if digest.hexdigest() != digest_wanted:
                    raise DownloadCorruptedError()
                if confidential:
                    self.vault.seal(tmp, self.sealed_path_for(digest_wanted))
                else:
                    os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            if progress is not None:
                progress(1.0)
            return self.local_file(document) or target

    def download_all(self, documents: list[dict[str, Any]], progress: Progress | None = None) -> list[LocalFile]:
        """Several documents in turn; one progress over all their bytes."""
        total = sum(max(d.get("size_bytes") or 0, 1) for d in documents) or 1
        done, paths = 0, []
        for document in documents:
            size = max(document.get("size_bytes") or 0, 1)
            step = (lambda f, base=done, size=size: progress((base + f * size) / total)) if progress is not None else None
            paths.append(self.download(document, step))
            done += size
        if progress is not None:
            progress(1.0)
        return paths

    def upload_new(self, meeting_id: str, file: Path, *, agenda_item_id: str | None, title: str | None, confidential: bool,
                   access: Any = (), progress: Progress | None = None, operation_id: str | None = None) -> dict[str, Any]:
        fields: dict[str, Any] = {"confidential": "true" if confidential else "false"}
        if agenda_item_id:
            fields["agenda_item_id"] = agenda_item_id
        if title is not None:
            fields["title"] = title
        if access:
            fields["access"] = list(access)
        return self.upload("POST", f"/meetings/{meeting_id}/documents", file, fields=fields, progress=progress, operation_id=operation_id)

    def upload(self, method: str, path: str, file: Path, *, fields: dict[str, Any], progress: Progress | None, operation_id: str | None = None) -> dict[str, Any]:
        """Send `file` as multipart form data; keep a copy by hash when the server stored these bytes."""
        file = Path(file)
        try:
            size = file.stat().st_size
        except OSError:
            raise DocumentNotFoundOnDiskError() from None
        if not file.is_file():
            raise DocumentNotFoundOnDiskError()
        if size == 0:
            raise EmptyFileError()
        if size > MAX_FILE_BYTES:
            raise DocumentTooLargeError(size_mb=mb_text(size), limit_mb=mb_text(MAX_FILE_BYTES))
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        with file.open("rb") as fh:
            reader = _CountingReader(fh, size, progress)
            with self.api.stream(method, path, files={"file": (file.name, reader, mime)}, data=fields, operation_id=operation_id or str(uuid.uuid4()),
                                 timeout=UPLOAD_TIMEOUT) as response:
                response.read()
                document = response.json()
        if document.get("content_hash") == reader.digest.hexdigest() and self.local_file(document) is None:
            # The uploader reads it offline at once.
            if document.get("confidential"):
                with self._lock(document["content_hash"]):
                    self.vault.seal(file, self.sealed_path_for(document["content_hash"]))
            else:
                self._keep_copy(file, document["content_hash"])
        return document

    def _keep_copy(self, source: Path, content_hash: str) -> None:
        target = self.path_for(content_hash)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
        try:
            with source.open("rb") as src, tmp.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            if _hash(tmp) == content_hash:
                os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
