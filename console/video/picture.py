"""Where a tile's picture goes: 1:1 when it is near the tile's size, scaled to fit
between the bars otherwise (no Qt widget here, so it is tested and benchmarked on its
own)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect

from console.video.swscale import CROP_WIDTH_STEP, SCALE_WIDTH_STEP

# A picture that would be shrunk by at most this much to fit its tile is shown at 1:1
# instead, trimmed to what lies between the name and state bars (on a 1920x1080 wall,
# nine 640x360 pictures overhang their tiles by 0.5 % sideways and 4 % in height): its
# conversion is then a plain one, no scaling.
UNSCALED_WITHIN = 0.05


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a picture is shown in its tile.

    `target` is the rectangle it covers (tile coordinates, always inside the band
    between the bars). 1:1 (`scaled` False): the picture's part from `source` of
    `target`'s size. Scaled: the whole picture, shrunk or enlarged to `target`'s size.
    """

    target: QRect
    scaled: bool
    source: QPoint


def place(width: int, height: int, tile: QRect, band: QRect) -> Placement:
    """Where a `width` x `height` picture goes in a tile of `tile` whose band between the
    bars is `band`. 1:1 and centred on the tile when the picture is near the tile's size
    (see `UNSCALED_WITHIN`), trimmed to the band; otherwise scaled to fit the band,
    centred in it, its aspect kept. Sizes and offsets are what the colour converter can
    write exactly (see `console.video.swscale`)."""
    if width <= 0 or height <= 0 or band.width() <= 0 or band.height() <= 0:
        return Placement(QRect(), False, QPoint())
    fit = min(tile.width() / width, tile.height() / height)
    if fit >= 1.0 - UNSCALED_WITHIN and (width >= tile.width() - 16
                                          or height >= tile.height() - 16):
        # The picture's top-left on even coordinates (4:2:0 shares chroma by pairs).
        left = (tile.left() + (tile.width() - width) // 2) & ~1
        top = (tile.top() + (tile.height() - height) // 2) & ~1
        shown = band.intersected(QRect(left, top, width, height))
        x = left + ((shown.left() - left + 1) & ~1)
        y = top + ((shown.top() - top + 1) & ~1)
        w = (shown.right() + 1 - x) // CROP_WIDTH_STEP * CROP_WIDTH_STEP
        h = (shown.bottom() + 1 - y) & ~1
        if w <= 0 or h <= 0:
            return Placement(QRect(), False, QPoint())
        x += ((shown.right() + 1 - x - w) // 2) & ~1  # centre what the width step trims
        return Placement(QRect(x, y, w, h), False, QPoint(x - left, y - top))
    fit = min(band.width() / width, band.height() / height)
    w = int(width * fit) // SCALE_WIDTH_STEP * SCALE_WIDTH_STEP
    h = int(height * fit) & ~1
    if w <= 0 or h <= 0:
        return Placement(QRect(), True, QPoint())
    x = band.left() + (band.width() - w) // 2
    y = band.top() + (band.height() - h) // 2
    return Placement(QRect(x, y, w, h), True, QPoint())
