"""Editing and approving the minutes through the real server: the secretary saves versions (each
kept), a stale save is refused, the chair approves one, after which every edit is refused with a
409; the approved text exports as HTML, Markdown and a PDF whose text has the Vietnamese names."""

from __future__ import annotations

import pymupdf

from app.domain.minutes import markdown_body
from tests.integration.conftest import Chamber
from tests.live.conftest import session_meeting


def test_markdown_body_keeps_the_structure_and_escapes() -> None:
    html = markdown_body("# Biên bản\n\nĐoạn một\ndòng hai\n\n- Ý **một**\n- <script>\n## Kết luận\nXong.")
    assert html.split("\n") == ["<h1>Biên bản</h1>", "<p>Đoạn một<br>dòng hai</p>", "<ul>", "<li>Ý <b>một</b></li>", "<li>&lt;script&gt;</li>", "</ul>",
                                "<h2>Kết luận</h2>", "<p>Xong.</p>"]


def test_the_secretary_edits_the_chair_approves_and_the_minutes_are_locked(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, secretary, delegate = rest.token("chutoa"), rest.token("thuky"), rest.token("daibieu")

    def call(method: str, path: str, token: str, expect: int = 200, **kwargs):  # noqa: ANN202
        response = rest.call(method, path, token=token, **kwargs)
        assert response.status_code == expect, response.text
        return response

    draft = call("GET", f"/meetings/{meeting}/minutes/text", secretary, params={"lang": "vi"}).json()
    assert draft["version"] == 0 and draft["state"] == "draft" and draft["versions"] == []
    assert draft["text"].startswith("# Biên bản (dự thảo): ")
    first = draft["text"] + "\n## Ý kiến\n- Đại biểu Hoàng Đức Thắng đề nghị bổ sung số liệu.\n"
    saved = call("PUT", f"/meetings/{meeting}/minutes", secretary, json={"text": first, "base_version": 0}).json()
    assert saved["version"] == 1 and saved["versions"][0]["saved_by_name"]
    stale = call("PUT", f"/meetings/{meeting}/minutes", secretary, 409, json={"text": "bản cũ", "base_version": 0}).json()
    assert stale["error"] == "conflict" and "version 1" in stale["message_en"]
    second = first.replace("# Biên bản (dự thảo)", "# Biên bản") + "- Bà Vũ Thị Lan (Ủy viên) thống nhất.\n"
    assert call("PUT", f"/meetings/{meeting}/minutes", secretary, json={"text": second, "base_version": 1}).json()["version"] == 2
    call("PUT", f"/meetings/{meeting}/minutes", delegate, 403, json={"text": "x"})
    call("POST", f"/meetings/{meeting}/minutes/approve", secretary, 403, json={"version": 2})  # the chair approves
    call("POST", f"/meetings/{meeting}/minutes/approve", chair, 409, json={"version": 1})  # not the version the chair read

    approved = call("POST", f"/meetings/{meeting}/minutes/approve", chair, json={"version": 2}).json()
    assert approved["state"] == "approved" and approved["approved_by_name"] and approved["approved_at"]
    refused = call("PUT", f"/meetings/{meeting}/minutes", secretary, 409, json={"text": "sửa sau khi duyệt"}).json()
    assert refused["message_en"] == "These minutes are approved and can no longer be changed."
    call("POST", f"/meetings/{meeting}/minutes/approve", chair, 409, json={"version": 2})
    now = call("GET", f"/meetings/{meeting}/minutes/text", chair).json()
    assert now["text"] == second and [v["version"] for v in now["versions"]] == [1, 2]
    assert call("GET", f"/meetings/{meeting}/minutes/text", chair, params={"version": 1}).json()["text"] == first  # history kept
    call("GET", f"/meetings/{meeting}/minutes/text", chair, 404, params={"version": 7})

    md = call("GET", f"/meetings/{meeting}/minutes", chair, params={"format": "md", "lang": "en"}).text
    assert md.startswith("# Biên bản: ") and "Approved by" in md
    page = call("GET", f"/meetings/{meeting}/minutes", chair, params={"format": "html", "lang": "vi"}).text
    assert "<li>Bà Vũ Thị Lan (Ủy viên) thống nhất.</li>" in page and "phê duyệt" in page
    pdf = call("GET", f"/meetings/{meeting}/minutes", chair, params={"format": "pdf", "lang": "vi"})
    assert pdf.headers["content-type"] == "application/pdf"
    with pymupdf.open(stream=pdf.content, filetype="pdf") as doc:
        text = "".join(p.get_text() for p in doc)
        pages = doc.page_count
    assert "Hoàng Đức Thắng đề nghị bổ sung số liệu" in " ".join(text.split())
    assert "Vũ Thị Lan" in text and f"Trang 1/{pages}" in text  # page numbers at the foot
    assert "phê duyệt" in text  # the approval line
    old = call("GET", f"/meetings/{meeting}/minutes", chair, params={"format": "md", "version": 1}).text
    assert old == first  # an earlier version, without the approval line
