"""The documents of a meeting against the real server: the secretariat adds a good PDF through the
Documents tab while two broken files are refused with their reason (and add nothing); a delegate on
another device sees the new document appear in their panel, opens it, and the reader shows page 1."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.i18n import translate
from ui.bridge import EventBridge
from ui.views.documents import DocumentsPanel
from ui.views.reader.reader_window import ReaderWindow

WAIT = 10_000


def _council_meeting(session) -> dict:  # noqa: ANN001
    council = next(b for b in session.list_bodies() if b["kind"] == "council")
    return next(m for m in session.list_meetings() if m["body_id"] == council["id"] and m["status"] == "scheduled")


def test_documents_added_refused_and_read_by_a_delegate(qtbot, open_window, login, tasks, shared_data: Path) -> None:
    secretariat = open_window("thuky")
    meeting = _council_meeting(secretariat.session)
    secretariat.meetings.select(meeting["id"])
    page = secretariat.page
    page.show_section("documents")
    panel = page.documents
    assert page.section == "documents" and panel.isVisible()
    before = {r["id"] for r in panel.row_texts()}
    assert len(before) == 2  # the demo's two PDFs
    assert page.tabs.buttons["documents"].text() == translate("Documents (%(count)d)", "vi") % {"count": 2}

    # A delegate's panel on another device, refreshed live by its own session's changes.
    delegate = login("daibieu")
    seen = DocumentsPanel(delegate, tasks, with_header=True)
    qtbot.addWidget(seen)
    bridge = EventBridge(delegate.bus, seen)
    bridge.changed.connect(seen.apply_changes)
    seen.set_meeting(meeting["id"])
    seen.resize(900, 400)
    seen.show()
    assert {r["id"] for r in seen.row_texts()} == before
    assert seen.add_button is None and not seen.acceptDrops()  # delegates only read

    good = shared_data / "pdfs" / "good" / "to_trinh_ngan_sach_2026.pdf"
    empty = shared_data / "pdfs" / "broken" / "zero_bytes.pdf"
    jpeg = shared_data / "pdfs" / "broken" / "jpeg_named_pdf.pdf"
    rows = panel.upload([empty, good, jpeg])  # one after the other; a refusal does not stop the rest
    assert [r.file_name for r in rows] == ["zero_bytes.pdf", "to_trinh_ngan_sach_2026.pdf", "jpeg_named_pdf.pdf"]
    qtbot.waitUntil(lambda: all(r.state in ("done", "refused", "failed") for r in rows), timeout=3 * WAIT)
    assert [r.state for r in rows] == ["refused", "done", "refused"]
    refused = translate("Document refused: %(reason)s", "vi")
    assert rows[0].message == refused % {"reason": translate("not a PDF (the file is empty)", "vi")}
    assert rows[2].message.startswith(refused % {"reason": ""}) and len(rows[2].message) > len(refused % {"reason": ""})
    assert all(r.isVisible() for r in rows)  # the reasons stay on screen until closed

    # Exactly one new document, listed with its size and pages, on this device already (the uploader's copy).
    qtbot.waitUntil(lambda: len(panel.row_texts()) == 3, timeout=WAIT)
    new = next(r for r in panel.row_texts() if r["id"] not in before)
    assert new["file"] == "to_trinh_ngan_sach_2026.pdf"
    assert new["size"].endswith("KB") and int(new["pages"]) > 0
    assert new["offline"] == translate("Downloaded", "vi")
    assert page.tabs.buttons["documents"].text() == translate("Documents (%(count)d)", "vi") % {"count": 3}
    assert len(secretariat.session.list_documents(meeting["id"])) == 3

    # The delegate's list follows within seconds; the document is not on their device yet.
    qtbot.waitUntil(lambda: new["id"] in {r["id"] for r in seen.row_texts()}, timeout=WAIT)
    row = next(r for r in seen.row_texts() if r["id"] == new["id"])
    assert row["offline"] == translate("Not downloaded", "vi")
    assert delegate.document_file(new["id"]) is None

    # "Open": downloaded with a progress bar, then the reader opens on page 1.
    with qtbot.waitSignal(seen.reader_opened, timeout=WAIT) as opened:
        seen.open_buttons[new["id"]].click()
        assert new["id"] in seen.downloading
        assert seen.cells[new["id"]].bar.isVisibleTo(seen)
    reader = opened.args[0]
    assert isinstance(reader, ReaderWindow) and reader.title == new["title"]
    assert reader.windowFlags() & Qt.WindowType.Window
    qtbot.waitUntil(lambda: reader.ready, timeout=WAIT)
    assert reader.view.current_page == 0  # page 1
    assert reader.document.page_count == int(new["pages"])
    assert delegate.document_file(new["id"]) is not None
    assert next(r for r in seen.row_texts() if r["id"] == new["id"])["offline"] == translate("Downloaded", "vi")

    # "Download all for offline reading" fetches the two others.
    seen.download_all_button.click()
    qtbot.waitUntil(lambda: all(delegate.document_file(d) is not None for d in before), timeout=WAIT)
    qtbot.waitUntil(lambda: not seen.download_all_button.isEnabled() and not seen.all_row.isVisibleTo(seen), timeout=WAIT)
    reader.close()
    bridge.close()
