"""Pictures reach the screen converted once: libswscale writes exactly the pixels it is
asked to (never past a row's end, into a neighbour's pixels), where a picture goes in
its tile, and the wall writing new frames straight into the window's backing store, or
through a paint event where something covers a tile."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel

from console.video import direct_paint
from console.video.picture import place
from console.video.swscale import CROP_WIDTH_STEP, Converter, Picture
from console.video_wall import VideoWall
from core.video.tile_state import LIVE
from tests.console.test_video_wall import FRAME_WAIT_MS, cam, wait_frames
from tests.console.video_servers import (  # noqa: F401 - fixtures
    clip_dir,
    clips,
    http_server,
    rtsp_server,
    skip_or_fail,
)

SENTINEL = 0x12345678


def yuv_picture(width: int = 640, height: int = 360) -> tuple[Picture, np.ndarray]:
    """A random picture as FFmpeg decodes one (yuv420p), and FFmpeg's own RGB of it."""
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    planes = frame.planes
    picture = Picture(width, height, "yuv420p", tuple(p.buffer_ptr for p in planes),
                      tuple(p.line_size for p in planes), frame)
    return picture, frame.reformat(format="bgra").to_ndarray()


def canvas(width: int, height: int) -> tuple[np.ndarray, int]:
    """A 32-bit canvas filled with a sentinel, and its address."""
    pixels = np.full((height, width), SENTINEL, dtype=np.uint32)
    return pixels, pixels.ctypes.data


@pytest.mark.parametrize("width", [16, 104, 472, 624, 632, 640, 648])
@pytest.mark.parametrize("offset", [0, 1, 3])
def test_a_crop_writes_exactly_its_rectangle_with_ffmpegs_colours(width: int,
                                                                  offset: int) -> None:
    picture, reference = yuv_picture()
    pixels, base = canvas(700, 340)
    stride = 700 * 4
    w, h = Converter().crop(picture, base + (2 * 700 + offset) * 4, stride, 6, 21, width, 301)
    assert w % CROP_WIDTH_STEP == 0 and w <= min(width, 640 - 6) and h == 300
    written = np.zeros_like(pixels, dtype=bool)
    written[2:2 + h, offset:offset + w] = True
    assert (pixels[~written] == SENTINEL).all(), "pixels outside the rectangle changed"
    got = pixels[2:2 + h, offset:offset + w].view(np.uint8).reshape(h, w, 4)
    # (6, 21) rounds down to (6, 20): 4:2:0 chroma is shared by pairs of rows.
    assert np.array_equal(got, reference[20:20 + h, 6:6 + w])


@pytest.mark.parametrize("size", [(456, 256), (472, 266), (920, 518), (1896, 1066)])
def test_a_scaled_picture_stays_inside_its_rectangle(size: tuple[int, int]) -> None:
    picture, reference = yuv_picture()
    width, height = size
    pixels, base = canvas(width + 40, height + 4)
    stride = (width + 40) * 4
    w, h = Converter().scale(picture, base + (stride + 4 * 3), stride, width, height)
    assert (w, h) == (width // 8 * 8, height // 2 * 2)
    written = np.zeros_like(pixels, dtype=bool)
    written[1:1 + h, 3:3 + w] = True
    assert (pixels[~written] == SENTINEL).all()
    got = pixels[1:1 + h, 3:3 + w].view(np.uint8).reshape(h, w, 4)
    # A scaled copy of the picture: its mean colour is the picture's.
    assert np.abs(got[..., :3].mean(axis=(0, 1)) - reference[..., :3].mean(axis=(0, 1))).max() < 3


def test_where_a_picture_goes_in_its_tile() -> None:
    """Near its tile's size (nine 640x360 pictures on a 1920x1080 wall) a picture is shown
    1:1, centred, trimmed to the band between the bars; a tile much smaller or larger
    scales the whole picture to fit the band."""
    tile = QRect(0, 0, 636, 346)
    band = tile.adjusted(0, 30, 0, -24)
    p = place(640, 360, tile, band)
    assert not p.scaled and band.contains(p.target)
    assert p.target.width() == 624 and p.target.height() == band.height()
    # The picture's top-left sits at (-2, -8) in the tile: the part shown is what lies
    # under the target, from even coordinates.
    assert p.source == QPoint(p.target.x() + 2, p.target.y() + 8)
    assert p.source.x() % 2 == 0 and p.source.y() % 2 == 0
    sixteen = QRect(0, 0, 478, 258)
    p = place(640, 360, sixteen, sixteen.adjusted(0, 30, 0, -24))
    assert p.scaled and sixteen.adjusted(0, 30, 0, -24).contains(p.target)
    assert p.target.width() % 8 == 0 and abs(p.target.width() / p.target.height() - 16 / 9) < 0.03
    four = QRect(0, 0, 955, 520)
    p = place(640, 360, four, four.adjusted(0, 30, 0, -24))
    assert p.scaled and p.target.height() == 466 and p.target.width() == 824


def backing_pixels(window, rect: QRect) -> np.ndarray:  # noqa: ANN001
    """The window's backing store under `rect` (window coordinates), as BGRA bytes."""
    image = window.backingStore().paintDevice()
    part = image.copy(rect).convertToFormat(image.format())
    data = np.frombuffer(part.constBits(), np.uint8).reshape(part.height(),
                                                               part.bytesPerLine())
    return data[:, :rect.width() * 4].reshape(rect.height(), rect.width(), 4).copy()


def shown_and_expected(tile) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """What the screen shows of `tile`'s picture and what the picture says it should."""
    placement = tile.face.picture_layout(tile.picture)[0]
    target = placement.target
    on_window = target.translated(tile.mapTo(tile.window(), QPoint(0, 0)))
    shown = backing_pixels(tile.window(), on_window)
    image = tile.image  # the same picture, converted on its own
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    x, y = placement.source.x(), placement.source.y()
    return shown[..., :3], data[y:y + target.height(), x:x + target.width(), :3]


@pytest.mark.parametrize("kind", ["http", "rtsp"])
def test_new_frames_are_written_straight_to_the_screen(
        qtbot, centre, selection, http_server, rtsp_server, kind) -> None:  # noqa: ANN001, F811
    server = http_server if kind == "http" else rtsp_server
    wall = VideoWall(centre, None, selection, None,
                     cameras=[cam("a", server.url("north"))], layout=9)
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)  # nine tiles of about 640x360: pictures shown 1:1
    wall.show()
    try:
        tile = wall.tiles[0]
        wait_frames(qtbot, tile, 5)
        written, painted = direct_paint.frames_written, tile.frames_painted
        wait_frames(qtbot, tile, 10)
        qtbot.waitUntil(lambda: tile.frames_painted >= painted + 8, timeout=FRAME_WAIT_MS)
        assert direct_paint.frames_written >= written + 8, "frames went through paint events"
        assert tile.state == LIVE
        # Between two turns of the event loop the screen shows the newest picture.
        shown, expected = shown_and_expected(tile)
        assert shown.shape == expected.shape and shown.shape[1] >= 600
        assert np.array_equal(shown, expected)
    finally:
        wall.shutdown()


def test_a_covered_tile_is_painted_the_ordinary_way(
        qtbot, centre, selection, http_server) -> None:  # noqa: ANN001, F811
    """A widget over part of a tile's picture: writing straight to the screen would paint
    over it, so the tile's frames go through its paint event (clipped by Qt) instead."""
    wall = VideoWall(centre, None, selection, None,
                     cameras=[cam("a", http_server.url("north"))], layout=1)
    qtbot.addWidget(wall)
    wall.resize(960, 560)
    wall.show()
    try:
        tile = wall.tiles[0]
        wait_frames(qtbot, tile, 5)
        cover = QLabel("over the picture", wall)
        cover.setAutoFillBackground(True)
        centre_of_tile = tile.mapTo(wall, tile.rect().center())
        cover.setGeometry(centre_of_tile.x(), centre_of_tile.y(), 120, 40)
        cover.show()
        cover.raise_()
        qtbot.waitUntil(lambda: not cover.visibleRegion().isEmpty())
        wait_frames(qtbot, tile, 2)  # the frame in flight when the cover came
        written, painted = direct_paint.frames_written, tile.frames_painted
        wait_frames(qtbot, tile, 10)
        qtbot.waitUntil(lambda: tile.frames_painted >= painted + 8, timeout=FRAME_WAIT_MS)
        assert direct_paint.frames_written == written
        # The cover is still on top: the screen shows its pixels, not the picture's.
        on_screen = backing_pixels(wall, cover.geometry())
        label = cover.grab().toImage()
        colour = label.pixelColor(2, 2)
        assert tuple(on_screen[2, 2, :3]) == (colour.blue(), colour.green(), colour.red())
        cover.hide()
        qtbot.waitUntil(lambda: direct_paint.frames_written > written, timeout=FRAME_WAIT_MS)
    finally:
        wall.shutdown()
