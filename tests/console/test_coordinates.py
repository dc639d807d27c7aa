"""Latitude/longitude in the console: the status bar shows where the mouse is on the map,
and the call-taker may type a position instead of an address."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from core.geo import GeoReference

REFERENCE = GeoReference(30.27, 120.15)
_LATLON = re.compile(r"^(\d+\.\d{5})° N, (\d+\.\d{5})° E$")


@pytest.fixture
def placed(centre):  # noqa: ANN001, ANN201
    """The test centre, its city placed on the earth (as `beacon city` will save it)."""
    centre.city = replace(centre.city, reference=REFERENCE, time_zone="Asia/Shanghai")
    return centre


def _hover(qtbot, window, x: float, y: float) -> None:  # noqa: ANN001
    """Move the mouse over city point (x, y) of the map, as the window system does (a
    move event to the canvas; QTest's mouseMove sends none without a button down)."""
    view = window.map_view
    view.fit_city()
    qtbot.wait(10)
    canvas = view._plot  # the pyqtgraph PlotWidget: a QGraphicsView
    target = QPointF(canvas.mapFromScene(view.map_to_scene(x, y)))
    QApplication.sendEvent(canvas.viewport(), QMouseEvent(
        QEvent.Type.MouseMove, target, canvas.viewport().mapToGlobal(target),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def test_the_status_bar_shows_the_latitude_longitude_under_the_mouse(qtbot, placed,  # noqa: ANN001
                                                                     make_window) -> None:
    window = make_window()
    label = window.status.findChild(QLabel, "pointerLabel")
    cell = placed.city.cells[len(placed.city.cells) // 2]
    x, y = cell.center
    _hover(qtbot, window, x, y)
    qtbot.waitUntil(lambda: bool(label.text()))
    m = _LATLON.match(label.text())
    assert m, label.text()
    # The point shown is the one under the mouse, to within a pixel or two.
    shown = placed.city.to_local(float(m.group(1)), float(m.group(2)))
    tolerance = 3.0 / window.map_view.px_per_metre() + 1.0
    assert abs(shown[0] - x) < tolerance and abs(shown[1] - y) < tolerance
    # Leaving the map clears it.
    QApplication.sendEvent(window.map_view, QEvent(QEvent.Type.Leave))
    assert label.text() == ""


def test_the_position_reads_in_chinese(qtbot, placed, make_window) -> None:  # noqa: ANN001
    window = make_window("zh_CN", at_start=True)
    window.status.show_pointer(100.0, 200.0, (30.2712345, 120.1512345))
    text = window.status.findChild(QLabel, "pointerLabel").text()
    assert text == "北纬 30.27123°，东经 120.15123°"


def test_a_city_without_a_place_shows_metres(qtbot, centre, make_window) -> None:  # noqa: ANN001
    centre.city = replace(centre.city, reference=None)
    window = make_window()
    label = window.status.findChild(QLabel, "pointerLabel")
    _hover(qtbot, window, 500.0, 700.0)
    qtbot.waitUntil(lambda: bool(label.text()))
    assert re.match(r"^x \d+ m, y \d+ m$", label.text()), label.text()


def test_a_typed_position_locates_the_call_there(qtbot, placed, make_window) -> None:  # noqa: ANN001
    window = make_window()
    form = window.call_form
    city = placed.city
    cell = city.cells[len(city.cells) // 3]
    lat, lon = city.to_latlon(*cell.center)
    typed = f"{lat:.4f}, {lon:.4f}"
    qtbot.keyClicks(form.findChild(QLineEdit, "addressInput"), typed)
    loc = form.location
    assert loc is not None
    want = city.to_local(round(lat, 4), round(lon, 4))
    assert abs(loc.x - want[0]) < 1.0 and abs(loc.y - want[1]) < 1.0
    assert loc.cell_code == city.cell_at(*want).code
    assert loc.address.startswith(f"{round(lat, 4):.5f}, {round(lon, 4):.5f} (near ")
    assert form.findChild(QLabel, "addressResolution").text().startswith("Grid cell")
    before = set(placed.live.state.incidents)
    form.type.setCurrentIndex(form.type.findData("medical"))
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)
    duplicate = form.findChild(QPushButton, "createAnywayButton")
    if duplicate.isVisible():
        qtbot.mouseClick(duplicate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(set(placed.live.state.incidents) - before) == 1)
    (new_id,) = set(placed.live.state.incidents) - before
    incident = placed.live.state.incidents[new_id]
    assert (incident.x, incident.y) == (loc.x, loc.y)
    assert incident.cell_code == loc.cell_code


@pytest.mark.parametrize("typed", ["48.8566, 2.3522", "-30.2700, 120.1500"])
def test_a_position_off_the_map_is_refused_in_the_form(qtbot, placed, make_window,  # noqa: ANN001
                                                       typed: str) -> None:
    window = make_window()
    form = window.call_form
    qtbot.keyClicks(form.findChild(QLineEdit, "addressInput"), typed)
    error = form.findChild(QLabel, "addressInputError")
    assert form.location is None and error.isVisible()
    assert re.match(r"^Address: Off the map, [\d,]+ km away: check it, latitude comes first\.$",
                    error.text()), error.text()
    before = set(placed.live.state.incidents)
    form.type.setCurrentIndex(form.type.findData("medical"))
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)
    assert error.isVisible() and "Off the map" in error.text()
    assert set(placed.live.state.incidents) == before


def test_the_refusal_reads_in_chinese(qtbot, placed, make_window) -> None:  # noqa: ANN001
    window = make_window("zh_CN", at_start=True)
    form = window.call_form
    form.findChild(QLineEdit, "addressInput").setText("48.8566, 2.3522")
    error = form.findChild(QLabel, "addressInputError")
    assert error.isVisible() and error.text().startswith("地址：不在地图上"), error.text()


def test_degrees_on_a_map_without_a_place_say_so(qtbot, centre, make_window) -> None:  # noqa: ANN001
    centre.city = replace(centre.city, reference=None)
    window = make_window()
    form = window.call_form
    form.findChild(QLineEdit, "addressInput").setText("30.2700, 120.1500")
    error = form.findChild(QLabel, "addressInputError")
    assert form.location is None and error.isVisible()
    assert "no latitude and longitude" in error.text()
