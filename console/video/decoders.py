"""The two decoders behind a tile, both handing over their pictures as 4:2:0 YUV
(`console.video.swscale.Picture`), converted to RGB only where the tile paints them.

- `VlcSession`: libvlc through its video callbacks (I420 into buffers we own), for
  HTTP, UDP and files. The display callback runs on a VLC thread: it only posts a
  notice; the tile takes the newest picture on the GUI thread.
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

from console.video.swscale import Picture
from core.video.sources import LIBVLC, PYAV, StreamChoice

WIDTH, HEIGHT = 640, 360  # the largest picture handed to a tile (16:9)
RING = 4  # picture buffers per libvlc session
_tokens = itertools.count(1)
# Hand new frames to the tiles together, at most once every COALESCE_MS, instead of
# waking the GUI thread and repainting once per frame per tile: nine tiles at 25 fps are
# 225 wake-ups and paint passes a second one by one, ~30 together. 33 ms (30 passes a
# second) still shows every frame of a 25 fps camera, a frame at most 33 ms late; each
# pass has a cost of its own (nine HTTP tiles: the GUI thread 10 % of a core at 33 ms,
# 12 % at 16 ms, the same 25.1 fps shown).
COALESCE_MS = 33
# Threads each stream's decoder uses. One: a wall's parallelism comes from its many
# streams, and a decoder spread over several threads hands every frame between them
# (nine HTTP tiles: 36 % of a core with libvlc's default of three threads a stream, 33 %
# with one, interleaved runs) and holds back a frame per extra thread (40 ms each at 25
# fps), which a live picture should not. One thread decodes a 1080p camera in about 13 %
# of a core here, a 4K one in under 40 %.
DECODER_THREADS = 1
# The pixel formats a `Picture` may have (4:2:0 planar; FFmpeg's names). Anything else
# (a camera sending 4:2:2, say) is converted to yuv420p on the decoder's thread first.
PICTURE_FORMATS = frozenset({"yuv420p", "yuvj420p"})


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """`width` x `height` shrunk to fit WIDTH x HEIGHT (aspect kept, even numbers), or
    unchanged when it fits: pictures larger than a tile ever shows are shrunk on the
    decoder's thread, not painted at full size by the GUI thread."""
    if width <= WIDTH and height <= HEIGHT:
        return width & ~1, height & ~1
    scale = min(WIDTH / width, HEIGHT / height)
    return max(2, int(width * scale) & ~1), max(2, int(height * scale) & ~1)


class FrameHub(QObject):
    """Hands frames and endings from decoder threads to tiles on the GUI thread."""

    _wake = Signal()
    _ended = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._wake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self._sessions: dict[int, Session] = {}
        self._lock = threading.Lock()
        self._ready: set[int] = set()  # sessions with a frame waiting
        self._awake = False  # a wake-up is on its way or the flush timer runs
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._last_flush = 0.0
        self._flush_timer.timeout.connect(self._flush)
        # Called after each hand-over with every session's frame delivered (the direct
        # painter writes the new pictures then, all in one go).
        self.after_flush: list[Callable[[], None]] = []

    def frame_ready(self, token: int) -> None:
        """A session has a new frame (from any thread)."""
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
        for callback in self.after_flush:
            callback()

    def register(self, session: Session) -> None:
        self._sessions[session.token] = session

    def forget(self, token: int) -> None:
        self._sessions.pop(token, None)

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
    """One attempt to play one URL; `on_frame(Picture)` and `on_ended(reason)` on the GUI thread."""

    decoder = ""

    def __init__(self, choice: StreamChoice, on_frame: Callable[[Picture], None],
                 on_ended: Callable[[str], None]) -> None:
        self.choice = choice
        self.token = next(_tokens)
        self._on_frame_cb = on_frame
        self._on_ended_cb = on_ended
        self._latest: Picture | None = None
        self._pending = False
        self._lock = threading.Lock()
        self.active = True
        self.frames_decoded = 0  # counted on the decoder thread
        self.started_at = time.monotonic()
        frame_hub().register(self)

    # -- from decoder threads ------------------------------------------------------------

    def post_frame(self, picture: Picture) -> None:
        """Keep the newest frame; wake the GUI thread only if it has not been woken yet."""
        if not self.active:
            return
        self.frames_decoded += 1
        with self._lock:
            self._latest = picture
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
            # Only a camera larger than WIDTH x HEIGHT is scaled by libvlc (to fit):
            # fast bilinear, about half the cost of its default, bicubic.
            "--swscale-mode=0")


def vlc_instance():  # noqa: ANN201 - vlc.Instance, imported lazily
    """The one libvlc instance of the process (libvlc loads its plugins once)."""
    global _vlc_instance  # noqa: PLW0603
    with _vlc_lock:
        if _vlc_instance is None:
            import vlc
            _vlc_instance = vlc.Instance([*VLC_ARGS,
                                          f"--avcodec-threads={DECODER_THREADS}"])
            if _vlc_instance is None:
                raise RuntimeError("libvlc could not start (is vlc-plugin-base installed?)")
        return _vlc_instance


def _vlc_event(name: str):  # noqa: ANN202 - a vlc.EventType
    import vlc

    return getattr(vlc.EventType, name)


_api = ctypes.pythonapi
_api.PyGILState_Ensure.restype = ctypes.c_int
_api.PyThreadState_Get.restype = ctypes.c_void_p
_api.PyThreadState_Clear.argtypes = [ctypes.c_void_p]
_api.PyThreadState_Delete.argtypes = [ctypes.c_void_p]


class CallbackThreads:
    """Python thread states kept for libvlc's threads while they call into Python.

    A ctypes callback on a thread Python did not start makes a Python thread state for
    the call and frees it after (and with it the memory for its frames: an mmap, page
    faults and an munmap each time); libvlc calls two callbacks per frame. `enter`, first
    thing in each callback, keeps the thread's state for the next call (one more hold of
    it); `release` frees them all once libvlc has stopped those threads, which
    `media_player.stop()` does (it joins the video output thread). Nine HTTP tiles:
    35.0 -> 33.0 % of a core (four interleaved runs).
    """

    def __init__(self) -> None:
        self._states: dict[int, int] = {}  # thread ident -> its PyThreadState*
        self.native_ids: set[int] = set()  # the threads' kernel ids (tests look them up)

    def enter(self) -> None:
        """Keep this thread's state past the current callback (once per thread)."""
        ident = threading.get_ident()
        if ident not in self._states:
            _api.PyGILState_Ensure()  # a second hold: the callback's own ends, this stays
            self._states[ident] = _api.PyThreadState_Get()
            self.native_ids.add(threading.get_native_id())

    def release(self) -> None:
        """Free the kept states. Only once the threads can call back no more."""
        states, self._states = list(self._states.values()), {}
        for state in states:
            _api.PyThreadState_Clear(state)
            _api.PyThreadState_Delete(state)


class VlcSession(Session):
    """libvlc decoding into buffers of ours through its video callbacks, as 4:2:0 YUV
    (I420: the decoder's own output, so libvlc converts nothing; the tile converts each
    picture once, where it paints it)."""

    decoder = LIBVLC

    def start(self) -> None:
        import vlc

        self._ring: list[bytearray] = []
        self._pictures: list[Picture] = []
        self._slot = 0
        self._threads = CallbackThreads()
        self.player = vlc_instance().media_player_new()

        # A ring of picture buffers: libvlc fills the next while the GUI may still
        # convert the last (a picture is at most COALESCE_MS late; the ring holds RING).
        # The size is fixed, as libvlc's format callback is handed the decoder's padded
        # size (640x368 for a 640x360 camera), not the picture's: asking for that, or
        # anything but the picture's own size, makes libvlc scale every frame. With a
        # fixed format libvlc gives each plane the one pitch and line count given.
        w, h = WIDTH, HEIGHT
        plane = w * h
        ring = [bytearray(plane * 3) for _ in range(RING)]
        bases = [ctypes.addressof((ctypes.c_char * len(b)).from_buffer(b)) for b in ring]
        self._pictures = [Picture(w, h, "yuv420p", (base, base + plane, base + 2 * plane),
                                  (w, w, w), buffer)
                          for base, buffer in zip(bases, ring, strict=True)]
        self._ring = ring

        @vlc.CallbackDecorators.VideoLockCb
        def lock(_opaque, planes):  # noqa: ANN001, ANN202
            self._threads.enter()
            self._slot = (self._slot + 1) % RING
            picture = self._pictures[self._slot]
            planes[0], planes[1], planes[2] = picture.planes
            return None

        @vlc.CallbackDecorators.VideoDisplayCb
        def display(_opaque, _picture):  # noqa: ANN001, ANN202
            self._threads.enter()
            if self.active:
                self.post_frame(self._pictures[self._slot])

        # Keep references to the ctypes callbacks: libvlc holds only raw pointers.
        self._callbacks = (lock, display)
        # No unlock callback: there is nothing to do there, and each callback is a call
        # into Python from a VLC thread, per frame.
        self.player.video_set_callbacks(lock, None, display, None)
        self.player.video_set_format("I420", w, h, w)
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
            # stop() joined libvlc's threads: none of them can call back any more.
            self._threads.release()
            self.player = None
        # No callback can come any more: let the buffers go now, not at the next full
        # garbage collection (the callbacks and the session refer to each other).
        self._callbacks = ()
        self._ring, self._pictures = [], []
        self._latest = None


# -- PyAV -----------------------------------------------------------------------------

# How long a silent camera is waited for, in each socket operation (connecting, the
# answers while the stream is set up, each read): long enough for a loaded server to set
# a stream up. A camera that goes quiet while playing is noticed sooner by its tile ("no
# picture for 4 s"), which closes the session. FFmpeg's own `timeout` option, not PyAV's
# `timeout=`: PyAV's is an interrupt callback that takes the interpreter's lock on every
# read FFmpeg does, hundreds of times a second per stream, so nine decoder threads
# queued for the lock.
SOCKET_TIMEOUT_S = 8.0


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
                   "analyzeduration": "1000000", "probesize": "500000",
                   "timeout": str(int(SOCKET_TIMEOUT_S * 1_000_000))}
        container = None
        try:
            container = av.open(self.choice.url, options=options)
            if not container.streams.video:
                self.post_ended("no video in the stream")
                return
            stream = container.streams.video[0]
            stream.thread_type = "AUTO" if DECODER_THREADS != 1 else "SLICE"
            stream.codec_context.thread_count = DECODER_THREADS
            # For the rare camera whose pictures are not 4:2:0 or larger than a tile
            # shows: one converter for the session (`frame.reformat` makes a new one, its
            # filters computed again, for every frame).
            reformatter = VideoReformatter()
            for frame in container.decode(stream):
                if self._stop.is_set():
                    return
                width, height = fitted_size(frame.width, frame.height)
                if (frame.format.name not in PICTURE_FORMATS
                        or (width, height) != (frame.width, frame.height)):
                    frame = reformatter.reformat(frame, width=width, height=height,
                                                 format="yuv420p")
                planes = frame.planes
                # The picture reads FFmpeg's buffers, a new one each frame, for as long
                # as it lives (it keeps the frame).
                self.post_frame(Picture(
                    width, height, frame.format.name,
                    (planes[0].buffer_ptr, planes[1].buffer_ptr, planes[2].buffer_ptr),
                    (planes[0].line_size, planes[1].line_size, planes[2].line_size), frame))
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
            thread.join(SOCKET_TIMEOUT_S + 2)  # it is blocked in one socket wait at most


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


def new_session(choice: StreamChoice, on_frame: Callable[[Picture], None],
                on_ended: Callable[[str], None]) -> Session:
    """The session class the choice names."""
    cls = AvSession if choice.decoder == PYAV else VlcSession
    return cls(choice, on_frame, on_ended)
