"""The map: what it draws, live updates, clicks, picking, layers, selection and themes."""

from __future__ import annotations

import itertools
from collections import Counter

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton

from console.map.live_styles import (
    INCIDENT_STYLES,
    UNIT_STYLE_INDEX,
    UNIT_STYLES,
    incident_style_index,
)
from console.map.style import PRIORITY_COLOURS, PRIORITY_SIZES
from console.map_view import MapView
from core.commands import ChangeIncidentStatus, ChangeUnitStatus, ReportPosition
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus, UnitStatus


@pytest.fixture
def view(qtbot, centre, bridge, selection) -> MapView:  # noqa: ANN001
    v = MapView(centre, bridge, selection)
    qtbot.addWidget(v)
    v.resize(800, 700)
    v.show()
    qtbot.waitExposed(v)
    v.fit_city()
    return v


def viewport_point(view: MapView, x: float, y: float) -> QPoint:
    """The pixel of the map's viewport where city point (x, y) is drawn."""
    scene = view.map_to_scene(x, y)
    return view._plot.mapFromScene(scene)  # the viewport's coordinates


def hover_until(qtbot, view: MapView, pixel: QPoint, shown) -> None:  # noqa: ANN001
    """Rest the mouse on `pixel` of the map until `shown()`. pyqtgraph ignores a move
    that comes less than 10 ms after the one before (its `mouseRateLimit`), so one move
    may never reach the items: each try is a single move, onto the pixel and then from
    40 px away, as a hand comes to rest."""
    viewport = view._plot.viewport()
    targets = itertools.cycle([pixel, QPoint(pixel.x() + 40, pixel.y() + 40)])

    def tried() -> bool:
        qtbot.mouseMove(viewport, next(targets))
        return shown()

    qtbot.waitUntil(tried)


def test_names(view: MapView) -> None:
    assert view.objectName() == "mapView" and view.accessibleName() == "mapView"
    names = {b.objectName() for b in view.findChildren(QToolButton)}
    assert {"layerRoads", "layerCells", "layerCellNames", "layerStations", "layerUnits",
            "layerIncidents"} <= names


def test_draws_the_city(view: MapView, centre) -> None:  # noqa: ANN001
    city, state = centre.city, centre.live.state
    roads = city.roads
    undirected = sum(1 for u, v in roads.edges if not (u > v and roads.has_edge(v, u)))
    counts = view.drawn_counts()
    assert counts["roads"] == undirected > 0
    assert counts["cells"] == len(city.cells)
    assert counts["stations"] == len(city.stations)
    assert counts["units"] == len(state.units)
    assert counts["incidents"] == sum(
        i.status in OPEN_INCIDENT_STATUSES for i in state.incidents.values()) > 0
    assert set(view.road_segment_counts) == {"motorway", "arterial", "collector", "local"}


def test_position_reports_move_the_unit_after_coalescing(qtbot, view: MapView,
                                                         centre) -> None:  # noqa: ANN001
    unit_id = sorted(centre.live.state.units)[0]
    before = view.redraw_count
    for k in range(20):
        centre.service.execute(ReportPosition(unit_id, 100.0 + k, 200.0), centre.actor)
    qtbot.waitUntil(lambda: view.unit_point(unit_id) == (119.0, 200.0))
    assert view.redraw_count - before < 5  # twenty reports, a redraw or two


def test_closed_incident_leaves_the_map(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    incident = next(i for i in centre.live.state.incidents.values()
                    if i.status is IncidentStatus.NEW)
    assert view.incident_point(incident.id) is not None
    centre.service.execute(ChangeIncidentStatus(incident.id, IncidentStatus.CANCELLED,
                                                "test"), centre.actor)
    qtbot.waitUntil(lambda: view.incident_point(incident.id) is None)


def test_clicking_a_unit_selects_it(qtbot, view: MapView, centre, selection) -> None:  # noqa: ANN001
    unit_id = sorted(centre.live.state.units)[1]
    x0, y0, x1, y1 = centre.city.bounds
    spot = (x0 + 0.37 * (x1 - x0), y0 + 0.91 * (y1 - y0))
    centre.service.execute(ReportPosition(unit_id, *spot), centre.actor)
    qtbot.waitUntil(lambda: view.unit_point(unit_id) == spot)
    with qtbot.waitSignal(selection.unitSelected, timeout=2000) as blocker:
        qtbot.mouseClick(view._plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=viewport_point(view, *spot))
    assert blocker.args == [unit_id]


def test_clicking_an_incident_selects_it(view: MapView, centre, selection) -> None:  # noqa: ANN001
    incident_id = view._incidents.ids()[-1]
    view.click_at(*view.incident_point(incident_id))
    assert selection.incident_id == incident_id


def test_picking_emits_the_clicked_location(qtbot, view: MapView) -> None:
    view.set_picking(True)
    assert view.is_picking()
    with qtbot.waitSignal(view.locationPicked, timeout=2000) as blocker:
        qtbot.mouseClick(view._plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=viewport_point(view, 812.0, 433.0))
    x, y = blocker.args
    metres_per_px = 1.0 / view.px_per_metre()
    assert abs(x - 812.0) <= 2 * metres_per_px and abs(y - 433.0) <= 2 * metres_per_px
    assert not view.is_picking()  # one pick, then back to normal clicks


def test_escape_cancels_picking(qtbot, view: MapView) -> None:
    view.set_picking(True)
    with qtbot.waitSignal(view.pickingChanged) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert blocker.args == [False]


def test_layer_buttons_toggle_visibility(qtbot, view: MapView) -> None:
    button = view.findChild(QToolButton, "layerRoads")
    assert all(item.isVisible() for item in view._layer_items["roads"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not view.layer_visible("roads")
    assert not any(item.isVisible() for item in view._layer_items["roads"])
    view.set_layer_visible("units", False)
    assert not view.findChild(QToolButton, "layerUnits").isChecked()
    assert not any(item.isVisible() for item in view._layer_items["units"])


def test_cell_names_only_when_zoomed_in(view: MapView, centre) -> None:  # noqa: ANN001
    cell = centre.city.cells[0]
    view.view_box().setRange(xRange=(cell.x0, cell.x1), yRange=(cell.y0, cell.y1), padding=0)
    assert view.cell_names_shown()
    view.grab()
    assert view._cell_labels.drawn_last >= 1
    x0, y0, x1, y1 = centre.city.bounds
    span = 4 * (x1 - x0)
    view.view_box().setRange(xRange=(x0 - span, x1 + span), yRange=(y0 - span, y1 + span))
    assert not view.cell_names_shown()
    view.grab()
    assert view._cell_labels.drawn_last == 0


def test_selection_elsewhere_highlights_and_centres(view: MapView, centre,
                                                    selection) -> None:  # noqa: ANN001
    x0, y0, _, _ = centre.city.bounds
    view.view_box().setRange(xRange=(x0, x0 + 150), yRange=(y0, y0 + 150), padding=0)
    incident_id = max(view._incidents.ids(), key=lambda i: sum(view.incident_point(i)))
    point = view.incident_point(incident_id)
    assert not view.view_box().viewRect().contains(*point)
    selection.select_incident(incident_id)
    assert view.view_box().viewRect().contains(*point)
    xs, ys = view._highlight_item.getData()
    assert list(zip(xs, ys, strict=True)) == [point]


def test_dark_theme(view: MapView) -> None:
    view.set_dark(True)
    assert view.is_dark()
    assert view._plot.backgroundBrush().color().name() == "#0a0c0f"
    view.set_dark(False)
    assert not view.is_dark()


def test_local_streets_only_when_zoomed_in(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    x0, y0, x1, y1 = centre.city.bounds
    assert view.local_roads_shown()  # the small town fills the view: streets are apart
    span = 6 * (x1 - x0)
    view.resize(400, 350)  # a small panel, zoomed out as far as the limits let it
    qtbot.waitUntil(lambda: view._plot.width() < 450)
    view.view_box().setRange(xRange=(x0 - span, x1 + span), yRange=(y0 - span, y1 + span))
    assert not view.local_roads_shown()
    assert view._road_items["motorway"].isVisible()
    view.fit_city()
    assert view.local_roads_shown()


def test_assignment_lines_and_station_counts(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    from core.commands import AssignUnits, ChangeUnitStatus
    from core.domain.lifecycle import UnitStatus
    from core.metrics import assignment_lines, available_by_station

    state = centre.live.state
    assert view.drawn_counts()["assignment_lines"] == len(assignment_lines(state))
    assert len(view._station_counts._labels) == len(available_by_station(state))
    incident = next(i for i in state.incidents.values() if i.status is IncidentStatus.NEW)
    unit = next(u for u in state.units.values() if u.status is UnitStatus.AVAILABLE)
    lines = view.drawn_counts()["assignment_lines"]
    centre.service.execute(AssignUnits(incident.id, (unit.id,)), centre.actor)
    qtbot.waitUntil(lambda: view.drawn_counts()["assignment_lines"] == lines + 1)
    centre.service.execute(ChangeUnitStatus(unit.id, UnitStatus.ON_SCENE), centre.actor)
    qtbot.waitUntil(lambda: view.drawn_counts()["assignment_lines"] == lines)
    counts = {text for _, _, text in view._station_counts._labels}
    assert counts == {str(n) for n in available_by_station(state).values()}


def test_a_bare_city_without_cells_or_stations(qtbot, bridge, selection) -> None:  # noqa: ANN001
    """An imported city may have roads only (and an unknown road class): the map copes."""
    from types import SimpleNamespace

    import networkx as nx

    from core.city.model import City
    from core.domain.state import State

    roads = nx.DiGraph()
    roads.add_node(1, x=0.0, y=0.0)
    roads.add_node(2, x=500.0, y=0.0)
    roads.add_node(3, x=500.0, y=400.0)
    roads.add_edge(1, 2, road_class="motorway")
    roads.add_edge(2, 1, road_class="motorway")
    roads.add_edge(2, 3, road_class="track")  # unknown: drawn as a local street
    city = City("Bare", roads, (), (), (), (), (), (), ())
    centre = SimpleNamespace(city=city, live=SimpleNamespace(state=State()))
    view = MapView(centre, bridge, selection)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    assert view.road_segment_counts == {"motorway": 1, "arterial": 0, "collector": 0,
                                        "local": 1}
    assert view.drawn_counts()["cells"] == view.drawn_counts()["stations"] == 0
    view.click_at(250.0, 200.0)  # nothing there: selects nothing
    assert selection.unit_id == selection.incident_id == ""
    view.grab()


def test_clicking_again_steps_through_stacked_things(qtbot, view: MapView, centre,
                                                     selection) -> None:  # noqa: ANN001
    from core.commands import CreateIncident

    x0, y0, x1, y1 = centre.city.bounds
    spot = (x0 + 0.63 * (x1 - x0), y0 + 0.07 * (y1 - y0))
    incident_id = centre.service.execute(CreateIncident(
        type="fall", x=spot[0], y=spot[1], address="7 Stack Lane"), centre.actor).payload["id"]
    units = sorted(centre.live.state.units)[:2]
    for unit_id in units:
        centre.service.execute(ReportPosition(unit_id, *spot), centre.actor)
    qtbot.waitUntil(lambda: view.incident_point(incident_id) == spot
                    and all(view.unit_point(u) == spot for u in units))
    picked: list[str] = []
    selection.incidentSelected.connect(picked.append)
    selection.unitSelected.connect(picked.append)
    for _ in range(4):
        view.click_at(*spot)
    # The incident first, then each unit stacked on it, then round again.
    assert picked[0] == incident_id and sorted(picked[1:3]) == units
    assert view._last_click == ("incident", incident_id)


def test_points_drawn_in_their_style(view: MapView, centre) -> None:  # noqa: ANN001
    """Colour by status / priority, shape by status, size by priority: one item a style."""
    state = centre.live.state
    units = Counter(UNIT_STYLES[UNIT_STYLE_INDEX[u.status]]
                    for u in state.units.values())
    assert view._unit_groups.styles_drawn() == dict(units)
    incidents = Counter(INCIDENT_STYLES[incident_style_index(i.priority)]
                        for i in state.incidents.values() if i.status in OPEN_INCIDENT_STATUSES)
    assert view._incidents.points.styles_drawn() == dict(incidents)
    pairs = [*zip(view._unit_groups._styles, view._unit_groups.items, strict=True),
             *view._incidents.points.items()]
    for style, item in pairs:
        assert item.opts["symbol"] == style.symbol and item.opts["size"] == style.size
        assert item.opts["brush"].color().name() == pg.mkColor(style.colour).name()
        assert item.isVisible() == (len(item.data) > 0)
    p1 = INCIDENT_STYLES[incident_style_index(1)]
    assert p1.colour == PRIORITY_COLOURS[1] and p1.size == PRIORITY_SIZES[1]
    assert p1.z == max(s.z for s in INCIDENT_STYLES)  # a P1 on top of its neighbours


def test_position_report_redraws_only_its_group(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    unit_id = sorted(centre.live.state.units)[0]
    unit = centre.live.state.units[unit_id]
    mine = UNIT_STYLE_INDEX[unit.status]
    before = list(view._unit_groups._last)
    incident_pushes = view._incidents.points.pushes
    centre.service.execute(ReportPosition(unit_id, 321.0, 654.0), centre.actor)
    qtbot.waitUntil(lambda: view.unit_point(unit_id) == (321.0, 654.0))
    after = view._unit_groups._last
    assert [k for k in range(len(after)) if after[k] is not before[k]] == [mine]
    assert view._incidents.points.pushes == incident_pushes


def test_a_unit_at_work_is_drawn_over_waiting_ones() -> None:
    def z(status: UnitStatus) -> float:
        return UNIT_STYLES[UNIT_STYLE_INDEX[status]].z

    assert z(UnitStatus.OUT_OF_SERVICE) < z(UnitStatus.AVAILABLE) < z(UnitStatus.EN_ROUTE)
    assert max(s.z for s in INCIDENT_STYLES) < min(s.z for s in UNIT_STYLES)


def test_a_units_status_shows_by_its_shape_too(qtbot, view: MapView, centre) -> None:  # noqa: ANN001
    """The cue besides colour: every status its own marker shape, the same shape as its
    mark in the roster and the legend, none like an incident's."""
    from console import palette
    from console.map.style import INCIDENT_SYMBOL, STATUS_SYMBOLS, SYMBOL_MARKS, status_label

    shapes = [STATUS_SYMBOLS[s] for s in UnitStatus]
    assert len(set(shapes)) == len(UnitStatus) and INCIDENT_SYMBOL not in shapes
    for status in UnitStatus:
        assert SYMBOL_MARKS[STATUS_SYMBOLS[status]] == palette.status_mark(status)
    # Drawn: each unit in its status's shape, whatever its agency.
    unit_id = next(u.id for u in centre.live.state.units.values()
                   if u.status is UnitStatus.AVAILABLE)
    centre.service.execute(ChangeUnitStatus(unit_id, UnitStatus.OUT_OF_SERVICE), centre.actor)
    qtbot.waitUntil(lambda: any(
        style.symbol == "x" for style in view._unit_groups.styles_drawn()))  # noqa: SLF001
    for style, item in zip(view._unit_groups._styles, view._unit_groups.items,  # noqa: SLF001
                           strict=True):
        status = next(s for s in UnitStatus if UNIT_STYLES[UNIT_STYLE_INDEX[s]] == style)
        assert item.opts["symbol"] == STATUS_SYMBOLS[status]
    # The legend says which shape is which.
    legend = view._legend.text()  # noqa: SLF001
    for status in UnitStatus:
        assert f"{palette.status_mark(status)}</span>&nbsp;{status_label(status)}" in legend
