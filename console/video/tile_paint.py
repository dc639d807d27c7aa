"""How a video tile paints: its picture between an opaque name bar (with the buttons)
above and a state bar below, the words drawn once and reused until they change, and a
yellow frame round a pinned tile. `VideoTile` owns one `TileFace` and hands it its paint
events; the face reads the tile's state and never changes it, but for the count of
frames painted."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen, QRegion
from PySide6.QtWidgets import QApplication

from console.video.picture import Placement, place
from console.video.swscale import Converter, Picture
from core.video import tile_state as ts
from core.video.sources import LIBVLC

if TYPE_CHECKING:
    from console.video.tile import VideoTile

BACKGROUND = QColor("#101418")
BAR = QColor("#1b1f24")  # the name and state bars (opaque)
PIN = QColor("#fbbc04")
PIN_WIDTH = 2
STATE_COLOURS = {
    ts.LIVE: QColor("#1e8e3e"), ts.CONNECTING: QColor("#1967d2"),
    ts.STALLED: QColor("#e37400"), ts.OFFLINE: QColor("#b3261e"),
    ts.ERROR: QColor("#b3261e"), ts.PAUSED: QColor("#5f6368"), ts.EMPTY: QColor("#5f6368"),
}
DECODER_NAMES = {LIBVLC: "libvlc", "pyav": "PyAV (FFmpeg)"}

# The name bar (with the buttons) above the picture and the state bar below it are
# opaque, and a new frame repaints only the picture between them: one rectangle, no
# buttons, no words blended onto each frame.

Layout = tuple[Placement, list[QRect]]


def qimage_address(image: QImage) -> int:
    """The address of `image`'s pixels (the image detached first, as a painter would)."""
    return ctypes.addressof(ctypes.c_char.from_buffer(image.bits()))


class TileFace:
    """The painting of one `VideoTile`, with what it keeps between paints."""

    def __init__(self, tile: VideoTile) -> None:
        self.tile = tile
        self._layout_key: tuple = ()  # (picture size, tile size, bars, pin) of _layout
        self._layout: Layout = (Placement(QRect(), False, QPoint()), [])
        self._overlay: QImage | None = None
        self._overlay_key: tuple = ()
        self._overlay_strips: list[QRect] = []
        self.converter = Converter()
        # The picture converted for a paint event (when it cannot be written straight
        # to the screen: see console.video.direct_paint), and which frame it holds.
        self._rgb: QImage | None = None
        self._rgb_key: tuple = ()

    def forget_words(self) -> None:
        """Draw the words again at the next paint (the language changed)."""
        self._overlay_key = ()

    def band(self) -> QRect:
        """The part of the tile between the name and state bars (inside a pin's frame)."""
        t = self.tile
        top, bottom = t.bars
        edge = PIN_WIDTH if t.pinned else 0  # frames leave the pin's frame be
        return t.rect().adjusted(edge, max(top, edge), -edge, -max(bottom, edge))

    def picture_layout(self, picture: Picture) -> Layout:
        """Where `picture` goes (see `console.video.picture.place`) and the background
        beside it. Changes only with the picture's size, the tile's, its bars or its
        pin: worked out once, not 25 times a second."""
        t = self.tile
        key = (picture.width, picture.height, t.width(), t.height(), t.bars, t.pinned)
        if key != self._layout_key:
            rect = t.rect()
            placement = place(picture.width, picture.height, rect, self.band())
            beside = list(QRegion(rect).subtracted(QRegion(placement.target)))
            self._layout = (placement, beside)
            self._layout_key = key
        return self._layout

    def write_picture(self, picture: Picture, placement: Placement, address: int,
                      stride: int) -> None:
        """Convert `picture` as placed into RGB32 memory at `address` (the target's
        top-left pixel, `stride` bytes a row)."""
        target = placement.target
        if placement.scaled:
            self.converter.scale(picture, address, stride, target.width(), target.height())
        else:
            self.converter.crop(picture, address, stride, placement.source.x(),
                                placement.source.y(), target.width(), target.height())

    def _picture_rgb(self, picture: Picture, placement: Placement) -> QImage:
        key = (self.tile.frame_seq, placement)
        if key != self._rgb_key or self._rgb is None:
            size = placement.target.size()
            if self._rgb is None or self._rgb.size() != size:
                self._rgb = QImage(size, QImage.Format.Format_RGB32)
            self.write_picture(picture, placement, qimage_address(self._rgb),
                               self._rgb.bytesPerLine())
            self._rgb_key = key
        return self._rgb

    def paint(self, event: QPaintEvent) -> None:
        """Paint the tile for `event` (its `paintEvent`)."""
        t = self.tile
        painter = QPainter(t)
        rect = t.rect()
        picture = t.picture
        placement = None
        if picture is not None:
            placement, beside = self.picture_layout(picture)
            if placement.target.isEmpty():
                placement = None
        if placement is None:
            painter.fillRect(rect, BACKGROUND)
        else:
            t.count_painted()
            image = self._picture_rgb(picture, placement)
            if placement.target.contains(event.rect()):
                # A new frame: only the picture between the bars (the painter is clipped
                # to it), nothing else has changed.
                painter.drawImage(placement.target.topLeft(), image)
                painter.end()
                return
            for part in beside:
                painter.fillRect(part, BACKGROUND)
            painter.drawImage(placement.target.topLeft(), image)
        self._draw_overlay(painter, rect)
        if t.pinned:
            pen = QPen(PIN)
            pen.setWidth(PIN_WIDTH)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawRect(QRectF(rect).adjusted(PIN_WIDTH / 2, PIN_WIDTH / 2,
                                                   -PIN_WIDTH / 2, -PIN_WIDTH / 2))
        painter.end()

    def _draw_overlay(self, painter: QPainter, rect: QRect) -> None:
        # Laying out text is the dearest part of a paint, and the words change twice a
        # second at most while frames come 25 times: draw them once into an image, and
        # only blend the strips they occupy onto each frame.
        # The key is checked with every frame: only what is cheap to read, and the state
        # line itself only where it changes with time alone (the retry countdown).
        t = self.tile
        key = (rect.width(), rect.height(), id(t.camera), t.distance_label, t.reason,
               t.age_text, t.decoder, t.picture is None, t.state, t.index, t.retry_at,
               t.playing, t.status_text() if t.state == ts.OFFLINE else "")
        if key != self._overlay_key or self._overlay is None:
            overlay = QImage(rect.size(), QImage.Format.Format_ARGB32_Premultiplied)
            overlay.fill(Qt.GlobalColor.transparent)
            p = QPainter(overlay)
            p.setFont(t.font())
            self._overlay_strips = self._paint_overlay(p, rect)
            p.end()
            self._overlay, self._overlay_key = overlay, key
        for strip in self._overlay_strips:
            painter.drawImage(strip, self._overlay, strip)

    def _paint_overlay(self, painter: QPainter, rect: QRect) -> list[QRect]:
        """Paint the words; returns the rectangles painted (the strips to blend)."""
        t = self.tile
        font = QFont(t.font())
        line = painter.fontMetrics().height() + 2
        painter.setFont(font)
        white = QColor("white")
        if t.camera is None:
            painter.setPen(QColor("#bdc1c6"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             QApplication.translate(
                                 "VideoTile", "No camera here: select an incident to show "
                                 "its nearest cameras") if t.index == 0 else
                             QApplication.translate("VideoTile", "No camera"))
            return [rect]
        bold = QFont(font)
        bold.setBold(True)
        # One line: the name, then how far it is, left of the buttons.
        height = t.bars[0]
        painter.fillRect(QRect(0, 0, rect.width(), height), BAR)
        painter.setPen(white)
        room = t.pin_button.x() - 12
        y = (height - line) // 2 + 1
        painter.setFont(bold)
        name = painter.fontMetrics().elidedText(t.camera.name,
                                                Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRect(6, y, room, line), Qt.AlignmentFlag.AlignLeft, name)
        used = painter.fontMetrics().horizontalAdvance(name)
        painter.setFont(font)
        if t.distance_label and room - used > 40:
            painter.setPen(QColor("#bdc1c6"))
            text = painter.fontMetrics().elidedText(
                "·  " + t.distance_label, Qt.TextElideMode.ElideRight, room - used - 10)
            painter.drawText(QRect(6 + used + 10, y, room - used - 10, line),
                             Qt.AlignmentFlag.AlignLeft, text)
            painter.setPen(white)
        # The bottom line: state, frame age, decoder.
        colour = STATE_COLOURS.get(t.state, QColor("#5f6368"))
        status = t.status_text()
        details = []
        if t.age_text:
            details.append(QApplication.translate("VideoTile", "last frame {age} ago")
                           .format(age=t.age_text))
        if t.decoder:
            details.append(DECODER_NAMES.get(t.decoder, t.decoder))
        # The tile's own height for the state bar (it repaints just that bar on tick).
        bar = t.bars[1] or line + 6
        bottom = QRect(0, rect.height() - bar, rect.width(), bar)
        painter.fillRect(bottom, BAR)
        badge_w = min(painter.fontMetrics().horizontalAdvance(status) + 12, rect.width())
        painter.fillRect(QRect(0, bottom.top(), badge_w, bottom.height()), colour)
        painter.drawText(QRect(6, bottom.top() + 3, badge_w - 6, line),
                         Qt.AlignmentFlag.AlignLeft, status)
        painter.drawText(QRect(badge_w + 6, bottom.top() + 3, rect.width() - badge_w - 12, line),
                         Qt.AlignmentFlag.AlignRight, "  ·  ".join(details))
        if t.picture is None and t.state != ts.LIVE:
            painter.setPen(QColor("#bdc1c6"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, status)
            return [rect]
        return [QRect(0, 0, rect.width(), height), bottom]
