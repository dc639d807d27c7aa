"""The two decoders behind a tile, both decoding into our own buffers (no native window).

- `VlcSession`: libvlc through its video callbacks (RV32 into a buffer we own), for
  HTTP, UDP and files. The display callback runs on a VLC thread: it only copies the
  frame and posts a notice; the tile takes the newest frame on the GUI thread.
- `AvSession`: PyAV (FFmpeg's own RTSP client) on a worker thread, for RTSP over TCP or
  UDP, which Debian's libvlc cannot open.

A session is one attempt to play one URL. It reports through the process-wide
`FrameHub` (one QObject on the GUI thread, one connection per signal, dispatching by
session token), so a late callback from a VLC or PyAV thread after the tile moved on is
simply dropped, and no Qt object is ever deleted from a decoder thread. Stopping a session
never blocks the GUI thread: libvlc's stop and PyAV's close run on a helper thread.
"""

from __future__ import annotations

import ctypes
import itertools
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from core.video.sources import LIBVLC, PYAV, StreamChoice

WIDTH, HEIGHT = 640, 360  # the largest picture decoded for a tile (16:9)
RING = 4  # frame buffers per libvlc session
_tokens = itertools.count(1)
# Decode a picture at its tile's size when the tile is smaller than the picture by more
# than 1:1 painting absorbs (`SHRINK_BEYOND`: a 16-tile wall on a 1920x1080 screen), so
# the scaling is folded into the decoder's colour conversion and the GUI thread paints
# 1:1. A tile near the picture's size still gets the full picture (painted 1:1, its
# edges trimmed: see UNSCALED_WITHIN in console.video.picture): measured on 640x360 sources
# (benchmarks/bench_video.py), scaling 640 to 632 pixels in FFmpeg cost more than the
# plain conversion and a trim. False: never (the picture at WIDTH x HEIGHT, scaled while
# painting), kept for benchmarks/bench_video.py.
DECODE_AT_TILE_SIZE = True
SHRINK_BEYOND = 0.05
# The decoders that do so: PyAV only. libvlc 3 scales far more dearly than it converts
# (sixteen HTTP tiles, interleaved runs: 71-75 % of a core at the tile's size against
# 61-63 % at full size and scaled while painting); PyAV the other way round (one 640x360
# frame to a 472x264 tile 102 us, to 640x360 161 us).
SHRINK_DECODERS = frozenset({PYAV})
# Hand new frames to the tiles together, at most once every COALESCE_MS, instead of
# waking the GUI thread and repainting once per frame per tile: nine tiles at 25 fps are
# 225 wake-ups and paint passes a second one by one, ~30 together. 33 ms (30 passes a
# second) still shows every frame of a 25 fps camera, a frame at most 33 ms late; each
# pass has a cost of its own (nine HTTP tiles: the GUI thread 10 % of a core at 33 ms,
# 12 % at 16 ms, the same 25.1 fps shown). False: the former way (one wake-up per
# frame), kept for benchmarks/bench_video.py.
COALESCE_REPAINTS = True
COALESCE_MS = 33
# A PyAV frame becomes the tile's picture without a copy: the QImage wraps the buffer of
# the frame FFmpeg converted it into (a new one each frame, never written again) and
# keeps that frame alive. 640x360 RGB is 0.9 MB: nine tiles copied 200 MB a second.
# False: the former way (a copy), kept for benchmarks/bench_video.py.
WRAP_AV_FRAMES = True
# Each PyAV session converts its frames with one swscale context instead of a new one per
# frame (what `VideoFrame.reformat` does): 640x360 to RGB 161 us a frame instead of 270,
# to a 472x264 tile 102 us instead of 590 (measured alone). False: the former way, kept
# for benchmarks/bench_video.py.
REUSE_CONVERTER = True


def decode_size(tile_w: int, tile_h: int, decoder: str = PYAV) -> tuple[int, int]:
    """The picture size `decoder` should decode for a tile of `tile_w` x `tile_h` pixels:
    WIDTH x HEIGHT unless the decoder is one of `SHRINK_DECODERS` and the tile is smaller
    than that by more than `SHRINK_BEYOND`; then 16:9 fitted into the tile, the width a
    multiple of 8 (32-byte rows) and the height even (what the converters want)."""
    if (not DECODE_AT_TILE_SIZE or decoder not in SHRINK_DECODERS
            or tile_w <= 0 or tile_h <= 0):
        return WIDTH, HEIGHT
    scale = min(tile_w / WIDTH, tile_h / HEIGHT, 1.0)
    if scale >= 1.0 - SHRINK_BEYOND:
        return WIDTH, HEIGHT
    w = max(64, int(WIDTH * scale) // 8 * 8)
    h = max(36, int(w * HEIGHT / WIDTH) // 2 * 2)
    return w, h


class FrameHub(QObject):
    """Hands frames and endings from decoder threads to tiles on the GUI thread."""

    _frame = Signal(int)
    _wake = Signal()
    _ended = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._frame.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self._wake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self._sessions: dict[int, Session] = {}
        self._lock = threading.Lock()
        self._ready: set[int] = set()  # sessions with a frame waiting (COALESCE_REPAINTS)
        self._awake = False  # a wake-up is on its way or the flush timer runs
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._last_flush = 0.0
        self._flush_timer.timeout.connect(self._flush)

    def frame_ready(self, token: int) -> None:
        """A session has a new frame (from any thread)."""
        if not COALESCE_REPAINTS:
            self._frame.emit(token)
            return
        with self._lock:
            self._ready.add(token)
            if self._awake:
                return  # the next flush takes it: no wake-up of the GUI thread
            self._awake = True
        self._wake.emit()

    @Slot()
    def _on_wake(self) -> None:
        # At most one hand-over a refresh, but never a wait when the last was long ago:
        # a frame is late by at most COALESCE_MS, and only when frames come thick.
        if self._flush_timer.isActive():
            return
        wait_ms = COALESCE_MS - (time.monotonic() - self._last_flush) * 1000
        if wait_ms <= 1:
            self._flush()
        else:
            self._flush_timer.start(int(wait_ms))

    @Slot()
    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        with self._lock:
            ready, self._ready = self._ready, set()
            self._awake = False
        for token in ready:  # the tiles' repaints are then painted in one pass
            session = self._sessions.get(token)
            if session is not None:
                session.deliver_frame()

    def register(self, session: Session) -> None:
        self._sessions[session.token] = session

    def forget(self, token: int) -> None:
        self._sessions.pop(token, None)

    @Slot(int)
    def _on_frame(self, token: int) -> None:
        session = self._sessions.get(token)
        if session is not None:
            session.deliver_frame()

    @Slot(int, str)
    def _on_ended(self, token: int, reason: str) -> None:
        session = self._sessions.get(token)
        if session is not None:
            self.forget(token)
            session.on_ended(reason)


_hub: FrameHub | None = None


def frame_hub() -> FrameHub:
    """The one hub (made on first use, on the GUI thread)."""
    global _hub  # noqa: PLW0603 - one per process, like the QApplication
    if _hub is None:
        _hub = FrameHub()
    return _hub


class Session:
    """One attempt to play one URL; `on_frame(QImage)` and `on_ended(reason)` on the GUI thread."""

    decoder = ""

    def __init__(self, choice: StreamChoice, on_frame: Callable[[QImage], None],
                 on_ended: Callable[[str], None],
                 size: tuple[int, int] = (WIDTH, HEIGHT)) -> None:
        self.choice = choice
        # The picture size wanted (`decode_size` of the tile); a tile that is resized
        # sets it again: PyAV follows at once, libvlc at its next connection.
        self.size = size
        self.token = next(_tokens)
        self._on_frame_cb = on_frame
        self._on_ended_cb = on_ended
        self._latest: QImage | None = None
        self._pending = False
        self._lock = threading.Lock()
        self.active = True
        self.frames_decoded = 0  # counted on the decoder thread
        self.started_at = time.monotonic()
        frame_hub().register(self)

    # -- from decoder threads ------------------------------------------------------------

    def post_frame(self, image: QImage) -> None:
        """Keep the newest frame; wake the GUI thread only if it has not been woken yet."""
        if not self.active:
            return
        self.frames_decoded += 1
        with self._lock:
            self._latest = image
            if self._pending:
                return  # the GUI has not taken the last one: it will take this instead
            self._pending = True
        frame_hub().frame_ready(self.token)

    def post_ended(self, reason: str) -> None:
        if self.active:
            frame_hub()._ended.emit(self.token, reason)

    # -- on the GUI thread -------------------------------------------------------------

    def deliver_frame(self) -> None:
        with self._lock:
            image, self._latest, self._pending = self._latest, None, False
        if image is not None and self.active:
            self._on_frame_cb(image)

    def on_ended(self, reason: str) -> None:
        if self.active:
            self.active = False
            self._on_ended_cb(reason)

    def start(self) -> None:
        """Begin playing (returns at once)."""
        raise NotImplementedError

    def stop(self) -> threading.Thread:
        """Stop playing and close the connection, without blocking the caller.

        Returns the thread doing it: join it where waiting is right (the console quitting,
        so no decoder calls back into a Python that is shutting down).
        """
        self.active = False
        frame_hub().forget(self.token)
        thread = threading.Thread(target=self._close, name=f"beacon-video-stop-{self.token}",
                                  daemon=True)
        thread.start()
        return thread

    def _close(self) -> None:
        raise NotImplementedError


# -- libvlc ---------------------------------------------------------------------------

_vlc_instance = None
_vlc_lock = threading.Lock()
VLC_ARGS = ("--no-audio", "--avcodec-hw=none", "--quiet", "--no-video-title-show",
            "--network-caching=300", "--no-xlib", "--no-stats", "--no-osd",
            # Scaling to the tile size is folded into the colour conversion; fast
            # bilinear costs about what the conversion alone did (bicubic, the
            # default, about twice), and a tile is seldom far from the picture size.
            "--swscale-mode=0")


def vlc_instance():  # noqa: ANN201 - vlc.Instance, imported lazily
    """The one libvlc instance of the process (libvlc loads its plugins once)."""
    global _vlc_instance  # noqa: PLW0603
    with _vlc_lock:
        if _vlc_instance is None:
            import vlc
            _vlc_instance = vlc.Instance(list(VLC_ARGS))
            if _vlc_instance is None:
                raise RuntimeError("libvlc could not start (is vlc-plugin-base installed?)")
        return _vlc_instance


def _vlc_event(name: str):  # noqa: ANN202 - a vlc.EventType
    import vlc

    return getattr(vlc.EventType, name)


class VlcSession(Session):
    """libvlc decoding into a buffer of ours through its video callbacks."""

    decoder = LIBVLC

    def start(self) -> None:
        import vlc

        # A ring of frame buffers: libvlc decodes into the next one while the GUI may
        # still paint the last; the QImage wraps the buffer without copying it.
        width, height = self.size  # fixed for this connection (libvlc sets it once)
        self._ring = [bytearray(width * height * 4) for _ in range(RING)]
        self._ring_ptrs = [ctypes.addressof((ctypes.c_char * len(b)).from_buffer(b))
                           for b in self._ring]
        # One QImage over each buffer, made here: the display callback (a VLC thread,
        # holding the interpreter) then only hands one over, instead of making a Qt
        # object per frame.
        self._images = [QImage(b, width, height, width * 4, QImage.Format.Format_RGB32)
                        for b in self._ring]
        self._slot = 0
        self.player = vlc_instance().media_player_new()

        # Keep references to the ctypes callbacks: libvlc holds only raw pointers.
        @vlc.CallbackDecorators.VideoLockCb
        def lock(_opaque, planes):  # noqa: ANN001, ANN202
            self._slot = (self._slot + 1) % RING
            planes[0] = self._ring_ptrs[self._slot]
            return None

        @vlc.CallbackDecorators.VideoDisplayCb
        def display(_opaque, _picture):  # noqa: ANN001, ANN202
            if self.active:
                self.post_frame(self._images[self._slot])

        self._callbacks = (lock, display)
        # No unlock callback: there is nothing to do there, and each callback is a call
        # into Python from a VLC thread, per frame.
        self.player.video_set_callbacks(lock, None, display, None)
        self.player.video_set_format("RV32", width, height, width * 4)
        events = self.player.event_manager()
        events.event_attach(vlc.EventType.MediaPlayerEncounteredError,
                            lambda _e: self.post_ended("error"))
        events.event_attach(vlc.EventType.MediaPlayerEndReached,
                            lambda _e: self.post_ended("ended"))
        media = vlc_instance().media_new(self.choice.url)
        self.player.set_media(media)
        media.release()
        self.player.play()

    def _close(self) -> None:
        player = getattr(self, "player", None)
        if player is not None:
            player.stop()  # closes the connection; may take a moment, hence this thread
            player.event_manager().event_detach(_vlc_event("MediaPlayerEncounteredError"))
            player.event_manager().event_detach(_vlc_event("MediaPlayerEndReached"))
            player.release()
            self.player = None
        # No callback can come any more: let the buffers go now, not at the next full
        # garbage collection (the callbacks and the session refer to each other).
        self._callbacks = ()
        self._ring, self._ring_ptrs, self._images = [], [], []
        self._latest = None


# -- PyAV -----------------------------------------------------------------------------

OPEN_TIMEOUT_S = 8.0
READ_TIMEOUT_S = 3.0


class AvSession(Session):
    """PyAV (FFmpeg) reading and decoding on a worker thread, for RTSP."""

    decoder = PYAV

    def start(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"beacon-pyav-{self.token}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import av
        from av.video.reformatter import VideoReformatter

        options = {"rtsp_transport": self.choice.transport or "tcp",
                   "analyzeduration": "1000000", "probesize": "500000"}
        container = None
        try:
            container = av.open(self.choice.url, options=options,
                                timeout=(OPEN_TIMEOUT_S, READ_TIMEOUT_S))
            if not container.streams.video:
                self.post_ended("no video in the stream")
                return
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            # One converter for the session: `frame.reformat` makes a new one (a new
            # swscale context, its filters computed again) for every frame.
            reformatter = VideoReformatter() if REUSE_CONVERTER else None
            for frame in container.decode(stream):
                if self._stop.is_set():
                    return
                width, height = self.size
                rgb = (reformatter.reformat(frame, width=width, height=height, format="bgra")
                       if reformatter is not None else
                       frame.reformat(width=width, height=height, format="bgra"))
                plane = rgb.planes[0]
                image = QImage(memoryview(plane), width, height, plane.line_size,
                               QImage.Format.Format_RGB32)
                if WRAP_AV_FRAMES:
                    # The picture reads FFmpeg's buffer for as long as it lives: a new
                    # buffer each frame, kept by the converted frame held here.
                    image.av_frame = rgb
                else:
                    image = image.copy()  # detached from FFmpeg's buffer: a copy more
                self.post_frame(image)
            self.post_ended("ended")
        except Exception as exc:  # noqa: BLE001 - any failure is the tile's message
            if not self._stop.is_set():
                self.post_ended(describe_av_error(exc))
        finally:
            if container is not None:
                try:
                    container.close()  # RTSP TEARDOWN: the server sees us leave
                except Exception:  # noqa: BLE001, S110 - closing a broken stream
                    pass

    def _close(self) -> None:
        self._stop.set()
        thread = getattr(self, "_thread", None)
        if thread is not None:
            thread.join(OPEN_TIMEOUT_S + READ_TIMEOUT_S + 2)


def describe_av_error(exc: Exception) -> str:
    """A short, operator-readable reason for a PyAV failure."""
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "timed out" in lowered or "timeout" in lowered or "immediate exit" in lowered:
        return "no answer (timed out)"
    if "not found" in lowered or "404" in lowered:
        return "the camera has no such stream (404)"
    if "unauthorized" in lowered or "401" in lowered:
        return "the camera refused the credentials (401)"
    if "invalid data" in lowered:
        return "not a video stream"
    if "end of file" in lowered:
        return "ended"
    return text.splitlines()[0][:120]


def new_session(choice: StreamChoice, on_frame: Callable[[QImage], None],
                on_ended: Callable[[str], None],
                size: tuple[int, int] = (WIDTH, HEIGHT)) -> Session:
    """The session class the choice names, decoding pictures of `size`."""
    cls = AvSession if choice.decoder == PYAV else VlcSession
    return cls(choice, on_frame, on_ended, size)
