"""New pictures written straight into the window's backing store, without a paint event.

A frame used to reach the screen in two passes over its pixels: the decoder's thread
converted it to RGB in a buffer of its own, then the tile's paint event copied that
buffer into the window's backing store (the image Qt composes the window in and hands
to the screen), the whole widget machinery running once per tile per frame. Here the
GUI thread converts each new picture once, from the decoder's YUV, into the tile's
rectangle of the backing store itself (`QBackingStore.beginPaint` .. `endPaint`, as Qt's
own painting does), then hands all the rectangles of a hand-over to the screen with one
`flush`.

Only where that is exactly what a paint event would have produced: a software (raster)
backing store of 32-bit pixels at device pixel ratio 1, and a picture rectangle that the
tile can show in full (no other widget over it, not clipped by its parents). Anything
else (a tile partly covered, a high-DPI screen, a tile not yet laid out) is repainted the
ordinary way, through `VideoTile.paintEvent`. Qt's own repaints (a resize, an expose)
paint the same picture through the paint event, so the two never disagree for long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QBackingStore, QImage, QRegion
from PySide6.QtWidgets import QWidget

from console.video.decoders import frame_hub
from console.video.picture import Placement
from console.video.tile_paint import qimage_address

if TYPE_CHECKING:
    from console.video.tile import VideoTile

# False: every new frame repaints its tile through a paint event (the way before; kept
# for benchmarks/bench_video.py).
DIRECT_PAINT = True
_FORMATS = (QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32_Premultiplied)

_ORIGIN = QPoint(0, 0)
frames_written = 0  # pictures written straight into a backing store, ever (for tests)
_pending: dict[VideoTile, None] = {}  # tiles with a new picture (insertion-ordered)
_hooked = False


def show_new_picture(tile: VideoTile) -> None:
    """`tile` has a new picture: have it on screen after this hand-over of frames."""
    global _hooked  # noqa: PLW0603 - one hook on the one frame hub
    if not DIRECT_PAINT:
        tile.update(tile.picture_rect())
        return
    if not _hooked:
        frame_hub().after_flush.append(write_pending)
        _hooked = True
    _pending[tile] = None


def write_pending() -> None:
    """Write every pending tile's picture; repaint the ordinary way those that cannot."""
    tiles = list(_pending)
    _pending.clear()
    screens: dict[int, _Screen | None] = {}
    for tile in tiles:
        try:
            window = tile.window()
            key = id(window)
            if key not in screens:
                screens[key] = _Screen.of(window)
            screen = screens[key]
            if screen is None or not screen.take(tile):
                tile.update(tile.picture_rect())
        except RuntimeError:  # the tile's C++ side is gone (the wall closed)
            continue
    for screen in screens.values():
        if screen is not None:
            screen.write()


class _Screen:
    """One window's backing store and the tiles to write into it in this hand-over."""

    def __init__(self, window: QWidget, backing: QBackingStore) -> None:
        self.window = window
        self.backing = backing
        self.tiles: list[tuple[VideoTile, Placement, QRect]] = []

    @classmethod
    def of(cls, window: QWidget) -> _Screen | None:
        """The window's screen, if its backing store can be written as a paint event
        would write it; None otherwise."""
        handle = window.windowHandle()
        if handle is None or not handle.isExposed() or handle.devicePixelRatio() != 1.0:
            return None
        backing = window.backingStore()
        device = backing.paintDevice() if backing is not None else None
        if (not isinstance(device, QImage) or device.format() not in _FORMATS
                or device.devicePixelRatio() != 1.0):
            return None
        return cls(window, backing)

    def take(self, tile: VideoTile) -> bool:
        """Take `tile`'s picture for writing; False where that is not exactly what a
        paint event would show (the caller repaints it then)."""
        picture = tile.picture
        if picture is None or not tile.isVisible():
            return False
        placement = tile.face.picture_layout(picture)[0]
        target = placement.target
        if target.isEmpty():
            return False
        # Nothing over the picture, nothing of it clipped away by a parent.
        if not QRegion(target).subtracted(tile.visibleRegion()).isEmpty():
            return False
        self.tiles.append((tile, placement, target.translated(tile.mapTo(self.window,
                                                                         _ORIGIN))))
        return True

    def write(self) -> None:
        """Convert the pictures taken into the backing store and show them."""
        global frames_written  # noqa: PLW0603 - a process-wide count
        if not self.tiles:
            return
        region = QRegion()
        for _tile, _placement, on_window in self.tiles:
            region += on_window
        self.backing.beginPaint(region)
        try:
            device = self.backing.paintDevice()
            bounds = device.rect()
            address = qimage_address(device)
            stride = device.bytesPerLine()
            for tile, placement, on_window in self.tiles:
                if not bounds.contains(on_window):
                    tile.update(tile.picture_rect())
                    continue
                tile.face.write_picture(
                    tile.picture, placement,
                    address + on_window.top() * stride + on_window.left() * 4, stride)
                tile.count_painted()
                frames_written += 1
        finally:
            self.backing.endPaint()
        self.backing.flush(region, self.window.windowHandle(), _ORIGIN)
