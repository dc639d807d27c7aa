"""The console shows the centre's local time with its zone, not UTC and not the
workstation's own zone."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.commands import CreateIncident, ReportPosition

LATE_CALL = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


@pytest.fixture
def late_centre(centre, clock):  # noqa: ANN001, ANN201
    """The demo centre in UTC+08:00, on a workstation set to another zone, at 23:30 UTC."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"  # the workstation's own zone must not leak in
    time.tzset()
    centre.city = replace(centre.city, time_zone="Asia/Shanghai")
    clock.advance_to(LATE_CALL)
    yield centre
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_clock_and_call_time_read_0730_the_next_day(late_centre, make_window, qtbot):  # noqa: ANN001
    window = make_window()
    assert window.status.clock.text() == "2026-03-02 07:30:00 UTC+08:00"
    incident_id = late_centre.service.execute(CreateIncident(
        type="medical", x=300.0, y=300.0, address="1 Test Road"), late_centre.actor
    ).payload["id"]
    window.selection.select_incident(incident_id)
    qtbot.waitUntil(lambda: "call at 07:30:00" in window.dispatch.heading.text())


def test_roster_report_times_are_local_and_the_header_names_the_zone(  # noqa: ANN001
        late_centre, make_window, qtbot):
    from PySide6.QtCore import Qt

    from console.models.roster_model import RosterColumn, RosterModel

    window = make_window()
    unit = next(iter(late_centre.live.state.units.values()))
    late_centre.service.execute(ReportPosition(unit.id, unit.x, unit.y), late_centre.actor)
    model = window.findChildren(RosterModel)[0]
    header = model.headerData(RosterColumn.REPORT, Qt.Orientation.Horizontal)
    assert header.endswith("\nUTC+08:00")  # the zone under the column's name
    qtbot.waitUntil(lambda: model.unit_items(unit.id)[RosterColumn.REPORT].text()
                    == "07:30:00")


def test_dashboard_time_axis_reads_the_centres_local_time(late_centre, make_window):  # noqa: ANN001
    from console.dashboard import Dashboard

    window = make_window()
    dash = window.findChildren(Dashboard)[0]
    axis = dash._open_plot.getAxis("bottom")
    at = LATE_CALL.timestamp()
    from pyqtgraph.graphicsItems.DateAxisItem import HOUR_MINUTE_ZOOM_LEVEL

    axis.zoomLevel = HOUR_MINUTE_ZOOM_LEVEL  # what a window of some minutes paints with
    spec = next(s for s in HOUR_MINUTE_ZOOM_LEVEL.tickSpecs if s.format == "%H:%M")
    assert axis.tickStrings([at], 1.0, spec.spacing) == ["07:30"]
