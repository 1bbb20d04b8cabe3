"""Page rendering for the reader (Qt-free): one open document, a byte-bounded cache of rendered
pages, and one background thread that renders what is on screen first and its neighbours next.

PyMuPDF keeps the GIL while MuPDF draws, so a page rendered "in the background" in one call would
still freeze the GUI thread for as long as it takes (a heavy page at high zoom: 100 ms and more).
A page expected to take long is therefore drawn in horizontal bands of about BAND_MS each, one
MuPDF call per band: between two bands the GUI thread gets the interpreter back, a cancelled render
stops, and a more urgent job (the page the user just jumped to) goes first. The expectation is the
document's drawing cost per megapixel, learnt from its pages rendered so far; a cheap page (most
text pages: 1-3 ms) is drawn in one call, as every band costs one more pass over the page's
content. The result is the pixmap `page.get_pixmap()` gives (identical but for a few anti-aliased
pixels). Pages with images are drawn in one band: MuPDF would decode the image again for each.

Page numbers are 0-based everywhere; sizes are in points (1/72 inch) of the page as displayed
(rotation applied), the space `page.rect` and text extraction use.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import pymupdf

from app.pdf.errors import DamagedPageError, DamagedPdfError, DocumentNotFoundOnDiskError, PasswordProtectedError

log = logging.getLogger(__name__)
mupdf = pymupdf.mupdf

DEFAULT_CACHE_BYTES = 128 * 1024 * 1024  # ~27 A4 pages at "fit width" on a 1280 px screen, 7 on a 2× tablet
MIN_DPI, MAX_DPI = 6, 1200
MAX_PIXELS = 24_000_000  # one page image at most (~70 MB); beyond it the view scales the image up
BAND_MS = 8.0  # longest wanted MuPDF call, with the GIL held
MIN_BAND_ROWS = 64
FIRST_MS_PER_MPX = 2.0  # drawing cost guessed before the first page (a text page: about 1)
DISPLAY_LISTS = 8  # pages whose parsed content is kept, so zooming does not parse them again

# Priorities of PageWorker jobs: lower runs first.
VISIBLE, THUMBNAIL, PREFETCH, SEARCH = 0, 5, 10, 20


class RenderCancelled(Exception):
    """The render was no longer wanted (the user moved on)."""


class OutlineEntry(NamedTuple):
    level: int  # 1 = top level
    title: str
    page: int | None  # 0-based; None when the entry points outside the document


@dataclass(frozen=True, eq=False)
class RenderedPage:
    """One page as RGB pixels, 3 bytes per pixel, rows `stride` bytes apart, no alpha.

    `samples` is a read-only view of MuPDF's own buffer (no copy); it stays valid as long as this
    object lives, so whoever wraps it (a QImage) must keep a reference to the RenderedPage.
    """

    page: int
    width: int
    height: int
    stride: int
    samples: memoryview
    dpi: int
    _pixmap: Any = field(default=None, repr=False)

    @property
    def nbytes(self) -> int:
        return self.stride * self.height


def dpi_bucket(dpi: float) -> int:
    """The DPI actually rendered for a requested one: whole numbers, within sane bounds. The cache
    is keyed by it, so a view asking again for "the same" zoom finds the page already there."""
    return max(MIN_DPI, min(MAX_DPI, int(round(dpi))))


def render_dpi(*, zoom: float | None = None, dpi: float | None = None, device_pixel_ratio: float = 1.0) -> int:
    """`zoom` 1.0 is 72 DPI (one pixel per point); a high-DPI screen multiplies it."""
    if (zoom is None) == (dpi is None):
        raise ValueError("give exactly one of zoom or dpi")
    base = dpi if dpi is not None else zoom * 72.0
    return dpi_bucket(base * device_pixel_ratio)


class PageCache:
    """Rendered pages keyed by (page, dpi), least recently used out first, bounded by their total
    size in bytes. Thread-safe: the worker puts, the GUI thread gets."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[int, int], RenderedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, page: int, dpi: int) -> RenderedPage | None:
        with self._lock:
            item = self._items.get((page, dpi))
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end((page, dpi))
            self.hits += 1
            return item

    def __contains__(self, key: tuple[int, int]) -> bool:
        with self._lock:
            return key in self._items

    def put(self, rendered: RenderedPage) -> None:
        """Keep `rendered` (replacing the same key); a page bigger than the whole cache is not kept."""
        if rendered.nbytes > self.max_bytes:
            return
        key = (rendered.page, rendered.dpi)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._items[key] = rendered
            self._bytes += rendered.nbytes
            while self._bytes > self.max_bytes:
                _key, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes

    def nearest(self, page: int, dpi: int) -> RenderedPage | None:
        """The image of `page` at the DPI closest to `dpi` (sharper preferred): shown scaled while
        the right one renders, instead of a blank page."""
        with self._lock:
            found = [item for (p, _d), item in self._items.items() if p == page]
        if not found:
            return None
        return min(found, key=lambda item: (abs(math.log(item.dpi / dpi)), -item.dpi))

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


class PageRenderer:
    """One PDF opened once. PyMuPDF objects are not thread-safe: every use of `document` goes
    through `lock` (the worker thread renders and extracts text, the GUI thread asks for sizes)."""

    def __init__(self, path: Path | str | Any, *, cache: PageCache | None = None) -> None:
        self.lock = threading.RLock()
        if isinstance(path, (str, os.PathLike)):
            self.path = Path(path)
            if not self.path.is_file():
                raise DocumentNotFoundOnDiskError()
            source: dict[str, Any] = {"filename": self.path}
        else:
            # A source that unseals itself (a confidential document's protected copy): the plain
            # bytes stay in memory, never on disk.
            self.path = Path(getattr(path, "path", "document.pdf"))
            source = {"stream": path.read_bytes(), "filetype": "pdf"}
        try:
            self.document = pymupdf.open(**source)
        except (pymupdf.FileDataError, RuntimeError, ValueError) as exc:
            log.info("cannot open %s: %s", self.path, exc)
            raise DamagedPdfError() from exc
        if self.document.needs_pass:
            self.document.close()
            raise PasswordProtectedError()
        if self.document.page_count == 0:
            self.document.close()
            raise DamagedPdfError()
        self.cache = cache if cache is not None else PageCache()
        # All sizes up front (a few ms for 400 pages): the view lays out every page at once.
        self._sizes = [(r.width, r.height) for r in (page.rect for page in self.document)]
        self._lists: OrderedDict[int, Any] = OrderedDict()
        self._ms_per_mpx = FIRST_MS_PER_MPX
        self._images: dict[int, bool] = {}
        self.closed = False

    # --- document facts ---------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return len(self._sizes)

    def page_size(self, n: int) -> tuple[float, float]:
        """(width, height) in points, rotation applied."""
        return self._sizes[n]

    def page_sizes(self) -> list[tuple[float, float]]:
        return list(self._sizes)

    def outline(self) -> list[OutlineEntry]:
        with self.lock:
            toc = self.document.get_toc(simple=True)
        entries = []
        for level, title, page in toc:
            target = page - 1 if 1 <= page <= self.page_count else None
            entries.append(OutlineEntry(int(level), " ".join(str(title).split()), target))
        return entries

    def metadata_title(self) -> str:
        with self.lock:
            return (self.document.metadata or {}).get("title") or ""

    # --- rendering ----------------------------------------------------------------------------
    def pixel_size(self, n: int, dpi: int) -> tuple[int, int]:
        w, h = self._sizes[n]
        return max(1, round(w * dpi / 72)), max(1, round(h * dpi / 72))

    def clamp_dpi(self, n: int, dpi: int) -> int:
        """Lower `dpi` so that the page stays under MAX_PIXELS."""
        w, h = self._sizes[n]
        limit = math.sqrt(MAX_PIXELS / max(1.0, w * h)) * 72
        return dpi_bucket(min(dpi, limit))

    def render(
        self, n: int, *, zoom: float | None = None, dpi: float | None = None, device_pixel_ratio: float = 1.0,
        cancelled: Callable[[], bool] | None = None, use_cache: bool = True,
    ) -> RenderedPage:
        """Page `n` at `zoom` (1.0 = 72 DPI) or `dpi`, times the screen's pixel ratio; from the
        cache when it is there (the same object), else rendered and put in the cache."""
        steps = self.iter_render(n, render_dpi(zoom=zoom, dpi=dpi, device_pixel_ratio=device_pixel_ratio), cancelled=cancelled, use_cache=use_cache)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def iter_render(self, n: int, dpi: int, *, cancelled: Callable[[], bool] | None = None, use_cache: bool = True) -> Iterator[None]:
        """The render as steps (one band each) for PageWorker; returns the RenderedPage."""
        if not 0 <= n < self.page_count:
            raise IndexError(f"page {n} of {self.page_count}")
        dpi = self.clamp_dpi(n, dpi_bucket(dpi))
        if use_cache:
            hit = self.cache.get(n, dpi)
            if hit is not None:
                return hit
        scale = dpi / 72.0
        matrix = mupdf.FzMatrix(scale, 0, 0, scale, 0, 0)
        with self.lock:
            self._check_open()
            try:
                dlist = self._display_list(n)
                bbox = mupdf.fz_round_rect(mupdf.fz_transform_rect(mupdf.fz_bound_display_list(dlist), matrix))
                pix = mupdf.fz_new_pixmap_with_bbox(mupdf.FzColorspace(mupdf.FzColorspace.Fixed_RGB), bbox, mupdf.FzSeparations(), 0)
            except RuntimeError as exc:  # MuPDF errors surface as RuntimeError subclasses
                raise DamagedPageError(page=n + 1) from exc
        width, height = bbox.x1 - bbox.x0, bbox.y1 - bbox.y0
        megapixels = width * height / 1e6
        bands = max(1, math.ceil(self._ms_per_mpx * megapixels / BAND_MS))
        if bands > 1 and self._has_images(n):
            # Images are drawn from a decoded part when only a band of them is needed, and MuPDF's
            # partial decodes differ slightly from the whole (and cost as much each): one band then.
            bands = 1
        rows = max(MIN_BAND_ROWS, math.ceil(height / bands))
        spent = 0.0
        for top in range(bbox.y0, bbox.y1, rows):
            if cancelled is not None and cancelled():
                raise RenderCancelled()
            band = mupdf.FzIrect(bbox.x0, top, bbox.x1, min(bbox.y1, top + rows))
            with self.lock:
                self._check_open()
                started = time.perf_counter()
                try:
                    # White first, band by band too: clearing 70 MB at once is a 35 ms call.
                    mupdf.fz_clear_pixmap_rect_with_value(pix, 0xFF, band)
                    device = mupdf.fz_new_draw_device_with_bbox(mupdf.FzMatrix(), pix, band)
                    mupdf.fz_run_display_list(dlist, device, matrix, mupdf.fz_rect_from_irect(band), mupdf.FzCookie())
                    mupdf.fz_close_device(device)
                except RuntimeError as exc:
                    raise DamagedPageError(page=n + 1) from exc
                spent += time.perf_counter() - started
            yield
        if megapixels > 0.05:
            # Learn quickly that a document is heavy, slowly that it is light.
            cost = spent * 1000 / megapixels
            weight = 0.6 if cost > self._ms_per_mpx else 0.25
            self._ms_per_mpx += weight * (cost - self._ms_per_mpx)
        pixmap = pymupdf.Pixmap("raw", pix)
        rendered = RenderedPage(n, width, height, pixmap.stride, pixmap.samples_mv.toreadonly(), dpi, pixmap)
        if use_cache:
            self.cache.put(rendered)
        return rendered

    def _display_list(self, n: int) -> Any:
        """The parsed content of page `n` (with annotations), recent pages kept. Under the lock."""
        dlist = self._lists.get(n)
        if dlist is None:
            dlist = self._lists[n] = mupdf.fz_new_display_list_from_page(self.document[n].this)
            while len(self._lists) > DISPLAY_LISTS:
                self._lists.popitem(last=False)
        else:
            self._lists.move_to_end(n)
        return dlist

    def _has_images(self, n: int) -> bool:
        """Whether page `n` draws images (asked only of pages heavy enough to be banded: a page
        with 80 images takes 3 ms to answer)."""
        found = self._images.get(n)
        if found is None:
            with self.lock:
                self._check_open()
                found = self._images[n] = bool(self.document[n].get_images(full=True))
        return found

    def thumbnail(self, n: int, *, max_width: int, max_height: int) -> RenderedPage:
        """Page `n` small enough for a box of max_width × max_height pixels; not cached."""
        w, h = self._sizes[n]
        dpi = max(MIN_DPI, min(max_width / w, max_height / h) * 72)
        with self.lock:
            self._check_open()
            try:
                pixmap = self.document[n].get_pixmap(matrix=pymupdf.Matrix(dpi / 72, dpi / 72), alpha=False)
            except RuntimeError as exc:
                raise DamagedPageError(page=n + 1) from exc
        return RenderedPage(n, pixmap.width, pixmap.height, pixmap.stride, pixmap.samples_mv.toreadonly(), int(round(dpi)), pixmap)

    def _check_open(self) -> None:
        if self.closed:
            raise RenderCancelled()

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            self._lists.clear()
            self.document.close()
        self.cache.clear()


# --- the background thread --------------------------------------------------------------------
Callback = Callable[[Any], None]


class Job:
    """One piece of work for PageWorker. `work` is a callable, or a generator function whose steps
    run one at a time (other, more urgent jobs may run between two steps)."""

    def __init__(self, key: Any, work: Callable[[], Any], priority: int, tag: str) -> None:
        self.key = key
        self.work = work
        self.priority = priority
        self.tag = tag
        self.order = 0  # place among jobs of the same priority (first come, first served)
        self.on_done: list[Callback] = []
        self.on_error: list[Callback] = []
        self.on_step: Callback | None = None
        self._steps: Iterator[Any] | None = None
        self._cancelled = threading.Event()
        self.finished = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class PageWorker:
    """One background thread doing one document's MuPDF work, most urgent first.

    Callbacks (`on_done`, `on_error`, `on_step`) are called on this thread: a GUI hands them on to
    its own thread (ui/views/reader/document.py does, with a queued signal).
    """

    def __init__(self, renderer: PageRenderer, *, name: str = "pdf-pages") -> None:
        self.renderer = renderer
        self._queue: list[tuple[int, int, Job]] = []
        self._jobs: dict[Any, Job] = {}
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._stopping = False
        self.current: Job | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # --- submitting -----------------------------------------------------------------------------
    def render(self, n: int, dpi: int, *, priority: int = VISIBLE, tag: str = "visible", on_done: Callback | None = None, on_error: Callback | None = None) -> Job:
        """Render page `n` at `dpi` into the renderer's cache; a request for a page already queued
        joins it (and raises its priority) instead of rendering it twice."""
        dpi = self.renderer.clamp_dpi(n, dpi_bucket(dpi))
        key = ("render", n, dpi)

        def work() -> Iterator[None]:
            job = self._jobs.get(key)
            return self.renderer.iter_render(n, dpi, cancelled=lambda: job is not None and job.cancelled)

        return self.submit(work, key=key, priority=priority, tag=tag, on_done=on_done, on_error=on_error)

    def submit(self, work: Callable[[], Any], *, key: Any = None, priority: int, tag: str = "", on_done: Callback | None = None,
               on_error: Callback | None = None, on_step: Callback | None = None) -> Job:
        with self._wake:
            job = self._jobs.get(key) if key is not None else None
            if job is not None and not job.cancelled:
                if priority < job.priority:
                    job.priority = priority
                    job.tag = tag
                    job.order = next(self._order)
                    heapq.heappush(self._queue, (priority, job.order, job))
                elif tag == "visible":
                    job.tag = tag  # a prefetch became what the user is looking at: do not cancel it
            else:
                job = Job(key if key is not None else object(), work, priority, tag)
                job.order = next(self._order)
                self._jobs[job.key] = job
                heapq.heappush(self._queue, (priority, job.order, job))
            if on_done is not None and on_done not in job.on_done:
                job.on_done.append(on_done)
            if on_error is not None and on_error not in job.on_error:
                job.on_error.append(on_error)
            if on_step is not None:
                job.on_step = on_step
            self._wake.notify()
        return job

    def cancel(self, *, tag: str | None = None, keep: Iterable[Any] = ()) -> None:
        """Cancel queued and running jobs with `tag` (all when None), except those whose key is in `keep`."""
        keep = set(keep)
        with self._wake:
            for job in list(self._jobs.values()):
                if (tag is None or job.tag == tag) and job.key not in keep:
                    job.cancel()

    def pending(self, tag: str | None = None) -> int:
        with self._wake:
            return sum(1 for job in self._jobs.values() if not job.cancelled and (tag is None or job.tag == tag))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued or running (tests, benchmarks)."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._jobs, timeout)

    # --- the thread -----------------------------------------------------------------------------
    def _next(self) -> Job | None:
        with self._wake:
            while True:
                if self._stopping:
                    return None
                while self._queue:
                    priority, order, job = heapq.heappop(self._queue)
                    if job.finished.is_set():
                        continue  # a duplicate entry of a job already over
                    if job.cancelled:
                        self._drop(job)
                        continue
                    if (priority, order) != (job.priority, job.order):
                        continue  # a stale entry: the job was queued again, more urgently
                    return job
                self._wake.wait()

    def _drop(self, job: Job) -> None:
        if self._jobs.get(job.key) is job:
            del self._jobs[job.key]
        job.finished.set()
        self._wake.notify_all()

    def _run(self) -> None:
        while (job := self._next()) is not None:
            self.current = job
            outcome: tuple[str, Any] | None = None
            try:
                if job._steps is None:
                    result = job.work()
                    if isinstance(result, Iterator):
                        job._steps = result
                    else:
                        outcome = ("done", result)
                if job._steps is not None:
                    try:
                        step = next(job._steps)
                    except StopIteration as stop:
                        outcome = ("done", stop.value)
                    else:
                        if step is not None and job.on_step is not None:
                            job.on_step(step)
            except RenderCancelled:
                job.cancel()
            except BaseException as exc:  # noqa: BLE001 - handed to on_error; logged if nobody listens
                outcome = ("error", exc)
            finally:
                self.current = None
            with self._wake:
                if outcome is None and not job.cancelled:
                    # More steps to go: back in its place, after anything more urgent that came meanwhile.
                    heapq.heappush(self._queue, (job.priority, job.order, job))
                    continue
                self._drop(job)
            if outcome is None:
                continue
            kind, value = outcome
            callbacks = job.on_done if kind == "done" else job.on_error
            if kind == "error" and not callbacks:
                log.error("pdf job %s failed", job.key, exc_info=value)
            for callback in callbacks:
                try:
                    callback(value)
                except Exception:  # noqa: BLE001 - a listener's bug must not stop the worker
                    log.exception("pdf job callback failed")

    def close(self, timeout: float = 5.0) -> None:
        with self._wake:
            self._stopping = True
            for job in self._jobs.values():
                job.cancel()
            self._wake.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)


class Prefetcher:
    """After a page is shown, renders its neighbours into the cache (n+1, n-1, n+2), so "next page"
    is a cache hit. A new `page_shown` (the user jumped) cancels what was queued for the old one."""

    OFFSETS = (1, -1, 2)

    def __init__(self, worker: PageWorker) -> None:
        self.worker = worker
        self.renderer = worker.renderer
        self.last: tuple[int, int] | None = None

    def page_shown(self, n: int, dpi: int, *, on_done: Callback | None = None) -> list[int]:
        """Queue the neighbours of page `n` at `dpi`; returns the pages queued."""
        self.last = (n, dpi)
        wanted = []
        keys = []
        for offset in self.OFFSETS:
            page = n + offset
            if 0 <= page < self.renderer.page_count:
                d = self.renderer.clamp_dpi(page, dpi_bucket(dpi))
                keys.append(("render", page, d))
                if (page, d) not in self.renderer.cache:
                    wanted.append(page)
        self.worker.cancel(tag="prefetch", keep=keys)
        for page in wanted:
            self.worker.render(page, dpi, priority=PREFETCH, tag="prefetch", on_done=on_done)
        return wanted

    def cancel(self) -> None:
        self.worker.cancel(tag="prefetch")
