"""Demo council: a ward People's Council with 15 delegates, two committees, three meetings with
agendas and real PDF documents made with PyMuPDF, and one account per role.

`seed(ctx)` fills an empty database once; it changes nothing in a database that has meetings.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pymupdf
from sqlalchemy import func, select

from app.domain.roles import Actor, Role
from app.services import accounts, agenda, attendance, directory, documents, meetings
from app.storage.db import Database
from app.storage.models import Account, Meeting

DEMO_PASSWORD = "chamber-demo"
VN = timezone(timedelta(hours=7))
COUNCIL = "Hội đồng nhân dân Phường Hòa Bình"

DELEGATES = [
    ("Nguyễn Văn An", "Chủ tịch HĐND phường", "Thường trực HĐND"),
    ("Trần Thị Bích Ngọc", "Phó Chủ tịch HĐND phường", "Thường trực HĐND"),
    ("Lê Hoàng Minh", "Trưởng Ban Kinh tế - Ngân sách", "Ban Kinh tế - Ngân sách"),
    ("Phạm Thu Hà", "Trưởng Ban Văn hóa - Xã hội", "Ban Văn hóa - Xã hội"),
    ("Hoàng Đức Thắng", "Đại biểu HĐND", "Khu phố 1"),
    ("Vũ Thị Lan", "Đại biểu HĐND", "Khu phố 2"),
    ("Đặng Quốc Huy", "Đại biểu HĐND", "Khu phố 3"),
    ("Bùi Thị Mai", "Đại biểu HĐND", "Hội Liên hiệp Phụ nữ"),
    ("Đỗ Minh Tuấn", "Đại biểu HĐND", "Công an phường"),
    ("Hồ Thị Thanh Tâm", "Đại biểu HĐND", "Trường THCS Hòa Bình"),
    ("Ngô Văn Phúc", "Đại biểu HĐND", "Hội Cựu chiến binh"),
    ("Dương Thị Hồng", "Đại biểu HĐND", "Trạm Y tế phường"),
    ("Lý Gia Bảo", "Đại biểu HĐND", "Đoàn Thanh niên"),
    ("Trịnh Văn Khoa", "Đại biểu HĐND", "Khu phố 4"),
    ("Mai Anh Thư", "Đại biểu HĐND", "Khu phố 5"),
]

# username, role, display name, index into DELEGATES (or None)
ACCOUNTS = [
    ("admin", Role.ADMIN, "Quản trị hệ thống", None),
    ("thuky", Role.SECRETARIAT, "Văn phòng HĐND (Thư ký)", None),
    ("chutoa", Role.CHAIR, None, 0),
    ("daibieu", Role.DELEGATE, None, 4),
    ("daibieu2", Role.DELEGATE, None, 5),
    ("kiosk", Role.KIOSK, "Kiosk điểm danh cửa hội trường", None),
    ("khach", Role.GUEST, "Khách mời", None),
]

MEETINGS = [
    {
        "title": "Kỳ họp thứ 12 HĐND phường khóa XII",
        "days": 7, "hour": 8, "hours": 4, "status": "scheduled",
        "location": "Hội trường UBND phường, tầng 2",
        "description": "Kỳ họp thường lệ cuối năm: kinh tế - xã hội, dự toán ngân sách 2027.",
        "agenda": [
            ("Khai mạc kỳ họp", "Nguyễn Văn An", 10, []),
            ("Báo cáo tình hình kinh tế - xã hội năm 2026", "UBND phường", 45, [
                ("Thẩm tra của Ban Kinh tế - Ngân sách", "Lê Hoàng Minh", 15),
                ("Thảo luận tại hội trường", "Đại biểu", 40),
            ]),
            ("Tờ trình dự toán ngân sách năm 2027", "UBND phường", 30, [
                ("Biểu quyết thông qua dự toán", "Chủ tọa", 10),
            ]),
            ("Chất vấn và trả lời chất vấn", "Thường trực HĐND", 60, []),
            ("Bế mạc kỳ họp", "Nguyễn Văn An", 10, []),
        ],
        "documents": [("To_trinh_du_toan_ngan_sach_2027.pdf", "Tờ trình dự toán ngân sách năm 2027", 2),
                      ("Bao_cao_kinh_te_xa_hoi_2026.pdf", "Báo cáo tình hình kinh tế - xã hội năm 2026", 1)],
    },
    {
        # Today at 08:00: the kiosk shows it and its attendance board has people checked in
        # (ATTENDANCE below).
        "title": "Phiên họp Ban Kinh tế - Ngân sách: thẩm tra dự toán",
        "days": 0, "hour": 8, "hours": 2, "status": "scheduled", "body": 1,
        "location": "Phòng họp số 1",
        "description": "Thẩm tra dự toán ngân sách năm 2027 trước kỳ họp.",
        "agenda": [
            ("Thông qua chương trình phiên họp", "Lê Hoàng Minh", 5, []),
            ("Thẩm tra dự toán thu - chi ngân sách 2027", "Phòng Tài chính - Kế hoạch", 60, []),
            ("Thống nhất nội dung báo cáo thẩm tra", "Lê Hoàng Minh", 30, []),
        ],
        "documents": [("Du_thao_bao_cao_tham_tra.pdf", "Dự thảo báo cáo thẩm tra dự toán", 1)],
    },
    {
        "title": "Kỳ họp chuyên đề: chỉnh trang đô thị khu phố 3",
        "days": -30, "hour": 8, "hours": 3, "status": "closed",
        "location": "Hội trường UBND phường, tầng 2",
        "description": "Kỳ họp chuyên đề đã kết thúc.",
        "agenda": [
            ("Khai mạc", "Nguyễn Văn An", 10, []),
            ("Tờ trình đề án chỉnh trang đô thị", "UBND phường", 40, []),
            ("Biểu quyết thông qua nghị quyết", "Chủ tọa", 15, []),
        ],
        "documents": [],
    },
]


# Today's committee meeting: (index into DELEGATES, minutes before the start, how, distance or reason)
ATTENDANCE = [
    (2, 14, "face", 0.36),
    (4, 9, "face", 0.41),
    (6, 6, "manual", "Kiosk không nhận ra (đeo khẩu trang)"),
    (8, None, "excused", "Đi công tác tại quận"),
]
KIOSK_DEVICE = "Kiosk cửa hội trường"


def make_pdf(title: str, pages: int, council: str = COUNCIL) -> tuple[bytes, int]:
    """A real agenda document with Vietnamese text, made with PyMuPDF."""
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        html = (
            f"<p style='text-align:center;font-weight:bold'>{council.upper()}</p>"
            "<p style='text-align:center'>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc</p>"
            f"<h2 style='text-align:center'>{title}</h2>"
            f"<p>Trang {n}/{pages}. Căn cứ Luật Tổ chức chính quyền địa phương; xét đề nghị của Ủy ban nhân dân phường, "
            "Hội đồng nhân dân phường xem xét các nội dung sau: hợp đồng, dự toán thu chi, đầu tư công, "
            "an sinh xã hội, chỉnh trang đô thị và các kiến nghị của cử tri.</p>"
            "<ul><li>Tổng thu ngân sách trên địa bàn: 125.400 triệu đồng.</li>"
            "<li>Tổng chi ngân sách phường: 48.900 triệu đồng.</li>"
            "<li>Dự phòng ngân sách: 2% tổng chi.</li></ul>"
        )
        page.insert_htmlbox(pymupdf.Rect(60, 60, 535, 780), html)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data, pages


def seed(db: Database, data_dir: Path, *, today: datetime | None = None) -> bool:
    """Fill an empty chamber with the demo council. Returns False if it already had meetings."""
    with db.read() as session:
        if session.scalar(select(func.count()).select_from(Meeting)):
            return False
    system = Actor.system()
    now = today or datetime.now(VN)
    with db.write() as session:
        council = directory.add_body(session, name=COUNCIL, kind="council")
        council.quorum_rule = "two_thirds"  # a People's Council session needs two thirds of its delegates
        economic = directory.add_body(session, name="Ban Kinh tế - Ngân sách", kind="committee", parent_id=council.id)
        social = directory.add_body(session, name="Ban Văn hóa - Xã hội", kind="committee", parent_id=council.id)
        people = []
        for n, (name, title, unit) in enumerate(DELEGATES, start=1):
            person = directory.add_person(session, full_name=name, title=title, unit=unit, email=f"daibieu{n:02d}@hoabinh.example.vn", phone=f"09{n:08d}",
                                          seat=str(n))  # the seats of the chamber, shown on the kiosk's welcome card
            people.append(person)
            directory.add_membership(session, body_id=council.id, person_id=person.id, position="chair" if n == 1 else "member")
        for person in (people[2], people[4], people[6], people[8], people[10]):
            directory.add_membership(session, body_id=economic.id, person_id=person.id)
        for person in (people[3], people[5], people[7], people[9], people[11]):
            directory.add_membership(session, body_id=social.id, person_id=person.id)
        for username, role, display, person_index in ACCOUNTS:
            if session.scalar(select(Account).where(Account.username == username)):
                continue
            person = people[person_index] if person_index is not None else None
            accounts.create_account(
                session, system, username=username, password=DEMO_PASSWORD, role=role.value,
                display_name=display or (person.full_name if person else username), person_id=person.id if person else None,
            )
        bodies = [council, economic, social]
    store = data_dir / "documents"
    for spec in MEETINGS:
        day = (now + timedelta(days=spec["days"])).date()
        starts = datetime.combine(day, time(spec["hour"]), tzinfo=VN)
        with db.write() as session:
            m = meetings.create_meeting(session, system, {
                "title": spec["title"], "body_id": bodies[spec.get("body", 0)].id, "starts_at": starts,
                "ends_at": starts + timedelta(hours=spec["hours"]), "location": spec["location"], "description": spec["description"],
            })
            meetings.update_meeting(session, system, m["id"], {"status": spec["status"]})
            first_item: dict[str, Any] | None = None
            for title, presenter, minutes, children in spec["agenda"]:
                item = agenda.add_agenda_item(session, system, m["id"], {"title": title, "presenter": presenter, "duration_minutes": minutes})
                first_item = first_item or item
                for sub_title, sub_presenter, sub_minutes in children:
                    agenda.add_agenda_item(session, system, m["id"], {"title": sub_title, "presenter": sub_presenter, "duration_minutes": sub_minutes, "parent_id": item["id"]})
            for file_name, title, pages in spec["documents"]:
                data, pages = make_pdf(title, pages)
                documents.attach_document(session, system, store, meeting_id=m["id"], agenda_item_id=None, file_name=file_name, data=data, pages=pages, title=title)
            if spec["days"] == 0:
                _check_in(session, m["id"], starts, people)
    return True


def _check_in(session, meeting_id: str, starts: datetime, people: list) -> None:  # noqa: ANN001 - Session, [Person]
    """A few arrivals at today's meeting, so its attendance board is not empty. (Before 07:46 the
    arrivals are stamped with the current time: nobody is recorded as arriving in the future.)"""
    def actor(username: str) -> Actor:
        account = session.scalar(select(Account).where(Account.username == username))
        return Actor(account_id=account.id, username=account.username, role=Role(account.role))

    kiosk, secretary = actor("kiosk"), actor("thuky")
    for index, minutes, how, detail in ATTENDANCE:
        person_id = people[index].id
        if how == "excused":
            attendance.record(session, secretary, meeting_id, {"person_id": person_id, "action": "excused", "reason": detail})
            continue
        at = starts - timedelta(minutes=minutes)
        if how == "face":
            attendance.record(session, kiosk, meeting_id, {"person_id": person_id, "action": "check_in", "method": "face", "distance": detail, "at": at, "device": KIOSK_DEVICE})
        else:
            attendance.record(session, secretary, meeting_id, {"person_id": person_id, "action": "check_in", "method": "manual", "reason": detail, "at": at, "device": "Văn phòng HĐND"})
