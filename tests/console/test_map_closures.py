"""Closed roads and evacuated cells show on the map as soon as they are recorded, and go
when the road reopens or the evacuation ends."""

from __future__ import annotations

from core.registry.evacuation_commands import EndEvacuation, StartEvacuation
from core.roads.closure_commands import CloseRoad, ReopenRoad


def test_a_closed_road_and_an_evacuated_cell_are_drawn(qtbot, beacon_window,
                                                       beacon_centre) -> None:  # noqa: ANN001
    centre, closures = beacon_centre, beacon_window.map_view.closures
    road = sorted(centre.city.road_names_zh)[0]
    centre.service.execute(CloseRoad(road, "burst water main"), centre.actor)
    qtbot.waitUntil(lambda: road in closures.drawn_roads)
    xs, _ = closures.road_item.getData()
    assert xs is not None and len(xs) > 0 and closures.road_item.isVisible()
    assert any(text == f"{road} closed" for text in closures.labels.texts())
    legend = beacon_window.map_view._legend
    assert "closed road" in legend.text() and "evacuating cell" not in legend.text()
    incident = next(i for i in sorted(centre.live.state.open_incidents(), key=lambda i: i.id)
                    if i.cell_code)
    event = centre.service.execute(StartEvacuation(incident.id, (incident.cell_code,)),
                                   centre.actor)
    qtbot.waitUntil(lambda: incident.cell_code in closures.drawn_cells)
    assert closures.cell_labels.texts() == ["evacuating"]
    # The cells follow the map's Cells switch, the line its Roads switch.
    beacon_window.map_view.set_layer_visible("cells", False)
    assert not any(item.isVisible() for item in closures.items[2:])
    assert closures.road_item.isVisible()
    beacon_window.map_view.set_layer_visible("cells", True)
    centre.service.execute(ReopenRoad(road, "repaired"), centre.actor)
    centre.service.execute(EndEvacuation(event.payload["evacuation_id"]), centre.actor)
    qtbot.waitUntil(lambda: not closures.drawn_roads and not closures.drawn_cells)
    assert closures.labels.texts() == [] == closures.cell_labels.texts()
    assert "closed road" not in legend.text()


def test_a_stretch_is_typed_with_between_and_and() -> None:
    from console.decision_panel import parse_params

    assert parse_params("close_road", "Jiefang Road") == {"road": "Jiefang Road"}
    assert parse_params("close_road", " Jiefang Road between Renmin Avenue and Hubin Road") \
        == {"road": "Jiefang Road", "between": ["Renmin Avenue", "Hubin Road"]}
