"""Words under a drag on a PDF page, for highlighting and underlining (Qt-free).

The reader selects like a text editor: from the word nearest where the drag starts to the word
nearest where it ends, in reading order (the order PyMuPDF extracts words: block, line, word), so a
drag across a column break takes whole lines and not a rectangle. A selection is shown and stored
as one rectangle per line it covers, and the text it covers (the words joined by spaces) is what a
later version of the document is searched for.

Coordinates are PyMuPDF page coordinates: points, origin at the top left of the *unrotated* page
(the space of `page.get_text("words")` and of the annotation records). The reader draws pages as
displayed (rotation applied); `rotation_matrix(page)` maps unrotated → displayed and `invert`
gives the way back.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

import pymupdf

Rect = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]
# Ligatures as one character, no images, text outside the page dropped (what a reader cannot see).
WORD_FLAGS = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
LINE_WEIGHT = 4.0  # a point above or below a line is this much "farther" than one beside a word


class Word(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    block: int
    line: int
    number: int

    @property
    def rect(self) -> Rect:
        return (self.x0, self.y0, self.x1, self.y1)


def page_words(page: pymupdf.Page) -> list[Word]:
    """Every word of a page in reading order (the caller holds the document's lock)."""
    return [Word(float(w[0]), float(w[1]), float(w[2]), float(w[3]), w[4], int(w[5]), int(w[6]), int(w[7]))
            for w in page.get_text("words", flags=WORD_FLAGS, sort=False) if w[4].strip()]


def rotation_matrix(page: pymupdf.Page) -> Matrix | None:
    """Unrotated → displayed coordinates of `page`, or None when the page is not rotated."""
    return None if page.rotation % 360 == 0 else tuple(page.rotation_matrix)  # type: ignore[return-value]


def nearest_word(words: Sequence[Word], x: float, y: float) -> int | None:
    """The index of the word under (x, y), else of the nearest one, a word of the same line first.
    Boxes of two lines set tight overlap by a point or two: between them the line whose middle
    is nearer wins."""
    best, best_score = None, (float("inf"), float("inf"))
    for i, w in enumerate(words):
        dx = max(w.x0 - x, 0.0, x - w.x1)
        dy = max(w.y0 - y, 0.0, y - w.y1)
        score = (dy * LINE_WEIGHT + dx, abs(y - (w.y0 + w.y1) / 2))
        if score < best_score:
            best, best_score = i, score
    return best


def select_words(words: Sequence[Word], start: tuple[float, float], end: tuple[float, float]) -> list[Word]:
    """The words from the one nearest `start` to the one nearest `end`, in reading order."""
    a = nearest_word(words, *start)
    b = nearest_word(words, *end)
    if a is None or b is None:
        return []
    lo, hi = (a, b) if a <= b else (b, a)
    return list(words[lo:hi + 1])


def line_rects(words: Iterable[Word]) -> list[Rect]:
    """One rectangle per line of the selection (words of one line joined), in reading order."""
    rects: list[list[float]] = []
    last: tuple[int, int] | None = None
    for w in words:
        key = (w.block, w.line)
        if key == last and rects:
            r = rects[-1]
            r[0], r[1], r[2], r[3] = min(r[0], w.x0), min(r[1], w.y0), max(r[2], w.x1), max(r[3], w.y1)
        else:
            rects.append([w.x0, w.y0, w.x1, w.y1])
        last = key
    return [tuple(round(v, 2) for v in r) for r in rects]  # type: ignore[misc]


def selection_text(words: Iterable[Word]) -> str:
    return " ".join(w.text for w in words)


def words_in_rect(words: Iterable[Word], rect: Rect) -> list[Word]:
    """The words whose middle lies inside `rect` (a highlight found again, a test)."""
    x0, y0, x1, y1 = rect
    return [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.y0 + w.y1) / 2 <= y1]


# --- coordinates ----------------------------------------------------------------------------------
def apply(matrix: Matrix | None, x: float, y: float) -> tuple[float, float]:
    if matrix is None:
        return x, y
    a, b, c, d, e, f = matrix
    return x * a + y * c + e, x * b + y * d + f


def invert(matrix: Matrix | None) -> Matrix | None:
    if matrix is None:
        return None
    a, b, c, d, e, f = matrix
    det = a * d - b * c
    if det == 0:
        raise ValueError("matrix cannot be inverted")
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def map_rect(matrix: Matrix | None, rect: Rect) -> Rect:
    """A rectangle through `matrix` (a rotation by a multiple of 90°): still a rectangle."""
    if matrix is None:
        return rect
    x0, y0 = apply(matrix, rect[0], rect[1])
    x1, y1 = apply(matrix, rect[2], rect[3])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
