"""The headless rules behind the console: duplicates, the queue's filter and order, the
response clock, and recommended units (road network or straight-line fallback)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.domain.kinds import Agency, UnitKind
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.model import Incident, Unit
from core.domain.state import State
from core.duplicates import likely_duplicates, related_types
from core.queue_filter import QueueFilter, incident_agencies, queue_sort_key
from core.recommendation import (
    IncidentSnapshot,
    UnitSnapshot,
    _rank_straight_line,
    outstanding_needs,
)
from core.response_clock import ResponseState, response_elapsed_s, response_state

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _incident(iid: str, type_: str = "structure_fire", x: float = 0, y: float = 0,
              status: IncidentStatus = IncidentStatus.NEW, at: datetime = T0,
              priority: int = 1) -> Incident:
    return Incident(iid, type_, priority, status, x, y, f"{iid} Road", "G001", at,
                    status_times={"new": at})


def _state(*incidents: Incident) -> State:
    state = State()
    state.incidents = {i.id: i for i in incidents}
    state.units = {"POL-1": Unit("POL-1", "Police 1", UnitKind.POLICE_CAR, Agency.POLICE,
                                 "ST1", UnitStatus.AVAILABLE, 0, 0)}
    return state


def test_related_types_work_both_ways() -> None:
    assert "smoke" in related_types("structure_fire")
    assert "structure_fire" in related_types("smoke")
    assert related_types("burglary") == frozenset({"burglary"})


def test_likely_duplicates_are_near_recent_open_and_related() -> None:
    state = _state(_incident("A", x=100), _incident("B", x=1000),
                   _incident("C", at=T0 - timedelta(hours=2)),
                   _incident("D", status=IncidentStatus.CLOSED),
                   _incident("E", type_="burglary"))
    found = likely_duplicates(state, "smoke", 0, 0, T0 + timedelta(minutes=5))
    assert [d.incident.id for d in found] == ["A"]
    assert found[0].distance_m == 100


def test_queue_filter_and_order() -> None:
    waiting = _incident("W", priority=2)
    dispatched = _incident("D", priority=2, status=IncidentStatus.DISPATCHED,
                           at=T0 - timedelta(minutes=5))
    urgent = _incident("U", priority=1, at=T0 + timedelta(minutes=3))
    closed = _incident("C", status=IncidentStatus.CLOSED)
    state = _state(waiting, dispatched, urgent, closed)
    order = sorted(state.incidents.values(), key=queue_sort_key)
    assert [i.id for i in order] == ["U", "C", "W", "D"]  # priority, waiting, age
    shown = [i.id for i in state.incidents.values() if QueueFilter().matches(i, state)]
    assert shown == ["W", "D", "U"]
    assert QueueFilter(status="closed").matches(closed, state)
    assert not QueueFilter(agency="police").matches(waiting, state)
    assert Agency.FIRE in incident_agencies(waiting, state)
    assert QueueFilter(text="w road").matches(waiting, state)
    assert QueueFilter(cell="g0").matches(waiting, state)


def test_response_clock_warns_then_is_late_and_stops_on_scene() -> None:
    incident = _incident("A")  # structure fire: 480 s standard
    assert response_state(incident, T0 + timedelta(seconds=100)) is ResponseState.ON_TIME
    assert response_state(incident, T0 + timedelta(seconds=400)) is ResponseState.WARNING
    assert response_state(incident, T0 + timedelta(seconds=500)) is ResponseState.LATE
    incident.status_times["on_scene"] = T0 + timedelta(seconds=300)
    assert response_elapsed_s(incident, T0 + timedelta(hours=1)) == 300


def test_straight_line_fallback_and_outstanding_needs() -> None:
    incident = IncidentSnapshot("A", "traffic_collision", 0, 0, ("AMB-1",))
    units = [UnitSnapshot("AMB-1", "Ambulance 1", UnitKind.AMBULANCE, 0, 0, False),
             UnitSnapshot("POL-1", "Police 1", UnitKind.POLICE_CAR, 1000, 0, True),
             UnitSnapshot("POL-2", "Police 2", UnitKind.POLICE_CAR, 500, 0, True),
             UnitSnapshot("RES-1", "Rescue 1", UnitKind.RESCUE_TEAM, 0, 900, True)]
    needs = outstanding_needs(incident, units)
    assert needs == {"police": 1, "rescue": 1}  # the ambulance covers the medical need
    lines = _rank_straight_line(incident, units, needs, 3)
    primary = [r.unit_id for r in lines if r.primary]
    assert primary == ["POL-2", "RES-1"]
    assert [r.unit_id for r in lines if not r.primary] == ["POL-1"]
    assert "straight line" in lines[0].reason
