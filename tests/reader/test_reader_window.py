"""The reader window, offscreen: the 400-page report opens on page 1, pages turn, go-to-page,
zoom and fit, search highlights and jumps, thumbnails fill in, the outline jumps, keys, language."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from app import i18n
from ui.views.reader import open_reader
from ui.views.reader.reader_window import ReaderWindow
from ui.widgets.page_view import MARGIN

WAIT = 10_000


@pytest.fixture
def open_window(qtbot, reader_app, tasks):
    def open_(path: Path, *, title: str = "Báo cáo kinh tế - xã hội", panel: str | None = None) -> ReaderWindow:
        window = ReaderWindow(path, title=title, tasks=tasks)
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show_panel(panel)
        window.show()
        qtbot.waitUntil(lambda: window.ready, timeout=WAIT)
        return window

    return open_


@pytest.fixture
def tasks(qapp):
    from ui.tasks import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.wait(WAIT)


def showing(window: ReaderWindow, page: int) -> bool:
    return window.view.is_showing(page) and page in window.view.painted


def test_the_400_page_report_opens_on_page_1_quickly(qtbot, reader_app, tasks, big_pdf) -> None:
    started = time.perf_counter()
    window = ReaderWindow(big_pdf, title="Báo cáo", tasks=tasks)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ready and showing(window, 0), timeout=WAIT)
    took = time.perf_counter() - started
    assert took < 1.0, f"first page after {took:.2f} s"  # the benchmark holds the 0.2 s goal
    assert window.view.current_page == 0
    assert window.toolbar.page_field.text() == "1"
    assert window.toolbar.page_total.text() == "/ 400"
    assert "400" in window.pages_label.text()
    assert not window.toolbar.previous_button.isEnabled() and window.toolbar.next_button.isEnabled()


def test_next_page_and_go_to_page_200(qtbot, open_window, big_pdf) -> None:
    window = open_window(big_pdf)
    qtbot.waitUntil(lambda: showing(window, 0), timeout=WAIT)
    window.toolbar.next_button.click()
    assert window.view.current_page == 1
    qtbot.waitUntil(lambda: showing(window, 1), timeout=WAIT)
    assert window.toolbar.page_field.text() == "2"
    window.focus_page_field()
    qtbot.keyClicks(window.toolbar.page_field, "200")
    qtbot.keyClick(window.toolbar.page_field, Qt.Key.Key_Return)
    assert window.view.current_page == 199
    qtbot.waitUntil(lambda: showing(window, 199), timeout=WAIT)
    assert window.toolbar.page_field.text() == "200"
    assert window.view.hasFocus() or not window.isActiveWindow()
    # Its neighbours are prefetched, so the next page is there at once.
    qtbot.waitUntil(lambda: window.document.worker.pending() == 0, timeout=WAIT)
    window.view.next_page()
    assert window.view.is_showing(200)


def test_zoom_in_then_fit_width_fills_the_width(qtbot, open_window, big_pdf) -> None:
    window = open_window(big_pdf)
    view = window.view
    qtbot.waitUntil(lambda: showing(window, 0), timeout=WAIT)
    fitted = view.zoom
    assert view.fit == "width" and window.toolbar.fit_width_button.isChecked()
    window.toolbar.zoom_in_button.click()
    assert view.zoom > fitted and view.fit is None and not window.toolbar.fit_width_button.isChecked()
    assert window.toolbar.zoom_label.text() == f"{round(view.zoom * 100)}%"
    qtbot.waitUntil(lambda: showing(window, view.current_page), timeout=WAIT)
    window.toolbar.fit_width_button.click()
    assert view.fit == "width" and abs(view.zoom - fitted) < 1e-6
    assert abs(view.page_rect(view.current_page).width() - (view.viewport().width() - 2 * MARGIN)) <= 1
    qtbot.waitUntil(lambda: showing(window, view.current_page), timeout=WAIT)
    window.toolbar.fit_page_button.click()
    rect = view.page_rect(view.current_page)
    assert rect.height() <= view.viewport().height() - 2 * MARGIN + 1


def test_search_highlights_hits_and_jumps_to_the_first(qtbot, open_window, big_pdf) -> None:
    window = open_window(big_pdf)
    window.go_to_page(100)
    window.search("chuyen doi so")  # typed without diacritics: "chuyển đổi số"
    qtbot.waitUntil(lambda: bool(window.hits), timeout=WAIT)
    first = window.hits[window.hit_index]
    assert first.page >= 100  # the first one from where the reader is
    assert first.text == "chuyển đổi số"
    assert window.view.current_page == first.page
    assert window.view._current_hit == (first.page, first.rects)
    qtbot.waitUntil(lambda: not window._searching, timeout=WAIT)
    count = len(window.hits)
    assert count > 100
    assert str(count) in window.toolbar.hit_count.text()
    qtbot.waitUntil(lambda: showing(window, first.page), timeout=WAIT)
    before = window.hit_index
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.hit_index == (before + 1) % count
    window.previous_hit()
    assert window.hit_index == before
    window.search("khong co tu nay")
    qtbot.waitUntil(lambda: not window._searching, timeout=WAIT)
    assert window.hits == [] and window.toolbar.hit_count.property("none") is True


def test_thumbnails_fill_in_and_a_click_jumps(qtbot, open_window, big_pdf) -> None:
    window = open_window(big_pdf, panel="thumbnails")
    strip = window.side.thumbnails
    assert window.toolbar.thumbnails_button.isChecked()
    qtbot.waitUntil(lambda: bool(strip.visible_rows()) and all(window.document.thumbnail(p) is not None for p in strip.visible_rows()), timeout=WAIT)
    assert len(window.document._thumbs) < 50  # only what is on screen, not 400
    strip.scrollToBottom()
    qtbot.waitUntil(lambda: window.document.thumbnail(399) is not None, timeout=WAIT)
    strip.clicked.emit(strip.model().index(397))
    assert window.view.current_page == 397
    window.toolbar.thumbnails_button.click()
    assert window.side.isHidden() and not window.toolbar.thumbnails_button.isChecked()


def test_an_outline_click_jumps(qtbot, open_window, make_pdf) -> None:
    pages = [[f"Trang {n + 1}"] for n in range(12)]
    toc = [[1, "Phần I. Tình hình", 1], [2, "1. Kinh tế", 3], [2, "2. Xã hội", 6], [1, "Phần II. Kiến nghị", 10]]
    window = open_window(make_pdf(pages, toc=toc), panel="outline")
    items = window.side.outline_items()
    assert [i.text(0) for i in items] == ["Phần I. Tình hình", "1. Kinh tế", "2. Xã hội", "Phần II. Kiến nghị"]
    assert items[1].parent() is items[0]
    rect = window.side.outline.visualItemRect(items[2])
    qtbot.mouseClick(window.side.outline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.current_page == 5
    qtbot.waitUntil(lambda: showing(window, 5), timeout=WAIT)
    window.side.outline.itemClicked.emit(items[3], 0)
    assert window.view.current_page == 9


def test_a_document_without_outline_says_so(qtbot, open_window, make_pdf) -> None:
    window = open_window(make_pdf([["Một trang"]]), panel="outline")
    assert window.side.outline_stack.currentWidget() is window.side.outline_empty


def test_one_page_at_a_time_and_the_keys(qtbot, open_window, big_pdf) -> None:
    window = open_window(big_pdf)
    view = window.view
    window.toolbar.single_button.click()
    assert not view.continuous and view.visible_pages() == [0]
    view.setFocus()
    for _ in range(6):  # down the page, then over its end to the next one
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        if view.current_page == 1:
            break
    assert view.current_page == 1 and view.visible_pages() == [1]
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.current_page == 399
    qtbot.waitUntil(lambda: showing(window, 399), timeout=WAIT)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.current_page == 0
    window.toolbar.continuous_button.click()
    assert view.continuous and view.current_page == 0
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.toolbar.search.hasFocus() or not window.isActiveWindow()
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.toolbar.page_field.hasFocus() or not window.isActiveWindow()


def test_ctrl_wheel_zooms_around_the_pointer(qtbot, open_window, big_pdf) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    window = open_window(big_pdf)
    view = window.view
    before = view.zoom
    pos = QPointF(view.viewport().width() / 2, 200)
    event = QWheelEvent(pos, view.viewport().mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom == pytest.approx(before * 1.1, rel=1e-3) and view.fit is None
    qtbot.waitUntil(lambda: showing(window, view.current_page), timeout=WAIT)  # sharp again once it settles


def test_the_window_speaks_the_chosen_language(qtbot, open_window, big_pdf) -> None:
    window = open_window(big_pdf)
    i18n.set_language("en")
    assert window.pages_label.text() == "400 pages"
    assert window.toolbar.search.placeholderText() == "Search in the document"
    i18n.set_language("vi")
    assert window.windowTitle().startswith("Báo cáo kinh tế - xã hội")


def test_a_damaged_file_shows_a_message(qtbot, reader_app, tasks, tmp_path) -> None:
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    window = ReaderWindow(broken, title="Hỏng", tasks=tasks)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.error is not None, timeout=WAIT)
    assert window.banner.message and not window.ready and not window.view.isEnabled()


def test_open_reader_shows_a_window(qtbot, reader_app, make_pdf) -> None:
    window = open_reader(make_pdf([["Hợp đồng số 12"]]), "Hợp đồng")
    qtbot.addWidget(window)
    assert window.isVisible() and window.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    qtbot.waitUntil(lambda: window.ready and showing(window, 0), timeout=WAIT)
    window.search("HOP DONG")
    qtbot.waitUntil(lambda: bool(window.hits), timeout=WAIT)
    assert window.hits[0].text == "Hợp đồng"


def test_thousands_of_qt_calls_do_not_exhaust_none_or_true(reader_app) -> None:
    """PySide6 6.12.0 on CPython 3.11 loses a reference to None on every void call and to True on
    every emit, and this loop aborts the interpreter; pyproject pins a PySide6 without the bug."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    probe = EmitProbe()
    for n in range(60_000):
        label.setText("x")
        probe.ticked.emit(n)
    assert label.text() == "x" and probe.count == 60_000


class EmitProbe(QObject):
    ticked = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.ticked.connect(self._tick)

    def _tick(self, _n: int) -> None:
        self.count += 1
