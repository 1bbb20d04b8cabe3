"""Finding annotations again in a new version of their document, by the text they cover.

Each page's characters are read once, when first needed, with their boxes in unrotated page space
(the space annotations are stored in). A text is looked for on its old page first, then on the
pages nearest to it; where it occurs more than once on a page, the occurrence nearest its old
position wins. The exact characters are tried first, then the text with case and Vietnamese
diacritics folded (a regenerated PDF may spell a ligature or a precomposed letter differently).

Highlights and underlines get the boxes of the text where it now is (one rectangle per line);
notes, bookmarks and ink that cover a text move with it. Marks without text stay on their page if
the new version still has that page. What cannot be placed is reported `unplaced`, never dropped.
Pure PyMuPDF, no database: callers run it on a worker thread, never on an event loop.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pymupdf

from app.pdf.search import fold_char

Rect = list[float]
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
# A text found this close (points) to where it was on the same page counts as not moved.
SAME_PLACE = 2.0


@dataclass(frozen=True)
class Placement:
    placement: str  # placed | moved | unplaced
    page: int
    rects: list[Rect]
    ink: list = field(default_factory=list)


class _PageChars:
    """One page's characters with their boxes and line numbers, and the folded text with a map
    from each folded character back to the character it came from."""

    def __init__(self, page: pymupdf.Page) -> None:
        chars: list[str] = []
        boxes: list[tuple[float, float, float, float] | None] = []
        lines: list[int] = []
        line_no = 0
        for block in page.get_text("rawdict", flags=TEXT_FLAGS)["blocks"]:
            for line in block.get("lines", ()):
                for span in line["spans"]:
                    for ch in span["chars"]:
                        chars.append(ch["c"])
                        boxes.append(tuple(ch["bbox"]))
                        lines.append(line_no)
                chars.append("\n")  # lines are apart even when the PDF has no space between them
                boxes.append(None)
                lines.append(line_no)
                line_no += 1
        self.text = "".join(chars)
        self.boxes = boxes
        self.lines = lines
        folded: list[str] = []
        back: list[int] = []
        for i, c in enumerate(chars):
            f = fold_char(c)
            folded.append(f)
            back.extend([i] * len(f))
        self.folded = "".join(folded)
        self.back = back

    def find(self, pattern: re.Pattern[str], *, folded: bool) -> list[list[Rect]]:
        """Every occurrence as one rectangle per line it covers."""
        out = []
        haystack = self.folded if folded else self.text
        for m in pattern.finditer(haystack):
            if m.end() <= m.start():
                continue
            start, end = (self.back[m.start()], self.back[m.end() - 1] + 1) if folded else (m.start(), m.end())
            rects = self._line_rects(start, end)
            if rects:
                out.append(rects)
        return out

    def _line_rects(self, start: int, end: int) -> list[Rect]:
        by_line: dict[int, list[float]] = {}
        for i in range(start, end):
            box = self.boxes[i]
            if box is None or self.text[i].isspace():
                continue
            r = by_line.get(self.lines[i])
            if r is None:
                by_line[self.lines[i]] = [box[0], box[1], box[2], box[3]]
            else:
                r[0], r[1], r[2], r[3] = min(r[0], box[0]), min(r[1], box[1]), max(r[2], box[2]), max(r[3], box[3])
        return [[round(v, 2) for v in r] for _, r in sorted(by_line.items())]


class PdfText:
    """The characters of a PDF, page by page, read when first asked for."""

    def __init__(self, path: Path) -> None:
        self.doc = pymupdf.open(str(path))
        self._pages: dict[int, _PageChars] = {}

    @property
    def page_count(self) -> int:
        return self.doc.page_count

    def page(self, number: int) -> _PageChars:
        chars = self._pages.get(number)
        if chars is None:
            chars = self._pages[number] = _PageChars(self.doc[number])
        return chars

    def close(self) -> None:
        self.doc.close()

    def __enter__(self) -> "PdfText":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# --- geometry ---------------------------------------------------------------------------------
def bounds(rects: Iterable[Rect]) -> Rect | None:
    rects = list(rects)
    if not rects:
        return None
    return [min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)]


def _distance(a: Rect | None, b: Rect | None) -> float:
    if a is None or b is None:
        return 0.0
    return math.hypot((a[0] + a[2]) / 2 - (b[0] + b[2]) / 2, (a[1] + a[3]) / 2 - (b[1] + b[3]) / 2)


def _patterns(text: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The exact and the folded pattern of a text; words may be split by any white space or none."""
    words = text.split()
    folded_words = "".join(fold_char(c) for c in text).split()
    if not words or not folded_words:
        return None
    exact = re.compile(r"\s*".join(re.escape(w) for w in words))
    folded = re.compile(r"\s*".join(re.escape(w) for w in folded_words))
    return exact, folded


def _page_order(page: int, count: int) -> list[int]:
    """The old page, then the others nearest first (after before before, at equal distance)."""
    if count <= 0:
        return []
    start = min(max(page, 0), count - 1)
    order = [start] if page < count else []
    for d in range(1, count):
        for p in (page + d, page - d):
            if 0 <= p < count and p != start:
                order.append(p)
    return order if page < count else sorted(range(count), key=lambda p: (abs(p - page), p))


def find_text(pdf: PdfText, text: str, page: int, near: Rect | None) -> tuple[int, list[Rect]] | None:
    """Where `text` is in `pdf`: (page, line rectangles), looking on `page` first, nearest `near`."""
    patterns = _patterns(text)
    if patterns is None:
        return None
    for folded, pattern in ((False, patterns[0]), (True, patterns[1])):
        for p in _page_order(page, pdf.page_count):
            hits = pdf.page(p).find(pattern, folded=folded)
            if hits:
                # On another page the old position is still the best guess of where to look.
                return p, min(hits, key=lambda rects: _distance(bounds(rects), near))
    return None


def _shift_rects(rects: list[Rect], dx: float, dy: float) -> list[Rect]:
    return [[round(r[0] + dx, 2), round(r[1] + dy, 2), round(r[2] + dx, 2), round(r[3] + dy, 2)] for r in rects]


def _shift_ink(ink: list, dx: float, dy: float) -> list:
    return [[[round(p[0] + dx, 2), round(p[1] + dy, 2), p[2]] for p in stroke] for stroke in ink]


# --- one annotation ---------------------------------------------------------------------------
def place(old: PdfText | None, new: PdfText, annotation: dict[str, Any]) -> Placement:
    """Where one annotation goes in the new version."""
    kind, page = annotation["kind"], int(annotation.get("page") or 0)
    rects, ink = list(annotation.get("rects") or []), list(annotation.get("ink") or [])
    text = (annotation.get("text") or "").strip()
    if not text:
        if page < new.page_count:
            return Placement("placed", page, rects, ink)
        return Placement("unplaced", page, rects, ink)
    # Where the text was: highlights and underlines are its boxes; for the others, find it in the
    # old version near the mark, so the mark keeps its offset from the text.
    if kind in ("highlight", "underline"):
        was = bounds(rects)
    else:
        found_before = find_text(old, text, page, bounds(rects) or bounds(_ink_rects(ink))) if old is not None and page < old.page_count else None
        was = bounds(found_before[1]) if found_before is not None else bounds(rects) or bounds(_ink_rects(ink))
    found = find_text(new, text, page, was)
    if found is None:
        return Placement("unplaced", page, rects, ink)
    new_page, line_rects = found
    now = bounds(line_rects)
    same = new_page == page and was is not None and abs(now[0] - was[0]) <= SAME_PLACE and abs(now[1] - was[1]) <= SAME_PLACE
    placement = "placed" if same else "moved"
    if kind in ("highlight", "underline"):
        return Placement(placement, new_page, line_rects, [])
    dx, dy = (now[0] - was[0], now[1] - was[1]) if was is not None else (0.0, 0.0)
    return Placement(placement, new_page, _shift_rects(rects, dx, dy), _shift_ink(ink, dx, dy))


def _ink_rects(ink: list) -> list[Rect]:
    return [[p[0], p[1], p[0], p[1]] for stroke in ink for p in stroke]


def relocate(old_pdf: Path | None, new_pdf: Path, annotations: Iterable[dict[str, Any]]) -> dict[str, Placement]:
    """Annotation id → where it goes in `new_pdf` (`old_pdf`, the version they were made on, helps
    notes and ink keep their place beside their text; it may be missing)."""
    annotations = list(annotations)
    if not annotations:
        return {}
    old = PdfText(old_pdf) if old_pdf is not None and Path(old_pdf).exists() else None
    try:
        with PdfText(new_pdf) as new:
            return {a["id"]: place(old, new, a) for a in annotations}
    finally:
        if old is not None:
            old.close()
