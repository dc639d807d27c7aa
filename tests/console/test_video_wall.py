"""The video wall against real local stream servers: frames arrive through both decoders,
tiles go offline and come back by themselves, hidden tiles close their connections, the
selected incident's nearest cameras fill the wall, and bad addresses say what is wrong."""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
from PySide6.QtCore import Qt

from console.video.catalogue import WallCamera
from console.video_wall import VideoWall
from core.video.http_server import HttpStreamServer
from core.video.rtsp_server import RtspStreamServer, free_port, rtsp_server_available
from core.video.tile_state import LIVE, OFFLINE, PAUSED
from tests.console.video_servers import (  # noqa: F401 - fixtures
    clip_dir,
    clips,
    http_server,
    rtsp_server,
    skip_or_fail,
)

FRAME_WAIT_MS = 15_000  # a loaded two-core machine: first frames can take a few seconds


def cam(camera_id: str, url: str, x: float = 0.0, y: float = 0.0) -> WallCamera:
    return WallCamera(camera_id, f"Camera {camera_id}", x, y, url)


@pytest.fixture
def make_wall(qtbot, centre, selection):  # noqa: ANN001, ANN201
    walls: list[VideoWall] = []

    def make(cameras: list[WallCamera], layout: int = 4) -> VideoWall:
        wall = VideoWall(centre, None, selection, None, cameras=cameras, layout=layout)
        qtbot.addWidget(wall)
        wall.resize(960, 560)
        wall.show()
        walls.append(wall)
        return wall

    yield make
    for wall in walls:
        wall.shutdown()


def wait_frames(qtbot, tile, n: int) -> None:  # noqa: ANN001
    start = tile.frames_shown
    qtbot.waitUntil(lambda: tile.frames_shown >= start + n, timeout=FRAME_WAIT_MS)


def test_rtsp_and_http_play_in_tiles(make_wall, qtbot, http_server, rtsp_server) -> None:  # noqa: ANN001, F811
    rtsp_before = rtsp_server.open_connections
    wall = make_wall([cam("r", rtsp_server.url("north")), cam("h", http_server.url("south")),
                      cam("u", rtsp_server.url("south") + "?transport=udp")])
    rtsp_tile, http_tile, udp_tile = wall.tiles[:3]
    for tile in (rtsp_tile, http_tile, udp_tile):
        wait_frames(qtbot, tile, 10)
        assert tile.state == LIVE
        assert tile.picture is not None and tile.image is not None
        # The decoders hand over the camera's own 640x360 pictures (4:2:0).
        assert (tile.picture.width, tile.picture.height) == (640, 360)
        assert (tile.image.width(), tile.image.height()) == (640, 360)
    assert (rtsp_tile.decoder, http_tile.decoder, udp_tile.decoder) == ("pyav", "libvlc", "pyav")
    first = http_tile.image.copy()
    wait_frames(qtbot, http_tile, 5)
    assert http_tile.image != first, "the picture does not move"
    first = rtsp_tile.image.copy()
    wait_frames(qtbot, rtsp_tile, 5)
    assert rtsp_tile.image != first
    # The tile shows what it is playing; grab() paints it (frames reach the screen).
    qtbot.waitUntil(lambda: rtsp_tile.frames_painted > 0 or not rtsp_tile.grab().isNull())
    assert "Camera r" in rtsp_tile.accessibleName() or rtsp_tile.camera.name == "Camera r"
    assert rtsp_tile.status_text() == "Live"
    assert rtsp_server.open_connections == rtsp_before + 2
    wall.hide()  # hidden RTSP tiles send TEARDOWN: the server sees both leave
    qtbot.waitUntil(lambda: rtsp_server.open_connections == rtsp_before, timeout=5000)


@pytest.mark.parametrize("kind", ["http", "rtsp"])
def test_server_stops_tile_goes_offline_then_back_by_itself(
        make_wall, qtbot, clips, kind) -> None:  # noqa: ANN001, F811
    port = free_port()
    if kind == "rtsp" and rtsp_server_available():
        skip_or_fail(rtsp_server_available())

    def serve() -> HttpStreamServer | RtspStreamServer:
        if kind == "http":
            return HttpStreamServer(clips, port=port).start()
        return RtspStreamServer(clips, port=port).start()

    server = serve()
    try:
        wall = make_wall([cam("a", server.url("north"))], layout=1)
        tile = wall.tiles[0]
        wait_frames(qtbot, tile, 5)
        server.stop()
        stopped = time.monotonic()
        qtbot.waitUntil(lambda: tile.state == OFFLINE, timeout=5000)
        assert time.monotonic() - stopped < 5
        assert "retrying" in tile.status_text()
        server = serve()
        restarted = time.monotonic()
        qtbot.waitUntil(lambda: tile.state == LIVE, timeout=10_000)
        assert time.monotonic() - restarted < 10
        wait_frames(qtbot, tile, 3)
    finally:
        server.stop()


def test_hidden_tiles_close_their_stream_and_resume(make_wall, qtbot, http_server) -> None:  # noqa: ANN001, F811
    before = http_server.open_connections
    wall = make_wall([cam("a", http_server.url("north")), cam("b", http_server.url("south"))])
    a, b = wall.tiles[:2]
    wait_frames(qtbot, a, 3)
    wait_frames(qtbot, b, 3)
    assert http_server.open_connections == before + 2

    wall.hide()  # the dock tabbed away / closed
    qtbot.waitUntil(lambda: http_server.open_connections == before, timeout=5000)
    assert a.state == PAUSED and b.state == PAUSED
    frames = a.frames_shown
    qtbot.wait(600)
    assert a.frames_shown == frames, "a hidden tile still receives frames"

    wall.show()
    wait_frames(qtbot, a, 3)
    assert a.state == LIVE
    qtbot.waitUntil(lambda: http_server.open_connections == before + 2, timeout=5000)

    wall.set_layout(1)  # tile b is no longer part of the wall: its stream closes
    qtbot.waitUntil(lambda: http_server.open_connections == before + 1, timeout=5000)
    assert not b.isVisible() and b.state == PAUSED


def test_minimised_window_closes_streams(make_wall, qtbot, http_server) -> None:  # noqa: ANN001, F811
    before = http_server.open_connections
    wall = make_wall([cam("a", http_server.url("north"))], layout=1)
    wait_frames(qtbot, wall.tiles[0], 3)
    wall.showMinimized()
    qtbot.waitUntil(lambda: http_server.open_connections == before, timeout=5000)
    wall.showNormal()
    wait_frames(qtbot, wall.tiles[0], 3)


def test_selection_fills_nearest_cameras_and_pinned_tile_stays(
        make_wall, qtbot, centre, selection) -> None:  # noqa: ANN001
    incident = next(iter(centre.live.state.open_incidents()))
    x, y = incident.x, incident.y
    # Addresses nobody answers: this test is about placement, not pictures.
    cameras = [cam("far", "http://127.0.0.1:9/far.ts", x + 5000, y),
               cam("near", "http://127.0.0.1:9/near.ts", x + 320, y),
               cam("nearer", "http://127.0.0.1:9/nearer.ts", x, y + 100),
               cam("mid", "http://127.0.0.1:9/mid.ts", x - 900, y),
               cam("pinme", "http://127.0.0.1:9/pin.ts", x + 20000, y)]
    wall = make_wall(cameras)
    wall.show_camera("pinme")  # as a double-click on the map does: it comes pinned
    pinned = next(t for t in wall.tiles[:4] if t.camera and t.camera.camera_id == "pinme")
    assert pinned.pinned

    selection.select_incident(incident.id)
    shown = {t.camera.camera_id: t for t in wall.tiles[:4] if t.camera}
    assert set(shown) == {"pinme", "nearer", "near", "mid"}  # "far" is beyond the radius
    assert pinned.camera.camera_id == "pinme" and pinned.pinned
    assert shown["near"].distance_label == f"320 m from {incident.id}"
    assert shown["nearer"].distance_label == f"100 m from {incident.id}"
    order = [t.camera.camera_id for t in wall.tiles[:4] if not t.pinned]
    assert order == ["nearer", "near", "mid"]
    assert incident.id in wall.status.text()

    # Double-click enlarges one tile; again goes back to the grid.
    qtbot.mouseDClick(shown["near"], Qt.MouseButton.LeftButton)
    assert wall.enlarged is shown["near"] and not shown["mid"].isVisible()
    qtbot.mouseDClick(shown["near"], Qt.MouseButton.LeftButton)
    assert wall.enlarged is None and shown["mid"].isVisible()


class _HtmlHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        body = b"<html><body>camera login page</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_bad_addresses_say_what_is_wrong_and_others_play(make_wall, qtbot, http_server) -> None:  # noqa: ANN001, F811
    html = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    Thread(target=html.serve_forever, daemon=True).start()
    secret = "s3cretPW"
    try:
        wall = make_wall([
            cam("good", http_server.url("north")),
            cam("malformed", "rtsp://cam.example:99999/stream"),
            cam("refused", f"rtsp://admin:{secret}@127.0.0.1:{free_port()}/live"),
            cam("html", f"http://127.0.0.1:{html.server_address[1]}/video.ts"),
            cam("ftp", "ftp://127.0.0.1/x"),
            cam("http-refused", f"http://127.0.0.1:{free_port()}/x.ts"),
        ], layout=9)
        t = {tile.camera.camera_id: tile for tile in wall.tiles[:6]}
        qtbot.waitUntil(lambda: "malformed address" in t["malformed"].status_text(), timeout=3000)
        assert t["malformed"].status_text().startswith("Error")
        assert "unsupported kind of address" in t["ftp"].status_text()
        qtbot.waitUntil(lambda: t["refused"].state == OFFLINE, timeout=FRAME_WAIT_MS)
        assert "connection refused" in t["refused"].status_text()
        qtbot.waitUntil(lambda: "not a video stream (the server sent text/html)"
                        in t["html"].status_text(), timeout=FRAME_WAIT_MS)
        qtbot.waitUntil(lambda: "connection refused by 127.0.0.1" in
                        t["http-refused"].status_text(), timeout=FRAME_WAIT_MS)
        wait_frames(qtbot, t["good"], 10)  # meanwhile the good camera plays on
        assert t["good"].state == LIVE
        for tile in t.values():
            assert secret not in tile.status_text()
            assert secret not in tile.accessibleDescription()
        assert secret not in wall.status.text()
        assert secret not in repr(t["refused"].camera)
    finally:
        html.shutdown()
        html.server_close()


def test_the_console_has_the_wall_and_a_closed_dock_hides_its_tiles(window, qtbot) -> None:  # noqa: ANN001
    wall = window.external["videoWall"]
    assert isinstance(wall, VideoWall) and wall.objectName() == "videoWall"
    window.docks["videoWall"].close()  # the operator closes the wall's dock
    qtbot.waitUntil(lambda: not any(t.isVisible() for t in wall.tiles))
    assert all(not t.wanted() for t in wall.tiles)  # so none holds a stream open
    window.docks["videoWall"].show()
    qtbot.waitUntil(lambda: all(t.isVisible() for t in wall.visible_tiles()))
    # Tabbed behind the dashboard: Qt keeps the dock "visible", moved out of sight; the
    # tiles see that they cannot be seen.
    window.tabifyDockWidget(window.docks["dashboard"], window.docks["videoWall"])
    window.docks["dashboard"].raise_()
    qtbot.waitUntil(lambda: not any(t.wanted() for t in wall.tiles))
    window.docks["videoWall"].raise_()
    qtbot.waitUntil(lambda: all(not t.visibleRegion().isEmpty() for t in wall.visible_tiles()))


def test_snapshot_without_the_registry_says_so(make_wall) -> None:  # noqa: ANN001
    from console.video import catalogue

    wall = make_wall([cam("a", "http://127.0.0.1:9/a.ts")])
    button = wall.tiles[0].snapshot_button
    if catalogue.snapshot_available():
        assert button.isEnabled()
    else:
        assert not button.isEnabled() and "camera registry" in button.toolTip()


def test_demo_cameras_play_local_streams_that_stop_with_the_wall(
        make_wall, qtbot, clip_dir, monkeypatch) -> None:  # noqa: ANN001, F811
    from core.video.rtsp_server import rtsp_server_available as available

    if available():
        skip_or_fail(available())
    monkeypatch.setenv("BEACON_VIDEO_CACHE", str(clip_dir))
    wall = make_wall([cam(f"D{i}", f"demo://D{i}") for i in range(4)])
    tiles = wall.tiles[:4]
    for tile in tiles:
        wait_frames(qtbot, tile, 5)
    assert {t.decoder for t in tiles} == {"pyav", "libvlc"}  # both kinds of demo stream
    demo = wall.demo
    assert demo is not None and demo.http is not None and demo.rtsp is not None
    http, rtsp = demo.http, demo.rtsp
    wall.shutdown()
    assert wall.demo is None and not rtsp.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", http.port), timeout=2).close()


def test_a_wall_tabbed_away_closes_its_streams(qtbot, centre, selection, http_server) -> None:  # noqa: ANN001, F811
    from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

    before = http_server.open_connections
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel("map"))
    wall = VideoWall(centre, None, selection, None, cameras=[cam("a", http_server.url("north"))],
                     layout=1)
    docks = []
    for widget in (wall, QLabel("dashboard")):
        dock = QDockWidget(window)
        dock.setWidget(widget)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        docks.append(dock)
    window.tabifyDockWidget(docks[0], docks[1])
    window.resize(1000, 800)
    docks[0].raise_()
    window.show()
    try:
        wait_frames(qtbot, wall.tiles[0], 3)
        docks[1].raise_()  # the operator clicks the dashboard's tab
        qtbot.waitUntil(lambda: http_server.open_connections == before, timeout=5000)
        assert wall.tiles[0].state == PAUSED
        docks[0].raise_()
        wait_frames(qtbot, wall.tiles[0], 3)
    finally:
        wall.shutdown()


def test_snapshot_hands_the_frame_as_png_to_the_registry(
        make_wall, qtbot, monkeypatch, centre, selection, http_server) -> None:  # noqa: ANN001, F811
    """The wall's half of a snapshot: the frame on screen, as PNG, for the selected
    incident, off the GUI thread; the registry's half (file, hash, event) is tested there."""
    import hashlib

    from PySide6.QtGui import QImage

    from console.video import catalogue

    saved: list[tuple] = []

    def save(centre_, incident_id, camera_id, png):  # noqa: ANN001, ANN202
        saved.append((incident_id, camera_id, png))
        return f"/evidence/{incident_id}-{camera_id}.png", hashlib.sha256(png).hexdigest()

    monkeypatch.setattr(catalogue, "snapshot_available", lambda: True)
    monkeypatch.setattr(catalogue, "save_snapshot", save)
    wall = make_wall([cam("a", http_server.url("north"))], layout=1)
    tile = wall.tiles[0]
    wait_frames(qtbot, tile, 3)
    tile.snapshot_button.click()
    assert "Select an incident first" in wall.status.text() and not saved
    incident = next(iter(centre.live.state.open_incidents()))
    selection.select_incident(incident.id)
    wall.show_camera("a")  # the incident has no camera near it: put it back, pinned
    wait_frames(qtbot, tile, 3)
    tile.snapshot_button.click()
    qtbot.waitUntil(lambda: "saved as" in wall.status.text(), timeout=5000)
    (incident_id, camera_id, png), = saved
    assert (incident_id, camera_id) == (incident.id, "a")
    image = QImage.fromData(png, "PNG")
    assert (image.width(), image.height()) == (640, 360)
    assert hashlib.sha256(png).hexdigest()[:12] in wall.status.text()


def test_frames_repaint_only_the_picture_between_the_bars(
        make_wall, qtbot, http_server) -> None:  # noqa: ANN001, F811
    """A new frame repaints the picture alone: the buttons in the name bar are not painted
    again with every frame (that was most of the wall's painting work), the bars stay
    where they are, and the picture between them is the stream's."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.paints = 0

        def eventFilter(self, _watched, event) -> bool:  # noqa: ANN001, N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    wall = make_wall([cam("h", http_server.url("south"))], layout=4)
    tile = wall.tiles[0]
    wait_frames(qtbot, tile, 5)
    counter = PaintCounter()
    tile.pin_button.installEventFilter(counter)
    painted = tile.frames_painted
    wait_frames(qtbot, tile, 25)
    qtbot.waitUntil(lambda: tile.frames_painted >= painted + 20, timeout=FRAME_WAIT_MS)
    # About a second of frames; the twice-a-second refresh touches the state bar only.
    assert counter.paints <= 4, f"the pin button was painted {counter.paints} times"
    top, bottom = tile.bars
    assert top >= tile.pin_button.geometry().bottom() + 1, "the buttons stick out of the bar"
    picture = tile.grab().toImage()
    middle = picture.pixelColor(tile.width() // 2, top + (tile.height() - top - bottom) // 2)
    bar = picture.pixelColor(2, top // 2)
    assert bar.name() == "#1b1f24"
    assert middle.name() != bar.name()


def test_libvlc_callback_threads_are_gone_when_a_session_stops(qtbot, http_server) -> None:  # noqa: ANN001, F811
    """libvlc's threads keep a Python thread state between callbacks (not one made and
    freed per frame); stopping the session joins those threads, and only then are the
    kept states freed, so none is freed under a thread that could still call back."""
    import os

    from console.video.decoders import VlcSession
    from core.video.sources import LIBVLC, StreamChoice

    for _ in range(3):
        pictures = []
        session = VlcSession(StreamChoice(http_server.url("north"), LIBVLC),
                             pictures.append, lambda _reason: None)
        session.start()
        qtbot.waitUntil(lambda: len(pictures) >= 5, timeout=FRAME_WAIT_MS)  # noqa: B023
        threads = set(session._threads.native_ids)
        assert threads, "no libvlc thread called back"
        session.stop().join(10)
        assert not [t for t in threads if os.path.exists(f"/proc/self/task/{t}")]
        assert session._threads._states == {}
