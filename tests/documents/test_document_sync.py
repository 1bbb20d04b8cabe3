"""Documents on real clients: the secretariat uploads from its session, a delegate's session has the
document in its cache list within a second (the event), downloads it once (hash verified) and
still opens it with the server stopped."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from app.services import documents
from app.sync.documents import DownloadCorruptedError


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plenary(session) -> str:  # noqa: ANN001
    return next(m["id"] for m in session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))


def test_delegate_sees_the_upload_at_once_downloads_it_and_reads_it_offline(login, server, make_pdf, tmp_path: Path) -> None:  # noqa: ANN001
    secretary, delegate = login("thuky"), login("daibieu")
    meeting = plenary(delegate)
    assert len(delegate.list_documents(meeting)) == 2  # the demo's two, from the snapshot
    changes = []
    delegate.bus.subscribe(changes.append)
    source = tmp_path / "To_trinh_bo_sung.pdf"
    source.write_bytes(make_pdf("Tờ trình bổ sung", 3))
    sent: list[float] = []
    doc = secretary.upload_document(meeting, source, title="Tờ trình bổ sung", progress=sent.append)
    started = time.monotonic()
    assert sent and sent[-1] == 1.0
    assert doc["pages"] == 3 and doc["content_hash"] == sha256(source)
    assert secretary.document_file(doc) is not None  # the uploader has the file already
    assert delegate.engine.wait_until(lambda: any(d["id"] == doc["id"] for d in delegate.list_documents(meeting)), 1.0)
    print(f"\nupload answered → in the delegate's cache: {time.monotonic() - started:.3f} s")
    assert any(c.kind == "document" and doc["id"] in c.ids for c in changes)
    assert delegate.document_file(doc) is None
    received: list[float] = []
    path = delegate.download_document(doc["id"], progress=received.append)
    assert sha256(path) == doc["content_hash"] and received[-1] == 1.0
    assert delegate.download_document(doc["id"]) == path  # the same hash is not downloaded again
    everything = delegate.predownload(meeting)
    assert len(everything) == 3 and all(p.exists() for p in everything)
    assert not list(path.parent.glob("*.part"))
    server.stop()
    assert delegate.document_file(doc) == path
    assert delegate.document_file(doc["id"]) == path
    assert delegate.download_document(doc["id"]) == path  # offline: from the cache, no network


def test_confidential_and_new_versions_follow_the_event_stream(login, make_pdf, tmp_path: Path) -> None:  # noqa: ANN001
    secretary, delegate, other = login("thuky"), login("daibieu"), login("daibieu2")
    meeting = plenary(delegate)
    source = tmp_path / "bao_cao.pdf"
    source.write_bytes(make_pdf("Báo cáo"))
    doc = secretary.upload_document(meeting, source, confidential=True, access=[delegate.account["person_id"]])

    def has(session, document_id: str) -> bool:  # noqa: ANN001
        return any(d["id"] == document_id for d in session.list_documents(meeting))

    assert delegate.engine.wait_until(lambda: has(delegate, doc["id"]), 2)
    assert not has(other, doc["id"])
    # Taken off the list: the delegate's cache drops it; the other delegate, added, gets it.
    secretary.update_document(doc["id"], {"access": [other.account["person_id"]]})
    assert delegate.engine.wait_until(lambda: not has(delegate, doc["id"]), 5)
    assert other.engine.wait_until(lambda: has(other, doc["id"]), 5)
    # A new version replaces the old one in every cache.
    new_source = tmp_path / "bao_cao_v2.pdf"
    new_source.write_bytes(make_pdf("Báo cáo (sửa)", 2))
    new = secretary.replace_document(doc["id"], new_source)
    assert new["version"] == 2 and new["replaces_id"] == doc["id"]
    assert other.engine.wait_until(lambda: has(other, new["id"]) and not has(other, doc["id"]), 5)
    assert [v["id"] for v in other.document_versions(new["id"])] == [new["id"], doc["id"]]
    secretary.delete_document(new["id"])
    assert other.engine.wait_until(lambda: not has(other, new["id"]), 5)


def test_a_download_that_does_not_match_its_hash_is_refused(login, server_ctx, make_pdf, tmp_path: Path) -> None:  # noqa: ANN001
    secretary, delegate = login("thuky"), login("daibieu")
    meeting = plenary(delegate)
    source = tmp_path / "nghi_quyet.pdf"
    source.write_bytes(make_pdf("Nghị quyết"))
    doc = secretary.upload_document(meeting, source)
    assert delegate.engine.wait_until(lambda: delegate.cache.get_document(doc["id"]) is not None, 2)
    # The stored file changes under the server (a disk fault): the client must not keep it.
    documents.blob_path(documents.store_dir(server_ctx.settings.data_dir), doc["content_hash"]).write_bytes(make_pdf("Khác"))
    with pytest.raises(DownloadCorruptedError):
        delegate.download_document(doc["id"])
    assert delegate.document_file(doc) is None
    assert not list(delegate.files.directory.rglob("*.part"))
