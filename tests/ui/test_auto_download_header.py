"""The header tells the delegate that upcoming meetings' documents are coming to the device, and
goes quiet when they are all here."""

from __future__ import annotations

from app.i18n import translate
from tests.ui.conftest import WAIT


def test_header_shows_the_background_download_until_every_document_is_here(open_window, qtbot, tmp_path) -> None:  # noqa: ANN001
    window = open_window("daibieu")
    session = window.session
    meeting = next(m["id"] for m in session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))
    documents = session.list_documents(meeting)
    # Hold the first file's transfer (its per-file lock), so the "in progress" state can be seen.
    held = session.files._lock(documents[0]["content_hash"])
    held.acquire()
    try:
        session.enable_auto_download()
        label = window.header.download_label
        qtbot.waitUntil(lambda: label.isVisible(), timeout=WAIT)
        assert label.text() == translate("Downloading documents… %(percent)d%%", "vi") % {"percent": 0}
        window.grab().save(str(tmp_path / "header_download.png"))  # looked at while building it
    finally:
        held.release()
    qtbot.waitUntil(lambda: all(session.document_file(d) is not None for d in documents), timeout=WAIT * 2)
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=WAIT)
