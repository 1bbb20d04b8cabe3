"""The child side of vetting: runs in its own process under memory, CPU and time limits.

It opens the file with PyMuPDF, refuses what cannot be shown, renders every page once at low
resolution (which runs every content stream), extracts the text and the outline, and sends back
counts and a thumbnail of page 1. It never raises to its parent: it sends ("result", dict) or
dies, and the parent (app.pdf.vet) turns a death into a reason.
"""

from __future__ import annotations

import math
import time
from typing import Any

import pymupdf

try:  # not on Windows: there the parent's wall-clock limit is the only one
    import resource
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

RENDER_DPI = 36
# A page drawn at RENDER_DPI is never made bigger than this (a poster-sized page is drawn smaller).
MAX_RENDER_PIXELS = 4_000_000
THUMBNAIL_WIDTH = 240
THUMBNAIL_MAX_HEIGHT = 480


def set_limits(*, memory_mb: int, cpu_s: float) -> None:
    if resource is None:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file behind
    mem = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = max(1, math.ceil(cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))  # SIGXCPU at the soft limit, SIGKILL at the hard


def _zoom(rect: pymupdf.Rect, dpi: int = RENDER_DPI) -> float:
    zoom = dpi / 72
    area = max(rect.width * zoom, 1) * max(rect.height * zoom, 1)
    if area > MAX_RENDER_PIXELS:
        zoom *= math.sqrt(MAX_RENDER_PIXELS / area)
    return zoom


def _thumbnail(page: pymupdf.Page) -> bytes:
    zoom = min(THUMBNAIL_WIDTH / max(page.rect.width, 1), THUMBNAIL_MAX_HEIGHT / max(page.rect.height, 1), 1.0)
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


def _is_memory_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, MemoryError) or "malloc" in text or "out of memory" in text or "memory" in type(exc).__name__.lower()


def check(path: str, *, max_pages: int, progress: Any = None) -> dict[str, Any]:
    """Vet one file in this process; returns the result dict the parent expects."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except pymupdf.EmptyFileError:
        return {"ok": False, "code": "empty"}
    except MemoryError:
        return {"ok": False, "code": "memory"}
    except Exception as exc:  # MuPDF cannot make sense of it at all, even after repair
        return {"ok": False, "code": "memory" if _is_memory_error(exc) else "damaged", "detail": str(exc)[:200]}
    if doc.needs_pass:
        return {"ok": False, "code": "password"}
    try:
        pages = doc.page_count
    except Exception as exc:  # a page tree that lies about its size
        return {"ok": False, "code": "damaged", "detail": str(exc)[:200]}
    if pages <= 0:
        return {"ok": False, "code": "no_pages"}
    if pages > max_pages:
        return {"ok": False, "code": "too_many_pages", "pages": pages}
    text_chars = 0
    thumbnail = b""
    for number in range(pages):
        try:
            page = doc.load_page(number)
            zoom = _zoom(page.rect)
            page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            text_chars += len(page.get_text("text"))
            if number == 0:
                thumbnail = _thumbnail(page)
        except MemoryError:
            return {"ok": False, "code": "memory", "page": number + 1}
        except Exception as exc:
            code = "memory" if _is_memory_error(exc) else "damaged_page"
            return {"ok": False, "code": code, "page": number + 1, "detail": str(exc)[:200]}
        if progress is not None:
            progress(number + 1, pages)
    try:
        outline_entries = len(doc.get_toc(simple=True))
    except Exception:  # a damaged outline costs the bookmarks, not the document
        outline_entries = 0
    metadata = doc.metadata or {}
    return {
        "ok": True,
        "pages": pages,
        "text_chars": text_chars,
        "outline_entries": outline_entries,
        "thumbnail": thumbnail,
        "repaired": bool(doc.is_repaired),
        "title": (metadata.get("title") or "").strip()[:300],
    }


def run(conn: Any, path: str, limits: dict[str, Any]) -> None:
    """Entry point of the child process: set the limits, check, send the result, exit."""
    set_limits(memory_mb=limits["memory_mb"], cpu_s=limits["cpu_s"])
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] > 0.1:
            last[0] = now
            conn.send(("progress", done, total))

    try:
        result = check(path, max_pages=limits["max_pages"], progress=progress)
    except MemoryError:
        result = {"ok": False, "code": "memory"}
    conn.send(("result", result))
    conn.close()
