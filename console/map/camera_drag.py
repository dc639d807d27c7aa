"""The map's camera icons as a drag source: press on a camera and pull it onto a video tile.

An event filter on the map's viewport, so pyqtgraph keeps its own clicks, double clicks
and panning everywhere else: a press on a camera icon holds back the mouse moves (the
map does not pan under the camera being picked up) until they pass Qt's drag distance,
then a `QDrag` carries the camera (`console.camera_drag`) to wherever it is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QFontMetrics, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from console.camera_drag import camera_mime_data


class CameraDragSource(QObject):
    """Starts a drag when a camera icon on `viewport` is pressed and pulled.

    `camera_at(pos)` names the camera drawn at a viewport pixel (or None); `label(id)`
    is the text the drag shows under the pointer. Signal `dragStarted(camera_id)`.
    """

    dragStarted = Signal(str)

    def __init__(self, viewport: QWidget, camera_at: Callable[[QPoint], str | None],
                 label: Callable[[str], str]) -> None:
        super().__init__(viewport)
        self._viewport = viewport
        self._camera_at = camera_at
        self._label = label
        self._pressed: tuple[QPoint, str] | None = None
        self.last_mime: QMimeData | None = None  # what the last drag carried (a copy)
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is not self._viewport or not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        pos = event.position().toPoint()
        if kind == QEvent.Type.MouseButtonPress:
            camera = (self._camera_at(pos) if event.button() == Qt.MouseButton.LeftButton
                      else None)
            self._pressed = (pos, camera) if camera else None
            return False  # pyqtgraph still sees the press: a double click still plays it
        if kind == QEvent.Type.MouseMove and self._pressed is not None:
            if not event.buttons() & Qt.MouseButton.LeftButton:
                self._pressed = None
                return False
            start, camera = self._pressed
            if (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self._pressed = None
                self.start_drag(camera)
            return True  # not a pan: the camera is being picked up
        if kind == QEvent.Type.MouseButtonRelease:
            self._pressed = None
        return False

    def start_drag(self, camera_id: str) -> Qt.DropAction:
        """Carry `camera_id` by drag and drop (returns when it is dropped or abandoned)."""
        drag = QDrag(self._viewport)
        drag.setMimeData(camera_mime_data(camera_id))
        # Qt deletes the drag and its data when it ends: keep a copy of what it carried.
        self.last_mime = camera_mime_data(camera_id)
        drag.setPixmap(self._badge(self._label(camera_id)))
        self.dragStarted.emit(camera_id)
        return drag.exec(Qt.DropAction.CopyAction)

    def _badge(self, text: str) -> QPixmap:
        """The camera's name in a small dark box: what the operator sees being carried."""
        metrics = QFontMetrics(self._viewport.font())
        pixmap = QPixmap(metrics.horizontalAdvance(text) + 16, metrics.height() + 8)
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(16, 20, 24, 220))
        painter.setPen(QColor("#fbbc04"))
        painter.drawRoundedRect(pixmap.rect().adjusted(0, 0, -1, -1), 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap
