"""Annotations between real clients of one real server (SQLite, and PostgreSQL when set): one
delegate on a tablet and a PC, and a second delegate. What is made on one device appears on the
other; a private annotation reaches nobody else (not through the API either); sharing and
un-sharing follow; offline work converges after a reconnect; two edits of one note made on
different devices are both kept; a new version of the document carries the annotations along."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app.domain.annotations import NotYourAnnotationError
from app.events import Change
from app.pdf.anchor import PdfText
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession
from tests.annotations.conftest import BUDGET, PARKING, SCHOOL, Chamber, build_versions, plenary, text_rects


def first_words(path: Path, page: int = 0, count: int = 4) -> tuple[str, list[list[float]]]:
    """Some text of a page and its line rectangles, as the reader's selection gives them."""
    with PdfText(path) as pdf:
        words = pdf.doc[page].get_text("words")
    text = " ".join(w[4] for w in words[:count])
    return text, text_rects(path, page, text)


def mine_on(session: ChamberSession, document_id: str) -> dict[str, dict]:
    return {a["id"]: a for a in session.annotations(document_id)}


def test_one_delegate_two_devices_and_a_colleague(chamber: Chamber) -> None:
    tablet, pc, colleague = chamber.login("daibieu"), chamber.login("daibieu"), chamber.login("daibieu2")
    meeting = plenary(tablet)
    document = tablet.list_documents(meeting)[0]
    doc_id = document["id"]
    text, rects = first_words(tablet.download_document(doc_id))
    seen_on_pc: list[Change] = []
    pc.bus.subscribe(seen_on_pc.append)

    made = tablet.create_annotation(doc_id, kind="highlight", page=0, rects=rects, text=text, note="Hỏi lại số liệu", colour="#ffe135")
    assert mine_on(tablet, doc_id)[made["id"]]["note"] == "Hỏi lại số liệu"  # shown at once
    assert pc.engine.wait_until(lambda: made["id"] in mine_on(pc, doc_id), 2), "the PC never got the tablet's highlight"
    assert tablet.engine.wait_until(tablet.engine.idle, 5)
    assert mine_on(pc, doc_id)[made["id"]] == mine_on(tablet, doc_id)[made["id"]]
    assert any(c.kind == "annotation" and made["id"] in c.ids for c in seen_on_pc)
    record = mine_on(pc, doc_id)[made["id"]]
    assert (record["kind"], record["page"], record["text"], record["colour"], record["version"]) == ("highlight", 0, text, "#FFE135", 1)
    assert record["author_id"] == tablet.account["person_id"] and record["author_name"] == tablet.display_name

    # Private: the colleague's client never hears of it, and the API says it does not exist.
    ink = pc.create_annotation(doc_id, kind="ink", page=0, ink=[[[100, 300, 0.4], [180, 320, 0.7]], [[100, 340]]])
    assert tablet.engine.wait_until(lambda: ink["id"] in mine_on(tablet, doc_id), 2)
    assert colleague.engine.wait_until(colleague.engine.idle, 5)
    assert mine_on(colleague, doc_id) == {}
    listed = chamber.rest.call("daibieu2", "GET", f"/documents/{doc_id}/annotations")
    assert listed.status_code == 200 and listed.json() == []
    for method, body in (("PATCH", {"note": "lấy trộm"}), ("DELETE", None)):
        refused = chamber.rest.call("daibieu2", method, f"/annotations/{made['id']}", json=body)
        assert refused.status_code == 404 and refused.json()["message_id"] == "This annotation does not exist, was deleted, or is not shared with you."
    assert chamber.rest.call("kiosk", "GET", f"/documents/{doc_id}/annotations").status_code == 403

    # Shared with the colleague: read-only for him; taken back: gone from his client.
    tablet.update_annotation(made["id"], {"visibility": "people", "shared_with": [colleague.account["person_id"]]})
    assert colleague.engine.wait_until(lambda: made["id"] in mine_on(colleague, doc_id), 2)
    assert set(mine_on(colleague, doc_id)) == {made["id"]}
    with pytest.raises(NotYourAnnotationError):
        colleague.update_annotation(made["id"], {"note": "Của tôi"})
    refused = chamber.rest.call("daibieu2", "PATCH", f"/annotations/{made['id']}", json={"note": "Của tôi"})
    assert refused.status_code == 403 and refused.json()["message_id"] == "Only the author of an annotation can change or delete it."
    assert colleague.unplaced_annotations(doc_id) == []
    tablet.update_annotation(made["id"], {"visibility": "private"})
    assert colleague.engine.wait_until(lambda: mine_on(colleague, doc_id) == {}, 2)
    assert pc.engine.wait_until(lambda: mine_on(pc, doc_id)[made["id"]]["visibility"] == "private" and mine_on(pc, doc_id)[made["id"]]["version"] == 3, 2)

    # Deleted on the PC: gone from the tablet.
    pc.delete_annotation(ink["id"])
    assert tablet.engine.wait_until(lambda: ink["id"] not in mine_on(tablet, doc_id), 2)
    assert set(mine_on(pc, doc_id)) == set(mine_on(tablet, doc_id)) == {made["id"]}


def test_the_api_applies_a_creation_once_and_answers_in_the_callers_language(chamber: Chamber) -> None:
    delegate = chamber.login("daibieu")
    doc_id = delegate.list_documents(plenary(delegate))[0]["id"]
    note = {"id": str(uuid.uuid4()), "kind": "note", "page": 0, "rects": [[60, 60, 76, 76]], "note": "Một lần thôi"}
    op = {"X-Operation-Id": str(uuid.uuid4())}
    first = chamber.rest.call("daibieu", "POST", f"/documents/{doc_id}/annotations", json=note, headers=op)
    again = chamber.rest.call("daibieu", "POST", f"/documents/{doc_id}/annotations", json=note, headers=op)
    assert first.status_code == again.status_code == 201 and again.headers.get("X-Operation-Replayed") == "1"
    assert first.json() == again.json()
    assert [a["id"] for a in chamber.rest.call("daibieu", "GET", f"/documents/{doc_id}/annotations").json()] == [note["id"]]
    bad = chamber.rest.call("daibieu", "POST", f"/documents/{doc_id}/annotations", json={**note, "id": None, "colour": "đỏ"}, headers={"Accept-Language": "vi"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "đỏ không phải là một màu; hãy dùng dạng #RRGGBB."
    assert bad.json()["message_en"] == "đỏ is not a colour; use the form #RRGGBB."
    far = chamber.rest.call("daibieu", "POST", f"/documents/{doc_id}/annotations", json={**note, "id": None, "page": 999})
    assert far.status_code == 422 and "Page 999 does not exist" in far.json()["message"]


@pytest.mark.slow
def test_offline_work_converges_and_two_edits_of_one_note_are_both_kept(chamber: Chamber) -> None:
    tablet, pc = chamber.login("daibieu"), chamber.login("daibieu")
    doc_id = tablet.list_documents(plenary(tablet))[0]["id"]
    note = tablet.create_annotation(doc_id, kind="note", page=0, rects=[[480, 80, 496, 96]], note="Bản đầu")
    assert pc.engine.wait_until(lambda: note["id"] in mine_on(pc, doc_id) and tablet.engine.idle(), 3)

    chamber.stop()
    assert tablet.engine.wait_until(lambda: tablet.state == ConnectionState.OFFLINE, 10)
    assert pc.engine.wait_until(lambda: pc.state == ConnectionState.OFFLINE, 10)
    tablet.update_annotation(note["id"], {"note": "Sửa trên máy tính bảng"})
    pc.update_annotation(note["id"], {"note": "Sửa trên máy tính", "colour": "#00AA00"})
    bookmark = tablet.create_annotation(doc_id, kind="bookmark", page=0)
    ink = pc.create_annotation(doc_id, kind="ink", page=0, ink=[[[50, 700, 0.5], [90, 720, 0.5]]])
    assert mine_on(tablet, doc_id)[note["id"]]["note"] == "Sửa trên máy tính bảng"  # each shows its own work at once
    assert mine_on(pc, doc_id)[note["id"]]["note"] == "Sửa trên máy tính"
    assert len(tablet.pending_operations()) == len(pc.pending_operations()) == 2

    chamber.restart()
    assert tablet.engine.wait_until(tablet.engine.idle, 20) and pc.engine.wait_until(pc.engine.idle, 20), (tablet.state, pc.state)

    def same() -> bool:
        return mine_on(tablet, doc_id) == mine_on(pc, doc_id) and len(mine_on(tablet, doc_id)) == 4

    assert tablet.engine.wait_until(same, 5), (mine_on(tablet, doc_id), mine_on(pc, doc_id))
    everything = mine_on(tablet, doc_id)
    assert {bookmark["id"], ink["id"], note["id"]} < set(everything)
    [copy] = [a for a in everything.values() if a["conflict_of"] == note["id"]]
    # Whichever device reached the server first edited the note; the other's edit is the copy.
    assert {everything[note["id"]]["note"], copy["note"]} == {"Sửa trên máy tính bảng", "Sửa trên máy tính"}
    assert everything[note["id"]]["version"] == 2 and copy["version"] == 1
    server = {a["id"]: a for a in chamber.rest.call("daibieu", "GET", f"/documents/{doc_id}/annotations").json()}
    assert server == everything
    assert tablet.failed_operations() == pc.failed_operations() == []


def test_a_new_version_carries_the_annotations_to_every_client(chamber: Chamber, tmp_path: Path) -> None:
    secretary, delegate, colleague = chamber.login("thuky"), chamber.login("daibieu"), chamber.login("daibieu2")
    meeting = plenary(delegate)
    v1, v2 = build_versions(tmp_path)
    old = secretary.upload_document(meeting, v1, title="Tờ trình ngân sách")
    assert delegate.engine.wait_until(lambda: delegate.cache.get_document(old["id"]) is not None, 2)
    budget = delegate.create_annotation(old["id"], kind="highlight", page=0, rects=text_rects(v1, 0, BUDGET), text=BUDGET, visibility="meeting")
    school = delegate.create_annotation(old["id"], kind="underline", page=1, rects=text_rects(v1, 1, SCHOOL), text=SCHOOL)
    parking = delegate.create_annotation(old["id"], kind="highlight", page=1, rects=text_rects(v1, 1, PARKING), text=PARKING, note="Ai quản lý bãi xe?")
    assert colleague.engine.wait_until(lambda: set(mine_on(colleague, old["id"])) == {budget["id"]}, 3)
    assert delegate.engine.wait_until(delegate.engine.idle, 5)

    new = secretary.replace_document(old["id"], v2)
    assert delegate.engine.wait_until(lambda: set(mine_on(delegate, new["id"])) == {budget["id"], school["id"], parking["id"]}, 3)
    assert mine_on(delegate, old["id"]) == {}
    carried = mine_on(delegate, new["id"])
    assert (carried[budget["id"]]["placement"], carried[budget["id"]]["page"]) == ("moved", 2)
    assert carried[budget["id"]]["rects"] == text_rects(v2, 2, BUDGET)
    assert (carried[school["id"]]["placement"], carried[school["id"]]["page"]) == ("placed", 1)
    assert {a["document_sha256"] for a in carried.values()} == {new["content_hash"]}
    # The parking lot is no longer in the document: listed for its author, with its note.
    assert [(a["id"], a["note"]) for a in delegate.unplaced_annotations(new["id"])] == [(parking["id"], "Ai quản lý bãi xe?")]
    assert colleague.engine.wait_until(lambda: set(mine_on(colleague, new["id"])) == {budget["id"]}, 3)
    assert mine_on(colleague, new["id"])[budget["id"]]["page"] == 2 and colleague.unplaced_annotations(new["id"]) == []
    # Its author puts it back by hand, on the school's line: placed again, everywhere.
    delegate.update_annotation(parking["id"], {"page": 1, "rects": text_rects(v2, 1, SCHOOL), "text": SCHOOL})
    assert delegate.unplaced_annotations(new["id"]) == []
    assert delegate.engine.wait_until(delegate.engine.idle, 5)
    server = {a["id"]: a for a in chamber.rest.call("daibieu", "GET", f"/documents/{new['id']}/annotations").json()}
    assert server[parking["id"]]["placement"] == "placed" and server[parking["id"]] == mine_on(delegate, new["id"])[parking["id"]]
