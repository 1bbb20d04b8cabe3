"""Encodings encrypted at rest: round trip, wrong key, wrong owner, tampering, the key file
(0600, kept outside the database) or the environment variable, and real erasure of files."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from app.faces.crypto import KEY_ENV, KEY_FILE, EncodingCipher, erase_file, load_or_create_key
from app.faces.errors import FaceDataUndecryptableError, FaceKeyError


def test_round_trip_keeps_the_encoding_exactly(tmp_path: Path, enrolled: dict) -> None:
    cipher = EncodingCipher.for_data_dir(tmp_path)
    encoding = enrolled["obama"]
    blob = cipher.seal(encoding, owner="person-1")
    assert encoding.tobytes() not in blob and len(blob) == 1 + 4 + 12 + 1024 + 16
    assert np.array_equal(cipher.open(blob, owner="person-1"), encoding)
    assert cipher.seal(encoding, owner="person-1") != blob  # a fresh nonce each time


def test_wrong_key_wrong_owner_and_tampering_are_refused(tmp_path: Path, enrolled: dict) -> None:
    cipher = EncodingCipher.for_data_dir(tmp_path / "a")
    blob = cipher.seal(enrolled["mark"], owner="person-1")
    other = EncodingCipher.for_data_dir(tmp_path / "b")
    for attempt in (
        lambda: other.open(blob, owner="person-1"),
        lambda: cipher.open(blob, owner="person-2"),  # a row's blob copied onto another person
        lambda: cipher.open(blob[:-1] + bytes([blob[-1] ^ 1]), owner="person-1"),
        lambda: cipher.open(b"", owner="person-1"),
    ):
        with pytest.raises(FaceDataUndecryptableError) as err:
            attempt()
        assert err.value.user_message("vi") != err.value.user_message("en")


def test_key_file_is_private_and_reused(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "data", environ={})
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(tmp_path / "data", environ={}) == key and len(key) == 32
    os.chmod(path, 0o644)
    with pytest.raises(FaceKeyError) as err:
        load_or_create_key(tmp_path / "data", environ={})
    assert "600" in err.value.user_message("en")
    os.chmod(path, 0o600)
    path.write_text("not a key\n")
    with pytest.raises(FaceKeyError):
        load_or_create_key(tmp_path / "data", environ={})


def test_key_from_the_environment_wins_and_creates_no_file(tmp_path: Path) -> None:
    key = bytes(range(32))
    assert load_or_create_key(tmp_path, environ={KEY_ENV: base64.urlsafe_b64encode(key).decode()}) == key
    assert not (tmp_path / KEY_FILE).exists()
    with pytest.raises(FaceKeyError):
        load_or_create_key(tmp_path, environ={KEY_ENV: "short"})


def test_erase_file_overwrites_then_removes(tmp_path: Path) -> None:
    cached = tmp_path / "photo.jpg"
    cached.write_bytes(b"face" * 5000)
    witness = tmp_path / "same-inode"
    os.link(cached, witness)  # a second name for the same data shows what stays on disk
    assert erase_file(cached) is True
    assert not cached.exists()
    assert witness.read_bytes() == b"\0" * 20000
    assert erase_file(cached) is False
