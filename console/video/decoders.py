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

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from core.video.sources import LIBVLC, PYAV, StreamChoice

WIDTH, HEIGHT = 640, 360
RING = 4  # frame buffers per libvlc session
_tokens = itertools.count(1)


class FrameHub(QObject):
    """Hands frames and endings from decoder threads to tiles on the GUI thread."""

    _frame = Signal(int)
    _ended = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._frame.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self._sessions: dict[int, Session] = {}

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
                 on_ended: Callable[[str], None]) -> None:
        self.choice = choice
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
        frame_hub()._frame.emit(self.token)

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
            "--network-caching=300", "--no-xlib", "--no-stats", "--no-osd")


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
        self._ring = [bytearray(WIDTH * HEIGHT * 4) for _ in range(RING)]
        self._ring_ptrs = [ctypes.addressof((ctypes.c_char * len(b)).from_buffer(b))
                           for b in self._ring]
        self._slot = 0
        self.player = vlc_instance().media_player_new()

        # Keep references to the ctypes callbacks: libvlc holds only raw pointers.
        @vlc.CallbackDecorators.VideoLockCb
        def lock(_opaque, planes):  # noqa: ANN001, ANN202
            self._slot = (self._slot + 1) % RING
            planes[0] = self._ring_ptrs[self._slot]
            return None

        @vlc.CallbackDecorators.VideoUnlockCb
        def unlock(_opaque, _picture, _planes):  # noqa: ANN001, ANN202
            return None

        @vlc.CallbackDecorators.VideoDisplayCb
        def display(_opaque, _picture):  # noqa: ANN001, ANN202
            if self.active:
                self.post_frame(QImage(self._ring[self._slot], WIDTH, HEIGHT, WIDTH * 4,
                                       QImage.Format.Format_RGB32))

        self._callbacks = (lock, unlock, display)
        self.player.video_set_callbacks(lock, unlock, display, None)
        self.player.video_set_format("RV32", WIDTH, HEIGHT, WIDTH * 4)
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
        self._ring, self._ring_ptrs = [], []
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
            for frame in container.decode(stream):
                if self._stop.is_set():
                    return
                rgb = frame.reformat(width=WIDTH, height=HEIGHT, format="bgra")
                plane = rgb.planes[0]
                image = QImage(bytes(plane), WIDTH, HEIGHT, plane.line_size,
                               QImage.Format.Format_RGB32).copy()
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
                on_ended: Callable[[str], None]) -> Session:
    """The session class the choice names."""
    cls = AvSession if choice.decoder == PYAV else VlcSession
    return cls(choice, on_frame, on_ended)
