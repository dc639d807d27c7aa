"""The camera layer of the map: the demo's cameras drawn, their names on hover, kept
current by camera events, a layer toggle, and a double click that activates a camera."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from console.map.camera_layer import CAMERA_COLOUR, CAMERA_OFF_COLOUR
from console.map_view import MapView
from core.auth import Actor
from core.commands import DisableCamera, MoveCamera
from core.domain.kinds import Role
from tests.console.test_map_view import hover_until, viewport_point

SUPERVISOR = Actor("sam", Role.SUPERVISOR)


@pytest.fixture
def view(qtbot, centre, bridge, selection) -> MapView:  # noqa: ANN001
    v = MapView(centre, bridge, selection)
    qtbot.addWidget(v)
    v.resize(800, 700)
    v.show()
    qtbot.waitExposed(v)
    v.fit_city()
    return v


def _brush_of(view: MapView, camera_id: str) -> str:
    layer = view._cameras
    k = layer.ids.index(camera_id)
    return layer.icons.data[k]["brush"].color().name()


def test_the_demo_cameras_are_drawn_with_a_toggle(view: MapView, centre) -> None:  # noqa: ANN001
    cameras = centre.live.state.cameras
    assert len(cameras) >= 15
    assert view.drawn_counts()["cameras"] == len(cameras)
    button = view.findChild(QToolButton, "layerCameras")
    assert button is not None and button.text() == "Cameras" and button.isChecked()
    cid = sorted(cameras)[0]
    assert view.camera_point(cid) == (cameras[cid]["x"], cameras[cid]["y"])
    assert _brush_of(view, cid) == CAMERA_COLOUR
    tip = view._camera_tip(0, 0, cid)
    assert cameras[cid]["name"] in tip and cid in tip and "://" not in tip
    button.click()
    assert not view.layer_visible("cameras") and not view._cameras.icons.isVisible()
    assert view.camera_at(*view.camera_point(cid)) is None  # hidden: nothing to activate
    button.click()
    assert view._cameras.icons.isVisible()


def test_camera_events_redraw_the_layer(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    cid = sorted(centre.live.state.cameras)[0]
    centre.service.execute(DisableCamera(cid, "storm"), SUPERVISOR)
    qtbot.waitUntil(lambda: _brush_of(view, cid) == CAMERA_OFF_COLOUR)
    assert "Out of use" in view._camera_tip(0, 0, cid)
    centre.service.execute(MoveCamera(cid, 900.0, 950.0, None), SUPERVISOR)
    qtbot.waitUntil(lambda: view.camera_point(cid) == (900.0, 950.0))


def test_a_double_click_on_a_camera_activates_it(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    cameras = centre.live.state.cameras
    cid = sorted(cameras)[3]
    x, y = cameras[cid]["x"], cameras[cid]["y"]
    pixel = viewport_point(view, x, y)
    viewport = view._plot.viewport()
    with qtbot.waitSignal(view.cameraActivated, timeout=2000) as blocker:
        # What a person's double click sends: a click, then a double click and its release.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pixel)
    assert blocker.args == [cid]
    # a double click on empty ground activates nothing
    x0, y0, x1, y1 = centre.city.bounds
    empty = next((px, py) for px in (x0 + 5, x1 - 5) for py in (y0 + 5, y1 - 5)
                 if view.camera_at(px, py) is None)
    with qtbot.assertNotEmitted(view.cameraActivated, wait=100):
        view.double_click_at(*empty)


def test_the_dark_map_draws_cameras_in_light_slate(view: MapView, centre) -> None:  # noqa: ANN001
    from console.map.camera_layer import CAMERA_COLOUR_DARK

    cid = sorted(centre.live.state.cameras)[0]
    view.set_dark(True)
    assert _brush_of(view, cid) == CAMERA_COLOUR_DARK
    view.set_dark(False)
    assert _brush_of(view, cid) == CAMERA_COLOUR


def test_hovering_a_camera_shows_its_name(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    cameras = centre.live.state.cameras
    cid = sorted(cameras)[5]
    pixel = viewport_point(view, cameras[cid]["x"], cameras[cid]["y"])
    # (pyqtgraph puts a scatter item's tip on its view box)
    hover_until(qtbot, view, pixel, lambda: cameras[cid]["name"] in view.view_box().toolTip())
    assert f"({cid})" in view.view_box().toolTip() and "://" not in view.view_box().toolTip()


def test_a_layer_leaving_its_points_never_clears_another_layers_tip(
        qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    # pyqtgraph's own scatter tip clears the view box's tooltip whenever the cursor is
    # off its points, so the last layer Qt asked could erase the camera's name.
    from PySide6.QtCore import QPointF

    from console.map.tip_scatter import TipScatter

    vb = view.view_box()
    other = TipScatter(pxMode=True, size=10, hoverable=True, tip=lambda **_: "other layer")
    vb.addItem(other)
    other.setData(x=[0.0], y=[0.0])

    class Hover:
        exit = False

        def __init__(self, x: float) -> None:
            self.x = x

        def pos(self) -> QPointF:
            return QPointF(self.x, 0.0)

    other.hoverEvent(Hover(0.0))  # over its point: its tip
    assert vb.toolTip() == "other layer"
    vb.setToolTip("camera C-1")  # then the cursor reached a camera: its layer wrote
    other.hoverEvent(Hover(1e9))  # `other` sees the cursor away from its point
    assert vb.toolTip() == "camera C-1"
    other.hoverEvent(Hover(0.0))
    vb.setToolTip("other layer")
    other.hoverEvent(Hover(1e9))  # its own tip, which it clears on leaving
    assert vb.toolTip() == ""
