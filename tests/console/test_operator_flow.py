"""Drive the console as an operator would: take a call, see it top of the queue,
dispatch the recommended units, see them change status on the roster."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from console.models.incident_table_model import Column
from console.models.roster_model import RosterColumn
from core.commands import ChangeIncidentStatus
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus, UnitStatus


def _quiet_morning(centre) -> None:  # noqa: ANN001
    """Cancel the demo's open calls (freeing their units), so a new one goes to the top."""
    for incident in list(centre.live.state.incidents.values()):
        if incident.status in OPEN_INCIDENT_STATUSES:
            centre.service.execute(ChangeIncidentStatus(incident.id, IncidentStatus.CANCELLED),
                                   centre.actor)


def _take_call(qtbot, window, address: str, type_code: str, callback: str = "") -> None:  # noqa: ANN001
    form = window.findChild(object, "callTakingForm")
    qtbot.keyClicks(form.findChild(QLineEdit, "callerName"), "Wang Fang")
    if callback:
        qtbot.keyClicks(form.findChild(QLineEdit, "callbackNumber"), callback)
    qtbot.keyClicks(form.findChild(QLineEdit, "addressInput"), address)
    combo = form.findChild(QComboBox, "incidentType")
    if type_code:
        combo.setCurrentIndex(combo.findData(type_code))
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)


def test_take_a_call_then_dispatch_the_recommended_units(qtbot, window, centre) -> None:  # noqa: ANN001
    _quiet_morning(centre)
    state = centre.live.state
    before = set(state.incidents)
    address = centre.city.addresses[40].text
    form = window.findChild(object, "callTakingForm")
    combo = form.findChild(QComboBox, "incidentType")
    combo.setCurrentIndex(combo.findData("structure_fire"))
    assert form.findChild(QComboBox, "priority").currentData() == 1  # suggested by the type
    combo.setCurrentIndex(0)

    _take_call(qtbot, window, address, "structure_fire", "+86 138 1234 5678")

    qtbot.waitUntil(lambda: len(set(state.incidents) - before) == 1)
    (new_id,) = set(state.incidents) - before
    queue = window.findChild(QTableView, "incidentTable")
    qtbot.waitUntil(lambda: queue.model().index(0, 0).data() == new_id)
    assert queue.model().index(0, Column.ADDRESS).data() == address

    dispatch = window.findChild(object, "dispatchPanel")
    recommended = dispatch.findChild(QTableView, "recommendedUnits")
    qtbot.waitUntil(lambda: dispatch.incident_id == new_id
                    and recommended.model().rowCount() > 0, timeout=10000)
    primary = [r.unit_id for r in dispatch.recommendations if r.primary]
    assert len(primary) == 4  # two fire, one ladder, one ambulance for a structure fire
    assert len(recommended.selectionModel().selectedRows()) == len(primary)

    map_view = window.findChild(QWidget, "mapView")
    on_map = hasattr(map_view, "incident_point")  # the real map has landed
    if on_map:
        qtbot.waitUntil(lambda: map_view.incident_point(new_id) is not None)
        redraws = map_view.redraw_count

    qtbot.mouseClick(dispatch.findChild(QPushButton, "assignButton"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: all(state.units[u].status is UnitStatus.DISPATCHED for u in primary))
    assert state.incidents[new_id].status is IncidentStatus.DISPATCHED
    assert sorted(state.incidents[new_id].units) == sorted(primary)
    events = centre.service.events_after(0)
    assigned = [e for e in events if e.type == "units_assigned" and e.incident_id == new_id]
    assert assigned[-1].actor == centre.actor.name  # logged with the operator's name
    roster = window.roster._model
    qtbot.waitUntil(lambda: all(
        roster.unit_items(u)[RosterColumn.STATUS].text() == "Dispatched"
        and roster.unit_items(u)[RosterColumn.TASK].text().startswith(new_id)
        and roster.unit_items(u)[RosterColumn.ETA].text() != "" for u in primary))
    if on_map:  # the map redraws the dispatched units in their new status colour
        qtbot.waitUntil(lambda: map_view.redraw_count > redraws)
        assert all(map_view.unit_point(u) is not None for u in primary)


def test_bad_input_shows_messages_next_to_the_fields_and_creates_nothing(
        qtbot, window, centre) -> None:  # noqa: ANN001
    form = window.findChild(object, "callTakingForm")
    last = centre.service.last_seq()
    _take_call(qtbot, window, "99999 Nowhere Street", "", "call me 12")

    # Every wrong field at once, each named as its label says (not "callback_number").
    for name, words in (("addressInputError", "Address: not a known address"),
                        ("incidentTypeError", "Type: choose the incident type"),
                        ("callbackNumberError", "Callback: only digits")):
        label = form.findChild(QLabel, name)
        assert label.isVisible(), name
        assert words in label.text()
    assert centre.service.last_seq() == last  # nothing recorded

    # One field at a time: fixing the others leaves only the callback complaint.
    form.findChild(QLineEdit, "addressInput").setText(centre.city.addresses[3].text)
    combo = form.findChild(QComboBox, "incidentType")
    combo.setCurrentIndex(combo.findData("burglary"))
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)
    assert form.findChild(QLabel, "callbackNumberError").isVisible()
    assert not form.findChild(QLabel, "addressInputError").isVisible()
    assert not form.findChild(QLabel, "incidentTypeError").isVisible()
    assert centre.service.last_seq() == last


def test_a_likely_duplicate_is_offered_for_attaching(qtbot, window, centre) -> None:  # noqa: ANN001
    state = centre.live.state
    existing = next(i for i in state.incidents.values()
                    if i.type == "structure_fire" and i.status is not IncidentStatus.CANCELLED)
    count = len(state.incidents)
    _take_call(qtbot, window, existing.address, "smoke")  # smoke is related to a fire

    form = window.findChild(object, "callTakingForm")
    box = form.findChild(object, "duplicateWarning")
    qtbot.waitUntil(box.isVisible)
    assert existing.id in form.findChild(QLabel, "duplicateText").text()
    qtbot.mouseClick(form.findChild(QPushButton, "attachCallButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state.incidents[existing.id].calls == 2)
    assert len(state.incidents) == count
    assert window.selection.incident_id == existing.id


def test_the_address_resolves_to_a_grid_cell_and_its_worker(qtbot, window, centre) -> None:  # noqa: ANN001
    address = centre.city.addresses[10]
    form = window.findChild(object, "callTakingForm")
    qtbot.keyClicks(form.findChild(QLineEdit, "addressInput"), address.text)
    resolution = form.findChild(QLabel, "addressResolution").text()
    assert address.cell_code in resolution
    cell = next(c for c in centre.city.cells if c.code == address.cell_code)
    if cell.worker_unit_code:
        assert cell.worker_unit_code in resolution
    # Pick on map, then a click on the map, sets the nearest address.
    form.findChild(QLineEdit, "addressInput").clear()
    qtbot.mouseClick(form.findChild(QPushButton, "pickOnMapButton"), Qt.MouseButton.LeftButton)
    map_view = window.findChild(QWidget, "mapView")
    if hasattr(map_view, "click_at"):  # the real map has landed
        assert map_view.is_picking()
        map_view.click_at(address.x + 1.0, address.y - 1.0)
    else:
        window._on_location_picked(address.x + 1.0, address.y - 1.0)
    assert form.findChild(QLineEdit, "addressInput").text() == address.text
    assert not form.findChild(QPushButton, "pickOnMapButton").isChecked()


def test_the_completer_offers_the_city_s_addresses(qtbot, window, centre) -> None:  # noqa: ANN001
    form = window.call_form
    form.address.setFocus()
    road = centre.city.addresses[12].road
    qtbot.keyClicks(form.address, road[:5])
    offered = form._suggestions.stringList()
    assert offered and all(road[:5].lower() in s.lower() for s in offered)
    form._completer.popup().hide()
