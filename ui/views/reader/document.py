"""ReaderDocument: one open PDF as the reader's widgets see it, and the one place where the PDF
worker thread (app/pdf/render.py PageWorker) meets them.

The worker renders pages, thumbnails and searches, and extracts the words the annotation tools
select (app/pdf/text_select.py); its callbacks run on its thread and only post
a plain function to this object's queued signal, which runs it on the GUI thread (the pattern of
ui/tasks.py and ui/bridge.py). Widgets are touched only there.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from app.pdf.render import SEARCH, THUMBNAIL, VISIBLE, OutlineEntry, PageRenderer, PageWorker, Prefetcher, RenderedPage
from app.pdf.search import SearchHit, TextIndex, iter_search
from app.pdf.text_select import Matrix, Word, page_words, rotation_matrix
from ui.widgets.page_view import PageImage

log = logging.getLogger(__name__)

THUMBNAILS_KEPT = 240  # about 50 MB at most on a high-DPI screen
WORDS_KEPT = 64  # pages whose words are kept (a few hundred KB)
WORDS = 1  # worker priority: after the visible pages, before thumbnails


class ReaderDocument(QObject):
    page_rendered = Signal(int, int)  # page, dpi
    render_failed = Signal(int, object)  # page, error
    thumbnail_ready = Signal(int)
    search_found = Signal(int, object)  # search number, [(page, [SearchHit])] for the pages just searched
    search_finished = Signal(int, int)  # search number, hits in all
    words_ready = Signal(int)  # page
    _posted = Signal(object)

    def __init__(self, renderer: PageRenderer, parent: QObject | None = None, *, device_pixel_ratio: float = 1.0) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self.worker = PageWorker(renderer)
        self.prefetcher = Prefetcher(self.worker)
        self.text = TextIndex(renderer.document, lock=renderer.lock)
        self.device_pixel_ratio = device_pixel_ratio
        self._thumbs: OrderedDict[int, PageImage] = OrderedDict()
        self._failed: dict[int, BaseException] = {}
        self._error_handlers: dict[int, Callable[[BaseException], None]] = {}
        self._search_no = 0
        self._words: OrderedDict[int, list[Word]] = OrderedDict()
        self._matrices: dict[int, Matrix | None] = {}
        self._closed = False
        # Queued explicitly: the worker emits from its own thread, the slot runs on ours.
        self._posted.connect(self._run_posted, Qt.ConnectionType.QueuedConnection)

    # --- crossing threads ---------------------------------------------------------------------
    def _post(self, fn: Callable[[], None]) -> None:
        """Worker thread: have `fn` run on the GUI thread (nothing if the reader is gone)."""
        if not self._closed and shiboken6.isValid(self):
            self._posted.emit(fn)

    def _run_posted(self, fn: Callable[[], None]) -> None:
        if not self._closed:
            fn()

    # --- pages ----------------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.renderer.page_count

    def page_sizes(self) -> list[tuple[float, float]]:
        return self.renderer.page_sizes()

    def outline(self) -> list[OutlineEntry]:
        return self.renderer.outline()

    def clamp_dpi(self, page: int, dpi: int) -> int:
        return self.renderer.clamp_dpi(page, dpi)

    def image(self, page: int, dpi: int) -> PageImage | None:
        rendered = self.renderer.cache.get(page, self.renderer.clamp_dpi(page, dpi))
        return None if rendered is None else PageImage(rendered, self.device_pixel_ratio)

    def fallback(self, page: int, dpi: int) -> PageImage | None:
        rendered = self.renderer.cache.nearest(page, dpi)
        return None if rendered is None else PageImage(rendered, self.device_pixel_ratio)

    def failed(self, page: int) -> bool:
        return page in self._failed

    def request(self, pages: list[int], dpi: int) -> None:
        """Render `pages` (on screen) first; what was asked for before and is off screen now is dropped."""
        if self._closed:
            return
        keep = [("render", p, self.renderer.clamp_dpi(p, dpi)) for p in pages]
        self.worker.cancel(tag="visible", keep=keep)
        for page in pages:
            if page not in self._failed:
                self.worker.render(page, dpi, priority=VISIBLE, tag="visible", on_done=self._on_rendered, on_error=self._error_handler(page))

    def page_shown(self, page: int, dpi: int) -> None:
        if not self._closed:
            self.prefetcher.page_shown(page, dpi, on_done=self._on_rendered)

    def _on_rendered(self, rendered: RenderedPage) -> None:  # worker thread
        self._post(lambda: self.page_rendered.emit(rendered.page, rendered.dpi))

    def _error_handler(self, page: int) -> Callable[[BaseException], None]:
        """One per page, so that asking again for a queued page does not add a second one."""
        handler = self._error_handlers.get(page)
        if handler is None:

            def handler(error: BaseException) -> None:  # worker thread
                self._post(lambda: self._on_failed(page, error))

            self._error_handlers[page] = handler
        return handler

    def _on_failed(self, page: int, error: BaseException) -> None:
        log.warning("page %s of %s cannot be rendered: %s", page + 1, self.renderer.path.name, error)
        self._failed[page] = error
        self.render_failed.emit(page, error)
        self.page_rendered.emit(page, -1)

    def matrix(self, page: int) -> Matrix | None:
        """Unrotated PDF points → the page as displayed (None: not rotated). Loading a page for its
        rotation takes well under a millisecond; it is asked once per page, for pages with annotations."""
        if page not in self._matrices:
            if self._closed:
                return None
            with self.renderer.lock:
                self._matrices[page] = rotation_matrix(self.renderer.document[page])
        return self._matrices[page]

    # --- words (highlight, underline) -----------------------------------------------------------
    def words(self, page: int) -> list[Word] | None:
        """The words of `page` if extracted already (see request_words), else None."""
        words = self._words.get(page)
        if words is not None:
            self._words.move_to_end(page)
        return words

    def request_words(self, page: int) -> None:
        """Extract the words of `page` on the worker; words_ready(page) says when they are there."""
        if self._closed or page in self._words:
            return

        def work() -> list[Word]:
            with self.renderer.lock:
                return page_words(self.renderer.document[page])

        def done(words: list[Word]) -> None:  # worker thread
            self._post(lambda: self._keep_words(page, words))

        def failed(error: BaseException) -> None:  # worker thread: a damaged page has no words to select
            log.info("no words on page %s: %s", page + 1, error)
            self._post(lambda: self._keep_words(page, []))

        self.worker.submit(work, key=("words", page), priority=WORDS, tag="words", on_done=done, on_error=failed)

    def _keep_words(self, page: int, words: list[Word]) -> None:
        self._words[page] = words
        while len(self._words) > WORDS_KEPT:
            self._words.popitem(last=False)
        self.words_ready.emit(page)

    # --- thumbnails ---------------------------------------------------------------------------
    def thumbnail(self, page: int) -> PageImage | None:
        image = self._thumbs.get(page)
        if image is not None:
            self._thumbs.move_to_end(page)
        return image

    def request_thumbnails(self, pages: list[int], width_px: int, height_px: int) -> None:
        if self._closed:
            return
        keys = [("thumb", p) for p in pages]
        self.worker.cancel(tag="thumb", keep=keys)
        for page in pages:
            if page in self._thumbs or page in self._failed:
                continue

            def work(page: int = page) -> RenderedPage:
                return self.renderer.thumbnail(page, max_width=width_px, max_height=height_px)

            self.worker.submit(work, key=("thumb", page), priority=THUMBNAIL, tag="thumb", on_done=self._on_thumbnail)

    def _on_thumbnail(self, rendered: RenderedPage) -> None:  # worker thread
        def keep() -> None:
            self._thumbs[rendered.page] = PageImage(rendered, self.device_pixel_ratio)
            while len(self._thumbs) > THUMBNAILS_KEPT:
                self._thumbs.popitem(last=False)
            self.thumbnail_ready.emit(rendered.page)

        self._post(keep)

    # --- search -------------------------------------------------------------------------------
    def search(self, query: str, *, start: int = 0) -> int:
        """Search from page `start` on (then from the beginning); answers come as search_found /
        search_finished with the number returned here. A new search cancels the previous one."""
        self._search_no += 1
        number = self._search_no
        self.worker.cancel(tag="search")
        if self._closed:
            return number
        def work() -> Any:
            return iter_search(self.text, query, start=start, cancelled=lambda: number != self._search_no or self._closed)

        def found(batch: list[tuple[int, list[SearchHit]]]) -> None:  # worker thread
            self._post(lambda: self._deliver_search(number, batch))

        def finished(total: int) -> None:  # worker thread
            self._post(lambda: self._finish_search(number, total))

        self.worker.submit(work, key=("search", number), priority=SEARCH, tag="search", on_step=found, on_done=finished)
        return number

    def cancel_search(self) -> None:
        self._search_no += 1
        self.worker.cancel(tag="search")

    def _deliver_search(self, number: int, batch: list[tuple[int, list[SearchHit]]]) -> None:
        if number == self._search_no:
            self.search_found.emit(number, batch)

    def _finish_search(self, number: int, total: int) -> None:
        if number == self._search_no:
            self.search_finished.emit(number, total)

    # --- the end --------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the worker (it finishes at most one band), then close the file."""
        if self._closed:
            return
        self._closed = True
        self.worker.close()
        self.renderer.close()
        self._thumbs.clear()
        self._words.clear()

