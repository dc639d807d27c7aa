"""Time everywhere: the roster's time in status counts, ETAs count down from the recorded
ETA, and the queue, the roster, the dashboard and the status bar all read one clock, the
database's (`centre.service.clock`)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QTableView

from console.models.incident_table_model import Column
from console.models.roster_model import RosterColumn, format_age
from core.commands import AssignUnits, ChangeUnitStatus
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, UnitStatus
from core.local_time import format_local
from core.unit_times import status_since


def _available(centre):  # noqa: ANN001, ANN202
    return next(u for u in sorted(centre.live.state.units.values(), key=lambda u: u.id)
                if u.status is UnitStatus.AVAILABLE)


def _open_incident(centre):  # noqa: ANN001, ANN202
    # One still waiting for its first unit on scene: its "Since call" timer runs (the
    # demo's history has some whose units arrived; their timers stand still).
    return next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                if i.status in OPEN_INCIDENT_STATUSES and "on_scene" not in i.status_times)


def test_format_age_counts_minutes() -> None:
    assert format_age(30) == "<1 min"
    assert format_age(12 * 60 + 59) == "12 min"
    assert format_age(2 * 3600 + 5 * 60) == "2 h 05 min"


def test_time_in_status_counts_up_on_the_centres_clock(qtbot, beacon_window, beacon_centre,
                                                       beacon_clock) -> None:  # noqa: ANN001
    centre = beacon_centre
    unit, incident = _available(centre), _open_incident(centre)
    centre.service.execute(AssignUnits(incident.id, (unit.id,)), centre.actor)
    model = beacon_window.roster_model
    qtbot.waitUntil(lambda: model.unit_items(unit.id)[RosterColumn.IN_STATUS].text()
                    == "<1 min")
    beacon_clock.advance(7 * 60 + 5)
    qtbot.waitUntil(lambda: model.unit_items(unit.id)[RosterColumn.IN_STATUS].text()
                    == "7 min", timeout=3000)
    # A new status starts a new age.
    centre.service.execute(ChangeUnitStatus(unit.id, UnitStatus.EN_ROUTE), centre.actor)
    qtbot.waitUntil(lambda: model.unit_items(unit.id)[RosterColumn.IN_STATUS].text()
                    == "<1 min")


def test_time_in_status_comes_from_the_log_at_start(qtbot, tmp_path, beacon_centre,
                                                    beacon_clock) -> None:  # noqa: ANN001
    from console.testing import make_main_window

    centre = beacon_centre
    unit, incident = _available(centre), _open_incident(centre)
    centre.service.execute(AssignUnits(incident.id, (unit.id,)), centre.actor)
    beacon_clock.advance(25 * 60)
    # Read from the log, not from when this console happened to see the event.
    since = status_since(centre.db)
    assert since[unit.id][1] == beacon_clock.now() - timedelta(minutes=25)
    window = make_main_window(qtbot, tmp_path, centre=centre, settings_name="late.ini")
    qtbot.waitUntil(lambda: window.roster_model.unit_items(unit.id)[RosterColumn.IN_STATUS]
                    .text() == "25 min")
    window.close()


def test_eta_counts_down_from_the_recorded_eta(qtbot, beacon_window, beacon_centre,
                                               beacon_clock) -> None:  # noqa: ANN001
    centre = beacon_centre
    unit, incident = _available(centre), _open_incident(centre)
    centre.service.execute(AssignUnits(incident.id, (unit.id,), etas_s={unit.id: 300.0}),
                           centre.actor)
    eta_at = centre.live.state.units[unit.id].eta_at
    assert eta_at is not None
    model = beacon_window.roster_model
    item = model.unit_items(unit.id)[RosterColumn.ETA]
    qtbot.waitUntil(lambda: item.text() == "5:00")
    beacon_clock.advance(65)
    qtbot.waitUntil(lambda: item.text() == "3:55", timeout=3000)


def test_queue_roster_dashboard_and_clock_read_the_databases_clock(
        qtbot, beacon_window, beacon_centre, beacon_clock) -> None:  # noqa: ANN001
    centre, window = beacon_centre, beacon_window
    assert window.centre.service.clock is beacon_clock
    incident = _open_incident(centre)
    queue = window.findChild(QTableView, "incidentTable")
    model = queue.model()

    def since_call() -> str:
        row = next(r for r in range(model.rowCount())
                   if model.index(r, Column.ID).data() == incident.id)
        return str(model.index(row, Column.TIMER).data())

    before = since_call()
    beacon_clock.advance(10 * 60)
    qtbot.waitUntil(lambda: since_call() != before, timeout=3000)
    elapsed = (beacon_clock.now() - incident.created_at).total_seconds()
    assert since_call() == f"{int(elapsed) // 60}:{int(elapsed) % 60:02d}"
    qtbot.waitUntil(lambda: window.status.clock.text()
                    == format_local(beacon_clock.now(), centre.city.time_zone), timeout=3000)
    dashboard = window.external["dashboard"]
    if hasattr(dashboard, "_now"):  # the dashboard's "now" is the same clock's
        assert dashboard._now() == beacon_clock.now().timestamp()
