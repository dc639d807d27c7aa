"""Where a tile's picture goes: 1:1 when it is near the tile's size, scaled to fit
otherwise (no Qt widget here, so it is tested and benchmarked on its own)."""

from __future__ import annotations

from PySide6.QtCore import QRect

# A picture that would be shrunk by at most this much to fit its tile is shown at 1:1
# instead, its edges trimmed by the few pixels it overhangs (on a 1920x1080 wall, nine
# 640x360 pictures overhang their tiles by 0.5 % sideways and 4 % in height, under the
# name and state bars): painting it is then a plain copy, where scaling it cost the GUI
# thread as much as all the frames' colour conversion. 0: always scale (the former way,
# kept for benchmarks/bench_video.py).
UNSCALED_WITHIN = 0.05


def picture_rects(width: int, height: int, rect: QRect) -> tuple[QRect, QRect]:
    """Where a `width` x `height` picture goes in a tile of `rect`, and which part of it:
    (target, source). Scaled to fit, unless it is near the tile's size (see
    `UNSCALED_WITHIN`): then 1:1, centred, trimmed to the tile."""
    if width <= 0 or height <= 0:
        return QRect(rect), QRect(0, 0, max(width, 1), max(height, 1))
    fit = min(rect.width() / width, rect.height() / height)
    near = (fit >= 1.0 - UNSCALED_WITHIN and UNSCALED_WITHIN > 0
            and (width >= rect.width() - 16 or height >= rect.height() - 16))
    if near:
        w, h = min(width, rect.width()), min(height, rect.height())
        source = QRect((width - w) // 2, (height - h) // 2, w, h)
    else:
        w, h = max(1, round(width * fit)), max(1, round(height * fit))
        source = QRect(0, 0, width, height)
    target = QRect(0, 0, w, h)
    target.moveCenter(rect.center())
    return target, source
