"""One tile of the video wall: a camera's picture with its name, state, frame age and
decoder; it plays only while it can be seen, and retries with backoff when it drops."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QIODevice,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QImage,
    QMouseEvent,
    QPaintEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolButton, QWidget

from console.camera_drag import CAMERA_MIME, camera_id_from
from console.video import direct_paint
from console.video import tile_paint as paint
from console.video.catalogue import WallCamera
from console.video.decoders import Session, new_session
from console.video.swscale import Converter, Picture
from core.video import tile_state as ts
from core.video.probe import explain
from core.video.sources import LIBVLC, StreamChoice, scrub

STATE_NAMES = {
    ts.EMPTY: QT_TRANSLATE_NOOP("VideoTile", "No camera"),
    ts.CONNECTING: QT_TRANSLATE_NOOP("VideoTile", "Connecting"),
    ts.LIVE: QT_TRANSLATE_NOOP("VideoTile", "Live"),
    ts.STALLED: QT_TRANSLATE_NOOP("VideoTile", "Stalled"),
    ts.OFFLINE: QT_TRANSLATE_NOOP("VideoTile", "Offline"),
    ts.ERROR: QT_TRANSLATE_NOOP("VideoTile", "Error"),
    ts.PAUSED: QT_TRANSLATE_NOOP("VideoTile", "Paused (not visible)"),
}
# Resolves a camera's address: (choice, "") to play, (None, reason) for an address that
# is wrong (an error), or (None, "") while it cannot be played yet (demo streams starting).
Resolver = Callable[[str], tuple[StreamChoice | None, str]]


class VideoTile(QWidget):
    """A camera tile. The wall gives it a camera; it decides when to play."""

    enlargeRequested = Signal(object)  # self
    snapshotRequested = Signal(object)  # self
    cameraDropped = Signal(object, str)  # self, camera id
    stateChanged = Signal(str)
    _explained = Signal(int, str)  # attempt, reason (from the probe thread)

    def __init__(self, index: int, resolver: Resolver, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName(f"videoTile{index}")
        self.setAccessibleName(f"videoTile{index}")
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAcceptDrops(True)
        # paintEvent covers every pixel: Qt need not clear the tile first (one fill less
        # per frame, per tile)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._resolver = resolver
        self.camera: WallCamera | None = None
        self.distance_label = ""
        self.state = ts.EMPTY
        self.reason = ""
        self.decoder = ""
        self.picture: Picture | None = None  # the newest frame, as the decoder gave it
        self.frames_shown = 0     # frames handed to the tile
        self.frames_painted = 0   # frames actually drawn
        self.frame_seq = 0   # frames handed to the tile; the last one painted:
        self._painted_seq = 0
        self._image: QImage | None = None  # `image`: the picture as RGB, made on demand
        self._image_seq = -1
        self._image_converter = Converter()
        self.bars = (0, 0)  # heights of the name and state bars (_place_buttons)
        self._session: Session | None = None
        self._attempt = 0
        self._retry = ts.Retry()
        self._retry_at: float | None = None
        self._last_frame: float | None = None
        self._started: float = 0.0
        self._watched_window = None  # the QWindow watched (_watch_window)
        self.pinned = False
        self.age_text = ""  # the last frame's age as shown, refreshed by tick()
        self.face = paint.TileFace(self)

        self.pin_button = QToolButton(self)
        self.pin_button.setObjectName(f"videoTilePin{index}")
        self.pin_button.setCheckable(True)
        self.pin_button.toggled.connect(self._on_pin_toggled)
        self.snapshot_button = QToolButton(self)
        self.snapshot_button.setObjectName(f"videoTileSnapshot{index}")
        self.snapshot_button.clicked.connect(lambda: self.snapshotRequested.emit(self))
        for button in (self.pin_button, self.snapshot_button):
            button.setAutoRaise(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._retry_timer_id = 0
        self._explained.connect(self._on_explained)
        self.retranslate_ui()

    # -- what it shows -----------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Button texts in the current language."""
        self.pin_button.setText(self.tr("Pinned") if self.pinned else self.tr("Pin"))
        self.pin_button.setToolTip(self.tr("Keep this camera when the selected incident "
                                           "changes"))
        self.snapshot_button.setText(self.tr("Snapshot"))
        self.snapshot_button.setToolTip(
            self.tr("Save this frame as evidence on the selected incident")
            if self.snapshot_button.isEnabled() else
            self.tr("Snapshots need the camera registry, which is not installed."))
        self._place_buttons()
        self.face.forget_words()
        self.update()

    def set_camera(self, camera: WallCamera | None, distance_label: str = "") -> None:
        """Show `camera` (None: empty); keeps playing if it is the same camera."""
        self.distance_label = distance_label
        if camera == self.camera:
            self.update()
            return
        self._stop_session()
        self._cancel_retry()
        self.camera = camera
        self.picture = None
        self._image = None
        self._last_frame = None
        self.age_text = ""
        self._retry.reset()
        self.reason = ""
        self.decoder = ""
        self._set_state(ts.EMPTY if camera is None else ts.PAUSED)
        self.sync()

    def set_pinned(self, pinned: bool) -> None:
        """Pin or unpin (a pinned tile keeps its camera when the selection changes)."""
        self.pin_button.setChecked(pinned)

    def _on_pin_toggled(self, pinned: bool) -> None:
        self.pinned = pinned
        self.retranslate_ui()

    def age(self) -> float | None:
        """Seconds since the last frame (None before the first)."""
        return None if self._last_frame is None else time.monotonic() - self._last_frame

    def status_text(self) -> str:
        """The state line as the operator reads it (also the accessible description)."""
        name = QApplication.translate("VideoTile", STATE_NAMES.get(self.state, self.state))
        if self.state == ts.OFFLINE:
            wait = max(0.0, (self._retry_at or 0) - time.monotonic())
            if self._session is not None or self._retry_at is None:
                return self.tr("{state}: {reason}, retrying now").format(
                    state=name, reason=self.reason)
            return self.tr("{state}: {reason}, retrying in {seconds:.0f} s").format(
                state=name, reason=self.reason, seconds=max(1.0, wait))
        if self.state in (ts.ERROR, ts.CONNECTING) and self.reason:
            return f"{name}: {self.reason}"
        return name

    @property
    def image(self) -> QImage | None:
        """The frame on screen as an RGB image at the picture's own size (None before
        the first): what a snapshot saves. Converted when asked for, once per frame."""
        picture = self.picture
        if picture is None:
            return None
        if self._image is None or self._image_seq != self.frame_seq:
            image = QImage(picture.width, picture.height, QImage.Format.Format_RGB32)
            image.fill(0)
            self._image_converter.crop(picture, paint.qimage_address(image),
                                       image.bytesPerLine(), 0, 0, picture.width,
                                       picture.height)
            self._image, self._image_seq = image, self.frame_seq
        return self._image

    def picture_rect(self) -> QRect:
        """The rectangle a new frame repaints: the picture between the bars."""
        if self.picture is None:
            return self.rect()
        return self.face.picture_layout(self.picture)[0].target

    def png_bytes(self) -> bytes:
        """The frame on screen as PNG (b"" when there is none)."""
        if self.image is None:
            return b""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.image.save(buffer, "PNG")
        return bytes(data.data())

    # -- playing only while visible ----------------------------------------------------

    def wanted(self) -> bool:
        """True when this tile should hold a stream open: a camera, and on screen."""
        window = self.window()
        # A dock tabbed behind another stays "visible" to Qt, moved out of the window:
        # only its empty visible region tells.
        return (self.camera is not None and self.isVisible()
                and not (window is not None and window.isMinimized())
                and not self.visibleRegion().isEmpty())

    def sync(self) -> None:
        """Open or close the stream to match `wanted()`."""
        if self.wanted():
            if self._session is None and self._retry_timer_id == 0 and self.state != ts.ERROR:
                self._start()
        else:
            was_playing = self._session is not None or self._retry_timer_id != 0
            self._stop_session()
            self._cancel_retry()
            if self.camera is not None and (was_playing or self.state != ts.ERROR):
                self._set_state(ts.PAUSED)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().showEvent(event)
        self._watch_window()
        self.sync()

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().hideEvent(event)
        self.sync()

    def _watch_window(self) -> None:
        """Hear of the tile's window being minimised, restored, shown or hidden.

        Through the native window's signals, which fire on those changes only: an event
        filter on the window ran Python for every event the window received (each
        repaint request, each mouse move), once per tile."""
        window = self.window()
        handle = window.windowHandle() if window is not None else None
        if handle is self._watched_window:
            return
        if self._watched_window is not None:
            try:
                self._watched_window.windowStateChanged.disconnect(self._on_window_changed)
                self._watched_window.visibleChanged.disconnect(self._on_window_changed)
            except (RuntimeError, TypeError):  # that window is gone already
                pass
        self._watched_window = handle
        if handle is not None:
            # Queued: the native window signals before the widget's own state follows
            # (isMinimized() changes with the widget's state-change event, sent next).
            queued = Qt.ConnectionType.QueuedConnection
            handle.windowStateChanged.connect(self._on_window_changed, queued)
            handle.visibleChanged.connect(self._on_window_changed, queued)

    def _on_window_changed(self, *_args: object) -> None:
        self.sync()

    # -- one attempt ---------------------------------------------------------------------

    def _start(self) -> None:
        assert self.camera is not None
        choice, why = self._resolver(self.camera.url)
        if choice is None:
            if why:
                self.reason = why
                self._set_state(ts.ERROR)
            else:
                self.reason = self.tr("starting the demo stream")
                self._set_state(ts.CONNECTING)
                self._schedule_retry(1.0)
            return
        self._attempt += 1
        self.decoder = choice.decoder
        self._started = time.monotonic()
        if self.state != ts.OFFLINE:
            self.reason = ""
            self._set_state(ts.CONNECTING)
        session = new_session(choice, self._on_frame, self._on_ended)
        self._session = session
        try:
            session.start()
        except Exception as exc:  # noqa: BLE001 - a decoder that cannot start is the tile's error
            self._session = None
            session.stop()
            self.reason = scrub(str(exc), self.camera.url)
            self._set_state(ts.ERROR)
        self.update()

    def _on_frame(self, picture: Picture) -> None:
        self.picture = picture
        self._last_frame = time.monotonic()
        self.frames_shown += 1
        self.frame_seq += 1  # a libvlc picture object comes back with each new frame
        if self.state != ts.LIVE:
            self._retry.reset()
            self.reason = ""
            self._set_state(ts.LIVE)
        direct_paint.show_new_picture(self)

    def _on_ended(self, reason: str) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.stop()
        self._went_offline(reason, probe=session is not None and session.decoder == LIBVLC)

    def _went_offline(self, reason: str, probe: bool = False) -> None:
        url = self.camera.url if self.camera else ""
        if reason in ("error", "ended"):
            reason = (self.tr("the stream ended") if self._last_frame is not None
                      and reason == "ended" else self.tr("the stream could not be opened"))
        if self._last_frame is not None and self.state in (ts.LIVE, ts.STALLED):
            reason = self.tr("connection lost ({reason})").format(reason=reason)
        self.reason = scrub(reason, url)
        self._set_state(ts.OFFLINE)
        self._schedule_retry(self._retry.next_delay())
        if probe and url:
            attempt = self._attempt
            threading.Thread(target=lambda: self._explained.emit(attempt, explain(url)),
                             name="beacon-video-probe", daemon=True).start()

    def _on_explained(self, attempt: int, reason: str) -> None:
        if reason and attempt == self._attempt and self.state == ts.OFFLINE and self.camera:
            self.reason = scrub(reason, self.camera.url)
            self.update()

    def tick(self) -> None:
        """Called by the wall twice a second: stall detection and the age on screen."""
        if self._session is not None:
            since_frame = (time.monotonic() - self._last_frame
                           if self._last_frame is not None and self._last_frame >= self._started
                           else None)
            new = ts.watch(self.state, since_frame, time.monotonic() - self._started)
            if new == ts.OFFLINE:
                session, self._session = self._session, None
                session.stop()
                waited = since_frame if since_frame is not None else (
                    time.monotonic() - self._started)
                self._went_offline(self.tr("no picture for {seconds:.0f} s").format(
                    seconds=waited))
            elif new and new != self.state:
                self._set_state(new)
        age = self.age()
        age_text = "" if age is None else ts.format_age(age)
        changed, self.age_text = age_text != self.age_text, age_text
        if self.camera is None:
            return
        if self.state == ts.OFFLINE or self.picture is None:
            self.update()  # the retry countdown, the words in the middle
        elif changed:  # only the age in the state bar: not the picture, not the buttons
            bottom = self.bars[1]
            self.update(QRect(0, self.height() - bottom, self.width(), bottom))

    def _schedule_retry(self, delay: float) -> None:
        self._cancel_retry()
        self._retry_at = time.monotonic() + delay
        self._retry_timer_id = self.startTimer(int(delay * 1000))

    def _cancel_retry(self) -> None:
        if self._retry_timer_id:
            self.killTimer(self._retry_timer_id)
            self._retry_timer_id = 0
        self._retry_at = None

    def timerEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        if event.timerId() == self._retry_timer_id:
            self._cancel_retry()
            if self.wanted() and self._session is None:
                self._start()
            return
        super().timerEvent(event)

    def _stop_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.stop()

    def _set_state(self, state: str) -> None:
        changed = state != self.state
        self.state = state
        self.setAccessibleDescription(self.status_text())  # the reason may have changed
        if changed:
            self.stateChanged.emit(state)
        self.update()

    def shutdown(self) -> threading.Thread | None:
        """Close the stream for good (the wall is closing); the closing thread, if any."""
        self._cancel_retry()
        session, self._session = self._session, None
        return session.stop() if session is not None else None

    # -- painting and mouse ------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().resizeEvent(event)
        self._place_buttons()
        self.sync()

    def _place_buttons(self) -> None:
        line = self.fontMetrics().height() + 2
        buttons = (self.snapshot_button, self.pin_button)
        for button in buttons:
            button.adjustSize()
        top = max(line + 8, max(b.height() for b in buttons) + 6)
        self.bars = (top, line + 6)
        x = self.width() - 4
        for button in buttons:
            x -= button.width()
            button.move(x, (top - button.height()) // 2)
            x -= 4

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        self.face.paint(event)

    def count_painted(self) -> None:
        """Count the frame last handed over as painted, once (the face calls this)."""
        if self.frame_seq != self._painted_seq:
            self._painted_seq = self.frame_seq
            self.frames_painted += 1

    @property
    def retry_at(self) -> float | None:
        """When the next attempt starts (monotonic seconds), if one is scheduled."""
        return self._retry_at

    @property
    def playing(self) -> bool:
        """True while a stream session is open."""
        return self._session is not None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.enlargeRequested.emit(self)
        event.accept()

    def dragEnterEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        if event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        camera_id = camera_id_from(event.mimeData())
        if camera_id:
            self.cameraDropped.emit(self, camera_id)
            event.acceptProposedAction()
