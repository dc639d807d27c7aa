"""Colour conversion of decoded YUV pictures into RGB memory, through FFmpeg's libswscale.

Both decoders hand the wall a `Picture`: the decoder's own YUV planes (a PyAV frame, or
the buffer libvlc copies into), not yet converted. The GUI thread converts a picture
once, when it paints it, straight into where it is shown (the window's backing store,
see `console.video.direct_paint`), so each frame is written as RGB once instead of being
converted into a buffer of its own and then copied. A `Converter` writes to any address:
the backing store, or a `QImage` (a snapshot, a scaled tile).

libswscale is the copy PyAV ships in its wheel (already loaded by `import av`), called
through ctypes, which lets go of the interpreter lock while it works. No Qt here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
from dataclasses import dataclass

# SWS_BILINEAR: what a scaled tile needs; an unscaled conversion ignores it.
_SWS_BILINEAR = 2
# swscale's vector code writes whole blocks of pixels: an unscaled conversion whose
# width is 8 more than a multiple of 16 wrote 8 pixels past each row's end, a scaled one
# 4 past a multiple of 8, and an odd number of rows left the last unwritten (measured on
# this library; tests/console/test_video_swscale.py). Past the end of a row in the
# window's backing store is another widget's pixels, so outputs are trimmed to widths and
# heights that write exactly what they say.
CROP_WIDTH_STEP = 16
SCALE_WIDTH_STEP = 8


@dataclass(frozen=True, slots=True)
class Picture:
    """One decoded picture in 4:2:0 planar YUV (FFmpeg's `yuv420p` or `yuvj420p`).

    `planes` are the addresses of the Y, U and V planes and `strides` their bytes per
    row; `keep` is whatever owns that memory (a PyAV frame, libvlc's ring buffer), held
    for as long as the picture is. Immutable, so it may cross threads: made on a decoder
    thread, read on the GUI thread, never written.
    """

    width: int
    height: int
    pix_fmt: str
    planes: tuple[int, int, int]
    strides: tuple[int, int, int]
    keep: object = None

    def cropped(self, x: int, y: int) -> tuple[tuple[int, int, int], int, int]:
        """The plane addresses of the picture starting at (`x`, `y`), rounded down to
        even numbers (4:2:0 shares one chroma sample between 2x2 pixels), with the
        rounded x and y."""
        x, y = x & ~1, y & ~1
        ys, us, vs = self.strides
        return ((self.planes[0] + y * ys + x, self.planes[1] + (y // 2) * us + x // 2,
                 self.planes[2] + (y // 2) * vs + x // 2), x, y)


# sws_scale's array arguments: four plane addresses, four row strides.
_Ptr4 = ctypes.c_void_p * 4
_Int4 = ctypes.c_int * 4


class SwscaleMissing(RuntimeError):
    """libswscale could not be found or loaded."""


def _library_paths(stem: str) -> list[str]:
    """Where lib`stem` may be: first the copy inside PyAV's wheel (the one `import av`
    loaded), then the system's."""
    try:
        import av
    except ImportError:
        found: list[str] = []
    else:
        libs = os.path.join(os.path.dirname(os.path.dirname(av.__file__)), "av.libs")
        found = sorted(glob.glob(os.path.join(libs, f"lib{stem}-*.so*")))
    system = ctypes.util.find_library(stem)
    return [*found, *([system] if system else [])]


class _Libs:
    """libswscale and libavutil, with the few functions used declared."""

    def __init__(self) -> None:
        sws_paths, util_paths = _library_paths("swscale"), _library_paths("avutil")
        if not sws_paths or not util_paths:
            raise SwscaleMissing("FFmpeg's libswscale was not found (is PyAV installed?)")
        try:
            self.sws = ctypes.CDLL(sws_paths[0])
            self.util = ctypes.CDLL(util_paths[0])
        except OSError as exc:
            raise SwscaleMissing(f"FFmpeg's libswscale could not be loaded: {exc}") from exc
        self.sws.sws_getCachedContext.restype = ctypes.c_void_p
        self.sws.sws_getCachedContext.argtypes = [
            ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
            ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
            ctypes.c_void_p]
        self.sws.sws_scale.restype = ctypes.c_int
        self.sws.sws_scale.argtypes = [ctypes.c_void_p, _Ptr4, _Int4, ctypes.c_int,
                                       ctypes.c_int, _Ptr4, _Int4]
        self.sws.sws_freeContext.argtypes = [ctypes.c_void_p]
        self.util.av_get_pix_fmt.restype = ctypes.c_int
        self.util.av_get_pix_fmt.argtypes = [ctypes.c_char_p]
        self.bgra = self.pix_fmt("bgra")  # QImage's RGB32 byte order on little-endian

    def pix_fmt(self, name: str) -> int:
        value = self.util.av_get_pix_fmt(name.encode())
        if value < 0:
            raise ValueError(f"FFmpeg knows no pixel format {name!r}")
        return value


_libs: _Libs | None = None


def libs() -> _Libs:
    """The loaded libraries (loaded on first use; raises `SwscaleMissing`)."""
    global _libs  # noqa: PLW0603 - one per process, like the libraries themselves
    if _libs is None:
        _libs = _Libs()
    return _libs


class Converter:
    """Converts `Picture`s to 32-bit RGB (QImage's RGB32 layout) at a given size.

    Keeps one swscale context, made again only when the picture's size or format or the
    output size changes. Use each converter from one thread only (the GUI thread).
    """

    def __init__(self) -> None:
        self._ctx: int | None = None
        self._key: tuple = ()
        self._fmt_ids: dict[str, int] = {}
        # The libraries are loaded at the first conversion, not when a tile is made.
        self._lib: _Libs | None = None
        # The call's four arrays, made once and filled in per call (making ctypes
        # arrays costs more than the Python around the conversion does).
        self._src, self._src_strides = _Ptr4(), _Int4()
        self._dst, self._dst_strides = _Ptr4(), _Int4()

    def crop(self, picture: Picture, dst: int, dst_stride: int, src_x: int, src_y: int,
             width: int, height: int) -> tuple[int, int]:
        """Write the `width` x `height` part of `picture` from (`src_x`, `src_y`), 1:1 and
        rounded down to even coordinates, as RGB32 at address `dst` (`dst_stride` bytes a
        row). Returns the size written: trimmed to the picture, the width rounded down to
        a multiple of 16 and the height to an even number (see `CROP_WIDTH_STEP`)."""
        planes, x, y = picture.cropped(src_x, src_y)
        width = min(width, picture.width - x) // CROP_WIDTH_STEP * CROP_WIDTH_STEP
        height = min(height, picture.height - y) & ~1
        if width > 0 and height > 0:
            self._run(picture, planes, width, height, width, height, dst, dst_stride)
        return max(width, 0), max(height, 0)

    def scale(self, picture: Picture, dst: int, dst_stride: int, width: int,
              height: int) -> tuple[int, int]:
        """Write the whole `picture` scaled to `width` x `height` as RGB32 at `dst`.
        Returns the size written: the width rounded down to a multiple of 8 and the
        height to an even number (see `SCALE_WIDTH_STEP`)."""
        width, height = width // SCALE_WIDTH_STEP * SCALE_WIDTH_STEP, height & ~1
        if width > 0 and height > 0:
            self._run(picture, picture.planes, picture.width, picture.height, width, height,
                      dst, dst_stride)
        return max(width, 0), max(height, 0)

    def _run(self, picture: Picture, planes: tuple[int, int, int], in_w: int, in_h: int,
             out_w: int, out_h: int, dst: int, dst_stride: int) -> None:
        lib = self._lib
        if lib is None:
            lib = self._lib = libs()
        fmt = self._fmt_ids.get(picture.pix_fmt)
        if fmt is None:
            fmt = self._fmt_ids[picture.pix_fmt] = lib.pix_fmt(picture.pix_fmt)
        key = (in_w, in_h, fmt, out_w, out_h)
        if key != self._key:
            self._ctx = lib.sws.sws_getCachedContext(self._ctx, in_w, in_h, fmt, out_w, out_h,
                                                     lib.bgra, _SWS_BILINEAR, None, None,
                                                     None)
            if not self._ctx:
                self._key = ()
                raise ValueError(f"cannot convert a {in_w}x{in_h} {picture.pix_fmt} picture "
                                 f"to {out_w}x{out_h}")
            self._key = key
        src, src_strides = self._src, self._src_strides
        src[0], src[1], src[2] = planes
        src_strides[0], src_strides[1], src_strides[2] = picture.strides
        self._dst[0], self._dst_strides[0] = dst, dst_stride
        lib.sws.sws_scale(self._ctx, src, src_strides, 0, in_h, self._dst, self._dst_strides)

    def close(self) -> None:
        """Free the swscale context."""
        if self._ctx and self._lib is not None:
            self._lib.sws.sws_freeContext(self._ctx)
        self._ctx, self._key = None, ()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - at interpreter exit the library may be gone
            pass
