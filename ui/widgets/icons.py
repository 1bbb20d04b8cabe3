"""Line icons from resources/icons, coloured on load (QtSvg does not know `currentColor`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent.parent / "resources" / "icons"


@lru_cache(maxsize=256)
def pixmap(name: str, color: str = "#1f2933", size: int = 20, ratio: float = 2.0) -> QPixmap:
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8").replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    # Drawn at twice the size so it stays sharp on high-DPI screens and in screenshots.
    pm = QPixmap(int(size * ratio), int(size * ratio))
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pm.width(), pm.height()))
    painter.end()
    pm.setDevicePixelRatio(ratio)
    return pm


def icon(name: str, color: str = "#1f2933", size: int = 20, disabled: str = "#a8b1bd", *, checked: str | None = None) -> QIcon:
    """`checked`: another colour for the On state of a checkable button (the reader's toggles)."""
    result = QIcon()
    result.addPixmap(pixmap(name, color, size), QIcon.Mode.Normal, QIcon.State.Off)
    result.addPixmap(pixmap(name, disabled, size), QIcon.Mode.Disabled, QIcon.State.Off)
    if checked is not None:
        result.addPixmap(pixmap(name, checked, size), QIcon.Mode.Normal, QIcon.State.On)
    return result


def icon_size(size: int = 18) -> QSize:
    return QSize(size, size)
