"""The video wall: 1, 4, 9 or 16 live camera tiles beside the incident.

When the operator selects an incident, the unpinned tiles fill with the cameras nearest
it (straight-line distance within a radius; each tile says "320 m from INC-00012").
Tiles play only while they can be seen; the demo's cameras play local looped streams
that the wall starts on first need and stops when it closes. Which decoder plays which
address is `core.video.sources`' decision; the tiles are `console.video.tile.VideoTile`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.video import catalogue
from console.video.catalogue import WallCamera
from console.video.tile import VideoTile
from core.video.demo_streams import DemoStreams, demo_camera_id
from core.video.nearest import DEFAULT_RADIUS_M, nearest
from core.video.sources import BadStreamUrl, StreamChoice, choose_decoder
from core.video.tile_state import format_distance

log = logging.getLogger(__name__)

LAYOUTS = (1, 4, 9, 16)
MAX_TILES = max(LAYOUTS)
TICK_MS = 500
SHUTDOWN_WAIT_S = 3.0


class _Worker(QObject):
    """Carries results of background work back to the GUI thread."""

    demoReady = Signal(str)  # "" or a note on what is missing
    snapshotDone = Signal(str, str, str)  # camera name, file, sha256
    snapshotFailed = Signal(str)


class VideoWall(QWidget):
    """The `videoWall` panel."""

    def __init__(self, centre: Any, bridge: EventBridge | None, selection: Selection,
                 parent: QWidget | None = None, *, cameras: list[WallCamera] | None = None,
                 radius_m: float = DEFAULT_RADIUS_M, layout: int = 4) -> None:
        super().__init__(parent)
        self.setObjectName("videoWall")
        self.setAccessibleName("videoWall")
        self.centre = centre
        self.selection = selection
        self.radius_m = radius_m
        self.cameras: list[WallCamera] = (list(cameras) if cameras is not None
                                          else catalogue.wall_cameras(centre))
        self._by_id = {c.camera_id: c for c in self.cameras}
        self.demo: DemoStreams | None = None
        self._demo_state = ""  # "", "starting", "ready"
        self._worker = _Worker()
        self._worker.demoReady.connect(self._on_demo_ready)
        self._worker.snapshotDone.connect(self._on_snapshot_done)
        self._worker.snapshotFailed.connect(self._on_snapshot_failed)
        self.enlarged: VideoTile | None = None
        self.incident_id = ""
        self._incident_xy: tuple[float, float] | None = None

        self.layout_box = QComboBox()
        self.layout_box.setObjectName("videoLayout")
        self.layout_label = QLabel()
        self.layout_label.setBuddy(self.layout_box)
        self.status = QLabel()
        self.status.setObjectName("videoWallStatus")
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.layout_label)
        bar.addWidget(self.layout_box)
        bar.addWidget(self.status, 1)
        self.grid = QGridLayout()
        self.grid.setSpacing(3)
        self.tiles = [VideoTile(i, self._resolve, self) for i in range(MAX_TILES)]
        for tile in self.tiles:
            tile.enlargeRequested.connect(self._on_enlarge)
            tile.snapshotRequested.connect(self._on_snapshot)
            tile.cameraDropped.connect(self._on_camera_dropped)
            if not catalogue.snapshot_available():
                tile.snapshot_button.setEnabled(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(bar)
        outer.addLayout(self.grid, 1)

        self.tile_count = layout if layout in LAYOUTS else 4
        self.retranslate_ui()
        self.layout_box.setCurrentIndex(LAYOUTS.index(self.tile_count))
        self.layout_box.currentIndexChanged.connect(
            lambda i: self.set_layout(LAYOUTS[i]) if 0 <= i < len(LAYOUTS) else None)
        self._arrange()
        self._fill_default()
        selection.incidentSelected.connect(self._on_incident_selected)
        if bridge is not None:
            bridge.eventArrived.connect(self._on_event)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Every text in the current language."""
        self.layout_label.setText(self.tr("&Tiles:"))
        current = self.layout_box.currentIndex()
        self.layout_box.blockSignals(True)
        self.layout_box.clear()
        for n in LAYOUTS:
            side = int(n ** 0.5)
            self.layout_box.addItem(self.tr("{n} ({side}×{side})").format(n=n, side=side))
        self.layout_box.setCurrentIndex(max(current, 0) if current >= 0
                                        else LAYOUTS.index(self.tile_count))
        self.layout_box.blockSignals(False)
        self.layout_box.setToolTip(self.tr("How many camera tiles the wall shows"))
        for tile in self.tiles:
            tile.retranslate_ui()
        self._show_summary()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _show_summary(self, text: str = "") -> None:
        if text:
            self.status.setText(text)
            return
        if not self.cameras:
            self.status.setText(self.tr("No cameras are registered for this centre. Add "
                                        "them with 'beacon camera add'."))
        elif self.incident_id:
            found = sum(1 for t in self.visible_tiles() if t.distance_label)
            self.status.setText(self.tr("{n} cameras within {radius} of {incident}").format(
                n=found, radius=format_distance(self.radius_m), incident=self.incident_id))
        else:
            self.status.setText(self.tr("{n} cameras. Select an incident to see the "
                                        "cameras nearest it.").format(n=len(self.cameras)))

    # -- layout ------------------------------------------------------------------------

    def visible_tiles(self) -> list[VideoTile]:
        """The tiles of the current layout, in order."""
        return self.tiles[:self.tile_count]

    def set_layout(self, count: int) -> None:
        """Show `count` tiles (1, 4, 9 or 16); the others close their streams."""
        if count not in LAYOUTS:
            raise ValueError(f"a wall has 1, 4, 9 or 16 tiles, not {count}")
        self.tile_count = count
        self.enlarged = None
        if self.layout_box.currentIndex() != LAYOUTS.index(count):
            self.layout_box.setCurrentIndex(LAYOUTS.index(count))
        self._arrange()
        if self.incident_id:
            self.fill_for_incident(self.incident_id)
        else:
            self._fill_default()

    def _arrange(self) -> None:
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        shown = [self.enlarged] if self.enlarged is not None else self.visible_tiles()
        side = int(len(shown) ** 0.5 + 0.5) if len(shown) > 1 else 1
        for i, tile in enumerate(shown):
            self.grid.addWidget(tile, i // side, i % side)
        for tile in self.tiles:
            tile.setVisible(tile in shown)
        for r in range(4):
            self.grid.setRowStretch(r, 1 if r < side else 0)
            self.grid.setColumnStretch(r, 1 if r < side else 0)

    def _on_enlarge(self, tile: VideoTile) -> None:
        self.enlarged = None if self.enlarged is tile else tile
        self._arrange()

    # -- which camera where --------------------------------------------------------------

    def _fill_default(self) -> None:
        pinned = {t.camera.camera_id for t in self.tiles if t.pinned and t.camera}
        rest = iter(c for c in self.cameras if c.camera_id not in pinned)
        for tile in self.visible_tiles():
            if not tile.pinned:
                tile.set_camera(next(rest, None))
        self._show_summary()

    def _on_incident_selected(self, incident_id: str) -> None:
        if incident_id:
            self.fill_for_incident(incident_id)

    def fill_for_incident(self, incident_id: str) -> None:
        """Fill the unpinned tiles with the cameras nearest `incident_id`."""
        incident = self.centre.live.state.incidents.get(incident_id)
        if incident is None:
            return
        self.incident_id = incident_id
        self._incident_xy = (incident.x, incident.y)
        pinned = [t for t in self.visible_tiles() if t.pinned and t.camera]
        found = nearest(self.cameras, incident.x, incident.y, radius_m=self.radius_m,
                        exclude={t.camera.camera_id for t in pinned if t.camera})
        found_iter = iter(found)
        for tile in self.visible_tiles():
            if tile.pinned and tile.camera:
                continue
            pair = next(found_iter, None)
            if pair is None:
                tile.set_camera(None)
            else:
                camera, metres = pair
                tile.set_camera(camera, self.tr("{distance} from {incident}").format(
                    distance=format_distance(metres), incident=incident_id))
        self._show_summary()

    def show_camera(self, camera_id: str) -> None:
        """Put a camera (double-clicked or dragged from the map) on the wall, pinned."""
        camera = self._by_id.get(camera_id)
        if camera is None:
            return
        for tile in self.visible_tiles():
            if tile.camera is not None and tile.camera.camera_id == camera_id:
                tile.set_pinned(True)
                return
        target = next((t for t in self.visible_tiles() if not t.pinned), None)
        if target is not None:
            target.set_camera(camera)
            target.set_pinned(True)

    def _on_camera_dropped(self, tile: VideoTile, camera_id: str) -> None:
        camera = self._by_id.get(camera_id)
        if camera is not None:
            tile.set_camera(camera)
            tile.set_pinned(True)

    def _on_event(self, event: object) -> None:
        # Whatever the event, if the selected incident now stands elsewhere (its location
        # corrected), its nearest cameras are found again.
        if not self.incident_id or getattr(event, "incident_id", None) != self.incident_id:
            return
        incident = self.centre.live.state.incidents.get(self.incident_id)
        if incident is not None and (incident.x, incident.y) != self._incident_xy:
            self.fill_for_incident(self.incident_id)

    # -- addresses -----------------------------------------------------------------------

    def _resolve(self, url: str) -> tuple[StreamChoice | None, str]:
        if demo_camera_id(url):
            if self._demo_state != "ready":
                self._start_demo()
                return None, ""
            assert self.demo is not None
            local = self.demo.resolve(url)
            if not local:
                return None, self.tr("no demo stream for this camera")
            url = local
        try:
            return choose_decoder(url), ""
        except BadStreamUrl as exc:
            return None, str(exc)

    def _start_demo(self) -> None:
        if self._demo_state:
            return
        self._demo_state = "starting"
        self.demo = DemoStreams({demo_camera_id(c.url): c.name for c in self.cameras
                                 if demo_camera_id(c.url)})
        demo, worker = self.demo, self._worker

        def prepare() -> None:
            try:
                demo.prepare()
                worker.demoReady.emit(demo.note)
            except Exception as exc:  # noqa: BLE001 - shown on the wall, the console goes on
                log.exception("demo streams failed")
                worker.demoReady.emit(f"error: {exc}")

        self._show_summary(self.tr("Starting the demo camera streams…"))
        threading.Thread(target=prepare, name="beacon-demo-streams", daemon=True).start()

    def _on_demo_ready(self, note: str) -> None:
        if self.demo is None:
            return
        self._demo_state = "ready"
        if note:
            self._show_summary(self.tr("Demo streams: {note}").format(note=note))
        else:
            self._show_summary()
        for tile in self.visible_tiles():
            tile.sync()

    # -- ticking, snapshots, closing -----------------------------------------------------

    def _tick(self) -> None:
        for tile in self.visible_tiles():
            # Hidden, minimised and closed are events; a dock tabbed away is not (Qt only
            # moves it out of sight), so each tick also asks every tile whether it is seen.
            tile.sync()
            if tile.isVisible():
                tile.tick()

    def _on_snapshot(self, tile: VideoTile) -> None:
        if tile.camera is None or tile.image is None:
            self._show_summary(self.tr("No picture to save yet."))
            return
        incident = self.selection.incident_id
        if not incident:
            self._show_summary(self.tr("Select an incident first: a snapshot is saved as "
                                       "evidence on an incident."))
            return
        if not catalogue.snapshot_available():
            self._show_summary(self.tr("Snapshots need the camera registry, which is not "
                                       "installed."))
            return
        png, camera, worker = tile.png_bytes(), tile.camera, self._worker

        def save() -> None:
            try:
                path, sha = catalogue.save_snapshot(self.centre, incident, camera.camera_id,
                                                    png)
                worker.snapshotDone.emit(camera.name, path, sha)
            except Exception as exc:  # noqa: BLE001 - the message goes on the wall
                worker.snapshotFailed.emit(str(exc))

        threading.Thread(target=save, name="beacon-snapshot", daemon=True).start()

    def _on_snapshot_done(self, camera: str, path: str, sha: str) -> None:
        # The event was recorded off the GUI thread, through a service of its own (the
        # live state is the GUI thread's): read it back here, as events other
        # workstations record are, so the incident's record shows it at once.
        catch_up = getattr(getattr(self.centre, "live", None), "catch_up", None)
        if catch_up is not None:
            try:
                catch_up()
            except Exception:  # noqa: BLE001 - the follower will bring it later
                log.exception("reading back the snapshot's event failed")
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        self._show_summary(self.tr("Snapshot of {camera} saved as {file} (SHA-256 "
                                   "{sha}…)").format(camera=camera, file=name, sha=sha[:12]))

    def _on_snapshot_failed(self, reason: str) -> None:
        self._show_summary(self.tr("The snapshot was not saved: {reason}").format(
            reason=reason))

    def shutdown(self) -> None:
        """Close every stream and stop the demo's servers (the console is closing)."""
        self._ticker.stop()
        closing = [t for t in (tile.shutdown() for tile in self.tiles) if t is not None]
        demo, self.demo = self.demo, None
        self._demo_state = ""
        if demo is not None:
            closing.append(threading.Thread(target=demo.stop, name="beacon-demo-stop"))
            closing[-1].start()
        # Wait a little (in parallel) so no decoder calls back into a quitting Python and
        # no server outlives the console; a stuck one is left to the kernel.
        deadline = time.monotonic() + SHUTDOWN_WAIT_S
        for thread in closing:
            thread.join(max(0.0, deadline - time.monotonic()))

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)
