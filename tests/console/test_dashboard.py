"""The dashboard follows the centre: open incidents, unit statuses, response times."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from console.dashboard import Dashboard, step_xy
from core.commands import AssignUnits, ChangeIncidentStatus, ChangeUnitStatus, CreateIncident
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.metrics import open_by_priority, units_by_status


@pytest.fixture
def dash(qtbot, centre, bridge, selection) -> Dashboard:  # noqa: ANN001
    d = Dashboard(centre, bridge, selection)
    qtbot.addWidget(d)
    d.resize(900, 600)
    d.show()
    qtbot.waitExposed(d)
    return d


def new_incident(centre, type_: str = "medical", priority: int | None = None) -> str:  # noqa: ANN001
    event = centre.service.execute(CreateIncident(
        type=type_, x=300.0, y=300.0, address="1 Test Road", priority=priority), centre.actor)
    return event.payload["id"]


def test_names(dash: Dashboard) -> None:
    assert dash.objectName() == "dashboard" and dash.accessibleName() == "dashboard"
    assert dash.findChild(QComboBox, "dashboardResponseType") is not None


def test_initial_charts_match_the_state(dash: Dashboard, centre) -> None:  # noqa: ANN001
    state = centre.live.state
    assert dash.open_counts_drawn() == open_by_priority(state)
    assert dash.status_heights_drawn() == units_by_status(state)


def test_new_incident_raises_its_priority_line(qtbot, dash: Dashboard, centre,
                                               sim_clock) -> None:  # noqa: ANN001
    before = dash.open_counts_drawn()[4]
    sim_clock.advance(60)
    new_incident(centre, "community_hazard", priority=4)
    qtbot.waitUntil(lambda: dash.open_counts_drawn()[4] == before + 1)
    x, _ = dash._open_curves[4].getData()
    assert x[-1] == sim_clock.now().timestamp()  # the time axis is the centre's clock


def test_unit_status_change_moves_the_bars(qtbot, dash: Dashboard, centre,
                                           sim_clock) -> None:  # noqa: ANN001
    heights = dash.status_heights_drawn()
    unit = next(u for u in centre.live.state.units.values()
                if u.status is UnitStatus.AVAILABLE)
    centre.service.execute(ChangeUnitStatus(unit.id, UnitStatus.OUT_OF_SERVICE), centre.actor)
    qtbot.waitUntil(lambda: dash.status_heights_drawn()[UnitStatus.OUT_OF_SERVICE]
                    == heights[UnitStatus.OUT_OF_SERVICE] + 1)
    assert dash.status_heights_drawn()[UnitStatus.AVAILABLE] == \
        heights[UnitStatus.AVAILABLE] - 1


def test_first_unit_on_scene_adds_a_response_time(qtbot, dash: Dashboard, centre,
                                                  sim_clock) -> None:  # noqa: ANN001
    on_time, late = dash.response_counts_drawn()
    incident_id = new_incident(centre, "medical")  # standard: 8 minutes
    unit = next(u for u in centre.live.state.units.values()
                if u.status is UnitStatus.AVAILABLE)
    centre.service.execute(AssignUnits(incident_id, (unit.id,)), centre.actor)
    sim_clock.advance(15 * 60)  # late
    centre.service.execute(ChangeUnitStatus(unit.id, UnitStatus.ON_SCENE), centre.actor)
    qtbot.waitUntil(lambda: dash.response_counts_drawn() == (on_time, late + 1))
    combo = dash.findChild(QComboBox, "dashboardResponseType")
    combo.setCurrentIndex(combo.findData("medical"))
    assert dash.standard_drawn() == 8.0
    assert dash.response_counts_drawn()[1] >= 1


def test_a_new_call_leaves_the_response_chart_alone(qtbot, dash: Dashboard, centre,
                                                    sim_clock) -> None:  # noqa: ANN001
    """Response times change only when a unit arrives: a call must not make the
    dashboard walk every incident again (10,000 of them in a busy centre)."""
    walked: list[int] = []
    draw = dash._draw_responses
    dash._draw_responses = lambda rows: (walked.append(len(rows)), draw(rows))  # type: ignore[method-assign]
    before = dash.open_counts_drawn()[4]
    sim_clock.advance(60)
    new_incident(centre, "community_hazard", priority=4)
    qtbot.waitUntil(lambda: dash.open_counts_drawn()[4] == before + 1)
    assert walked == []


def test_step_xy() -> None:
    x, y = step_xy([0, 10, 20], [1, 3, 2])
    assert list(x) == [0, 10, 10, 20, 20] and list(y) == [1, 1, 3, 3, 2]


def test_dark_theme(dash: Dashboard) -> None:
    dash.set_dark(True)
    assert dash.is_dark()
    dash.set_dark(False)
    assert not dash.is_dark()


def test_a_burst_of_events_is_drawn_step_by_step(qtbot, dash: Dashboard, centre,
                                                 sim_clock) -> None:  # noqa: ANN001
    before = dash.open_counts_drawn()[5]
    sim_clock.advance(60)
    incident_id = new_incident(centre, "community_hazard", priority=5)
    sim_clock.advance(60)
    centre.service.execute(ChangeIncidentStatus(incident_id, IncidentStatus.CANCELLED, "dup"),
                           centre.actor)
    # Both events reach the dashboard after the state has already moved past the first.
    qtbot.waitUntil(lambda: dash.redraw_count > 1 and len(dash._samples) >= 3)
    _, y = dash._open_curves[5].getData()
    assert max(y) == before + 1 and y[-1] == before
