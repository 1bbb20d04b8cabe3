"""The documents API over HTTPS on the real demo server: vetted uploads stored once by content
hash, refusals that store nothing, confidential access, versions, content with ETag, the packet."""

from __future__ import annotations

import hashlib
import socket
import time
from pathlib import Path

import pymupdf
import pytest

from app.net.tls import client_ssl_context
from app.pdf.convert import find_converter
from app.pdf.errors import ConverterMissingError, PasswordProtectedError
from app.services.agenda import get_agenda
from app.domain.roles import Actor


def test_the_same_file_uploaded_twice_is_stored_once(api, pdfs: Path) -> None:  # noqa: ANN001
    meeting = api.council_meeting()
    data = (pdfs / "good" / "to_trinh_ngan_sach_2026.pdf").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    before = api.stored_files()
    first = api.upload("thuky", meeting, "To_trinh_ngan_sach_2026.pdf", data, title="Tờ trình dự toán ngân sách 2026")
    second = api.upload("admin", meeting, "Tờ_trình_bản_sao.pdf", data)
    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    one, two = first.json(), second.json()
    assert one["id"] != two["id"] and one["content_hash"] == two["content_hash"] == digest
    assert (one["pages"], one["version"], one["vetted"], one["confidential"]) == (40, 1, True, False)
    assert one["title"] == "Tờ trình dự toán ngân sách 2026" and two["title"] == "Tờ trình bản sao"
    assert two["file_name"] == "Tờ_trình_bản_sao.pdf"
    assert one["size_bytes"] == len(data)
    assert set(api.stored_files()) - set(before) == {api.store / digest[:2] / digest}
    assert api.leftovers() == []
    listed = api.call("daibieu", "GET", f"/meetings/{meeting}/documents").json()
    assert {one["id"], two["id"]} <= {d["id"] for d in listed}


def test_a_refused_file_answers_422_with_the_reason_and_stores_nothing(api, pdfs: Path) -> None:  # noqa: ANN001
    meeting = api.council_meeting()
    listed = api.call("thuky", "GET", f"/meetings/{meeting}/documents").json()
    stored = api.stored_files()
    response = api.upload("thuky", meeting, "mat_khau.pdf", (pdfs / "broken" / "password_chamber.pdf").read_bytes())
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "document_refused"
    assert body["message_id"] == PasswordProtectedError.message and body["message_en"] == "password protected"
    html = api.upload("thuky", meeting, "trang_web.pdf", b"<html><body>Not a PDF</body></html>")
    assert html.status_code == 422 and html.json()["message_en"] == "not a PDF"
    assert api.call("thuky", "GET", f"/meetings/{meeting}/documents").json() == listed
    assert api.stored_files() == stored
    assert api.leftovers() == []


@pytest.mark.skipif(find_converter() is not None, reason="LibreOffice is installed here")
def test_a_word_file_needs_libreoffice_on_the_server(api) -> None:  # noqa: ANN001
    response = api.call("thuky", "POST", f"/meetings/{api.council_meeting()}/documents",
                        files={"file": ("to_trinh.docx", b"PK\x03\x04" + b"\x00" * 200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    assert response.status_code == 422
    assert response.json()["message_id"] == ConverterMissingError.message
    assert api.leftovers() == []


def test_only_editors_upload_and_bad_targets_are_refused_before_the_file_is_read(api, make_pdf) -> None:  # noqa: ANN001
    meeting = api.council_meeting()
    assert api.upload("daibieu", meeting, "a.pdf", make_pdf("Thử")).status_code == 403
    assert api.upload("thuky", "00000000-0000-0000-0000-000000000000", "a.pdf", make_pdf("Thử")).status_code == 404
    wrong_item = api.upload("thuky", meeting, "a.pdf", make_pdf("Thử"), agenda_item_id="00000000-0000-0000-0000-000000000000")
    assert wrong_item.status_code == 422
    no_file = api.call("thuky", "POST", f"/meetings/{meeting}/documents", data={"title": "x"}, files={"other": ("x.txt", b"x")})
    assert no_file.status_code == 422


def test_an_oversized_upload_is_refused_before_its_body_is_sent(api, chamber) -> None:  # noqa: ANN001
    """Only the headers go out: the server answers 413 at once from the declared Content-Length."""
    context = client_ssl_context(api.ctx.certificate.pem)
    path = f"/api/v1/meetings/{api.council_meeting()}/documents"
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {api.token('thuky')}\r\nAccept-Language: en\r\n"
               f"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: {400 * 2**20}\r\n\r\n")
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", chamber[0].port), timeout=10) as raw, context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = tls.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"too large (400 MB; at most 300 MB)" in answer


def test_confidential_documents_are_seen_only_by_those_named(api, make_pdf) -> None:  # noqa: ANN001
    meeting = api.council_meeting()
    delegate = api.person_id("daibieu")
    secret = api.upload("thuky", meeting, "bao_cao_mat.pdf", make_pdf("Báo cáo mật"), confidential="true", access=[delegate]).json()
    assert secret["confidential"] is True and secret["access"] == [delegate]
    path = f"/documents/{secret['id']}"
    for username, status in (("daibieu", 200), ("thuky", 200), ("admin", 200), ("daibieu2", 404), ("chutoa", 404)):
        assert api.call(username, "GET", f"{path}/content").status_code == status, username
        assert api.call(username, "GET", path).status_code == status, username
        seen = {d["id"] for d in api.call(username, "GET", f"/meetings/{meeting}/documents").json()}
        assert (secret["id"] in seen) == (status == 200), username
    assert api.call("kiosk", "GET", f"{path}/content").status_code == 403
    # Shared with a role, and with the second delegate by name:
    patched = api.call("thuky", "PATCH", path, json={"access": [delegate, api.person_id("daibieu2"), "chair"]})
    assert patched.status_code == 200, patched.text
    for username in ("daibieu2", "chutoa"):
        assert api.call(username, "GET", f"{path}/content").status_code == 200, username
    unknown = api.call("thuky", "PATCH", path, json={"access": ["not-a-person"]})
    assert unknown.status_code == 422
    public = api.call("thuky", "PATCH", path, json={"confidential": False, "access": []})
    assert public.status_code == 200 and api.call("khach", "GET", f"{path}/content").status_code == 403


def test_content_has_the_hash_as_etag_and_answers_304_when_unchanged(api, make_pdf) -> None:  # noqa: ANN001
    data = make_pdf("Nghị quyết")
    doc = api.upload("thuky", api.council_meeting(), "nghi_quyet.pdf", data).json()
    response = api.call("daibieu", "GET", f"/documents/{doc['id']}/content")
    assert response.status_code == 200 and response.content == data
    assert response.headers["etag"] == f'"{doc["content_hash"]}"'
    assert response.headers["content-type"] == "application/pdf"
    again = api.call("daibieu", "GET", f"/documents/{doc['id']}/content", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_a_new_version_keeps_the_old_one_in_history(api, make_pdf) -> None:  # noqa: ANN001
    meeting = api.council_meeting()
    first = api.upload("thuky", meeting, "du_thao.pdf", make_pdf("Dự thảo lần 1"), title="Dự thảo nghị quyết").json()
    replaced = api.call("thuky", "PUT", f"/documents/{first['id']}/content", files={"file": ("du_thao_2.pdf", make_pdf("Dự thảo lần 2", 3), "application/pdf")})
    assert replaced.status_code == 201, replaced.text
    second = replaced.json()
    assert (second["version"], second["replaces_id"], second["pages"], second["title"]) == (2, first["id"], 3, "Dự thảo nghị quyết")
    versions = api.call("daibieu", "GET", f"/documents/{second['id']}/versions").json()
    assert [v["id"] for v in versions] == [second["id"], first["id"]]
    assert [v["id"] for v in api.call("daibieu", "GET", f"/documents/{first['id']}/versions").json()] == [second["id"], first["id"]]
    listed = {d["id"] for d in api.call("daibieu", "GET", f"/meetings/{meeting}/documents").json()}
    assert second["id"] in listed and first["id"] not in listed
    assert api.call("daibieu", "GET", f"/documents/{first['id']}/content").status_code == 200  # history stays readable
    stale = api.call("thuky", "PUT", f"/documents/{first['id']}/content", files={"file": ("x.pdf", make_pdf("Cũ"), "application/pdf")})
    assert stale.status_code == 409
    # Deleting the document removes every version, and the files nobody else uses.
    assert api.call("thuky", "DELETE", f"/documents/{second['id']}").status_code == 204
    for doc in (first, second):
        assert api.call("thuky", "GET", f"/documents/{doc['id']}").status_code == 404
        assert not (api.store / doc["content_hash"][:2] / doc["content_hash"]).exists()


def test_the_packet_has_a_cover_every_document_and_bookmarks(api, make_pdf) -> None:  # noqa: ANN001
    meeting = api.council_meeting()
    with api.ctx.db.read() as session:
        items = get_agenda(session, Actor.system(), meeting)
    first_item, sub_item = items[1], items[2]  # "2. Báo cáo …" and its sub-item "2.1"
    assert sub_item["parent_id"] == first_item["id"]
    a = api.upload("thuky", meeting, "bao_cao.pdf", make_pdf("Báo cáo kinh tế - xã hội", 3), agenda_item_id=first_item["id"]).json()
    b = api.upload("thuky", meeting, "tham_tra.pdf", make_pdf("Báo cáo thẩm tra", 2), agenda_item_id=sub_item["id"]).json()
    secret = api.upload("thuky", meeting, "mat.pdf", make_pdf("Mật", 5), confidential="true").json()
    documents = api.call("daibieu", "GET", f"/meetings/{meeting}/documents").json()
    assert secret["id"] not in {d["id"] for d in documents}
    response = api.call("daibieu", "GET", f"/meetings/{meeting}/packet", headers={"Accept-Language": "vi"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    packet = pymupdf.open(stream=response.content, filetype="pdf")
    cover = packet[0].get_text()
    assert "Kỳ họp thứ 12 HĐND phường khóa XII" in cover and "Hội trường UBND phường, tầng 2" in cover
    assert first_item["title"] in cover and sub_item["title"] in cover
    toc = packet.get_toc()
    titles = [t[1] for t in toc]
    assert titles[0] == "Kỳ họp thứ 12 HĐND phường khóa XII"
    assert all(f"{item['number']}. {item['title']}" in titles for item in items)
    assert {a["title"], b["title"]} <= set(titles) and secret["title"] not in titles
    starts = {t[1]: t[2] for t in toc}
    assert packet[starts[a["title"]] - 1].get_text().startswith("Báo cáo kinh tế - xã hội")
    assert packet[starts[b["title"]] - 1].get_text().startswith("Báo cáo thẩm tra")
    pages_of_documents = sum(d["pages"] for d in documents)
    assert packet.page_count == min(t[2] for t in toc if t[1] in {d["title"] for d in documents}) - 1 + pages_of_documents
    # The secretariat's packet also holds the confidential document (they may read it).
    full = pymupdf.open(stream=api.call("thuky", "GET", f"/meetings/{meeting}/packet").content, filetype="pdf")
    assert full.page_count == packet.page_count + 5
