"""Documents come to a delegate's device before the meeting: published meetings starting within the
horizon are fetched in the background with progress, new uploads follow, meetings far ahead and
closed ones wait; scripts that did not ask for it download nothing on their own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.domain.clock import iso, utcnow
from app.events import Change
from app.sync import autodownload


def plenary(session) -> str:  # noqa: ANN001
    return next(m["id"] for m in session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))


def test_upcoming_meetings_documents_arrive_by_themselves_with_progress(login, make_pdf, tmp_path: Path) -> None:  # noqa: ANN001
    secretary, delegate = login("thuky"), login("daibieu")
    meeting = plenary(delegate)
    documents = delegate.list_documents(meeting)
    assert documents and all(delegate.document_file(d) is None for d in documents)  # not without asking

    closed = [m for m in delegate.list_meetings() if m["status"] == "closed"]
    far = secretary.create_meeting({"title": "Kỳ họp cuối năm", "body_id": secretary.get_meeting(meeting)["body_id"],
                                     "starts_at": iso(utcnow() + autodownload.HORIZON + timedelta(days=10)), "location": "Hội trường"})
    secretary.update_meeting(far, {"status": "scheduled"})
    assert secretary.engine.wait_until(lambda: not secretary.pending_operations(), 10)  # the meeting is on the server
    source = tmp_path / "ke_hoach.pdf"
    source.write_bytes(make_pdf("Kế hoạch năm sau", 2))
    far_doc = secretary.upload_document(far, source)
    assert delegate.engine.wait_until(lambda: delegate.cache.get_document(far_doc["id"]) is not None, 5)

    changes: list[Change] = []
    delegate.bus.subscribe(changes.append)
    delegate.enable_auto_download()
    due = [m["id"] for m in delegate.auto_download.due()]
    assert meeting in due and far not in due and not set(due) & {m["id"] for m in closed}
    assert delegate.engine.wait_until(lambda: all(delegate.document_file(d) is not None for d in documents), 20)
    assert any(c.kind == "download" and meeting in c.ids for c in changes)
    assert delegate.engine.wait_until(lambda: not delegate.download_progress(), 5)

    # A document added later follows on its own.
    late = tmp_path / "bo_sung.pdf"
    late.write_bytes(make_pdf("Tờ trình bổ sung", 1))
    added = secretary.upload_document(meeting, late)
    assert delegate.engine.wait_until(lambda: delegate.document_file(added["id"]) is not None, 20)
    assert delegate.document_file(far_doc["id"]) is None  # more than the horizon away: not yet
    for m in closed:
        assert all(delegate.document_file(d) is None for d in delegate.list_documents(m["id"]))
