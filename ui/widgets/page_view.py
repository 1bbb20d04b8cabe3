"""PageView: the pages of a PDF, one under the other (continuous) or one at a time, zoomable, with
search hits highlighted. It lays out page rectangles itself and paints only the visible pages;
the pixels come from a `PageSource` (rendered off the GUI thread), a grey page with its number
stands in until they arrive. An optional `PageOverlay` (the reader's annotation tools) paints over
each page and receives the pointer: mouse, or pen with its pressure.

Coordinates: a page is measured in points (1/72 inch), rotation applied; `zoom` 1.0 shows it at
96 logical pixels per inch ("100 %"), and images are rendered at that times the screen's pixel
ratio, so text stays sharp on high-DPI tablets.
"""

from __future__ import annotations

import bisect
from typing import Protocol

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QTabletEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QPinchGesture, QScroller, QWidget

PT_TO_PX = 96 / 72
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
ZOOM_MIN, ZOOM_MAX = ZOOM_STEPS[0], ZOOM_STEPS[-1]
MARGIN = 16  # logical px around the pages
GAP = 12  # between two pages
BACKDROP = QColor("#dde2e8")
PLACEHOLDER = QColor("#eceff3")
HIT = QColor(255, 214, 10, 105)
CURRENT_HIT = QColor(255, 140, 0, 120)
CURRENT_HIT_EDGE = QColor("#e36c00")
EDGE = QColor(20, 40, 60, 45)
SHADOW = QColor(20, 40, 60, 28)

Rect = tuple[float, float, float, float]


class PageImage:
    """A rendered page ready to paint. The QImage shares the pixels of `rendered` (an
    app.pdf.render.RenderedPage), which this object keeps alive for as long as it is painted."""

    __slots__ = ("rendered", "image", "dpi")

    def __init__(self, rendered, device_pixel_ratio: float = 1.0) -> None:  # noqa: ANN001 - RenderedPage
        self.rendered = rendered
        self.dpi = rendered.dpi
        self.image = QImage(rendered.samples, rendered.width, rendered.height, rendered.stride, QImage.Format.Format_RGB888)
        self.image.setDevicePixelRatio(device_pixel_ratio)


class PageSource(Protocol):
    """What PageView needs from a document (ui/views/reader/document.py: ReaderDocument)."""

    page_rendered: Signal  # (page, dpi)

    def page_sizes(self) -> list[tuple[float, float]]: ...
    def image(self, page: int, dpi: int) -> PageImage | None: ...  # exact, or None
    def fallback(self, page: int, dpi: int) -> PageImage | None: ...  # any other resolution
    def failed(self, page: int) -> bool: ...
    def request(self, pages: list[int], dpi: int) -> None: ...  # render these, forget the others
    def page_shown(self, page: int, dpi: int) -> None: ...  # prefetch around it


class PageOverlay(Protocol):
    """Drawn over the pages and given the pointer (ui/views/reader/annotation_tools.py). Points are
    in the page's displayed points (rotation applied, origin top left); a drag keeps the page it
    started on, its points may fall outside that page."""

    def paint_page(self, painter: QPainter, page: int, rect: QRectF, scale: float) -> None: ...
    def pointer(self, phase: str, page: int, x: float, y: float, pressure: float) -> bool: ...  # "press" / "move" / "release"; True: used
    def key(self, event: QKeyEvent) -> bool: ...  # True: used


MOUSE_PRESSURE = 0.5  # what a mouse "presses" (a pen reports 0..1)


class PageView(QAbstractScrollArea):
    current_page_changed = Signal(int)
    zoom_changed = Signal(float)
    layout_changed = Signal()  # zoom, fit or mode changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PageView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # fit width must not make it appear
        self.viewport().setAutoFillBackground(False)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.verticalScrollBar().setSingleStep(40)
        self.horizontalScrollBar().setSingleStep(40)
        self.source: PageSource | None = None
        self._sizes: list[tuple[float, float]] = []
        self.zoom = 1.0
        self.fit: str | None = "width"  # "width", "page" or None (a zoom the user chose)
        self.continuous = True
        self._current = 0
        self._announced = -1  # the last page current_page_changed told about
        self._laid: list[int] = []  # pages in the layout (all, or the current one)
        self._tops: list[float] = []  # their top edges, logical px in the content
        self._content = QSize(0, 0)
        self._shown: dict[int, PageImage] = {}  # the images being painted, by page
        self._hits: dict[int, list[Rect]] = {}
        self._current_hit: tuple[int, tuple[Rect, ...]] | None = None
        self._requested: tuple[tuple[int, ...], int] | None = None
        self._prefetched: tuple[int, int] | None = None
        self._wheel_flip = 0
        self.painted: set[int] = set()  # pages painted with their final image (tests, benchmarks)
        self.placeholder_text = "%(page)s"  # set by the window in its language
        self.failed_text = ""
        self.overlay: PageOverlay | None = None
        self._pointer_page: int | None = None  # the page a drag started on
        # Zooming by pinch or wheel changes the DPI many times a second: render once it settles.
        self._zoom_settle = QTimer(self)
        self._zoom_settle.setSingleShot(True)
        self._zoom_settle.setInterval(120)
        self._zoom_settle.timeout.connect(self._refresh_images)

    # --- the document -------------------------------------------------------------------------
    def set_source(self, source: PageSource, *, page: int = 0) -> None:
        self.source = source
        self._sizes = source.page_sizes()
        source.page_rendered.connect(self._on_page_rendered)
        self._current = max(0, min(page, len(self._sizes) - 1))
        self._relayout()
        self.go_to_page(self._current)

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    @property
    def current_page(self) -> int:
        return self._current

    @property
    def device_pixel_ratio(self) -> float:
        return self.viewport().devicePixelRatioF()

    @property
    def scale(self) -> float:
        """Logical pixels per point."""
        return self.zoom * PT_TO_PX

    def dpi(self) -> int:
        """The DPI pages are rendered at for this zoom on this screen."""
        return max(1, round(self.zoom * 96 * self.device_pixel_ratio))

    def visible_pages(self) -> list[int]:
        if not self._laid:
            return []
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        k = self.scale
        first = max(0, bisect.bisect_right(self._tops, top) - 1)
        pages = []
        for slot in range(first, len(self._laid)):
            y = self._tops[slot]
            if y > bottom:
                break
            page = self._laid[slot]
            if y + self._sizes[page][1] * k >= top:
                pages.append(page)
        return pages

    def is_showing(self, page: int) -> bool:
        """Page `page` is on screen with its image at the current resolution."""
        image = self._shown.get(page)
        return image is not None and page in self.visible_pages() and self.source is not None and self._exact(page, image)

    def _exact(self, page: int, image: PageImage) -> bool:
        return image.dpi == self.source_dpi(page)

    def source_dpi(self, page: int) -> int:
        clamp = getattr(self.source, "clamp_dpi", None)
        return clamp(page, self.dpi()) if clamp else self.dpi()

    # --- layout ---------------------------------------------------------------------------------
    def _relayout(self) -> None:
        if not self._sizes:
            return
        if self.fit is not None:
            self.zoom = self._fit_zoom(self.fit)
        k = self.scale
        self._laid = list(range(len(self._sizes))) if self.continuous else [self._current]
        self._tops = []
        y = float(MARGIN)
        widest = 0.0
        for page in self._laid:
            w, h = self._sizes[page]
            self._tops.append(y)
            y += h * k + GAP
            widest = max(widest, w * k)
        self._content = QSize(int(widest + 2 * MARGIN), int(y - GAP + MARGIN))
        self._update_scrollbars()

    def _update_scrollbars(self) -> None:
        vp = self.viewport().size()
        v, h = self.verticalScrollBar(), self.horizontalScrollBar()
        v.setRange(0, max(0, self._content.height() - vp.height()))
        v.setPageStep(vp.height())
        h.setRange(0, max(0, self._content.width() - vp.width()))
        h.setPageStep(vp.width())

    def _fit_zoom(self, fit: str) -> float:
        w, h = self._sizes[self._current]
        avail_w = max(50, self.viewport().width() - 2 * MARGIN)
        zoom = avail_w / (w * PT_TO_PX)
        if fit == "page":
            avail_h = max(50, self.viewport().height() - 2 * MARGIN)
            zoom = min(zoom, avail_h / (h * PT_TO_PX))
        return max(ZOOM_MIN, min(ZOOM_MAX, zoom))

    def page_rect(self, page: int) -> QRectF:
        """Where page `page` is, in viewport coordinates (empty if it is not laid out)."""
        try:
            slot = self._laid.index(page) if not self.continuous else page
        except ValueError:
            return QRectF()
        k = self.scale
        w, h = self._sizes[page]
        width = max(self._content.width(), self.viewport().width())
        x = (width - w * k) / 2 - self.horizontalScrollBar().value()
        y = self._tops[slot] - self.verticalScrollBar().value()
        return QRectF(x, y, w * k, h * k)

    def page_point(self, pos: QPointF, page: int | None = None) -> tuple[int, float, float] | None:
        """The page under a viewport point and the point on it in points (None between pages);
        with `page`, the point relative to that page wherever it is."""
        k = self.scale
        if page is not None:
            rect = self.page_rect(page)
            return None if rect.isEmpty() else (page, (pos.x() - rect.left()) / k, (pos.y() - rect.top()) / k)
        for shown in self.visible_pages():
            rect = self.page_rect(shown)
            if rect.contains(pos):
                return shown, (pos.x() - rect.left()) / k, (pos.y() - rect.top()) / k
        return None

    def view_point(self, page: int, x: float, y: float) -> QPointF:
        """Where the point (x, y) of `page` (displayed points) is in the viewport."""
        rect = self.page_rect(page)
        return QPointF(rect.left() + x * self.scale, rect.top() + y * self.scale)

    def set_overlay(self, overlay: PageOverlay | None) -> None:
        self.overlay = overlay
        self.viewport().update()

    def _page_at(self, pos: QPointF) -> tuple[int, float, float] | None:
        """The page under a viewport point and the point on it, in points."""
        for page in self.visible_pages():
            rect = self.page_rect(page)
            if rect.top() - GAP <= pos.y() <= rect.bottom() + GAP:
                k = self.scale
                return page, (pos.x() - rect.left()) / k, (pos.y() - rect.top()) / k
        return None

    # --- navigation -----------------------------------------------------------------------------
    def go_to_page(self, page: int, *, y: float | None = None) -> None:
        """Show page `page` from its top (or with the point `y`, in points, a third of the way down)."""
        if not self._sizes:
            return
        page = max(0, min(page, self.page_count - 1))
        if not self.continuous and page != self._current:
            self._current = page
            self._relayout()
        slot = page if self.continuous else 0
        top = self._tops[slot] - MARGIN
        if y is not None:
            top = self._tops[slot] + y * self.scale - self.viewport().height() / 3
        self.verticalScrollBar().setValue(int(round(top)))
        self._after_scroll(current=page)  # the last pages cannot scroll to the top: still "current"

    def next_page(self) -> None:
        self.go_to_page(self._current + 1)

    def previous_page(self) -> None:
        self.go_to_page(self._current - 1)

    def ensure_visible(self, page: int, rect: Rect) -> None:
        """Scroll so that `rect` (points) on `page` is on screen, leaving it where it is if it already is."""
        if not self.continuous and page != self._current:
            self._current = page
            self._relayout()
        slot = page if self.continuous else 0
        k = self.scale
        top = self._tops[slot] + rect[1] * k
        bottom = self._tops[slot] + rect[3] * k
        view_top = self.verticalScrollBar().value()
        height = self.viewport().height()
        if top < view_top + 8 or bottom > view_top + height - 8:
            self.verticalScrollBar().setValue(int(top - height / 3))
        page_x = self.page_rect(page).left() + self.horizontalScrollBar().value()
        left, right = page_x + rect[0] * k, page_x + rect[2] * k
        h = self.horizontalScrollBar()
        if left < h.value() or right > h.value() + self.viewport().width():
            h.setValue(int(left - self.viewport().width() / 3))
        self._after_scroll(current=page)

    # --- zoom -----------------------------------------------------------------------------------
    def set_zoom(self, zoom: float, *, anchor: QPointF | None = None, gesture: bool = False) -> None:
        """A zoom chosen by the user (1.0 = 100 %); `anchor` (viewport point) stays where it is.
        During a gesture (wheel, pinch) pages are rendered at the new size once it settles."""
        self._apply_zoom(max(ZOOM_MIN, min(ZOOM_MAX, zoom)), None, anchor, settle=gesture)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom * 1.01), ZOOM_MAX))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom / 1.01), ZOOM_MIN))

    def fit_width(self) -> None:
        self._apply_zoom(None, "width", None)

    def fit_page(self) -> None:
        self._apply_zoom(None, "page", None)

    def _apply_zoom(self, zoom: float | None, fit: str | None, anchor: QPointF | None, *, settle: bool = False) -> None:
        if not self._sizes:
            self.fit = fit
            self.zoom = zoom or self.zoom
            return
        if anchor is None:
            anchor = QPointF(self.viewport().width() / 2, self.viewport().height() / 3)
        spot = self._page_at(anchor)
        old = self.zoom
        self.fit = fit
        if zoom is not None:
            self.zoom = zoom
        self._relayout()
        if spot is not None:
            page, x, y = spot
            slot = page if self.continuous else 0
            k = self.scale
            width = max(self._content.width(), self.viewport().width())
            page_left = (width - self._sizes[page][0] * k) / 2
            self.horizontalScrollBar().setValue(int(round(page_left + x * k - anchor.x())))
            self.verticalScrollBar().setValue(int(round(self._tops[slot] + y * k - anchor.y())))
        if fit == "page":
            self.go_to_page(self._current)
        self._after_scroll(settle=settle)
        self.viewport().update()
        if abs(old - self.zoom) > 1e-6:
            self.zoom_changed.emit(self.zoom)
        self.layout_changed.emit()

    def set_continuous(self, continuous: bool) -> None:
        if continuous == self.continuous:
            return
        page = self._current
        self.continuous = continuous
        self._relayout()
        self.go_to_page(page)
        self.layout_changed.emit()

    # --- search hits ----------------------------------------------------------------------------
    def set_hits(self, hits: dict[int, list[Rect]]) -> None:
        self._hits = hits
        self.viewport().update()

    def set_current_hit(self, page: int | None, rects: tuple[Rect, ...] = ()) -> None:
        self._current_hit = None if page is None else (page, tuple(rects))
        if page is not None and rects:
            bounds = (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))
            self.ensure_visible(page, bounds)
        self.viewport().update()

    # --- images ---------------------------------------------------------------------------------
    def _set_current(self, page: int) -> None:
        self._current = page
        if page != self._announced:
            self._announced = page
            self.current_page_changed.emit(page)

    def _after_scroll(self, *, settle: bool = False, current: int | None = None) -> None:
        pages = self.visible_pages()
        if current is not None:
            self._set_current(current)
        elif self.continuous and pages:
            self._set_current(self._most_visible(pages))
        if settle:
            self._collect_images(pages, request=False)
            self._zoom_settle.start()
        else:
            self._collect_images(pages)
        self.viewport().update()

    def _most_visible(self, pages: list[int]) -> int:
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        best, best_seen = pages[0], -1.0
        for page in pages:
            rect = self.page_rect(page)
            y0 = rect.top() + top
            seen = min(bottom, y0 + rect.height()) - max(top, y0)
            if seen > best_seen + 1:
                best, best_seen = page, seen
        return best

    def _refresh_images(self) -> None:
        self._collect_images(self.visible_pages())
        self.viewport().update()

    def _collect_images(self, pages: list[int], *, request: bool = True) -> None:
        """Pick the image to paint for each visible page, and ask for the missing ones."""
        if self.source is None:
            return
        missing = []
        for page in pages:
            dpi = self.source_dpi(page)
            exact = self.source.image(page, dpi)
            if exact is not None:
                self._shown[page] = exact
                continue
            if self.source.failed(page):
                continue
            missing.append(page)
            if page not in self._shown:
                fallback = self.source.fallback(page, dpi)
                if fallback is not None:
                    self._shown[page] = fallback
        for page in list(self._shown):
            if page not in pages:
                del self._shown[page]
                self.painted.discard(page)
        if request:
            key = (tuple(missing), self.dpi())
            if missing and key != self._requested:
                self.source.request(missing, self.dpi())
            self._requested = key if missing else None
        self._maybe_prefetch()

    def _maybe_prefetch(self) -> None:
        """Once the current page shows its final image, render its neighbours."""
        image = self._shown.get(self._current)
        if image is None or not self._exact(self._current, image) or self.source is None:
            return
        key = (self._current, self.dpi())
        if key != self._prefetched:
            self._prefetched = key
            self.source.page_shown(self._current, self.dpi())

    def _on_page_rendered(self, page: int, dpi: int) -> None:
        if page in self.visible_pages() and dpi == self.source_dpi(page):
            self._requested = None
            self._collect_images(self.visible_pages())
            self.viewport().update()

    # --- Qt events ------------------------------------------------------------------------------
    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt override
        self._after_scroll()

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        if not self._sizes:
            return
        page = self._current
        rect = self.page_rect(page)
        offset = -rect.top() / self.scale if rect.height() else 0.0  # how far down the page we were
        zoom = self.zoom
        self._relayout()
        slot = page if self.continuous else 0
        self.verticalScrollBar().setValue(int(self._tops[slot] + offset * self.scale))
        self._after_scroll(settle=True)
        if abs(zoom - self.zoom) > 1e-6:  # fitted to the new size
            self.zoom_changed.emit(self.zoom)

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), BACKDROP)
        if not self._sizes:
            return
        k = self.scale
        for page in self.visible_pages():
            rect = self.page_rect(page)
            # A thin edge and a shadow under the page (outlines only: blending a whole page costs ms).
            painter.setPen(EDGE)
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
            painter.fillRect(QRectF(rect.left() + 1, rect.bottom() + 0.5, rect.width(), 2), SHADOW)
            image = self._shown.get(page)
            if image is None:
                self._paint_placeholder(painter, rect, page)
            else:
                self._paint_image(painter, rect, image)
                if self._exact(page, image):
                    self.painted.add(page)
            for hit in self._hits.get(page, ()):
                painter.fillRect(QRectF(rect.left() + hit[0] * k, rect.top() + hit[1] * k, (hit[2] - hit[0]) * k, (hit[3] - hit[1]) * k), HIT)
            if self._current_hit is not None and self._current_hit[0] == page:
                painter.setPen(QPen(CURRENT_HIT_EDGE, 1.5))
                for hit in self._current_hit[1]:
                    box = QRectF(rect.left() + hit[0] * k, rect.top() + hit[1] * k, (hit[2] - hit[0]) * k, (hit[3] - hit[1]) * k).adjusted(-1, -1, 1, 1)
                    painter.fillRect(box, CURRENT_HIT)
                    painter.drawRect(box)
            if self.overlay is not None:
                self.overlay.paint_page(painter, page, rect, k)
        painter.end()

    def _paint_image(self, painter: QPainter, rect: QRectF, image: PageImage) -> None:
        dpr = self.device_pixel_ratio
        img = image.image
        img.setDevicePixelRatio(dpr)
        if abs(img.width() / dpr - rect.width()) <= 1.0 and abs(img.height() / dpr - rect.height()) <= 1.0:
            # Device pixel for device pixel: the sharpest text, no resampling. The image is opaque;
            # only the rounding margin (under a pixel) is filled white.
            painter.fillRect(QRectF(rect.left(), rect.bottom() - 1, rect.width(), 1), Qt.GlobalColor.white)
            painter.fillRect(QRectF(rect.right() - 1, rect.top(), 1, rect.height()), Qt.GlobalColor.white)
            painter.drawImage(QPointF(round(rect.left() * dpr) / dpr, round(rect.top() * dpr) / dpr), img)
        else:  # another resolution, shown while the right one renders
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(rect, img)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)

    def _paint_placeholder(self, painter: QPainter, rect: QRectF, page: int) -> None:
        painter.fillRect(rect, PLACEHOLDER)
        failed = self.source is not None and self.source.failed(page)
        font = QFont(self.font())
        font.setPixelSize(max(10, min(48, int(rect.width() / 10))))
        font.setBold(not failed)
        painter.setFont(font)
        painter.setPen(QColor("#a61b1b") if failed else QColor("#9aa5b1"))
        text = (self.failed_text if failed else self.placeholder_text) % {"page": page + 1}
        # In the middle of the part on screen: a tall page's middle may be far below.
        shown = rect.intersected(QRectF(self.viewport().rect()))
        painter.drawText(shown.adjusted(12, 12, -12, -12), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self.zoom * (1.1 ** steps), anchor=event.position(), gesture=True)
            event.accept()
            return
        if not self.continuous and event.angleDelta().y():
            # One page at a time: scrolling on past its end turns the page.
            bar = self.verticalScrollBar()
            down = event.angleDelta().y() < 0
            at_edge = bar.value() >= bar.maximum() if down else bar.value() <= bar.minimum()
            if at_edge:
                self._wheel_flip += 1
                if self._wheel_flip >= 2:
                    self._wheel_flip = 0
                    if down and self._current + 1 < self.page_count:
                        self.next_page()
                    elif not down and self._current > 0:
                        self.go_to_page(self._current - 1)
                        bar.setValue(bar.maximum())
                event.accept()
                return
            self._wheel_flip = 0
        super().wheelEvent(event)

    # --- pointer: the overlay's tools ------------------------------------------------------------
    def _pointer(self, phase: str, pos: QPointF, pressure: float) -> bool:
        if self.overlay is None or not self._sizes:
            return False
        if phase == "press":
            spot = self.page_point(pos)
            if spot is None:
                return False
            self._pointer_page = spot[0]
        elif self._pointer_page is None:
            if phase == "move":  # hovering: tools may show where they would act
                spot = self.page_point(pos)
                return spot is not None and self.overlay.pointer("hover", *spot, pressure)
            return False
        else:
            spot = self.page_point(pos, self._pointer_page)
            if spot is None:
                return False
        if phase == "release":
            self._pointer_page = None
        return self.overlay.pointer(phase, *spot, pressure)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._pointer("press", event.position(), MOUSE_PRESSURE):
            self.setFocus()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._pointer("move", event.position(), MOUSE_PRESSURE):
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._pointer("release", event.position(), MOUSE_PRESSURE):
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _tablet(self, event: QTabletEvent) -> bool:
        """A pen: its pressure goes to the tools. Accepted, so Qt sends no mouse event after it."""
        phase = {QEvent.Type.TabletPress: "press", QEvent.Type.TabletMove: "move", QEvent.Type.TabletRelease: "release"}[event.type()]
        used = self._pointer(phase, event.position(), float(event.pressure()))
        if used:
            event.accept()
            if phase == "press":
                self.setFocus()
        return used

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.TabletPress, QEvent.Type.TabletMove, QEvent.Type.TabletRelease) and isinstance(event, QTabletEvent):
            if self._tablet(event):
                return True
        if event.type() == QEvent.Type.NativeGesture and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.set_zoom(self.zoom * (1 + event.value()), anchor=event.position(), gesture=True)
            return True
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                anchor = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.set_zoom(self.zoom * pinch.scaleFactor(), anchor=QPointF(anchor), gesture=True)
                event.accept()
                return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.overlay is not None and self.overlay.key(event):
            event.accept()
            return
        key = event.key()
        bar = self.verticalScrollBar()
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_Space) and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            if not self.continuous and bar.value() >= bar.maximum():
                self.next_page()
            else:
                bar.setValue(bar.value() + int(self.viewport().height() * 0.9))
        elif key == Qt.Key.Key_PageUp or (key == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            if not self.continuous and bar.value() <= bar.minimum() and self._current > 0:
                self.go_to_page(self._current - 1)
                bar.setValue(bar.maximum())
            else:
                bar.setValue(bar.value() - int(self.viewport().height() * 0.9))
        elif key == Qt.Key.Key_Home:
            self.go_to_page(0)
        elif key == Qt.Key.Key_End:
            self.go_to_page(self.page_count - 1)
        elif key == Qt.Key.Key_Right and not self.horizontalScrollBar().maximum():
            self.next_page()
        elif key == Qt.Key.Key_Left and not self.horizontalScrollBar().maximum():
            self.previous_page()
        else:
            super().keyPressEvent(event)
