"""A person's round picture: their photo cropped to a circle, or their initials in a circle when
there is no photo (the chamber does not keep photos unless the administrator chose so)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap


def initials(full_name: str) -> str:
    """"Nguyễn Văn An" → "NA": the family name's and the given name's first letters."""
    words = [w for w in full_name.split() if w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar(full_name: str, photo: bytes | None, size: int, *, fill: str = "#0f766e", ring: str = "#ffffff") -> QPixmap:
    """A size×size round picture with a ring: the photo (centre-cropped) or the initials."""
    image = QImage.fromData(photo) if photo else QImage()
    result = QPixmap(size, size)
    result.fill(Qt.GlobalColor.transparent)
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    ring_width = max(3, size // 30)
    inner = QRectF(ring_width / 2, ring_width / 2, size - ring_width, size - ring_width)
    circle = QPainterPath()
    circle.addEllipse(inner)
    if not image.isNull():
        scaled = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation)
        painter.setClipPath(circle)
        painter.drawImage(int((size - scaled.width()) / 2), int((size - scaled.height()) / 2), scaled)
        painter.setClipping(False)
    else:
        painter.fillPath(circle, QBrush(QColor(fill)))
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(int(size * 0.38))
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, initials(full_name))
    pen = QPen(QColor(ring))
    pen.setWidth(ring_width)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(inner)
    painter.end()
    return result
