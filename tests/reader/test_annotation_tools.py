"""The reader's annotation tools against a real server and real sessions: a delegate opens a demo
document, draws ink with the mouse and with a pen (pressure), highlights by dragging over words,
adds a sticky note, bookmarks a page; the session holds the records with the right PDF points
and covered text. An annotation made on the delegate's other device, and one a colleague shares
with the meeting, appear in the open reader (drawn where they belong, listed, the colleague's
read-only). Highlights stay on their words when zooming and on rotated pages. Export writes a PDF
with the annotations. The window is rendered to PNG in both languages."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterator

import pymupdf
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app import i18n
from app.demo import DEMO_PASSWORD
from app.i18n import translate
from app.pdf.text_select import page_words
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession
from ui.views.reader.annotation_layer import HIGHLIGHT_ALPHA
from ui.views.reader.annotation_list import AnnotationList
from ui.views.reader.reader_window import ReaderWindow

WAIT = 10_000
SHOTS = Path("/tmp")


# --- a real server for the module, and delegates logged in on devices of their own ------------------
@pytest.fixture(scope="module")
def devices(module_demo_server, tmp_path_factory) -> Iterator[Any]:
    runner, ctx = module_demo_server
    sessions: list[ChamberSession] = []
    count = 0

    def login(username: str) -> ChamberSession:
        nonlocal count
        count += 1
        profile = Profile(tmp_path_factory.mktemp(f"device{count}"))
        paired = pin_local(profile, host="127.0.0.1", port=runner.port, pem=ctx.certificate.pem, server_id=ctx.server_id, name=ctx.name)
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD, device_name=f"device {count}").start()
        sessions.append(session)
        assert session.engine.wait_until(session.engine.idle, 10), f"{username} did not come online"
        return session

    yield login
    for session in sessions:
        session.close()


def report(session: ChamberSession) -> dict[str, Any]:
    """The demo's economic report (not confidential): the same document for every delegate."""
    meetings = session.list_meetings()
    for meeting in meetings:
        for document in session.list_documents(meeting["id"]):
            if document["title"].startswith("Báo cáo tình hình kinh tế"):
                return document
    raise AssertionError("the demo report is missing")


@pytest.fixture
def tasks(qapp):
    from ui.tasks import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.wait(WAIT)


@pytest.fixture
def open_reader(qtbot, reader_app, tasks):
    def open_(session: ChamberSession, document: dict[str, Any]) -> ReaderWindow:
        path = session.download_document(document["id"])
        window = ReaderWindow(path, title=document["title"], tasks=tasks, session=session, document=document)
        qtbot.addWidget(window)
        window.resize(1280, 820)
        window.show_panel("annotations")
        window.show()
        qtbot.waitUntil(lambda: window.ready, timeout=WAIT)
        window.view.fit_page()  # the whole first page on screen: every point below can be clicked
        qtbot.waitUntil(lambda: window.view.is_showing(0), timeout=WAIT)
        return window

    return open_


def mine(session: ChamberSession, document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [a for a in session.annotations(document["id"]) if a["kind"] == kind]


def pos(window: ReaderWindow, page: int, x: float, y: float) -> QPoint:
    """The viewport pixel of the point (x, y) of `page` (displayed points)."""
    return window.view.view_point(page, x, y).toPoint()


def drag(window: ReaderWindow, page: int, points: list[tuple[float, float]]) -> None:
    viewport = window.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos(window, page, *points[0]))
    for point in points[1:]:
        QTest.mouseMove(viewport, pos(window, page, *point))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos(window, page, *points[-1]))


def words_of(path: Path, page: int = 0) -> list:
    with pymupdf.open(path) as doc:
        return page_words(doc[page])


def line_with(words: list, first: str, count: int) -> list:
    """`count` words of one line starting with the word `first`."""
    i = next(n for n, w in enumerate(words) if w.text == first)
    chosen = words[i:i + count]
    assert len({(w.block, w.line) for w in chosen}) == 1, "the words must be on one line"
    return chosen


def pixel(window: ReaderWindow, point: QPoint) -> QColor:
    image = window.view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def laid(colour: str) -> QColor:
    """A highlighter's colour over white paper (HIGHLIGHT_ALPHA of it)."""
    c, a = QColor(colour), HIGHLIGHT_ALPHA / 255
    return QColor(*(round(v * a + 255 * (1 - a)) for v in (c.red(), c.green(), c.blue())))


def near(a: QColor, b: QColor, tolerance: int = 24) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


# --- drawing -----------------------------------------------------------------------------------------
def test_ink_highlight_note_and_bookmark_reach_the_session(qtbot, devices, open_reader) -> None:
    session = devices("daibieu")
    document = report(session)
    window = open_reader(session, document)
    path = session.document_file(document["id"])
    tb = window.toolbar
    assert tb.tool_buttons["ink"].isVisible() and window.side.tabs["annotations"].isVisible()
    assert window.side.annotations.empty.isVisible()  # nothing yet

    # Ink with the mouse: two strokes written in a row make one annotation, saved with Enter.
    tb.tool_buttons["ink"].click()
    assert window.annotations.tools.tool == "ink"
    stroke = [(100 + 4 * i, 700 + 12 * math.sin(i / 4)) for i in range(31)]
    drag(window, 0, stroke)
    drag(window, 0, [(100, 730), (160, 735), (220, 730)])
    assert not mine(session, document, "ink")  # still being written
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    inks = mine(session, document, "ink")
    assert len(inks) == 1 and len(inks[0]["ink"]) == 2
    first = inks[0]["ink"][0]
    one_pixel = 1 / window.view.scale
    assert math.dist(first[0][:2], stroke[0]) <= one_pixel + 0.01 and math.dist(first[-1][:2], stroke[-1]) <= one_pixel + 0.01
    assert all(p[2] == 0.5 for s in inks[0]["ink"] for p in s)  # a mouse presses 0.5
    assert 5 <= len(first) <= 31  # smoothed: jitter below MIN_STEP dropped
    assert all(95 <= p[0] <= 225 and 680 <= p[1] <= 740 for s in inks[0]["ink"] for p in s)
    assert inks[0]["author_id"] == session.account["person_id"] and inks[0]["visibility"] == "private"

    # Highlight: a drag from inside the first word to inside the third selects the three words.
    words = words_of(path)
    chosen = line_with(words, "Căn", 3)
    y = (chosen[0].y0 + chosen[0].y1) / 2
    tb.tool_buttons["highlight"].click()
    drag(window, 0, [(chosen[0].x0 + 2, y), (chosen[1].x0 + 3, y + 1), (chosen[2].x1 - 2, y)])
    qtbot.waitUntil(lambda: len(mine(session, document, "highlight")) == 1, timeout=WAIT)
    highlight = mine(session, document, "highlight")[0]
    assert highlight["text"] == " ".join(w.text for w in chosen) == "Căn cứ Luật"
    assert len(highlight["rects"]) == 1
    x0, y0, x1, y1 = highlight["rects"][0]
    assert (x0, y0, x1, y1) == pytest.approx((chosen[0].x0, min(w.y0 for w in chosen), chosen[2].x1, max(w.y1 for w in chosen)), abs=0.01)
    assert highlight["colour"] == tb.colour == "#FFD43B"

    # Underline across two lines, in another colour: one rectangle per line.
    tb.choose_colour("#E03131")
    lines = sorted({(w.block, w.line) for w in words if w.block == chosen[0].block})
    second_line = [w for w in words if (w.block, w.line) == lines[1]]
    tb.tool_buttons["underline"].click()
    drag(window, 0, [(chosen[0].x0 + 1, y), (second_line[1].x1 - 1, (second_line[1].y0 + second_line[1].y1) / 2)])
    qtbot.waitUntil(lambda: len(mine(session, document, "underline")) == 1, timeout=WAIT)
    underline = mine(session, document, "underline")[0]
    assert len(underline["rects"]) == 2 and underline["colour"] == "#E03131"
    assert underline["text"].startswith("Căn cứ Luật") and underline["text"].endswith(" ".join(w.text for w in second_line[:2]))

    # A sticky note: click, write, "Add note".
    tb.tool_buttons["note"].click()
    drag(window, 0, [(500, 90)])
    editor = window.annotations.editor
    assert editor.isVisible() and editor.new_note and not editor.save_button.isEnabled()
    qtbot.keyClicks(editor.note_edit, "Ghi chu: ")  # QTest types ASCII only; the rest as an input method would
    editor.note_edit.insertPlainText("hỏi lại số liệu thu ngân sách")
    editor.save_button.click()
    notes = mine(session, document, "note")
    assert len(notes) == 1 and notes[0]["note"] == "Ghi chu: hỏi lại số liệu thu ngân sách"
    nx0, ny0, nx1, ny1 = notes[0]["rects"][0]
    assert abs(nx0 - 500) <= one_pixel + 0.01 and abs(ny0 - 90) <= one_pixel + 0.01 and nx1 > nx0 and ny1 > ny0
    assert window.annotations.set.selected_id == notes[0]["id"]  # the new note stays open to read

    # Bookmark the current page, from the toolbar.
    assert not tb.bookmark_button.isChecked()
    tb.bookmark_button.click()
    bookmarks = mine(session, document, "bookmark")
    assert len(bookmarks) == 1 and bookmarks[0]["page"] == 0 and tb.bookmark_button.isChecked()
    assert bookmarks[0]["text"].split()[0] in {w.text for w in words[:3]}

    # The side panel lists them all, bookmark first.
    rows = window.side.annotations.row_texts()
    sections = [r["section"] for r in rows if "section" in r]
    assert sections[0] == (translate("Bookmarks (%(count)s)", "vi") % {"count": 1}).upper()
    listed = [r for r in rows if "id" in r]
    assert {r["id"] for r in listed} == {a["id"] for a in session.annotations(document["id"])}
    note_row = next(r for r in listed if r["id"] == notes[0]["id"])
    assert note_row["excerpt"] == "Ghi chu: hỏi lại số liệu thu ngân sách" and note_row["meta"] == translate("You", "vi")

    # They are drawn: the highlight's paper takes its colour; the ink passes through its points.
    qtbot.waitUntil(lambda: window.view.is_showing(0), timeout=WAIT)
    hx = (chosen[0].x1 + chosen[1].x0) / 2  # between two words: paper, not print
    assert near(pixel(window, pos(window, 0, hx, y0 + 1.5)), laid("#FFD43B"))
    window.grab().save(str(SHOTS / "reader_annotations_drawn.png"))

    # Select the note by clicking it, edit its text, change its colour, delete it (confirming).
    tb.tool_buttons["select"].click()
    window.annotations.set.select(None)
    assert not editor.isVisible()
    drag(window, 0, [(nx0 + 5, ny0 + 5)])
    assert window.annotations.set.selected_id == notes[0]["id"] and editor.isVisible() and not editor.new_note
    editor.note_edit.setPlainText("Hỏi lại số liệu thu, chi ngân sách")
    editor.save_button.click()
    assert mine(session, document, "note")[0]["note"] == "Hỏi lại số liệu thu, chi ngân sách"
    editor.swatches["#339AF0"].click()
    assert mine(session, document, "note")[0]["colour"] == "#339AF0"
    editor.delete_button.click()
    box = window.annotations.question
    assert box is not None and box.isVisible()
    box.buttons()[0].click()  # "Delete"
    assert mine(session, document, "note") == [] and not editor.isVisible()

    # Everything reaches the server: a second device of the same delegate has them.
    assert session.engine.wait_until(session.engine.idle, 10)
    tablet = devices("daibieu")
    assert tablet.engine.wait_until(lambda: len(tablet.annotations(document["id"])) == 4, 10)
    assert {a["id"] for a in tablet.annotations(document["id"])} == {a["id"] for a in session.annotations(document["id"])}


def test_a_pen_draws_with_its_pressure(qtbot, devices, open_reader) -> None:
    session = devices("daibieu")
    document = report(session)
    window = open_reader(session, document)
    window.toolbar.tool_buttons["ink"].click()
    pen = QPointingDevice("test pen", 4242, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3)
    viewport = window.view.viewport()
    samples = [(300 + 5 * i, 760 - 2 * i, 0.2 + 0.07 * i) for i in range(11)]
    for n, (x, y, pressure) in enumerate(samples):
        kind = QEvent.Type.TabletPress if n == 0 else QEvent.Type.TabletRelease if n == len(samples) - 1 else QEvent.Type.TabletMove
        point = QPointF(pos(window, 0, x, y))
        event = QTabletEvent(kind, pen, point, viewport.mapToGlobal(point), pressure, 0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                             Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton if kind != QEvent.Type.TabletRelease else Qt.MouseButton.NoButton)
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()  # no mouse event follows: the stroke is not drawn twice
    window.toolbar.tool_buttons["select"].click()  # changing tools saves the strokes
    ink = [a for a in mine(session, document, "ink") if a["ink"][0][0][0] >= 295]
    assert len(ink) == 1
    pressures = [p[2] for p in ink[0]["ink"][0]]
    assert pressures[0] == pytest.approx(0.2, abs=0.05) and pressures[-1] > 0.75 and pressures == sorted(pressures)


# --- from elsewhere ------------------------------------------------------------------------------------
def test_annotations_from_another_device_and_a_colleague_appear_live(qtbot, devices, open_reader) -> None:
    session = devices("daibieu")
    document = report(session)
    window = open_reader(session, document)
    known = {a["id"] for a in session.annotations(document["id"])}

    # The delegate's tablet: a green highlight over blank paper at the bottom of page 1.
    tablet = devices("daibieu")
    made = tablet.create_annotation(document["id"], kind="highlight", page=0, rects=[[80, 790, 240, 810]], text="", colour="#51CF66")
    qtbot.waitUntil(lambda: window.annotations.set.get(made["id"]) is not None, timeout=WAIT)
    assert made["id"] in {r.get("id") for r in window.side.annotations.row_texts()}
    qtbot.waitUntil(lambda: near(pixel(window, pos(window, 0, 160, 800)), laid("#51CF66")), timeout=WAIT)
    assert near(pixel(window, pos(window, 0, 160, 780)), QColor("#ffffff"), 8)  # nothing above it

    # It stays on its place when zooming in (pages re-render at the new size).
    window.view.set_zoom(1.5)
    window.view.ensure_visible(0, (80, 790, 240, 810))
    qtbot.waitUntil(lambda: window.view.is_showing(0), timeout=WAIT)
    assert near(pixel(window, pos(window, 0, 82, 800)), laid("#51CF66")) and near(pixel(window, pos(window, 0, 238, 808)), laid("#51CF66"))
    assert near(pixel(window, pos(window, 0, 76, 800)), QColor("#ffffff"), 8) and near(pixel(window, pos(window, 0, 244, 800)), QColor("#ffffff"), 8)
    window.view.fit_page()

    # A colleague shares a note with the whole meeting: it appears, with its author, read-only.
    colleague = devices("daibieu2")
    private = colleague.create_annotation(document["id"], kind="note", page=0, rects=[[450, 340, 468, 358]], note="Riêng tôi")
    shared = colleague.create_annotation(document["id"], kind="note", page=0, rects=[[450, 300, 468, 318]], note="Đề nghị làm rõ khoản chi 2%",
                                         visibility="meeting")
    qtbot.waitUntil(lambda: window.annotations.set.get(shared["id"]) is not None, timeout=WAIT)
    assert colleague.engine.wait_until(colleague.engine.idle, 10)
    assert window.annotations.set.get(private["id"]) is None  # made before the shared one, never sent here: private stays private
    row = next(r for r in window.side.annotations.row_texts() if r.get("id") == shared["id"])
    assert row["meta"] == colleague.display_name and row["badges"] == translate("Shared", "vi")
    window.side.annotations.rows[shared["id"]].setSelected(True)
    window.side.annotations.chosen.emit(shared["id"])  # as a click on the row
    editor = window.annotations.editor
    assert editor.isVisible() and not editor.mine
    assert editor.note_edit.isReadOnly() and editor.delete_button.isHidden() and editor.share_button.isHidden() and editor.save_button.isHidden()
    assert colleague.display_name in editor.meta.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # not mine: nothing to delete
    assert window.annotations.question is None
    window.grab().save(str(SHOTS / "reader_annotations_shared.png"))

    # The delegate's own device list did not change besides these.
    assert {a["id"] for a in session.annotations(document["id"])} >= known | {made["id"], shared["id"]}


def test_sharing_a_highlight_with_a_named_colleague(qtbot, devices, open_reader) -> None:
    session = devices("daibieu")
    document = report(session)
    window = open_reader(session, document)
    colleague = devices("daibieu2")
    made = window.annotations.set.create(kind="highlight", page=0, rects=[[72, 400, 200, 414]], text="để chia sẻ", colour="#FFD43B")
    window.annotations.jump_to(made["id"])
    editor = window.annotations.editor
    assert editor.share_button.isVisible()
    editor.share_button.click()
    dialog = window.annotations.share_dialog
    assert dialog is not None and dialog.isVisible() and dialog.radios["private"].isChecked()
    dialog.radios["people"].setChecked(True)
    assert not dialog.share_button.isEnabled()  # nobody chosen yet
    dialog.set_checked(colleague.account["person_id"])
    dialog.share_button.click()
    updated = session.annotations(document["id"])
    shared = next(a for a in updated if a["id"] == made["id"])
    assert shared["visibility"] == "people" and shared["shared_with"] == [colleague.account["person_id"]]
    assert session.engine.wait_until(session.engine.idle, 10)
    assert colleague.engine.wait_until(lambda: any(a["id"] == made["id"] for a in colleague.annotations(document["id"])), 10)


# --- geometry ---------------------------------------------------------------------------------------------
def test_highlight_on_a_rotated_page_is_stored_unrotated(qtbot, reader_app, tasks, make_pdf) -> None:
    """A page turned 90°: the drag happens on the page as displayed, the record holds the words'
    own (unrotated) boxes, and the drawing lands back on them."""
    from ui.views.reader.annotation_layer import PageMapping
    from ui.views.reader.annotations import AnnotationSet
    from ui.views.reader.annotation_tools import AnnotationTools

    path = make_pdf([["Nghị quyết về dự toán ngân sách năm 2027"]], rotate={0: 90})
    window = ReaderWindow(path, title="Xoay", tasks=tasks)
    qtbot.addWidget(window)
    window.resize(1000, 800)
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=WAIT)
    records = AnnotationSet()
    tools = AnnotationTools(window.view, records)
    tools.set_document(window.document)
    window.view.set_overlay(tools)
    created: list[dict] = []
    tools.create_requested.connect(created.append)
    tools.set_tool("highlight")
    words = words_of(path)
    chosen = line_with(words, "dự", 3)
    with pymupdf.open(path) as doc:
        m = doc[0].rotation_matrix
        a = pymupdf.Point((chosen[0].x0 + 1), (chosen[0].y0 + chosen[0].y1) / 2) * m
        b = pymupdf.Point((chosen[2].x1 - 1), (chosen[2].y0 + chosen[2].y1) / 2) * m
    window.view.ensure_visible(0, (min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)))
    drag(window, 0, [(a.x, a.y), ((a.x + b.x) / 2, (a.y + b.y) / 2), (b.x, b.y)])
    qtbot.waitUntil(lambda: len(created) == 1, timeout=WAIT)
    assert created[0]["text"] == "dự toán ngân"
    assert created[0]["rects"][0] == pytest.approx([chosen[0].x0, chosen[0].y0, chosen[2].x1, chosen[2].y1], abs=0.01)
    # Drawn through the rotation: the rectangle on screen is the words' displayed box.
    mapping = PageMapping(window.view.page_rect(0), window.view.scale, window.document.matrix(0))
    shown = mapping.box(created[0]["rects"][0])
    expected = pymupdf.Rect(created[0]["rects"][0]) * m
    assert shown.width() == pytest.approx(expected.width * window.view.scale, abs=0.5)
    assert shown.height() == pytest.approx(expected.height * window.view.scale, abs=0.5)
    assert shown.height() > shown.width()  # the line runs down the screen


def test_a_scanned_page_highlights_the_dragged_rectangle(qtbot, reader_app, tasks, good: Path) -> None:
    from ui.views.reader.annotations import AnnotationSet
    from ui.views.reader.annotation_tools import AnnotationTools

    window = ReaderWindow(good / "cong_van_scan.pdf", title="Công văn", tasks=tasks)
    qtbot.addWidget(window)
    window.resize(1000, 800)
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=WAIT)
    if words_of(good / "cong_van_scan.pdf"):
        pytest.skip("the scan has a text layer")
    records = AnnotationSet()
    tools = AnnotationTools(window.view, records)
    tools.set_document(window.document)
    window.view.set_overlay(tools)
    created: list[dict] = []
    tools.create_requested.connect(created.append)
    tools.set_tool("highlight")
    drag(window, 0, [(100, 150), (180, 160), (300, 170)])
    qtbot.waitUntil(lambda: len(created) == 1, timeout=WAIT)
    assert created[0]["text"] == "" and created[0]["rects"] == [pytest.approx([100, 150, 300, 170], abs=1 / window.view.scale + 0.01)]


# --- the list, from records in the contract's format ------------------------------------------------------
def test_the_list_shows_unplaced_annotations_apart(qtbot, reader_app) -> None:
    me = {"author_id": "p-me", "author_name": "Tôi"}
    items = [
        {"id": "b1", "kind": "bookmark", "page": 4, "rects": [[560, 0, 574, 22]], "text": "", "note": "", "colour": "#FF6B6B", "visibility": "private", **me},
        {"id": "h1", "kind": "highlight", "page": 0, "rects": [[72, 100, 300, 116]], "text": "dự toán thu chi", "note": "", "colour": "#FFD43B",
         "visibility": "meeting", **me},
        {"id": "n2", "kind": "note", "page": 2, "rects": [[300, 300, 318, 318]], "text": "", "note": "Ý kiến của tổ", "colour": "#FFD43B",
         "visibility": "people", "shared_with": ["p-x"], "author_id": "p-x", "author_name": "Trần Thị Bình"},
        {"id": "c1", "kind": "note", "page": 2, "rects": [[300, 340, 318, 358]], "text": "", "note": "Bản sửa trên máy tính bảng", "colour": "#FFD43B",
         "visibility": "private", "conflict_of": "n1", **me},
    ]
    unplaced = [{"id": "u1", "kind": "highlight", "page": 1, "rects": [[72, 200, 300, 216]], "text": "khoản chi đã bỏ", "note": "",
                 "colour": "#FFD43B", "visibility": "private", "placement": "unplaced", **me}]
    widget = AnnotationList()
    qtbot.addWidget(widget)
    widget.resize(280, 600)
    widget.set_records(items, unplaced, lambda a: a.get("author_id") == "p-me")
    widget.show()
    rows = widget.row_texts()
    sections = [r["section"] for r in rows if "section" in r]
    assert sections == [s.upper() for s in (translate("Bookmarks (%(count)s)", "vi") % {"count": 1},
                                            translate("Annotations (%(count)s)", "vi") % {"count": 3},
                                            translate("Could not be placed in the new version (%(count)s)", "vi") % {"count": 1})]
    assert [r.get("id") for r in rows if "id" in r] == ["b1", "h1", "n2", "c1", "u1"]
    by_id = {r["id"]: r for r in rows if "id" in r}
    assert by_id["n2"]["meta"] == "Trần Thị Bình" and by_id["n2"]["excerpt"] == "Ý kiến của tổ"
    assert by_id["h1"]["badges"] == translate("Shared", "vi") and by_id["h1"]["excerpt"] == "dự toán thu chi"
    assert translate("Conflict copy", "vi") in by_id["c1"]["badges"]
    assert by_id["u1"]["title"] == translate("%(kind)s · page %(page)s", "vi") % {"kind": translate("Highlight", "vi"), "page": 2}
    chosen: list[str] = []
    widget.chosen.connect(chosen.append)
    item = widget.rows["u1"]
    QTest.mouseClick(widget.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, widget.list.visualItemRect(item).center())
    assert chosen == ["u1"]
    widget.grab().save(str(SHOTS / "reader_annotation_list.png"))
    i18n.set_language("en")
    assert widget.row_texts()[0]["section"] == "BOOKMARKS (1)"


# --- export and languages ---------------------------------------------------------------------------------
def test_export_and_language_switch(qtbot, devices, open_reader, tmp_path: Path) -> None:
    session = devices("daibieu")
    document = report(session)
    window = open_reader(session, document)
    window.annotations.set.create(kind="highlight", page=0, rects=[[72, 420, 260, 436]], text="xuất tệp", colour="#FFD43B")
    window.annotations.set.create(kind="ink", page=0, ink=[[[100, 500, 0.5], [150, 520, 0.5], [200, 500, 0.5]]], colour="#E03131")
    pdf_kind = {"highlight": "Highlight", "underline": "Underline", "ink": "Ink", "note": "Text"}  # a bookmark becomes an outline entry
    expected = sorted(pdf_kind[a["kind"]] for a in session.annotations(document["id"])
                      if a["page"] == 0 and a.get("placement") != "unplaced" and a["kind"] != "bookmark")
    dialog = window.annotations.choose_export_file()
    assert dialog.isVisible() and dialog.selectedFiles()[0].endswith(".pdf")
    dialog.reject()
    target = tmp_path / "exported.pdf"
    window.annotations.export_to(target)
    assert not window.toolbar.export_button.isEnabled()
    qtbot.waitUntil(lambda: not window.annotations.exporting, timeout=3 * WAIT)
    assert window.notice.message == translate("Saved to %(path)s", "vi") % {"path": str(target)}
    with pymupdf.open(target) as doc:
        kinds = sorted(a.type[1] for a in doc[0].annots())
    assert "Highlight" in kinds and "Ink" in kinds and kinds == expected

    window.grab().save(str(SHOTS / "reader_annotations_vi.png"))
    i18n.set_language("en")
    assert window.toolbar.tool_buttons["highlight"].toolTip() == "Highlight: drag over the text"
    assert window.side.tabs["annotations"].text() == "Annotations"
    assert window.notice.message == f"Saved to {target}"
    window.grab().save(str(SHOTS / "reader_annotations_en.png"))


# --- the pure parts -------------------------------------------------------------------------------------
def test_word_selection_and_coordinates_without_qt() -> None:
    from app.pdf.text_select import Word, apply, invert, line_rects, map_rect, nearest_word, select_words, selection_text

    # Two lines whose boxes overlap by a point, as tight Vietnamese text often is.
    words = [Word(60, 100, 90, 113, "Tổng", 0, 0, 0), Word(94, 100, 120, 113, "thu", 0, 0, 1), Word(124, 100, 170, 113, "ngân", 0, 0, 2),
             Word(60, 112, 100, 125, "sách", 0, 1, 0), Word(104, 112, 150, 125, "đạt", 0, 1, 1)]
    assert nearest_word(words, 70, 112.2) == 0 and nearest_word(words, 70, 112.8) == 3  # the nearer middle wins
    assert nearest_word(words, 300, 106) == 2  # beyond the end of a line: its last word, not the next line
    chosen = select_words(words, (100, 106), (110, 118))  # backwards works the same
    assert selection_text(chosen) == "thu ngân sách đạt" == selection_text(select_words(words, (110, 118), (100, 106)))
    assert line_rects(chosen) == [(94, 100, 170, 113), (60, 112, 150, 125)]
    m = (0.0, 1.0, -1.0, 0.0, 842.0, 0.0)  # a page turned 90°
    assert apply(invert(m), *apply(m, 72.5, 100.25)) == pytest.approx((72.5, 100.25))
    assert map_rect(m, (10, 20, 30, 60)) == pytest.approx((782, 10, 822, 30))


def test_ink_smoothing_and_hit_testing_without_qt() -> None:
    from ui.views.reader.annotation_geometry import annotation_at, bounds, smooth_stroke

    raw = [[100 + i * 0.2, 200 + (0.2 if i % 2 else -0.2), 0.5] for i in range(50)] + [[110, 210, 0.9]]
    smooth = smooth_stroke(raw)
    assert smooth[0][:2] == [100, 199.8] and smooth[-1][:2] == [110, 210]  # the ends stay where the pen was
    assert len(smooth) < len(raw) / 2  # jitter under MIN_STEP dropped
    assert max(p[1] for p in smooth[1:-1]) - min(p[1] for p in smooth[1:-1]) < 6  # and evened out
    assert all(0 <= p[2] <= 1 for p in smooth)
    ink = {"id": "i", "kind": "ink", "page": 0, "ink": [[[0, 0, 0.5], [100, 100, 0.5]]]}
    light = {"id": "h", "kind": "highlight", "page": 0, "rects": [[40, 40, 60, 60]]}
    note = {"id": "n", "kind": "note", "page": 0, "rects": [[48, 48, 66, 66]]}
    assert annotation_at([light, ink, note], 0, 50, 50)["id"] == "n"  # the small mark on top wins
    assert annotation_at([light, ink], 0, 50, 50)["id"] == "i"
    assert annotation_at([light, ink], 0, 45, 55)["id"] == "h"  # off the line
    assert annotation_at([light, ink], 1, 50, 50) is None  # another page
    assert bounds(ink) == (0, 0, 100, 100)
