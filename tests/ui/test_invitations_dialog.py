"""The send dialog refuses what the server would refuse, inline and before anything is sent: a
guest's bad e-mail address, an unknown {placeholder}, nobody chosen. Nothing typed is lost, the
placeholder chips insert at the cursor, and once fixed the invitations go out exactly once."""

from __future__ import annotations

from app.domain.invitations import DEFAULT_TEMPLATES
from app.i18n import translate

WAIT = 10_000


def test_bad_guest_email_and_unknown_placeholder_are_refused_inline(qtbot, open_window) -> None:
    window = open_window("thuky")
    session = window.session
    committee = next(b for b in session.list_bodies() if b["name"].startswith("Ban Kinh tế"))
    meeting = next(m for m in session.list_meetings() if m["body_id"] == committee["id"])
    window.meetings.select(meeting["id"])
    window.page.show_section("invitations")
    board = window.page.board
    dialog = board.open_send_dialog()
    assert dialog.chosen_body_ids() == [committee["id"]]
    assert dialog.subject_edit.text() == DEFAULT_TEMPLATES["vi"]["subject"]

    # A guest with a broken address.
    guest = dialog.add_guest("Trần Minh Đức", "duc.tm@sokhdt")
    dialog.preview_button.click()
    assert dialog.pages.currentWidget() is dialog.compose
    assert dialog.error.message == translate("'%(email)s' is not a valid e-mail address.", "vi") % {"email": "duc.tm@sokhdt"}
    assert guest.email_edit.property("invalid") is True
    guest.email_edit.setText("duc.tm@sokhdt.example.vn")

    # An unknown placeholder in the text.
    dialog.body_edit.setPlainText(dialog.body_edit.toPlainText() + "\nHạn trả lời: {deadline}")
    dialog.preview_button.click()
    assert dialog.pages.currentWidget() is dialog.compose
    assert "{deadline}" in dialog.error.message and dialog.body_edit.property("invalid") is True
    assert "Hạn trả lời" in dialog.body_edit.toPlainText()  # nothing lost
    dialog.body_edit.setPlainText(dialog.body_edit.toPlainText().replace("{deadline}", ""))
    # The chips insert a placeholder where the cursor is.
    dialog.insert_placeholder("place", into=dialog.subject_edit)
    assert dialog.subject_edit.text().endswith("{place}")

    # Nobody chosen.
    dialog.body_checks[committee["id"]].setChecked(False)
    dialog.remove_guest(guest)
    dialog.preview_button.click()
    assert dialog.error.message == translate("Choose at least one person to invite.", "vi")
    assert session.pending_operations() == [] and not dialog.previewing  # nothing left the dialog

    # English text for one person, previewed, sent once.
    dialog.language_buttons["en"].click()
    assert dialog.subject_edit.text().startswith("Giấy mời")  # edited: kept, not replaced
    dialog.use_standard_text()
    assert dialog.subject_edit.text() == DEFAULT_TEMPLATES["en"]["subject"]
    person = next(p for p in session.list_persons() if p["full_name"] == "Mai Anh Thư")
    dialog.choose_person(person["id"])
    assert dialog.people_count.text()
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: len(dialog.previews) == 1, timeout=WAIT)
    assert dialog.error.isHidden()
    assert dialog.rendered_subject.text() == f"Invitation: {meeting['title']}"
    assert dialog.rendered_body.toPlainText().startswith("Dear Đại biểu HĐND Mai Anh Thư,")
    dialog.back_button.click()
    assert dialog.pages.currentWidget() is dialog.compose and dialog.chosen_person_ids() == [person["id"]]
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=WAIT)
    dialog.send_button.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: [r["name"] for r in board.model.rows] == ["Mai Anh Thư"], timeout=WAIT)
    assert board.model.rows[0]["language"] == "en"
