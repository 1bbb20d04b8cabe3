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

    qtbot.waitUntil(lambda: editor.minutes["state"] == "approved" and editor.editor.isReadOnly(), timeout=WAIT)  # the other window follows
    assert editor.save.isHidden() and editor.notice.isHidden()
    with pytest.raises(ConflictError):
        secretary.save_minutes(meeting_id, "Sửa lần nữa")

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


def test_open_editors_follow_each_others_saves_and_the_approval(qtbot, tasks, login) -> None:
    """Two editors open on the same minutes: a save elsewhere shows by itself when nothing is
    typed; over unsaved text a notice asks "Reload / Keep mine" and the text stays; the approval
    turns the other editor read-only at once, its unsaved text still shown."""
    secretary, chair = login("thuky"), login("chutoa")
    meeting_id = next(m["id"] for m in chair.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    mine, theirs = MinutesDialog(secretary, tasks, meeting_id), MinutesDialog(chair, tasks, meeting_id)
    for dialog in (mine, theirs):
        qtbot.addWidget(dialog)
        dialog.show()
    qtbot.waitUntil(lambda: mine.minutes is not None and theirs.minutes is not None, timeout=WAIT)

    first = mine.editor.toPlainText() + "\n## Ý kiến\n- Đại biểu Hoàng Đức Thắng đề nghị bổ sung số liệu.\n"
    mine.editor.setPlainText(first)
    mine.save.click()
    qtbot.waitUntil(lambda: theirs.minutes["version"] == 1, timeout=WAIT)  # nobody pressed Reload
    assert theirs.editor.toPlainText() == first and theirs.notice.isHidden() and theirs.approve.isEnabled()

    typed = first + "- Chủ tọa: ghi chú chưa lưu.\n"
    theirs.editor.setPlainText(typed)
    second = first + "- Bà Vũ Thị Lan (Ủy viên) thống nhất.\n"
    mine.editor.setPlainText(second)
    mine.save.click()
    qtbot.waitUntil(lambda: theirs.notice.isVisible(), timeout=WAIT)
    assert theirs.editor.toPlainText() == typed and theirs.minutes["version"] == 1  # the unsaved text is kept
    assert theirs.notice.message == i18n._("Someone else changed these minutes (version %(version)s, saved by %(name)s).") % {
        "version": 2, "name": mine.minutes["versions"][-1]["saved_by_name"]}
    assert theirs.notice.action.text() == i18n._("Reload") and theirs.keep_mine.isVisible()
    if SHOTS:
        theirs.grab().save(str(SHOTS / "minutes_changed_vi.png"))
        i18n.set_language("en")
        qtbot.waitUntil(lambda: theirs.keep_mine.text() == "Keep mine", timeout=WAIT)
        qtbot.wait(100)  # the notice's buttons take the width of their new text
        theirs.grab().save(str(SHOTS / "minutes_changed_en.png"))
        i18n.set_language("vi")

    theirs.keep_mine.click()  # saved on top of version 2
    assert theirs.notice.isHidden() and theirs.minutes["version"] == 2 and theirs.editor.toPlainText() == typed and theirs.save.isEnabled()
    theirs.save.click()
    qtbot.waitUntil(lambda: theirs.minutes["version"] == 3 and mine.minutes["version"] == 3, timeout=WAIT)
    assert mine.editor.toPlainText() == typed and mine.notice.isHidden()  # no edits of its own: silently
    qtbot.waitUntil(lambda: theirs.approve.isEnabled(), timeout=WAIT)

    mine.editor.setPlainText(typed + "- Thư ký: đang sửa.\n")
    theirs.approve.click()
    qtbot.waitUntil(lambda: mine.editor.isReadOnly(), timeout=WAIT)
    assert mine.minutes["state"] == "approved" and mine.save.isHidden()
    assert mine.editor.toPlainText() == typed + "- Thư ký: đang sửa.\n" and mine.notice.isVisible() and mine.keep_mine.isHidden()
    if SHOTS:
        mine.grab().save(str(SHOTS / "minutes_approved_meanwhile_vi.png"))
    mine.notice.action.click()  # Reload: the approved text
    assert mine.editor.toPlainText() == typed and mine.notice.isHidden() and mine.editor.isReadOnly()
