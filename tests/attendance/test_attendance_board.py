"""The live attendance board (pytest-qt, offscreen) against the real demo server: the chair and
the secretariat see today's meeting with the quorum; a manual check-in with a reason on one
screen turns the other's quorum green; excuse and its withdrawal; the tile filter; the PDF export
through the TaskRunner; Vietnamese and English; renders to PNG."""

from __future__ import annotations

import os
from pathlib import Path

import pymupdf
from PySide6.QtCore import Qt

from app import i18n
from ui.views.attendance.table import NAME

WAIT = 10_000
SHOTS = Path(os.environ.get("CHAMBER_TEST_SHOTS", "")) if os.environ.get("CHAMBER_TEST_SHOTS") else None


def today(window) -> dict:  # noqa: ANN001
    return next(m for m in window.session.list_meetings() if m["title"].startswith("Phiên họp Ban Kinh tế"))


def open_board(qtbot, window):  # noqa: ANN001, ANN201
    meeting = today(window)
    window.meetings.select(meeting["id"])
    window.page.show_section("attendance")
    board = window.page.attendance
    qtbot.waitUntil(lambda: len(board.model.rows) == 5, timeout=WAIT)
    return board, meeting


def select(board, name: str) -> dict:  # noqa: ANN001
    for r in range(board.proxy.rowCount()):
        index = board.proxy.index(r, NAME)
        if index.data(Qt.ItemDataRole.UserRole)["full_name"] == name:
            board.table.setCurrentIndex(index)
            return index.data(Qt.ItemDataRole.UserRole)
    raise AssertionError(name)


def shot(widget, name: str) -> None:  # noqa: ANN001
    """With CHAMBER_TEST_SHOTS=DIR, save the widget as DIR/name.png (to look at it)."""
    if SHOTS is not None:
        from PySide6.QtCore import QCoreApplication

        for _ in range(5):  # let a language switch lay the window out again first
            QCoreApplication.processEvents()
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))


def test_a_check_in_on_the_secretariat_turns_the_chairs_quorum_green(qtbot, open_window) -> None:  # noqa: ANN001
    chair, secretariat = open_window("chutoa"), open_window("thuky")
    chair_board, meeting = open_board(qtbot, chair)
    board, _meeting = open_board(qtbot, secretariat)
    assert chair.page.tabs.buttons["attendance"].text() == "Điểm danh (3/5)"
    assert chair_board.quorum_number.text() == "3 / 3" and chair_board.quorum_card.property("state") == "reached"
    assert chair_board.quorum_button.isHidden() and not secretariat.page.attendance.quorum_button.isHidden()

    # The secretariat raises the rule to all five members: not reached on both screens.
    secretariat.session.set_quorum_rule(meeting["body_id"], "at_least", 5)
    qtbot.waitUntil(lambda: chair_board.quorum_card.property("state") == "missing", timeout=WAIT)
    assert chair_board.quorum_number.text() == "3 / 5" and "2" in chair_board.quorum_verdict.text()
    shot(chair, "attendance_chair_missing")

    # Phúc is checked in by hand with a reason; Tuấn's excuse is withdrawn and he arrives too.
    select(board, "Ngô Văn Phúc")
    assert not board.row_checkin.isHidden() and board.row_checkout.isHidden()  # only what applies is offered
    board.row_checkin.click()
    dialog = board.dialog
    assert dialog.reason()  # the usual reason is already there: one click
    dialog.confirm_button.click()
    assert board.notice.message == "Ngô Văn Phúc đã được điểm danh."
    tuan = select(board, "Đỗ Minh Tuấn")
    assert tuan["state"] == "excused" and not board.row_unexcuse.isHidden() and board.row_excuse.isHidden()
    board.row_unexcuse.click()
    select(board, "Đỗ Minh Tuấn")
    board.row_checkin.click()
    board.dialog.reason_edit.setPlainText("Đến muộn sau giờ khai mạc")
    board.dialog.confirm_button.click()
    qtbot.waitUntil(lambda: chair_board.quorum_card.property("state") == "reached", timeout=WAIT)
    assert chair_board.quorum_number.text() == "5 / 5" and chair.page.tabs.buttons["attendance"].text() == "Điểm danh (5/5)"
    row = next(r for r in chair_board.model.rows if r["full_name"] == "Đỗ Minh Tuấn")
    assert row["state"] == "present" and row["method"] == "manual" and row["reason"] == "Đến muộn sau giờ khai mạc"
    shot(secretariat, "attendance_board_vi")
    i18n.set_language("en")
    assert chair_board.quorum_verdict.text() == "Quorum reached" and chair_board.tiles["present"].caption.text() == "Present"
    shot(secretariat, "attendance_board_en")
    i18n.set_language("vi")  # while the windows are open (their sessions close with them)


def test_a_reason_is_required_and_the_chair_records_by_hand(qtbot, open_window) -> None:  # noqa: ANN001
    chair = open_window("chutoa")
    board, _meeting = open_board(qtbot, chair)
    select(board, "Ngô Văn Phúc")
    board.row_excuse.click()
    dialog = board.dialog
    dialog.confirm_button.click()  # no reason yet
    assert dialog.error.message and dialog.isVisible()
    dialog.quick_buttons[1].click()  # "Ill"
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: next(r for r in board.model.rows if r["full_name"] == "Ngô Văn Phúc")["state"] == "excused", timeout=WAIT)
    assert board.tiles["excused"].number.text() == "2"
    board.tiles["excused"].clicked.emit()
    assert board.proxy.rowCount() == 2 and board.show_all.isVisible()
    board.set_filter("all")

    # Someone from outside the committee stands in for the absent... nobody is absent now but Phúc is excused:
    dialog = board.open_record_dialog("check_in")
    ngoc = next(p for p in chair.session.list_persons() if p["full_name"] == "Trần Thị Bích Ngọc")
    dialog.choose(ngoc["id"])
    assert dialog.for_combo.isVisible()  # not a member: may stand in for one
    dialog.for_combo.setCurrentIndex(dialog.for_combo.findText("Ngô Văn Phúc"))
    dialog.reason_edit.setPlainText("Được ủy quyền dự thay")
    shot(dialog, "attendance_substitute_dialog")
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: board.tiles["substitute"].number.text() == "1", timeout=WAIT)
    phuc = next(r for r in board.model.rows if r["full_name"] == "Ngô Văn Phúc")
    assert phuc["state"] == "substitute" and phuc["substitute"]["full_name"] == "Trần Thị Bích Ngọc"


def test_export_the_attendance_list_as_pdf(qtbot, open_window, tmp_path) -> None:  # noqa: ANN001
    secretariat = open_window("thuky")
    board, _meeting = open_board(qtbot, secretariat)
    target = tmp_path / "diem danh.pdf"
    board.export_to(target, "pdf")
    qtbot.waitUntil(lambda: board.notice.message.startswith("Đã lưu") or "không" in board.notice.message, timeout=WAIT)
    assert target.exists(), board.notice.message
    text = " ".join(" ".join(p.get_text().split()) for p in pymupdf.open(target))
    assert "DANH SÁCH ĐIỂM DANH" in text and "Lê Hoàng Minh" in text and "Đỗ Minh Tuấn" in text


def test_only_editors_and_the_chair_get_the_tab(qtbot, open_window) -> None:  # noqa: ANN001
    delegate = open_window("daibieu")
    assert delegate.page.attendance is None and delegate.page.tabs is None
