"""Bad input in the meeting form: the message appears next to the form with the field marked,
what the user typed stays, and nothing is queued for the server."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.domain.meetings import FIELD_LABELS, EndsBeforeStartError, RequiredFieldError


def test_new_meeting_without_title_or_with_end_before_start_is_refused(qtbot, open_window) -> None:
    window = open_window("thuky")
    before = set(window.meetings.meeting_ids())
    window.new_meeting()
    form = window.page.form

    form.location_edit.setText("Phòng họp số 1")
    form.save_button.click()
    assert form.error.message == RequiredFieldError(field=FIELD_LABELS["title"]).user_message()
    assert form.title_edit.property("invalid") is True
    assert form.location_edit.text() == "Phòng họp số 1"

    form.title_edit.setText("Họp bất thường")
    assert not form.title_edit.property("invalid")  # typing clears the mark
    form.ends_edit.setDateTime(form.starts_edit.dateTime().addSecs(-3600))
    form.save_button.click()
    assert form.error.message == EndsBeforeStartError().user_message()
    assert form.ends_edit.property("invalid") is True
    assert form.creating and form.title_edit.text() == "Họp bất thường"

    assert window.session.pending_operations() == []
    assert set(window.meetings.meeting_ids()) == before


def test_clearing_the_title_of_a_meeting_sends_nothing(qtbot, open_window) -> None:
    window = open_window("thuky")
    meeting = window.session.list_meetings()[0]
    window.meetings.select(meeting["id"])
    form = window.page.form
    form.title_edit.setText("   ")
    form.description_edit.setPlainText("Mô tả mới")
    form.save_button.click()
    assert form.error.message == RequiredFieldError(field=FIELD_LABELS["title"]).user_message()
    assert form.description_edit.toPlainText() == "Mô tả mới" and form.is_dirty()
    assert window.session.pending_operations() == []
    assert window.session.get_meeting(meeting["id"])["title"] == meeting["title"]


def test_switching_meeting_with_unsaved_edits_asks_first(qtbot, open_window) -> None:
    window = open_window("thuky")
    first, second = window.session.list_meetings()[:2]
    window.meetings.select(first["id"])
    window.page.form.title_edit.setText("Chưa lưu")
    window.meetings.select(second["id"])  # as a click on another card
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "ConfirmBox") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "ConfirmBox")
    assert window.page.meeting["id"] == first["id"] and window.meetings.selected_id == first["id"]
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole).click()
    assert window.page.form.title_edit.text() == "Chưa lưu"

    window.meetings.select(second["id"])
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "ConfirmBox") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "ConfirmBox")
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    assert window.page.meeting["id"] == second["id"] and window.meetings.selected_id == second["id"]
    assert not window.page.form.is_dirty()
