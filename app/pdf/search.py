"""Text search in a PDF that forgives missing Vietnamese diacritics (Qt-free).

Delegates type on tablets and laptops without a Vietnamese keyboard: "hop dong" must find "hợp
đồng", "HỢP ĐỒNG" and "Hợp Đồng". Each page's characters are extracted once with their boxes and
kept *folded* (NFKD, combining marks dropped, đ → d, case folded), with an index from every folded
character back to the character it came from; a query is folded the same way and matched on that
string, and a hit maps back to the boxes of its characters: one rectangle per line it covers.

Words of a phrase may be separated by any white space, a line break or nothing at all (some PDFs
lose the space: "Nghịđịnh"). Rectangles are in page coordinates as displayed: points, origin at
the top left, rotation applied (the space of `page.rect` and of app/pdf/render.py's images).
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generator

import pymupdf

Rect = tuple[float, float, float, float]
# No images (rawdict would copy every image's bytes), ligatures kept as one character (NFKD splits
# them for matching), white space kept so words stay apart.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP

_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o"}
_folded_chars: dict[str, str] = {}


def fold_char(c: str) -> str:
    """One character folded: "ợ" → "o", "Đ" → "d", "ﬁ" → "fi", a space → " ", a mark alone → ""."""
    folded = _folded_chars.get(c)
    if folded is None:
        if c.isspace():
            folded = " "
        else:
            base = _SPECIAL.get(c)
            if base is None:
                base = "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch))
                base = "".join(_SPECIAL.get(ch, ch) for ch in base)
            folded = base.casefold()
        _folded_chars[c] = folded
    return folded


def fold(text: str) -> str:
    """A whole text folded (queries, tests): "Hợp đồng số 12" → "hop dong so 12"."""
    return "".join(fold_char(c) for c in text)


def compile_query(query: str) -> re.Pattern[str] | None:
    """The folded query as a pattern, its words joined by optional white space; None if empty."""
    words = fold(query).split()
    if not words:
        return None
    return re.compile(r"\s*".join(re.escape(w) for w in words))


@dataclass(frozen=True)
class SearchHit:
    page: int
    rects: tuple[Rect, ...]  # one per line the hit covers, top to bottom
    start: int  # position in the page's text: orders hits within a page
    text: str  # the characters found, as printed

    @property
    def bounds(self) -> Rect:
        return (min(r[0] for r in self.rects), min(r[1] for r in self.rects), max(r[2] for r in self.rects), max(r[3] for r in self.rects))


@dataclass(frozen=True, eq=False)
class PageText:
    """One page's characters, folded, with where each one is."""

    page: int
    chars: str  # as printed, one per box; "\n" between lines (no box)
    folded: str
    index: array  # folded position → character number
    boxes: array  # 4 floats per character (x0, y0, x1, y1), unrotated page space
    lines: array  # line number of each character
    matrix: tuple[float, ...] | None  # unrotated → displayed, None when the page is not rotated

    def find(self, pattern: re.Pattern[str]) -> list[SearchHit]:
        hits = []
        for match in pattern.finditer(self.folded):
            if match.end() == match.start():
                continue
            first, last = self.index[match.start()], self.index[match.end() - 1]
            rects = self._rects(first, last)
            if rects:
                hits.append(SearchHit(self.page, rects, first, self.chars[first:last + 1]))
        return hits

    def _rects(self, first: int, last: int) -> tuple[Rect, ...]:
        per_line: dict[int, list[float]] = {}
        boxes, lines = self.boxes, self.lines
        for i in range(first, last + 1):
            line = lines[i]
            if line < 0:
                continue
            x0, y0, x1, y1 = boxes[4 * i:4 * i + 4]
            box = per_line.get(line)
            if box is None:
                per_line[line] = [x0, y0, x1, y1]
            else:
                box[0], box[1], box[2], box[3] = min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)
        rects = [tuple(box) for box in per_line.values()]
        if self.matrix is not None:
            m = pymupdf.Matrix(self.matrix)
            rects = [tuple(pymupdf.Rect(r) * m) for r in rects]
        return tuple(sorted(rects, key=lambda r: (r[1], r[0])))


def extract_page_text(page: pymupdf.Page) -> PageText:
    """Characters of one page with their boxes (the caller holds the document's lock)."""
    raw = page.get_text("rawdict", flags=TEXT_FLAGS)
    chars: list[str] = []
    folded: list[str] = []
    index = array("i")
    boxes = array("f")
    lines = array("i")
    line_no = 0
    for block in raw["blocks"]:
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            for span in line["spans"]:
                for ch in span["chars"]:
                    c = ch["c"]
                    f = fold_char(c)
                    n = len(chars)
                    chars.append(c)
                    boxes.extend(ch["bbox"])
                    lines.append(line_no)
                    if f:
                        folded.append(f)
                        index.extend([n] * len(f))
            # A line break: white space between the last word of a line and the first of the next.
            n = len(chars)
            chars.append("\n")
            boxes.extend((0.0, 0.0, 0.0, 0.0))
            lines.append(-1)
            folded.append(" ")
            index.append(n)
            line_no += 1
    matrix = None if page.rotation == 0 else tuple(page.rotation_matrix)
    return PageText(page.number, "".join(chars), "".join(folded), index, boxes, lines, matrix)


class TextIndex:
    """The text of a document's pages, each extracted once (on first search) and kept."""

    def __init__(self, document: pymupdf.Document, *, lock: threading.RLock | None = None) -> None:
        self.document = document
        self.lock = lock or threading.RLock()
        self._pages: dict[int, PageText] = {}

    @classmethod
    def open(cls, path: Path | str) -> TextIndex:
        return cls(pymupdf.open(path))

    @property
    def page_count(self) -> int:
        return self.document.page_count

    def page_text(self, n: int) -> PageText:
        text = self._pages.get(n)
        if text is None:
            with self.lock:
                text = extract_page_text(self.document[n])
            self._pages[n] = text
        return text

    def is_extracted(self, n: int) -> bool:
        return n in self._pages

    def search_page(self, n: int, query: str | re.Pattern[str]) -> list[SearchHit]:
        pattern = compile_query(query) if isinstance(query, str) else query
        return [] if pattern is None else self.page_text(n).find(pattern)


PageHits = list[tuple[int, list[SearchHit]]]


def iter_search(
    index: TextIndex, query: str, *, start: int = 0, cancelled: Callable[[], bool] | None = None, slice_s: float = 0.012,
) -> Generator[PageHits, None, int]:
    """Search every page, from `start` to the end then from the beginning, yielding the pages done
    in each time slice (`slice_s`: pages already extracted go fast, many per slice) with their
    hits. Stops quietly when `cancelled()`; returns the number of hits."""
    pattern = compile_query(query)
    if pattern is None:
        return 0
    count = index.page_count
    order = [(start + k) % count for k in range(count)] if count else []
    total = 0
    batch: PageHits = []
    began = time.perf_counter()
    for n in order:
        if cancelled is not None and cancelled():
            return total
        hits = index.search_page(n, pattern)
        total += len(hits)
        batch.append((n, hits))
        if time.perf_counter() - began >= slice_s:
            yield batch
            batch = []
            began = time.perf_counter()
    if batch:
        yield batch
    return total


def search(index: TextIndex, query: str) -> list[SearchHit]:
    """Every hit in the document, in reading order (page, then position)."""
    hits: list[SearchHit] = []
    for batch in iter_search(index, query, slice_s=float("inf")):
        for _page, page_hits in batch:
            hits.extend(page_hits)
    return sorted(hits, key=lambda h: (h.page, h.start))
