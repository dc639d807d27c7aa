"""The map follows the work: selecting an incident zooms to it and its units, incidents
carry labels at the default zoom, and map items are findable by id."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.commands import AssignUnits
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, UnitStatus


def _far_unit(centre, incident):  # noqa: ANN001, ANN202
    """The available unit farthest from the incident (so the zoom must take it in)."""
    units = [u for u in centre.live.state.units.values() if u.status is UnitStatus.AVAILABLE]
    return max(units, key=lambda u: (u.x - incident.x) ** 2 + (u.y - incident.y) ** 2)


def test_selecting_an_incident_zooms_to_it_and_its_units(qtbot, beacon_window,
                                                         beacon_centre) -> None:  # noqa: ANN001
    centre, window = beacon_centre, beacon_window
    map_view = window.map_view
    map_view.fit_city()
    default = map_view.view_box().viewRect()
    incident = next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                    if i.status in OPEN_INCIDENT_STATUSES)
    near = min((u for u in centre.live.state.units.values()
                if u.status is UnitStatus.AVAILABLE),
               key=lambda u: (u.x - incident.x) ** 2 + (u.y - incident.y) ** 2)
    centre.service.execute(AssignUnits(incident.id, (near.id,)), centre.actor)
    qtbot.waitUntil(lambda: map_view.unit_point(near.id) is not None
                    and map_view.item_for(incident.id) is not None)

    window.selection.select_incident(incident.id)

    rect = map_view.view_box().viewRect()
    assert rect.contains(incident.x, incident.y)
    assert rect.contains(*map_view.unit_point(near.id))
    # Zoomed in, not only panned: the view is smaller than the whole city's.
    assert rect.width() < default.width() * 0.8 and rect.height() < default.height() * 0.8
    item = map_view.item_for(incident.id)
    assert item.kind == "incident" and item.visible


def test_the_zoom_takes_in_a_unit_far_away(qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    centre, map_view = beacon_centre, beacon_window.map_view
    incident = next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                    if i.status in OPEN_INCIDENT_STATUSES)
    far = _far_unit(centre, incident)
    centre.service.execute(AssignUnits(incident.id, (far.id,)), centre.actor)
    qtbot.waitUntil(lambda: incident.id in centre.live.state.units[far.id].incident_id)
    beacon_window.selection.select_incident(incident.id)
    rect = map_view.view_box().viewRect()
    assert rect.contains(incident.x, incident.y)
    assert rect.contains(far.x, far.y)


def test_incidents_carry_labels_at_the_default_zoom(qtbot, beacon_window,
                                                    beacon_centre) -> None:  # noqa: ANN001
    map_view = beacon_window.map_view
    map_view.fit_city()
    map_view.grab()
    texts = map_view.incident_label_texts()
    open_incidents = [i for i in beacon_centre.live.state.incidents.values()
                      if i.status in OPEN_INCIDENT_STATUSES]
    assert len(texts) == len(open_incidents) > 0
    assert map_view.incident_labels_drawn() > 0
    top = min(i.priority for i in open_incidents)
    assert texts[0].startswith(f"P{top} ")  # the most urgent label wins where they crowd


def test_item_for_finds_a_thing_to_click(qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    map_view = beacon_window.map_view
    map_view.fit_city()
    incident = next(i for i in beacon_centre.live.state.incidents.values()
                    if i.status in OPEN_INCIDENT_STATUSES)
    item = map_view.item_for(incident.id)
    assert item is not None and item.visible and (item.x, item.y) == (incident.x, incident.y)
    assert map_view.item_for("NO-SUCH-THING") is None
    unit = next(iter(beacon_centre.live.state.units))
    assert map_view.item_for(unit).kind == "unit"
    beacon_window.selection.select_incident("")
    qtbot.mouseClick(map_view.canvas().viewport(), Qt.MouseButton.LeftButton, pos=item.pixel)
    qtbot.waitUntil(lambda: beacon_window.selection.incident_id != "")


def test_the_zoom_holds_when_the_map_changes_size(qtbot, beacon_window,
                                                  beacon_centre) -> None:  # noqa: ANN001
    centre, map_view = beacon_centre, beacon_window.map_view
    incident = next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                    if i.status in OPEN_INCIDENT_STATUSES)
    far = _far_unit(centre, incident)
    centre.service.execute(AssignUnits(incident.id, (far.id,)), centre.actor)
    qtbot.waitUntil(lambda: map_view.unit_point(far.id) is not None)
    beacon_window.selection.select_incident(incident.id)
    beacon_window.resize(beacon_window.width() - 300, beacon_window.height() + 60)
    qtbot.waitUntil(lambda: map_view.view_box().viewRect().contains(far.x, far.y)
                    and map_view.view_box().viewRect().contains(incident.x, incident.y))


def test_units_sent_to_the_incident_in_view_are_taken_in(qtbot, beacon_window,
                                                         beacon_centre) -> None:  # noqa: ANN001
    centre, map_view = beacon_centre, beacon_window.map_view
    incident = next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                    if i.status in OPEN_INCIDENT_STATUSES)
    beacon_window.selection.select_incident(incident.id)
    far = _far_unit(centre, incident)
    assert not map_view.view_box().viewRect().contains(far.x, far.y)
    centre.service.execute(AssignUnits(incident.id, (far.id,)), centre.actor)
    qtbot.waitUntil(lambda: map_view.view_box().viewRect().contains(far.x, far.y))


def test_zoom_box_adds_a_margin_and_a_minimum() -> None:
    from console.map.geometry import zoom_box

    assert zoom_box([(0.0, 0.0), (1000.0, 500.0)], 100.0) == (-200.0, 1200.0, -100.0, 600.0)
    assert zoom_box([(50.0, 50.0)], 1200.0) == (-550.0, 650.0, -550.0, 650.0)
