"""The audit log over HTTPS on the real server: only an administrator reads it (every other role
403), a document download and an attendance board look land in it with the device named at login,
the filters and paging come through the query string, and the CSV export (streamed, UTF-8 with
BOM) parses back with the csv module, Vietnamese intact."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.storage.models import Body, Meeting
from tests.integration.conftest import DEMO_USERS

ADMIN_ONLY = ("/audit", "/audit/export")


def test_only_an_admin_reads_or_exports_the_log(api) -> None:  # noqa: ANN001
    for username in DEMO_USERS:
        for path in ADMIN_ONLY:
            response = api.call("GET", path, token=api.token(username))
            assert response.status_code == (200 if username == "admin" else 403), (username, path, response.text)
    assert api.call("GET", "/audit").status_code == 401


def test_reads_are_audited_and_the_log_filters_pages_and_exports(api, demo) -> None:  # noqa: ANN001
    _runner, ctx = demo
    admin, delegate, secretary = api.token("admin"), api.token("daibieu"), api.token("thuky")
    with ctx.db.read() as session:
        council = session.scalar(select(Body).where(Body.kind == "council"))
        meeting = session.scalar(select(Meeting).where(Meeting.body_id == council.id, Meeting.status == "scheduled"))
        meeting_id, title = meeting.id, meeting.title
    doc = api.call("GET", f"/meetings/{meeting_id}/documents", token=delegate).json()[0]
    content = api.call("GET", f"/documents/{doc['id']}/content", token=delegate)
    assert content.status_code == 200
    again = api.call("GET", f"/documents/{doc['id']}/content", token=delegate, headers={"If-None-Match": content.headers["etag"]})
    assert again.status_code == 304  # the device had the bytes: no second download in the log
    assert api.call("GET", f"/meetings/{meeting_id}/attendance", token=secretary).status_code == 200
    assert api.call("GET", f"/meetings/{meeting_id}/attendance.csv", token=secretary).status_code == 200

    def page(**params) -> dict:  # noqa: ANN003
        response = api.call("GET", "/audit", token=admin, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    downloads = page(action="document.downloaded", username="daibieu")["entries"]
    assert [(e["target"], e["device"]) for e in downloads] == [(doc["title"], "pytest")]
    looks = page(action="attendance", username="thuky", q=title)["entries"]
    assert [e["action"] for e in looks] == ["attendance.exported", "attendance.viewed"] and looks[0]["detail"]["format"] == "csv"
    first = page(limit=2)
    older = page(limit=2, before_id=first["next_before_id"])
    assert len(first["entries"]) == 2 and older["entries"][0]["id"] < first["entries"][-1]["id"]
    assert page(action="audit.viewed", limit=1)["entries"][0]["username"] == "admin"  # looking is audited
    for bad in ({"limit": 0}, {"limit": 1001}, {"from": "hôm qua"}, {"to": "2026-02-30"}, {"before_id": -1}, {"q": "x" * 201}):
        assert api.call("GET", "/audit", token=admin, params=bad).status_code == 422, bad

    export = api.call("GET", "/audit/export", token=admin, params={"format": "csv", "action": "document"}, headers={"Accept-Language": "vi"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert table[0] == ["STT", "Thời gian (UTC)", "Người dùng", "Hành động", "Đối tượng", "Thiết bị", "Chi tiết"]
    rows = [r for r in table[1:] if r[3] == "document.downloaded" and r[2] == "daibieu"]
    assert [r[4] for r in rows] == [doc["title"]] and any(ch in doc["title"] for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    assert api.call("GET", "/audit/export", token=admin, params={"format": "xlsx"}).status_code == 422
    assert page(action="audit.exported", limit=1)["entries"][0]["detail"] == {"format": "csv", "filters": {"action": "document"}}
