"""app/pdf/render.py without a screen: page facts, pixels as PyMuPDF draws them, the byte-bounded
cache, the worker's priorities and cancellation, and the prefetcher."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pymupdf
import pytest

from app.pdf.errors import DamagedPdfError, DocumentNotFoundOnDiskError
from app.pdf.render import PREFETCH, VISIBLE, PageCache, PageRenderer, PageWorker, Prefetcher, RenderCancelled, dpi_bucket


@pytest.fixture
def big(big_pdf: Path) -> PageRenderer:
    renderer = PageRenderer(big_pdf)
    yield renderer
    renderer.close()


def test_page_count_sizes_and_outline_of_the_400_page_report(big: PageRenderer) -> None:
    assert big.page_count == 400
    assert big.page_size(0) == (595.0, 842.0)
    outline = big.outline()
    assert outline and outline[0].level == 1
    assert all(entry.page is None or 0 <= entry.page < 400 for entry in outline)
    assert outline[0].title.startswith("Phần I")


def test_rotated_pages_are_measured_as_displayed(good: Path) -> None:
    renderer = PageRenderer(good / "kho_giay_hon_hop_xoay.pdf")
    try:
        doc = pymupdf.open(good / "kho_giay_hon_hop_xoay.pdf")
        for n in range(renderer.page_count):
            assert renderer.page_size(n) == (doc[n].rect.width, doc[n].rect.height)
            image = renderer.render(n, dpi=36)
            assert (image.width, image.height) == renderer.pixel_size(n, 36)
        assert renderer.page_size(3) == (842.0, 595.0)  # A4 turned a quarter
    finally:
        renderer.close()


def test_render_size_at_a_dpi_and_the_same_pixels_as_pymupdf(big: PageRenderer, big_pdf: Path) -> None:
    image = big.render(0, dpi=144)
    assert (image.width, image.height, image.stride, image.dpi) == (1190, 1684, 1190 * 3, 144)
    assert len(image.samples) == image.nbytes == 1190 * 1684 * 3
    raw = pymupdf.open(big_pdf)[0].get_pixmap(dpi=144, alpha=False)
    assert bytes(image.samples) == raw.samples
    # zoom and the screen's pixel ratio multiply: 100 % on a 2× tablet is 144 DPI.
    assert big.render(0, zoom=1.0, device_pixel_ratio=2.0) is image


def test_scanned_pages_come_out_as_pymupdf_draws_them(good: Path) -> None:
    """Heavy enough to be drawn in bands, but with an image: one band, so no partial decodes."""
    path = good / "cong_van_scan.pdf"
    renderer = PageRenderer(path)
    try:
        image = renderer.render(2, dpi=300)
        raw = pymupdf.open(path)[2].get_pixmap(dpi=300, alpha=False)
        assert (image.width, image.height) == (raw.width, raw.height)
        assert bytes(image.samples) == raw.samples
    finally:
        renderer.close()


def test_a_cache_hit_returns_the_same_object(big: PageRenderer) -> None:
    first = big.render(5, dpi=100)
    again = big.render(5, dpi=100.3)  # the same DPI bucket
    assert again is first and again.samples is first.samples
    assert big.cache.hits >= 1
    assert big.render(5, dpi=120) is not first  # another resolution is another entry
    assert big.cache.nearest(5, 110).dpi in (100, 120)


def test_the_cache_stays_under_its_byte_bound(big_pdf: Path) -> None:
    cache = PageCache(max_bytes=12 * 1024 * 1024)  # 4 pages at 100 DPI
    renderer = PageRenderer(big_pdf, cache=cache)
    try:
        page_bytes = renderer.render(0, dpi=100).nbytes
        for n in range(1, 40):
            renderer.render(n, dpi=100)
            assert cache.bytes_used <= cache.max_bytes
        assert len(cache) == cache.max_bytes // page_bytes
        assert (39, 100) in cache and (0, 100) not in cache  # least recently used went first
        renderer.render(38, dpi=100)  # used again: now the most recent
        renderer.render(0, dpi=100)
        assert (38, 100) in cache
    finally:
        renderer.close()


def test_a_page_bigger_than_the_whole_cache_is_rendered_but_not_kept(big_pdf: Path) -> None:
    renderer = PageRenderer(big_pdf, cache=PageCache(max_bytes=1000))
    try:
        image = renderer.render(0, dpi=72)
        assert image.width == 595 and len(renderer.cache) == 0 and renderer.cache.bytes_used == 0
    finally:
        renderer.close()


def test_prefetch_makes_the_next_page_a_cache_hit(big: PageRenderer) -> None:
    worker = PageWorker(big)
    try:
        prefetcher = Prefetcher(worker)
        dpi = dpi_bucket(96 * 1.3)
        big.render(10, dpi=dpi)
        assert prefetcher.page_shown(10, dpi) == [11, 9, 12]
        assert worker.wait_idle(10)
        hits = big.cache.hits
        assert big.render(11, dpi=dpi) is big.cache.get(11, dpi)
        assert big.cache.hits > hits
        assert (9, dpi) in big.cache and (12, dpi) in big.cache
        assert prefetcher.page_shown(10, dpi) == []  # nothing left to do
    finally:
        worker.close()


def test_a_jump_cancels_the_prefetch_for_the_old_page(big: PageRenderer) -> None:
    worker = PageWorker(big)
    gate = threading.Event()
    try:
        worker.submit(lambda: gate.wait(10), priority=VISIBLE)  # hold the thread while we queue
        prefetcher = Prefetcher(worker)
        prefetcher.page_shown(0, 90)
        prefetcher.page_shown(200, 90)  # the user jumped: pages 1 and 2 are no longer wanted
        gate.set()
        assert worker.wait_idle(10)
        assert (1, 90) not in big.cache and (2, 90) not in big.cache
        assert all((page, 90) in big.cache for page in (199, 201, 202))
    finally:
        worker.close()


def test_what_is_on_screen_is_rendered_before_prefetching(big: PageRenderer) -> None:
    worker = PageWorker(big)
    gate = threading.Event()
    order: list[int] = []
    try:
        worker.submit(lambda: gate.wait(10), priority=VISIBLE)
        for page in (1, 2, 3):
            worker.render(page, 60, priority=PREFETCH, tag="prefetch", on_done=lambda r: order.append(r.page))
        worker.render(50, 60, priority=VISIBLE, on_done=lambda r: order.append(r.page))
        worker.render(2, 60, priority=VISIBLE, on_done=lambda r: order.append(r.page))  # joins the queued prefetch, now urgent
        gate.set()
        assert worker.wait_idle(10)
        # Page 2 was asked for twice (prefetch, then on screen): rendered once, both told.
        assert order == [50, 2, 2, 1, 3]
    finally:
        worker.close()


def test_a_cancelled_render_stops_between_bands(big: PageRenderer) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(RenderCancelled):
        big.render(3, dpi=300, cancelled=cancelled, use_cache=False)
    assert (3, 300) not in big.cache


def test_a_long_render_lets_other_threads_run(big_pdf: Path) -> None:
    """MuPDF keeps the GIL while it draws: bands must give it back often."""
    renderer = PageRenderer(big_pdf, cache=PageCache(0))
    gaps: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        started = time.perf_counter()
        renderer.render(0, dpi=600)  # 4960 × 7016 pixels in one page
        took = time.perf_counter() - started
    finally:
        stop.set()
        ticker.join()
        renderer.close()
    assert max(gaps) < max(0.05, took / 3), f"the GUI thread would have waited {max(gaps) * 1000:.0f} ms of {took * 1000:.0f} ms"


def test_thumbnails_fit_their_box(big: PageRenderer) -> None:
    thumb = big.thumbnail(0, max_width=120, max_height=120)
    assert thumb.height <= 121 and thumb.width <= 121 and max(thumb.width, thumb.height) >= 118
    assert len(big.cache) == 0


def test_missing_and_damaged_files_raise_errors_a_user_understands(tmp_path: Path) -> None:
    with pytest.raises(DocumentNotFoundOnDiskError):
        PageRenderer(tmp_path / "missing.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not really a PDF \x00\x01\x02")
    with pytest.raises(DamagedPdfError) as err:
        PageRenderer(broken)
    assert err.value.user_message("en")
