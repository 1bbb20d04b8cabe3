"""Painting annotations over a page image: highlight, underline, ink, sticky note, bookmark, and the
outline of the selected one.

Records hold unrotated PDF points; `PageMapping` turns them into viewport pixels for the page as
it is drawn now (its rectangle on screen, the zoom, the page's rotation), so annotations stay on
their words at any zoom, in continuous or single-page mode, on rotated pages.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from app.pdf.text_select import Matrix, apply
from ui.views.reader.annotation_geometry import bounds

INK_WIDTH = 2.0  # points, at pressure 0.5 (a mouse)
HIGHLIGHT_ALPHA = 170  # of 255: the highlighter's colour laid over paper, a little lighter than the swatch
SELECTION = QColor("#0f5c55")
DEFAULT_COLOUR = "#FFD43B"


def ink_width(pressure: float) -> float:
    """Stroke width in points for a pen pressure 0..1: light touch thin, firm press about 1.6× a mouse."""
    return INK_WIDTH * (0.4 + 1.2 * max(0.0, min(1.0, pressure)))


class PageMapping:
    """Unrotated PDF points → viewport pixels for one page as painted."""

    def __init__(self, rect: QRectF, scale: float, matrix: Matrix | None) -> None:
        self.rect = rect
        self.scale = scale
        self.matrix = matrix

    def point(self, x: float, y: float) -> QPointF:
        dx, dy = apply(self.matrix, x, y)
        return QPointF(self.rect.left() + dx * self.scale, self.rect.top() + dy * self.scale)

    def box(self, r: Sequence[float]) -> QRectF:
        return QRectF(self.point(r[0], r[1]), self.point(r[2], r[3])).normalized()


def colour_of(annotation: dict[str, Any]) -> QColor:
    colour = QColor(annotation.get("colour") or DEFAULT_COLOUR)
    return colour if colour.isValid() else QColor(DEFAULT_COLOUR)


def paint_annotations(painter: QPainter, annotations: Iterable[dict[str, Any]], mapping: PageMapping, *, selected: str | None = None) -> None:
    """Highlights first (under everything), then underlines, ink, and the small marks on top."""
    order = {"highlight": 0, "underline": 1, "ink": 2, "note": 3, "bookmark": 3}
    items = sorted(annotations, key=lambda a: order.get(a.get("kind", ""), 4))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for annotation in items:
        paint_annotation(painter, annotation, mapping)
    for annotation in items:
        if selected is not None and annotation.get("id") == selected:
            paint_selection(painter, annotation, mapping)
    painter.restore()


def paint_annotation(painter: QPainter, annotation: dict[str, Any], mapping: PageMapping) -> None:
    kind = annotation.get("kind")
    colour = colour_of(annotation)
    rects = annotation.get("rects") or ()
    if kind == "highlight":
        paint_highlight(painter, rects, colour, mapping)
    elif kind == "underline":
        paint_underline(painter, rects, colour, mapping)
    elif kind == "ink":
        for stroke in annotation.get("ink") or ():
            paint_stroke(painter, stroke, colour, mapping)
    elif kind == "note" and rects:
        paint_note(painter, mapping.box(rects[0]), colour, has_text=bool((annotation.get("note") or "").strip()))
    elif kind == "bookmark" and rects:
        paint_bookmark(painter, mapping.box(rects[0]), colour)


def paint_highlight(painter: QPainter, rects: Iterable[Sequence[float]], colour: QColor, mapping: PageMapping) -> None:
    # Multiply, like a highlighter pen: the paper takes the colour, black print stays black.
    painter.save()
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
    fill = QColor(colour)
    fill.setAlpha(HIGHLIGHT_ALPHA)
    for r in rects:
        painter.fillRect(mapping.box(r).adjusted(-0.5, 0, 0.5, 0), fill)
    painter.restore()


def paint_underline(painter: QPainter, rects: Iterable[Sequence[float]], colour: QColor, mapping: PageMapping) -> None:
    width = max(1.2, 1.3 * mapping.scale)
    painter.setPen(QPen(colour.darker(115), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    for r in rects:
        # The bottom edge of the line's box (under the descenders), through the page's rotation.
        a, b = mapping.point(r[0], r[3] - 0.6), mapping.point(r[2], r[3] - 0.6)
        painter.drawLine(a, b)


def paint_stroke(painter: QPainter, stroke: Sequence[Sequence[float]], colour: QColor, mapping: PageMapping) -> None:
    """A smooth line through the samples (quadratic curves between their midpoints); its width
    follows the pen's pressure, segment by segment, when the pressure varies."""
    if not stroke:
        return
    points = [mapping.point(p[0], p[1]) for p in stroke]
    pressures = [float(p[2]) if len(p) > 2 else 0.5 for p in stroke]
    k = mapping.scale
    if len(points) == 1:
        radius = ink_width(pressures[0]) * k / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(points[0], radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if max(pressures) - min(pressures) < 0.02:
        path = QPainterPath(points[0])
        for i in range(1, len(points) - 1):
            mid = (points[i] + points[i + 1]) / 2
            path.quadTo(points[i], mid)
        path.lineTo(points[-1])
        painter.setPen(QPen(colour, ink_width(pressures[0]) * k, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(path)
        return
    start = points[0]
    for i in range(1, len(points)):
        end = points[i] if i == len(points) - 1 else (points[i] + points[i + 1]) / 2
        path = QPainterPath(start)
        if i == len(points) - 1:
            path.lineTo(end)
        else:
            path.quadTo(points[i], end)
        painter.setPen(QPen(colour, ink_width((pressures[i - 1] + pressures[i]) / 2) * k, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(path)
        start = end


def paint_note(painter: QPainter, box: QRectF, colour: QColor, *, has_text: bool = True) -> None:
    """A sticky note: a coloured square with a folded corner and lines of "writing"."""
    size = max(14.0, box.width())
    box = QRectF(box.left(), box.top(), size, size)
    fold = size * 0.3
    painter.save()
    shape = QPolygonF([box.topLeft(), box.topRight(), QPointF(box.right(), box.bottom() - fold),
                       QPointF(box.right() - fold, box.bottom()), box.bottomLeft()])
    painter.setPen(QPen(colour.darker(160), max(1.0, size / 18)))
    painter.setBrush(colour)
    painter.drawPolygon(shape)
    painter.setBrush(colour.darker(125))
    painter.drawPolygon(QPolygonF([QPointF(box.right(), box.bottom() - fold), QPointF(box.right() - fold, box.bottom() - fold),
                                   QPointF(box.right() - fold, box.bottom())]))
    if has_text:
        painter.setPen(QPen(colour.darker(230), max(1.0, size / 14), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for n, width in enumerate((0.62, 0.62, 0.4)):
            y = box.top() + size * (0.28 + 0.2 * n)
            painter.drawLine(QPointF(box.left() + size * 0.2, y), QPointF(box.left() + size * (0.2 + width), y))
    painter.restore()


def paint_bookmark(painter: QPainter, box: QRectF, colour: QColor) -> None:
    """A ribbon hanging from the top edge, notched at the bottom."""
    painter.save()
    notch = box.height() * 0.28
    shape = QPolygonF([box.topLeft(), box.topRight(), box.bottomRight(), QPointF(box.center().x(), box.bottom() - notch), box.bottomLeft()])
    painter.setPen(QPen(colour.darker(150), 1.0))
    painter.setBrush(colour)
    painter.drawPolygon(shape)
    painter.restore()


def paint_selection(painter: QPainter, annotation: dict[str, Any], mapping: PageMapping) -> None:
    box = bounds(annotation)
    if box is None:
        return
    rect = mapping.box(box)
    if annotation.get("kind") == "note":
        rect.setWidth(max(14.0, rect.width()))
        rect.setHeight(max(14.0, rect.height()))
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(SELECTION, 1.5, Qt.PenStyle.DashLine))
    painter.drawRoundedRect(rect.adjusted(-4, -4, 4, 4), 3, 3)
    painter.restore()
