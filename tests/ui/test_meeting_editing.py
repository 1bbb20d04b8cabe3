"""The secretariat edits meetings and agendas in the main window; other devices see the result
through the real server: another secretariat device at once, a delegate once it is scheduled.
An edit made elsewhere while the form is being edited keeps the user's typing."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.meetings import MeetingStatus

WAIT = 10_000


def _titles(session) -> set[str]:  # noqa: ANN001
    return {m["title"] for m in session.list_meetings()}


def test_new_meeting_and_agenda_reach_other_devices(qtbot, open_window, login) -> None:
    window = open_window("thuky")
    other = login("thuky")
    delegate = login("daibieu")
    form, page = window.page.form, window.page

    qtbot.mouseClick(window.meetings.new_button, Qt.MouseButton.LeftButton)
    assert form.creating and not form.status_combo.isEnabled()
    form.title_edit.setText("Họp giao ban tháng 12")  # (QTest.keyClicks aborts on Vietnamese letters)
    form.location_edit.setText("Phòng họp số 2")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.error.isHidden(), form.error.message
    meeting_id = page.meeting["id"]
    assert window.meetings.selected_id == meeting_id

    saved = time.monotonic()
    qtbot.waitUntil(lambda: "Họp giao ban tháng 12" in _titles(other), timeout=1000)
    assert time.monotonic() - saved < 1.0

    for title, minutes in (("Khai mạc", 5), ("Thông qua chương trình", 10)):
        page.agenda.add_button.click()
        dialog = page.agenda.dialog
        dialog.title_edit.setText(title)
        dialog.duration_edit.setValue(minutes)
        dialog.save_button.click()
        assert page.agenda.dialog is None or not page.agenda.dialog.isVisible()
        assert title in [i["title"] for i in page.agenda.items]
        # Let the server confirm before the next edit: app/sync/engine.py replaces the cached
        # agenda with the server's copy even while local agenda edits are still queued.
        qtbot.waitUntil(lambda: not window.session.pending_operations(), timeout=WAIT)
    qtbot.waitUntil(lambda: [i["title"] for i in page.agenda.items] == ["Khai mạc", "Thông qua chương trình"], timeout=WAIT)
    assert "15" in page.agenda.total.text()
    qtbot.waitUntil(lambda: [i["title"] for i in other.get_agenda(meeting_id)] == ["Khai mạc", "Thông qua chương trình"], timeout=2000)

    # A draft is the secretariat's own business: delegates see it once it is scheduled.
    assert "Họp giao ban tháng 12" not in _titles(delegate)
    form.status_combo.setCurrentIndex(form.status_combo.findData(MeetingStatus.SCHEDULED.value))
    assert form.changed_fields() == {"status": "scheduled"}
    form.save_button.click()
    qtbot.waitUntil(lambda: "Họp giao ban tháng 12" in _titles(delegate), timeout=2000)
    qtbot.waitUntil(lambda: len(delegate.get_agenda(meeting_id)) == 2, timeout=2000)
    assert window.page.header_pill.status == "scheduled"


def test_remote_change_keeps_what_the_user_is_typing(qtbot, open_window, login) -> None:
    window = open_window("thuky")
    other = login("thuky")
    meeting = next(m for m in window.session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))
    window.meetings.select(meeting["id"])
    form = window.page.form
    assert form.meeting_id == meeting["id"]

    form.title_edit.setText("Kỳ họp thứ 12 (điều chỉnh)")
    other.update_meeting(meeting["id"], {"location": "Phòng họp số 3"})

    qtbot.waitUntil(lambda: form.location_edit.text() == "Phòng họp số 3", timeout=WAIT)
    assert form.title_edit.text() == "Kỳ họp thứ 12 (điều chỉnh)"
    assert not form.remote_note.isHidden()
    assert form.changed_fields() == {"title": "Kỳ họp thứ 12 (điều chỉnh)"}

    form.save_button.click()
    qtbot.waitUntil(lambda: other.get_meeting(meeting["id"])["title"] == "Kỳ họp thứ 12 (điều chỉnh)", timeout=WAIT)
    assert other.get_meeting(meeting["id"])["location"] == "Phòng họp số 3"
    assert form.remote_note.isHidden() and not form.is_dirty()


def test_untouched_form_follows_remote_changes(qtbot, open_window, login) -> None:
    window = open_window("thuky")
    other = login("thuky")
    meeting = window.session.list_meetings()[0]
    window.meetings.select(meeting["id"])
    other.update_meeting(meeting["id"], {"description": "Cập nhật từ máy khác"})
    qtbot.waitUntil(lambda: window.page.form.description_edit.toPlainText() == "Cập nhật từ máy khác", timeout=WAIT)
    assert window.page.form.remote_note.isHidden()


def _answer(qtbot, parent, *, yes: bool) -> None:  # noqa: ANN001
    """Press a button of the confirmation box that `parent` opened."""
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "ConfirmBox") is not None, timeout=WAIT)
    box = parent.findChild(QMessageBox, "ConfirmBox")
    role = QMessageBox.ButtonRole.AcceptRole if yes else QMessageBox.ButtonRole.RejectRole
    next(b for b in box.buttons() if box.buttonRole(b) == role).click()


def test_delete_asks_first_and_refuses_an_empty_item_title(qtbot, open_window, login) -> None:
    window = open_window("thuky")
    other = login("thuky")
    meeting = next(m for m in window.session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12"))
    window.meetings.select(meeting["id"])
    agenda = window.page.agenda

    first = agenda.items[0]
    agenda.select(first["id"])
    dialog = agenda.edit_selected()
    dialog.title_edit.setText("")
    dialog.save_button.click()
    assert not dialog.error.isHidden() and dialog.title_edit.property("invalid") is True
    assert agenda.dialog is dialog and window.session.pending_operations() == []
    dialog.reject()

    agenda.delete_button.click()
    _answer(qtbot, agenda, yes=False)
    assert any(i["id"] == first["id"] for i in agenda.items)
    agenda.delete_button.click()
    _answer(qtbot, agenda, yes=True)
    assert all(i["id"] != first["id"] for i in agenda.items)
    qtbot.waitUntil(lambda: all(i["id"] != first["id"] for i in other.get_agenda(meeting["id"])), timeout=WAIT)

    window.page.form.delete_button.click()
    _answer(qtbot, window.page.form, yes=True)
    assert meeting["id"] not in window.meetings.meeting_ids() and window.page.meeting is None
    qtbot.waitUntil(lambda: all(m["id"] != meeting["id"] for m in other.list_meetings()), timeout=WAIT)
