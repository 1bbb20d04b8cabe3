"""Face encodings encrypted at rest, with a key that never enters the database.

The key (AES-256) lives in `DATA/face.key` (created with mode 0600 on first use) or comes from
the `CHAMBER_FACE_KEY` environment variable (urlsafe base64 of 32 bytes), so a copy of the
database alone reveals no face. Each encoding is sealed with AES-GCM: a fresh 96-bit nonce, and
the owner's id as associated data, so a sealed encoding moved onto another person's row does not
open. A sealed blob is: version (1 byte) · key id (4 bytes, first bytes of SHA-256 of the key,
to tell "wrong key" from "damaged data") · nonce (12) · ciphertext+tag.

Deleting must really delete (withdrawal of consent): `erase_file` overwrites a file before
unlinking it, and `SQLITE_SECURE_DELETE` is the pragma the storage code sets on SQLite so deleted
rows are zeroed in the file rather than left in free pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.faces.errors import FaceDataUndecryptableError, FaceKeyError

KEY_FILE = "face.key"
KEY_ENV = "CHAMBER_FACE_KEY"
KEY_BYTES = 32
VERSION = 1
SQLITE_SECURE_DELETE = "PRAGMA secure_delete = ON"
_HEADER = 1 + 4 + 12


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:4]


def load_or_create_key(data_dir: Path, *, environ: dict[str, str] | None = None) -> bytes:
    """The environment variable if set, else DATA/face.key (created 0600 if missing)."""
    env = (environ if environ is not None else os.environ).get(KEY_ENV)
    if env:
        try:
            key = base64.urlsafe_b64decode(env.strip().encode("ascii"))
        except (ValueError, binascii.Error):
            key = b""
        if len(key) != KEY_BYTES:
            raise FaceKeyError(path=KEY_ENV, detail=f"not urlsafe base64 of {KEY_BYTES} bytes")
        return key
    path = Path(data_dir) / KEY_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    except OSError as exc:
        raise FaceKeyError(path=str(path), detail=exc.strerror or str(exc)) from None
    key = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.urlsafe_b64encode(key) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key


def _read_key(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode & 0o777
        raw = path.read_bytes().strip()
    except OSError as exc:
        raise FaceKeyError(path=str(path), detail=exc.strerror or str(exc)) from None
    if os.name == "posix" and mode & 0o077:
        raise FaceKeyError(path=str(path), detail=f"readable by other users (mode {mode:o}); chmod 600 it")
    try:
        key = base64.urlsafe_b64decode(raw)
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != KEY_BYTES:
        raise FaceKeyError(path=str(path), detail="the file does not hold a key")
    return key


class EncodingCipher:
    """Seal/open 128-d encodings (stored as float64, 1 KiB) bound to their owner's id."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the face key is 32 bytes")
        self._aead = AESGCM(key)
        self.key_id = _key_id(key)

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> "EncodingCipher":
        return cls(load_or_create_key(data_dir))

    def seal(self, encoding: np.ndarray, owner: str) -> bytes:
        plain = np.asarray(encoding, dtype="<f8").reshape(-1).tobytes()
        nonce = secrets.token_bytes(12)
        return bytes([VERSION]) + self.key_id + nonce + self._aead.encrypt(nonce, plain, owner.encode("utf-8"))

    def open(self, blob: bytes, owner: str) -> np.ndarray:
        if len(blob) <= _HEADER or blob[0] != VERSION:
            raise FaceDataUndecryptableError()
        key_id, nonce, sealed = blob[1:5], blob[5:17], blob[17:]
        if key_id != self.key_id:
            raise FaceDataUndecryptableError()
        try:
            plain = self._aead.decrypt(nonce, sealed, owner.encode("utf-8"))
        except InvalidTag:
            raise FaceDataUndecryptableError() from None
        return np.frombuffer(plain, dtype="<f8").astype(np.float64)


def erase_file(path: Path) -> bool:
    """Overwrite a file with zeros, flush it to disk, then remove it. False if it was not there.
    (On copy-on-write or flash storage an overwrite may land elsewhere; the encryption is what
    protects what a disk still holds, this only makes sure nothing readable is left behind.)"""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with open(path, "r+b") as fh:
        chunk = b"\0" * 65536
        remaining = size
        while remaining > 0:
            n = min(remaining, len(chunk))
            fh.write(chunk[:n])
            remaining -= n
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()
    return True
