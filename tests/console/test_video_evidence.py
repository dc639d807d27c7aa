"""Snapshots as evidence, end to end: a tile playing a real local stream, its snapshot
button, the PNG in the evidence folder, the event's SHA-256, the incident's record showing
the snapshot and opening its picture, and `beacon audit verify --evidence` naming the file
once it is altered. Also a camera dragged from the map onto the wall."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QPushButton, QTableView

from console.command_runner import CommandRunner
from console.panels.incident_timeline import IncidentTimeline
from console.video_wall import VideoWall
from core.auth import Actor
from core.cameras.evidence import snapshots_of
from core.cli.main import main
from core.commands import AddCamera
from core.domain.kinds import Role
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES
from core.video.tile_state import LIVE
from tests.console.video_servers import (  # noqa: F401 - fixtures
    clip_dir,
    clips,
    http_server,
    skip_or_fail,
)

FRAME_WAIT_MS = 15_000
SUPERVISOR = Actor("sam", Role.SUPERVISOR)


class _Viewer(QObject):
    """Stands where the workstation's picture viewer would: hears which file is opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


@pytest.fixture
def viewer():  # noqa: ANN201
    """Files opened through QDesktopServices, instead of starting a real viewer."""
    v = _Viewer()
    QDesktopServices.setUrlHandler("file", v, "open_url")  # (PySide takes the name as str)
    yield v
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The centre's evidence folder for this test (the CLI reads the same setting)."""
    folder = tmp_path / "evidence"
    monkeypatch.setenv("BEACON_EVIDENCE", str(folder))
    return folder


def _open_incident(centre):  # noqa: ANN001, ANN202
    return next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                if i.status in OPEN_INCIDENT_STATUSES)


def test_a_snapshot_from_a_live_tile_is_evidence_on_the_record(
        qtbot, centre, bridge, selection, http_server, evidence, viewer, capsys) -> None:  # noqa: ANN001, F811
    incident = _open_incident(centre)
    # A camera in the registry, standing at the incident, playing a real local stream.
    centre.service.execute(AddCamera("EV-1", "Evidence cam", incident.x, incident.y, None,
                                     http_server.url("north")), SUPERVISOR)
    centre.actor = Actor("dora", Role.DISPATCHER)  # the operator signed in at the console
    wall = VideoWall(centre, bridge, selection, None, layout=1)  # cameras from the registry
    runner = CommandRunner(centre.service, centre.actor)
    record = IncidentTimeline(centre, bridge, selection, runner)
    for widget in (wall, record):
        qtbot.addWidget(widget)
        widget.resize(800, 450)
        widget.show()
    try:
        selection.select_incident(incident.id)
        tile = wall.tiles[0]
        assert tile.camera is not None and tile.camera.camera_id == "EV-1"
        assert tile.distance_label == f"0 m from {incident.id}"
        qtbot.waitUntil(lambda: tile.state == LIVE and tile.frames_shown >= 5,
                        timeout=FRAME_WAIT_MS)
        qtbot.waitUntil(lambda: not record.is_loading())
        before = record.model.rowCount()

        qtbot.mouseClick(tile.snapshot_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "saved as" in wall.status.text(), timeout=10_000)

        # The file is in the evidence folder, a real picture of the stream.
        files = list(evidence.iterdir())
        assert len(files) == 1 and files[0].suffix == ".png"
        png = files[0]
        image = QImage(str(png))
        assert (image.width(), image.height()) == (640, 360)
        # The event holds who, which camera, the file and its hash; the hash is the file's.
        (snap,) = snapshots_of(centre.db, incident.id)
        assert (snap.camera_id, snap.camera_name, snap.file_name, snap.actor) == (
            "EV-1", "Evidence cam", png.name, "dora")
        assert snap.sha256 == hashlib.sha256(png.read_bytes()).hexdigest()
        assert snap.sha256[:12] in wall.status.text()

        # The incident's record shows it (camera, who, when) and opens its picture.
        qtbot.waitUntil(lambda: record.model.rowCount() == before + 1)
        view = record.findChild(QTableView, "incidentTimeline")
        model = view.model()
        assert model.event_at(0).seq == snap.seq
        row = [str(model.index(0, c).data()) for c in range(4)]
        assert row[1] == "dora" and row[2] == "Snapshot"
        assert "Evidence cam" in row[3] and "EV-1" in row[3] and png.name in row[3]
        assert snap.sha256 in str(model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole))
        button = record.findChild(QPushButton, "openSnapshotButton")
        assert button.isVisible() and not button.isEnabled()  # no row chosen yet
        view.selectRow(0)
        assert button.isEnabled()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert viewer.opened == [str(png)]
        assert not record.error.isVisible()

        # Untouched, the evidence verifies; altered, the audit names the file (exit 1).
        url = centre.db.url
        assert main(["audit", "verify", "--evidence", "--db", url]) == 0
        assert "evidence intact: 1 file(s)" in capsys.readouterr().out
        png.write_bytes(png.read_bytes() + b"tampered")
        assert main(["audit", "verify", "--evidence", "--db", url]) == 1
        assert f"{png.name}: altered" in capsys.readouterr().out
        # Opened from the record, the altered picture still shows, with a warning.
        view.doubleClicked.emit(model.index(0, 3))
        assert viewer.opened == [str(png), str(png)]
        assert record.error.isVisible() and "altered" in record.error.text()
    finally:
        wall.shutdown()
        record.shutdown()


def test_a_missing_snapshot_file_is_named_on_the_record(
        qtbot, centre, bridge, selection, evidence, viewer) -> None:  # noqa: ANN001
    from core.cameras.evidence import save_snapshot

    incident = _open_incident(centre)
    camera_id = sorted(centre.live.state.cameras)[0]
    png = QImage(64, 36, QImage.Format.Format_RGB32)
    png.fill(Qt.GlobalColor.darkGreen)
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    png.save(buffer, "PNG")
    path, _ = save_snapshot(centre.db, Actor("dora", Role.DISPATCHER), incident.id,
                            camera_id, bytes(data.data()), service=centre.service)
    record = IncidentTimeline(centre, bridge, selection,
                              CommandRunner(centre.service, centre.actor))
    qtbot.addWidget(record)
    record.show()
    selection.select_incident(incident.id)
    qtbot.waitUntil(lambda: record.incident_id == incident.id and not record.is_loading())
    try:
        model = record.model
        row = next(r for r in range(model.rowCount())
                   if model.event_at(r).type == "evidence_snapshot_recorded")
        assert record.open_button.isVisible()
        assert not record.open_snapshot(next(r for r in range(model.rowCount()) if r != row))
        path.unlink()
        assert not record.open_snapshot(row)
        assert viewer.opened == []
        assert record.error.isVisible()
        assert f"The picture {path.name} is not in the evidence folder" in record.error.text()
    finally:
        record.shutdown()


def test_a_camera_dragged_from_the_map_lands_pinned_on_the_wall(
        qtbot, centre, bridge, selection) -> None:  # noqa: ANN001
    from console.map_view import MapView
    from tests.console.test_map_view import viewport_point

    view = MapView(centre, bridge, selection)
    qtbot.addWidget(view)
    view.resize(800, 700)
    view.show()
    qtbot.waitExposed(view)
    view.fit_city()
    cameras = centre.live.state.cameras
    camera_id = sorted(cameras)[2]
    # Addresses nobody answers: this test is about where the camera lands.
    wall = VideoWall(centre, None, selection, None, layout=4)
    qtbot.addWidget(wall)
    wall.resize(800, 450)
    wall.show()
    try:
        # Press on the camera's icon and move beyond the drag distance: a drag starts,
        # carrying the camera (the offscreen platform ends a drag at once, so the drop is
        # delivered by hand below, with the very data the map put on the drag).
        viewport = view._plot.viewport()
        start = viewport_point(view, cameras[camera_id]["x"], cameras[camera_id]["y"])
        far = QPoint(start.x() + 3 * QApplication.startDragDistance(), start.y())
        shown = view.view_box().viewRange()
        with qtbot.waitSignal(view.cameraDragStarted, timeout=2000) as blocker:
            qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
            qtbot.mouseMove(viewport, far)
        assert blocker.args == [camera_id]
        assert view.view_box().viewRange() == shown  # picked up, not panned
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=far)
        mime = view.last_drag_mime
        assert mime is not None

        tile = wall.tiles[3]
        assert tile.camera is None or tile.camera.camera_id != camera_id
        assert not tile.pinned
        _drop(tile, mime)
        assert tile.camera is not None and tile.camera.camera_id == camera_id
        assert tile.pinned
        # Anything else dropped is refused.
        other = QMimeData()
        other.setText(camera_id)
        enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, other,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(wall.tiles[1], enter)
        assert not enter.isAccepted()
    finally:
        wall.shutdown()


def _drop(widget, mime: QMimeData) -> None:  # noqa: ANN001
    """Deliver a drag's entry and drop onto `widget`, as Qt does at the end of a drag."""
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()
