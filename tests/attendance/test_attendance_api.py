"""Attendance through the real server (HTTPS on 127.0.0.1; SQLite and PostgreSQL): the board,
check-ins applied exactly once however often they are sent, the role and input refusals,
substitutes, the quorum rule, the CSV and PDF attendance lists, and face-data consent records."""

from __future__ import annotations

import csv
import io
import uuid

import pymupdf
from sqlalchemy import func, select

from app.services import consent
from app.storage.models import AttendanceEvent, AuditEntry, Event

MINH, THANG, HUY, TUAN, PHUC = "Lê Hoàng Minh", "Hoàng Đức Thắng", "Đặng Quốc Huy", "Đỗ Minh Tuấn", "Ngô Văn Phúc"
NGOC = "Trần Thị Bích Ngọc"  # on the council, not on the economic committee


def face(person_id: str, event_id: str | None = None, distance: float = 0.42) -> dict:
    return {"id": event_id or str(uuid.uuid4()), "person_id": person_id, "action": "check_in", "method": "face", "distance": distance, "device": "Kiosk cửa hội trường"}


def rows_by_name(board: dict) -> dict[str, dict]:
    return {r["full_name"]: r for r in board["rows"]}


def test_the_demo_meeting_of_today_has_a_board_with_quorum(chamber) -> None:  # noqa: ANN001
    r = chamber.call("chutoa", "GET", f"/meetings/{chamber.today()}/attendance")
    assert r.status_code == 200, r.text
    board = r.json()
    rows = rows_by_name(board)
    assert set(rows) == {MINH, THANG, HUY, TUAN, PHUC} and all(r["member"] for r in board["rows"])
    assert (rows[MINH]["state"], rows[MINH]["method"], rows[MINH]["device"]) == ("present", "face", "Kiosk cửa hội trường")
    assert (rows[HUY]["state"], rows[HUY]["method"]) == ("present", "manual") and rows[HUY]["reason"]
    assert (rows[TUAN]["state"], rows[TUAN]["excuse_reason"]) == ("excused", "Đi công tác tại quận")
    assert rows[PHUC]["state"] == "absent"
    assert (board["counts"]["present"], board["counts"]["excused"], board["counts"]["absent"]) == (3, 1, 1)
    assert board["quorum"] == {"rule": "more_than_half", "count": 0, "members": 5, "present": 3, "required": 3, "reached": True, "applies": True}
    assert board["body"]["name"] == "Ban Kinh tế - Ngân sách"


def test_a_check_in_sent_again_counts_once(chamber) -> None:  # noqa: ANN001
    meeting, phuc = chamber.today(), chamber.person(PHUC)
    event = face(phuc)
    first = chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=event, op_id="op-1")
    assert first.status_code == 200, first.text
    assert first.json()["replayed"] is False and first.json()["person"]["state"] == "present" and first.json()["quorum"]["present"] == 4
    # The answer was lost: the outbox sends the same operation again...
    again = chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=event, op_id="op-1")
    assert again.headers.get("X-Operation-Replayed") == "1" and again.json() == first.json()
    # ...or the kiosk makes a new operation for the same event (its own retry after a restart).
    other_op = chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=event, op_id="op-2")
    assert other_op.status_code == 200 and other_op.json()["replayed"] is True
    no_op = chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=event)
    assert no_op.json()["replayed"] is True
    with chamber.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceEvent).where(AttendanceEvent.id == event["id"])) == 1
        changes = session.scalars(select(Event).where(Event.kind == "attendance", Event.entity_id == meeting)).all()
        assert sum(1 for e in changes if e.data["id"] == event["id"]) == 1  # one change event for every screen
    board = chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance").json()
    assert board["quorum"]["present"] == 4 and board["events"] == 5  # the demo's four and this one


def test_an_event_id_cannot_be_reused_for_another_event(chamber) -> None:  # noqa: ANN001
    meeting = chamber.today()
    event = face(chamber.person(PHUC))
    assert chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=event).status_code == 200
    other = {**event, "person_id": chamber.person(NGOC)}
    r = chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=other)
    assert r.status_code == 409 and r.json()["error"] == "conflict"


def test_refusals(chamber) -> None:  # noqa: ANN001
    meeting, phuc = chamber.today(), chamber.person(PHUC)
    post = lambda user, body, m=meeting: chamber.call(user, "POST", f"/meetings/{m}/attendance", json=body, lang="en")  # noqa: E731
    # A delegate cannot check anyone in (themselves included: that is the kiosk's or the secretariat's job).
    r = post("daibieu", {"person_id": phuc, "action": "check_in", "method": "manual", "reason": "Tôi thấy anh ấy"})
    assert r.status_code == 403 and r.json()["error"] == "permission_denied"
    assert post("khach", {"person_id": phuc, "action": "check_in", "method": "manual", "reason": "x"}).status_code == 403
    assert chamber.call("daibieu", "GET", f"/meetings/{meeting}/attendance").status_code == 403
    # The chair checks in by hand only; the kiosk does not excuse.
    r = post("chutoa", face(phuc))
    assert r.status_code == 403 and "check in by hand" in r.json()["message"]
    r = post("kiosk", {"person_id": phuc, "action": "excused", "reason": "Ốm"})
    assert r.status_code == 403 and "excused" in r.json()["message"]
    assert post("chutoa", {"person_id": phuc, "action": "excused", "reason": "Ốm"}).status_code == 200
    # Unknown person, unknown meeting, missing reason, a member standing in for another.
    r = post("thuky", face(str(uuid.uuid4())))
    assert r.status_code == 404 and r.json()["message"] == "This person is not in the chamber's directory."
    assert post("thuky", face(phuc), m=str(uuid.uuid4())).status_code == 404
    r = post("thuky", {"person_id": phuc, "action": "check_in", "method": "manual"})
    assert r.status_code == 422 and r.json()["message"] == "Give a reason: it goes into the attendance record."
    r = post("thuky", {**face(chamber.person(MINH)), "substitute_for": phuc})
    assert r.status_code == 422 and MINH in r.json()["message"]
    r = post("thuky", {**face(chamber.person(NGOC)), "substitute_for": chamber.person("Nguyễn Văn An")})
    assert r.status_code == 422 and "member of the body" in r.json()["message"]
    with chamber.ctx.db.read() as session:  # nothing refused was stored
        assert session.scalar(select(func.count()).select_from(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting)) == 5


def test_a_substitute_counts_for_the_member_and_leaving_is_recorded(chamber) -> None:  # noqa: ANN001
    meeting, phuc, ngoc, minh = chamber.today(), chamber.person(PHUC), chamber.person(NGOC), chamber.person(MINH)
    r = chamber.call("thuky", "POST", f"/meetings/{meeting}/attendance",
                     json={"person_id": ngoc, "action": "check_in", "method": "manual", "reason": "Được ủy quyền dự thay", "substitute_for": phuc})
    assert r.status_code == 200, r.text
    board = chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance").json()
    rows = rows_by_name(board)
    assert rows[PHUC]["state"] == "substitute" and rows[PHUC]["substitute"]["full_name"] == NGOC
    assert rows[NGOC]["member"] is False and rows[NGOC]["substitute_for"]["full_name"] == PHUC
    assert board["quorum"]["present"] == 4 and board["counts"]["substitute"] == 1
    # Minh leaves for half an hour and comes back.
    chamber.call("thuky", "POST", f"/meetings/{meeting}/attendance", json={"person_id": minh, "action": "check_out", "method": "manual", "reason": "Ra ngoài"})
    assert rows_by_name(chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance").json())[MINH]["state"] == "left"
    chamber.call("kiosk", "POST", f"/meetings/{meeting}/attendance", json=face(minh))
    row = rows_by_name(chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance").json())[MINH]
    assert row["state"] == "present" and len(row["intervals"]) == 2 and row["intervals"][0][1] is not None


def test_the_quorum_rule_of_a_body_can_be_changed(chamber) -> None:  # noqa: ANN001
    meeting = chamber.today()
    body_id = chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance").json()["body"]["id"]
    assert chamber.call("chutoa", "PUT", f"/bodies/{body_id}/quorum", json={"rule": "at_least", "count": 5}).status_code == 403
    r = chamber.call("thuky", "PUT", f"/bodies/{body_id}/quorum", json={"rule": "at_least", "count": 5})
    assert r.status_code == 200 and (r.json()["quorum_rule"], r.json()["quorum_count"]) == ("at_least", 5)
    q = chamber.call("chutoa", "GET", f"/meetings/{meeting}/attendance").json()["quorum"]
    assert (q["present"], q["required"], q["reached"]) == (3, 5, False)
    assert chamber.call("thuky", "PUT", f"/bodies/{body_id}/quorum", json={"rule": "at_least", "count": 0}).status_code == 422
    council = next(b for b in chamber.call("thuky", "GET", "/bodies").json() if b["kind"] == "council")
    assert council["quorum_rule"] == "two_thirds" and len(council["member_ids"]) == 15


def test_attendance_list_as_csv_and_pdf(chamber) -> None:  # noqa: ANN001
    meeting = chamber.today()
    r = chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0] == ["STT", "Họ và tên", "Chức vụ", "Tư cách", "Điểm danh", "Giờ đến", "Giờ ra", "Cách điểm danh", "Ghi chú"]
    by_name = {row[1]: row for row in table[1:]}
    assert set(by_name) == {MINH, THANG, HUY, TUAN, PHUC}
    assert by_name[TUAN][4] == "Vắng có lý do" and by_name[TUAN][8] == "Đi công tác tại quận"
    assert by_name[MINH][4] == "Có mặt" and by_name[MINH][7] == "Khuôn mặt" and len(by_name[MINH][5]) == 5  # HH:MM
    english = chamber.call("chutoa", "GET", f"/meetings/{meeting}/attendance.csv", lang="en").content.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("No.,Full name,Position,Seat,Attendance,Arrived at,Left at,Method,Note")

    pdf = chamber.call("chutoa", "GET", f"/meetings/{meeting}/attendance.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    doc = pymupdf.open(stream=pdf.content, filetype="pdf")
    text = " ".join(" ".join(page.get_text().split()) for page in doc)
    for name in (MINH, THANG, HUY, TUAN, PHUC):
        assert name in text
    for phrase in ("DANH SÁCH ĐIỂM DANH", "Phiên họp Ban Kinh tế - Ngân sách: thẩm tra dự toán", "Phòng họp số 1",
                   "HỘI ĐỒNG NHÂN DÂN PHƯỜNG HÒA BÌNH", "Đi công tác tại quận", "Trang 1/1"):
        assert phrase in text, phrase
    assert "Có mặt 3/3 đại biểu cần thiết: đủ số đại biểu để tiến hành phiên họp." in text
    assert chamber.call("daibieu", "GET", f"/meetings/{meeting}/attendance.pdf").status_code == 403
    assert chamber.call("kiosk", "GET", f"/meetings/{meeting}/attendance.csv").status_code == 403


def test_a_long_list_runs_over_pages_with_numbers(chamber) -> None:  # noqa: ANN001
    meeting = chamber.session_meeting()  # 15 members, each with a long reason: more than one page
    for person_id in chamber.members("Hội đồng nhân dân"):
        chamber.call("thuky", "POST", f"/meetings/{meeting}/attendance",
                     json={"person_id": person_id, "action": "check_in", "method": "manual", "reason": "Kiểm tra danh sách dài: " + "rất dài " * 30})
    doc = pymupdf.open(stream=chamber.call("thuky", "GET", f"/meetings/{meeting}/attendance.pdf", lang="en").content, filetype="pdf")
    assert doc.page_count >= 2
    last = " ".join(doc[-1].get_text().split())
    assert f"Page {doc.page_count} of {doc.page_count}" in last
    assert "15 of the 10 members required are present: the quorum is reached." in last


def test_face_consent_records(chamber) -> None:  # noqa: ANN001
    minh = chamber.person(MINH)
    erased: list[str] = []
    eraser = consent.on_withdrawal(lambda session, person_id: erased.append(person_id))
    try:
        assert chamber.call("daibieu", "POST", f"/persons/{minh}/face-consent", json={"text_version": "2026-01"}).status_code == 403
        assert chamber.call("kiosk", "GET", "/face-consents").status_code == 403
        given = chamber.call("thuky", "POST", f"/persons/{minh}/face-consent", json={"text_version": "2026-01"})
        assert given.status_code == 200 and given.json()["in_force"] and given.json()["given_by_name"] == "thuky"
        same = chamber.call("thuky", "POST", f"/persons/{minh}/face-consent", json={"text_version": "2026-01"})
        assert same.json()["id"] == given.json()["id"]  # the same consent again changes nothing
        with chamber.ctx.db.read() as session:
            assert consent.has_consent(session, minh)
        assert [c["id"] for c in chamber.call("admin", "GET", "/face-consents", params={"person_id": minh}).json()] == [given.json()["id"]]
        withdrawn = chamber.call("thuky", "DELETE", f"/persons/{minh}/face-consent")
        assert withdrawn.status_code == 200 and withdrawn.json()[0]["withdrawn_at"] and not withdrawn.json()[0]["in_force"]
        assert erased == [minh]  # the face data went in the same transaction
        with chamber.ctx.db.read() as session:
            assert not consent.has_consent(session, minh)
            actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.action.like("face_consent.%")))]
        assert actions == ["face_consent.given", "face_consent.withdrawn"]
        again = chamber.call("thuky", "DELETE", f"/persons/{minh}/face-consent", lang="en")
        assert again.status_code == 404 and again.json()["message"] == "This person has not given consent to face check-in."
        assert chamber.call("thuky", "POST", f"/persons/{minh}/face-consent", json={"text_version": " "}).status_code == 422
        assert chamber.call("thuky", "POST", f"/persons/{uuid.uuid4()}/face-consent", json={"text_version": "2026-01"}).status_code == 404
    finally:
        consent._erasers.remove(eraser)
