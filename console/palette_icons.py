"""Qt icons of the palette's marks: the cue besides colour where a status is listed."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from console import palette
from core.domain.lifecycle import UnitStatus


@cache
def status_icon(status: UnitStatus, size: int = 12) -> QIcon:
    """The status's mark, drawn in the colour that reads on the status's own colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(palette.text_on(palette.status_colour(status))))
        font = QFont()
        font.setPixelSize(size)
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter,
                         palette.status_mark(status))
    finally:
        painter.end()
    return QIcon(pixmap)
