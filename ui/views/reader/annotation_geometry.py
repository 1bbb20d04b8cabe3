"""Plain geometry of annotation records (no Qt): smoothing an ink stroke, the box around an
annotation, which annotation a click lands on, where a note or bookmark sits.

Records are the dicts of docs (notes/annotations_contract.md): `rects` [[x0, y0, x1, y1]] and `ink`
[[[x, y, pressure], ...] per stroke], in points of the unrotated page.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

Rect = tuple[float, float, float, float]
Point = tuple[float, float, float]  # x, y, pressure

NOTE_SIZE = 18.0  # points: the sticky note's icon on the page
BOOKMARK_SIZE = (14.0, 22.0)  # points: the ribbon at the top right corner
MIN_STEP = 0.6  # points between two kept ink samples (a mouse sends many more)
HIT_TOLERANCE = 4.0  # points around a thin ink line or a small mark that still count as on it


def smooth_stroke(points: Sequence[Sequence[float]], *, passes: int = 2) -> list[list[float]]:
    """A stroke as sampled by a mouse or pen → fewer, smoother points, ends kept where they were.

    Samples closer than MIN_STEP to the previous kept one are dropped (jitter), then each inner
    point is averaged with its neighbours (1/4, 1/2, 1/4) `passes` times, pressure too.
    """
    kept: list[list[float]] = []
    for p in points:
        x, y = float(p[0]), float(p[1])
        pressure = float(p[2]) if len(p) > 2 else 0.5
        if kept and math.hypot(x - kept[-1][0], y - kept[-1][1]) < MIN_STEP:
            kept[-1][2] = max(kept[-1][2], pressure)
            continue
        kept.append([x, y, pressure])
    if len(kept) > 1:  # the stroke ends where the pen lifted, even if that sample was dropped
        kept[-1][0], kept[-1][1] = float(points[-1][0]), float(points[-1][1])
    for _ in range(passes):
        if len(kept) < 3:
            break
        kept = [kept[0]] + [[(a + 2 * b + c) / 4 for a, b, c in zip(kept[i - 1], kept[i], kept[i + 1])] for i in range(1, len(kept) - 1)] + [kept[-1]]
    return [[round(x, 2), round(y, 2), round(min(1.0, max(0.0, p)), 3)] for x, y, p in kept]


def union(rects: Iterable[Sequence[float]]) -> Rect | None:
    rects = list(rects)
    if not rects:
        return None
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def bounds(annotation: dict[str, Any]) -> Rect | None:
    """The box around an annotation's rectangles and ink, in its page's points."""
    boxes = [tuple(r) for r in annotation.get("rects") or ()]
    points = [p for stroke in annotation.get("ink") or () for p in stroke]
    if points:
        boxes.append((min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points)))
    return union(boxes)


def _distance_to_segment(x: float, y: float, a: Sequence[float], b: Sequence[float]) -> float:
    ax, ay, bx, by = a[0], a[1], b[0], b[1]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


def hits(annotation: dict[str, Any], x: float, y: float, tolerance: float = HIT_TOLERANCE) -> bool:
    """Whether the point (unrotated page points) is on the annotation."""
    if annotation.get("kind") == "ink":
        for stroke in annotation.get("ink") or ():
            if len(stroke) == 1 and math.hypot(x - stroke[0][0], y - stroke[0][1]) <= tolerance:
                return True
            if any(_distance_to_segment(x, y, a, b) <= tolerance for a, b in zip(stroke, stroke[1:])):
                return True
        return False
    pad = tolerance if annotation.get("kind") in ("note", "bookmark", "underline") else 0.0
    return any(r[0] - pad <= x <= r[2] + pad and r[1] - pad <= y <= r[3] + pad for r in annotation.get("rects") or ())


# Small marks first: a note on a highlighted line is what the click meant.
_PRIORITY = {"note": 0, "bookmark": 0, "ink": 1, "underline": 2, "highlight": 3}


def annotation_at(annotations: Iterable[dict[str, Any]], page: int, x: float, y: float, tolerance: float = HIT_TOLERANCE) -> dict[str, Any] | None:
    """The annotation a click at (x, y) on `page` selects: the smallest kind, then the last drawn."""
    found = [a for a in annotations if a.get("page") == page and hits(a, x, y, tolerance)]
    if not found:
        return None
    return min(reversed(found), key=lambda a: _PRIORITY.get(a.get("kind", ""), 9))


def note_rect(x: float, y: float) -> Rect:
    """The note's icon with its top left corner at the click (unrotated points)."""
    return (round(x, 2), round(y, 2), round(x + NOTE_SIZE, 2), round(y + NOTE_SIZE, 2))


def bookmark_rect(width: float, height: float) -> Rect:
    """The bookmark ribbon near the top right corner of a page of `width` (displayed points)."""
    w, h = BOOKMARK_SIZE
    return (width - 18.0 - w, 0.0, width - 18.0, h)


def clamp_point(x: float, y: float, width: float, height: float) -> tuple[float, float]:
    return min(max(x, 0.0), width), min(max(y, 0.0), height)
