"""The minutes' editor: the secretary edits the generated draft and saves a version, the chair
approves it, the editor turns read-only and the server refuses further edits; the approved minutes
export as a PDF with the Vietnamese text."""

from __future__ import annotations

import os
from pathlib import Path

import pymupdf
import pytest

from app import i18n
from app.errors import ConflictError
from ui.views.minutes_dialog import MinutesDialog

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_the_secretary_edits_the_chair_approves_and_exports(qtbot, tasks, login, tmp_path) -> None:
    secretary, chair = login("thuky"), login("chutoa")
    meeting_id = next(m["id"] for m in chair.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    editor = MinutesDialog(secretary, tasks, meeting_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: editor.minutes is not None, timeout=WAIT)
    assert editor.editor.toPlainText().startswith("# Biên bản (dự thảo)") and not editor.save.isEnabled()
    assert editor.approve.isHidden()  # the secretariat edits, the chair approves
    editor.editor.setPlainText(editor.editor.toPlainText().replace("# Biên bản (dự thảo)", "# Biên bản") + "\n## Ý kiến\n- Đại biểu Hoàng Đức Thắng đề nghị bổ sung số liệu.\n")
    editor.save.click()
    qtbot.waitUntil(lambda: editor.minutes["version"] == 1, timeout=WAIT)
    assert editor.status.text() == i18n._("Draft, version %(version)s, saved by %(name)s.") % {"version": 1, "name": editor.minutes["versions"][0]["saved_by_name"]}
    if SHOTS:
        editor.grab().save(str(SHOTS / "minutes_editor_vi.png"))

    approval = MinutesDialog(chair, tasks, meeting_id)
    qtbot.addWidget(approval)
    approval.show()
    qtbot.waitUntil(lambda: approval.minutes is not None and approval.approve.isEnabled(), timeout=WAIT)
    assert "Hoàng Đức Thắng đề nghị bổ sung số liệu" in approval.editor.toPlainText()
    approval.approve.click()
    qtbot.waitUntil(lambda: approval.minutes["state"] == "approved", timeout=WAIT)
    assert approval.editor.isReadOnly() and approval.approve.isHidden() and approval.save.isHidden()

    editor.editor.setPlainText("Sửa sau khi duyệt")  # this window still shows the draft it loaded
    editor.save.click()
    qtbot.waitUntil(lambda: editor.message.isVisible(), timeout=WAIT)
    assert editor.message.text() == i18n._("These minutes are approved and can no longer be changed.")
    with pytest.raises(ConflictError):
        secretary.save_minutes(meeting_id, "Sửa lần nữa")
    editor.reload.click()
    qtbot.waitUntil(lambda: editor.minutes["state"] == "approved" and editor.editor.isReadOnly(), timeout=WAIT)

    i18n.set_language("en")
    qtbot.waitUntil(lambda: approval.reload.text() == "Reload", timeout=WAIT)
    if SHOTS:
        approval.grab().save(str(SHOTS / "minutes_approved_en.png"))
    target = tmp_path / "bien-ban.pdf"
    with qtbot.waitSignal(approval.exported, timeout=WAIT):
        approval.export_to(target, "pdf")
    with pymupdf.open(target) as doc:
        text = " ".join("".join(p.get_text() for p in doc).split())
    assert "Hoàng Đức Thắng đề nghị bổ sung số liệu" in text and "Approved by" in text
    i18n.set_language("vi")
