"""The client's vault for confidential documents: their cached copies are sealed (AES-256-GCM) so
a copied cache folder, a backup of it, or another user of the PC cannot read them.

The key is one per user and server on this device, kept in the profile folder (`keys/`, readable
only by the user), apart from the cache folder where the sealed files live. It is deleted at
logout, which makes every sealed copy unreadable at once (the files are removed too). This is not a
defence against someone who holds the user's unlocked account on the device: a delegate reads these
documents offline, so the key has to be on the device.

Format: MAGIC, then chunks of up to CHUNK bytes of plain text, each sealed with a fresh nonce
(8 random bytes of the file + the chunk number) and authenticated with its number and whether it is
the last one, so chunks cannot be reordered, dropped or the file cut short without being noticed.
"""

from __future__ import annotations

import os
import secrets
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import ChamberError
from app.i18n import N_

MAGIC = b"CHAMBER-SEALED-1\n"
CHUNK = 1 << 20
_TAG = 16


class SealedFileDamagedError(ChamberError):
    status = 500
    code = "sealed_file_damaged"
    message = N_("The protected copy of this confidential document on this device cannot be opened (it was damaged, or this device signed out). Download it again.")


class Vault:
    def __init__(self, key_path: Path) -> None:
        self.key_path = Path(key_path)

    def _key(self, *, create: bool) -> bytes | None:
        try:
            key = self.key_path.read_bytes()
            if len(key) == 32:
                return key
        except FileNotFoundError:
            pass
        if not create:
            return None
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        key = AESGCM.generate_key(bit_length=256)
        tmp = self.key_path.with_name(f"{self.key_path.name}.{uuid.uuid4().hex}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, self.key_path)  # another thread may have made one first: keep theirs
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        return self._key(create=False)

    def seal(self, source: Path, target: Path) -> None:
        """Write `source` sealed to `target` (atomically: a crash leaves no half-sealed file)."""
        aead = AESGCM(self._key(create=True))
        prefix = secrets.token_bytes(8)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
        try:
            with Path(source).open("rb") as src, tmp.open("wb") as dst:
                dst.write(MAGIC + prefix)
                index = 0
                chunk = src.read(CHUNK)
                while True:
                    following = src.read(CHUNK)
                    last = not following
                    dst.write(aead.encrypt(_nonce(prefix, index), chunk, _aad(index, last)))
                    if last:
                        break
                    chunk, index = following, index + 1
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def open(self, path: Path) -> bytes:
        """The plain bytes of a sealed file, in memory only."""
        key = self._key(create=False)
        if key is None:
            raise SealedFileDamagedError()
        aead = AESGCM(key)
        parts: list[bytes] = []
        try:
            with Path(path).open("rb") as fh:
                head = fh.read(len(MAGIC) + 8)
                if len(head) != len(MAGIC) + 8 or not head.startswith(MAGIC):
                    raise SealedFileDamagedError()
                prefix = head[len(MAGIC):]
                index = 0
                sealed = fh.read(CHUNK + _TAG)
                while True:
                    following = fh.read(CHUNK + _TAG)
                    last = not following
                    parts.append(aead.decrypt(_nonce(prefix, index), sealed, _aad(index, last)))
                    if last:
                        break
                    sealed, index = following, index + 1
        except (InvalidTag, OSError) as exc:
            raise SealedFileDamagedError() from exc
        return b"".join(parts)

    def forget(self) -> None:
        """Delete the key: every file sealed with it can no longer be opened."""
        self.key_path.unlink(missing_ok=True)


@dataclass(frozen=True)
class SealedFile:
    """A sealed copy on disk, handed to the PDF reader like a path: `read_bytes()` unseals it in
    memory (on the reader's worker thread), so the plain document never touches the disk."""

    vault: Vault
    path: Path

    def read_bytes(self) -> bytes:
        return self.vault.open(self.path)

    def exists(self) -> bool:
        return self.path.exists()


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(index: int, last: bool) -> bytes:
    return struct.pack(">I?", index, last)
