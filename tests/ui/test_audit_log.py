"""The audit log window of an administrator, against the real server: the last month's entries
newest first in local time and plain words, "Load more" pages back, the filters (user, kind of
action, text, dates) narrow it, the CSV export writes every match to a file (and says clearly when
the file cannot be written); the header shows the window to administrators only."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from app import i18n
from app.domain.clock import utcnow
from app.storage.models import AuditEntry
from ui.views.audit_log import PAGE, AuditLogWindow
from ui.views.header import HeaderBar

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None

PEOPLE = ["Nguyễn Văn Lộc", "Trần Thị Hoa", "Lê Minh Đức", "Phạm Thị Hồng Nhung", "Hoàng Đức Thắng"]


def realistic_rows() -> list[AuditEntry]:
    """A working week of a ward council: check-ins at the kiosk, ballots, downloads, a few looks."""
    now = utcnow()
    rows = []
    for n in range(PAGE + 40):
        at = now - timedelta(minutes=7 * n)
        person = PEOPLE[n % len(PEOPLE)]
        kind = n % 4
        if kind == 0:
            rows.append(AuditEntry(at=at, username="kiosk", action="attendance.checkin", target=person, device="Kiosk sảnh tầng 1",
                                   detail={"method": "face", "meeting_id": "m1", "person_id": f"p{n}"}))
        elif kind == 1:
            rows.append(AuditEntry(at=at, username="daibieu", action="vote.ballot", target="Thông qua Nghị quyết dự toán ngân sách năm 2027",
                                   device="Máy tính bảng số 12", detail={"secret": True, "vote_id": "v1"}))
        elif kind == 2:
            rows.append(AuditEntry(at=at, username="daibieu2", action="document.downloaded", target="Tờ trình về kế hoạch đầu tư công trung hạn",
                                   device="Laptop Ban Văn hóa", detail={"version": 2, "confidential": False, "document_id": "d1"}))
        else:
            rows.append(AuditEntry(at=at, username="thuky", action="face_data.viewed", target=person, device="Máy thư ký kỳ họp",
                                   detail={"person_id": f"p{n}"}))
    rows.append(AuditEntry(at=now - timedelta(days=45), username="thuky", action="attendance.checkin", target="Buổi họp tháng trước",
                           device="Máy thư ký kỳ họp", detail={"method": "manual"}))
    rows.append(AuditEntry(at=now - timedelta(minutes=1), username="chutoa", action="agenda.reorder_v2", target="Mục 3", device="Laptop chủ tọa"))
    return sorted(rows, key=lambda r: r.at)  # ids in the order things happened, as on a server


@pytest.fixture
def admin(login, server_ctx):  # noqa: ANN001, ANN201
    with server_ctx.db.write() as session:
        session.add_all(realistic_rows())
    return login("admin")


def open_window(qtbot, admin, tasks) -> AuditLogWindow:  # noqa: ANN001
    window = AuditLogWindow(admin, tasks)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.entries), timeout=WAIT)
    return window


def column(window: AuditLogWindow, n: int) -> list[str]:
    return [window.table.item(r, n).text() for r in range(window.table.rowCount())]


def reload(qtbot, window: AuditLogWindow) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.refresh()


def test_the_log_pages_filters_and_exports(qtbot, tasks, admin, tmp_path) -> None:  # noqa: ANN001
    i18n.set_language("en")
    window = open_window(qtbot, admin, tasks)
    assert window.table.rowCount() == PAGE and window.more_button.isVisible()
    actions = column(window, 2)
    assert "agenda.reorder_v2" in actions  # an action this client has no words for: its raw name
    assert "Checked in by face" in actions and "Cast a ballot" in actions and "Downloaded a document" in actions
    first = window.entries[0]
    assert column(window, 0)[0] == datetime.fromisoformat(first["at"]).astimezone().strftime("%d/%m/%Y %H:%M:%S")  # local time
    if SHOTS:
        window.resize(1280, 720)
        window.grab().save(str(SHOTS / "audit_log_en.png"))
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.more_button.click()
    assert window.table.rowCount() > PAGE and window.next_before_id is None and not window.more_button.isVisible()
    assert "Buổi họp tháng trước" not in column(window, 3)  # older than the month shown

    window.user.setText("daibieu2")
    reload(qtbot, window)
    assert set(column(window, 1)) == {"daibieu2"} and set(column(window, 2)) == {"Downloaded a document"}
    window.user.clear()
    window.kind.setCurrentIndex(window.kind.findData("attendance"))
    window.search.setText("Hồng Nhung")
    reload(qtbot, window)
    assert set(column(window, 3)) == {"Phạm Thị Hồng Nhung"} and set(column(window, 2)) == {"Checked in by face"}
    window.search.clear()
    window.date_from.setDate(QDate.currentDate().addDays(-60))
    reload(qtbot, window)
    assert "Buổi họp tháng trước" in column(window, 3)
    window.date_from.setDate(QDate.currentDate().addDays(-30))
    window.kind.setCurrentIndex(window.kind.findData("document"))
    reload(qtbot, window)
    shown = window.table.rowCount()

    target = tmp_path / "nhat-ky.csv"
    with qtbot.waitSignal(window.exported, timeout=WAIT) as written:
        window.export_to(target)
    assert written.args == [str(target)] and window.message.text() == i18n._("Saved to %(path)s.") % {"path": str(target)}
    assert not window.progress.isVisible() and window.export_button.isEnabled()
    table = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert len(table) - 1 == shown and {r[3] for r in table[1:]} == {"document.downloaded"}
    assert {r[4] for r in table[1:]} == {"Tờ trình về kế hoạch đầu tư công trung hạn"}

    with qtbot.waitSignal(window.exported, timeout=WAIT) as refused:
        window.export_to(tmp_path / "không-có-thư-mục" / "nhat-ky.csv")
    assert refused.args == [""] and window.message.objectName() == "ErrorText"
    assert window.message.text().startswith(i18n._("Could not write %(path)s: %(reason)s").split("%")[0])
    assert not (tmp_path / "không-có-thư-mục").exists()


def test_vietnamese_screen(qtbot, tasks, admin) -> None:  # noqa: ANN001
    i18n.set_language("vi")
    window = open_window(qtbot, admin, tasks)
    assert "Điểm danh bằng khuôn mặt" in column(window, 2) and window.more_button.text() == "Xem thêm"
    if SHOTS:
        window.resize(1280, 720)
        window.grab().save(str(SHOTS / "audit_log_vi.png"))


def test_the_header_offers_the_log_to_administrators_only(qtbot, login) -> None:  # noqa: ANN001
    for username, shown in (("admin", True), ("thuky", False), ("chutoa", False)):
        header = HeaderBar(login(username))
        qtbot.addWidget(header)
        assert header.audit_action.isVisible() is shown, username
        if SHOTS and shown:
            header.resize(1280, 60)
            header.grab().save(str(SHOTS / "audit_header_admin.png"))
