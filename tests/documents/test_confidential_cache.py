"""Confidential documents on a delegate's device: the cached copy is sealed (no PDF bytes on disk),
the reader still opens it offline, and the copy goes when access is withdrawn or at logout."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pymupdf
import pytest

from app.pdf.render import PageRenderer
from app.sync import vault as vault_module
from app.sync.vault import SealedFile, SealedFileDamagedError, Vault


def plenary(session) -> str:  # noqa: ANN001
    return next(m["id"] for m in session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Several chunks from a small file, so order, loss and truncation are all exercised."""
    monkeypatch.setattr(vault_module, "CHUNK", 4096)
    return 4096


def test_a_sealed_file_opens_only_whole_in_order_and_with_its_key(tmp_path: Path, small_chunks: int) -> None:
    vault = Vault(tmp_path / "keys" / "user.key")
    plain = secrets.token_bytes(small_chunks * 3 + 123)
    source = tmp_path / "plain.bin"
    source.write_bytes(plain)
    sealed = tmp_path / "doc.sealed"
    vault.seal(source, sealed)
    raw = sealed.read_bytes()
    assert plain[:64] not in raw and plain[-64:] not in raw
    assert vault.open(sealed) == plain
    assert os.stat(vault.key_path).st_mode & 0o077 == 0  # the key is the user's alone

    head = len(vault_module.MAGIC) + 8
    block = small_chunks + 16
    flipped = bytearray(raw)
    flipped[head + 10] ^= 1
    cut = raw[: head + 3 * block]  # the last chunk gone: looks whole but is not
    swapped = raw[:head] + raw[head + block: head + 2 * block] + raw[head: head + block] + raw[head + 2 * block:]
    for damaged in (bytes(flipped), cut, swapped, b"%PDF-1.7 not sealed"):
        sealed.write_bytes(damaged)
        with pytest.raises(SealedFileDamagedError):
            vault.open(sealed)

    sealed.write_bytes(raw)
    other = Vault(tmp_path / "keys" / "someone-else.key")
    other.seal(source, tmp_path / "other.sealed")
    with pytest.raises(SealedFileDamagedError):
        other.open(sealed)  # another key cannot open it
    vault.forget()
    with pytest.raises(SealedFileDamagedError):
        vault.open(sealed)


def test_an_empty_file_seals_and_opens(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "k.key")
    (tmp_path / "empty").write_bytes(b"")
    vault.seal(tmp_path / "empty", tmp_path / "empty.sealed")
    assert vault.open(tmp_path / "empty.sealed") == b""


def test_confidential_copy_is_sealed_read_offline_and_removed_when_access_is_withdrawn(login, make_pdf, tmp_path: Path) -> None:  # noqa: ANN001
    secretary, delegate = login("thuky"), login("daibieu")
    meeting = plenary(delegate)
    source = tmp_path / "bao_cao_mat.pdf"
    source.write_bytes(make_pdf("Báo cáo mật về nhân sự", 3))
    secret = secretary.upload_document(meeting, source, confidential=True, access=[delegate.account["person_id"]])
    public_source = tmp_path / "to_trinh.pdf"
    public_source.write_bytes(make_pdf("Tờ trình công khai", 2))
    public = secretary.upload_document(meeting, public_source)
    assert delegate.engine.wait_until(lambda: {secret["id"], public["id"]} <= {d["id"] for d in delegate.list_documents(meeting)}, 3)

    copy = delegate.download_document(secret["id"])
    assert isinstance(copy, SealedFile) and copy.path.suffix == ".sealed"
    on_disk = copy.path.read_bytes()
    assert not on_disk.startswith(b"%PDF") and b"%PDF" not in on_disk
    assert not list(delegate.files.directory.rglob("*.pdf"))  # no plain copy anywhere
    assert delegate.download_document(secret["id"]) == copy  # not downloaded twice
    plain_copy = delegate.download_document(public["id"])
    assert isinstance(plain_copy, Path) and plain_copy.read_bytes().startswith(b"%PDF")
    # The uploader's own copy of a confidential upload is sealed too.
    assert isinstance(secretary.document_file(secret), SealedFile)

    # The reader opens it from memory (no network involved: the key and the copy are here).
    renderer = PageRenderer(delegate.document_file(secret["id"]))
    try:
        assert renderer.page_count == 3
        assert "nhân sự" in renderer.document[0].get_text()
    finally:
        renderer.close()

    # The secretariat takes the delegate off the list: the sealed copy leaves the device; the
    # public document's copy stays.
    secretary.update_document(secret["id"], {"access": []})
    assert delegate.engine.wait_until(lambda: delegate.cache.get_document(secret["id"]) is None, 10)
    assert delegate.engine.wait_until(lambda: not copy.path.exists(), 5)
    assert plain_copy.exists()


def test_making_a_document_confidential_removes_its_plain_copy_and_logout_removes_sealed_ones(login, make_pdf, tmp_path: Path) -> None:  # noqa: ANN001
    secretary, delegate = login("thuky"), login("daibieu")
    meeting = plenary(delegate)
    source = tmp_path / "du_thao.pdf"
    source.write_bytes(make_pdf("Dự thảo nghị quyết", 2))
    doc = secretary.upload_document(meeting, source)
    assert delegate.engine.wait_until(lambda: delegate.cache.get_document(doc["id"]) is not None, 3)
    plain_copy = delegate.download_document(doc["id"])
    assert isinstance(plain_copy, Path)

    secretary.update_document(doc["id"], {"confidential": True, "access": [delegate.account["person_id"]]})
    assert delegate.engine.wait_until(lambda: (delegate.cache.get_document(doc["id"]) or {}).get("confidential") is True, 10)
    assert delegate.engine.wait_until(lambda: not plain_copy.exists(), 5)
    assert delegate.document_file(doc["id"]) is None
    sealed = delegate.download_document(doc["id"])
    assert isinstance(sealed, SealedFile)
    with pymupdf.open(stream=sealed.read_bytes(), filetype="pdf") as pdf:
        assert pdf.page_count == 2

    key = delegate.files.vault.key_path
    assert key.exists()
    delegate.logout()
    assert not key.exists() and not sealed.path.exists()
