"""The dashboard's figures, computed from a state built by applying events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.lifecycle import UnitStatus
from core.domain.state import State
from core.events import Event
from core.metrics import (
    histogram,
    open_by_priority,
    response_times,
    summarise_responses,
    units_by_status,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Log:
    """Applies events to a state with increasing sequence numbers."""

    def __init__(self) -> None:
        self.state = State()
        self.seq = 0
        self.events: list[Event] = []

    def __call__(self, type_: str, at_s: float = 0.0, **payload: object) -> None:
        self.seq += 1
        event = Event(self.seq, T0 + timedelta(seconds=at_s), "t", type_, payload)
        self.events.append(event)
        self.state.apply(event)


@pytest.fixture
def log() -> Log:
    lg = Log()
    lg("units_registered", units=[
        {"id": "E1", "name": "E1", "kind": "fire_engine", "agency": "fire", "station": "F",
         "x": 0, "y": 0},
        {"id": "A1", "name": "A1", "kind": "ambulance", "agency": "ems", "station": "M",
         "x": 0, "y": 0},
        {"id": "P1", "name": "P1", "kind": "police_car", "agency": "police", "station": "P",
         "x": 0, "y": 0},
    ])
    return lg


def incident(log: Log, iid: str, type_: str, priority: int, at_s: float = 0.0) -> None:
    log("incident_created", at_s, id=iid, type=type_, priority=priority, x=1, y=1,
        address="1 Road")


def test_open_by_priority_counts_only_open_incidents(log: Log) -> None:
    assert open_by_priority(log.state) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    incident(log, "I1", "medical", 1)
    incident(log, "I2", "fall", 2)
    incident(log, "I3", "burglary", 3)
    log("incident_status_changed", incident_id="I3", status="cancelled")
    log("incident_priority_changed", incident_id="I2", priority=1)
    assert open_by_priority(log.state) == {1: 2, 2: 0, 3: 0, 4: 0, 5: 0}


def test_units_by_status_has_every_status(log: Log) -> None:
    incident(log, "I1", "medical", 1)
    log("units_assigned", incident_id="I1", units=["A1"], incident_status="dispatched")
    counts = units_by_status(log.state)
    assert set(counts) == set(UnitStatus)
    assert counts[UnitStatus.AVAILABLE] == 2 and counts[UnitStatus.DISPATCHED] == 1
    log("unit_status_changed", unit_id="A1", status="on_scene", incident_status="on_scene")
    counts = units_by_status(log.state)
    assert counts[UnitStatus.DISPATCHED] == 0 and counts[UnitStatus.ON_SCENE] == 1


def test_response_time_is_call_to_first_unit_on_scene(log: Log) -> None:
    incident(log, "I1", "medical", 1, at_s=0)  # standard 480 s
    incident(log, "I2", "burglary", 3, at_s=60)  # standard 1200 s; nobody there yet
    incident(log, "I3", "structure_fire", 1, at_s=100)  # standard 480 s
    log("units_assigned", 10, incident_id="I1", units=["A1"], incident_status="dispatched")
    log("units_assigned", 120, incident_id="I3", units=["E1", "P1"],
        incident_status="dispatched")
    log("unit_status_changed", 300, unit_id="A1", status="on_scene", incident_status="on_scene")
    log("unit_status_changed", 700, unit_id="E1", status="on_scene", incident_status="on_scene")
    # A second unit arriving later does not change the response time.
    log("unit_status_changed", 900, unit_id="P1", status="on_scene")
    rows = response_times(log.state)
    assert [(r.incident_id, r.type, r.seconds, r.standard_s) for r in rows] == [
        ("I1", "medical", 300.0, 480), ("I3", "structure_fire", 600.0, 480)]
    assert [r.within_standard for r in rows] == [True, False]
    summary = summarise_responses(rows)
    assert (summary.count, summary.within, summary.median_s) == (2, 1, 450.0)
    assert summary.p90_s == pytest.approx(570.0)
    assert summary.within_share == 0.5


def test_summary_of_nothing() -> None:
    s = summarise_responses([])
    assert (s.count, s.within, s.median_s, s.p90_s, s.within_share) == (0, 0, None, None, None)


def test_histogram_bins() -> None:
    assert histogram([], 60, minimum_bins=3) == [0, 0, 0]
    assert histogram([0, 59.9, 60, 250], 60) == [2, 1, 0, 0, 1]
    with pytest.raises(ValueError):
        histogram([1], 0)


def test_split_histogram_and_typical_standard() -> None:
    from core.metrics import ResponseTime, split_histogram, typical_standard

    rows = [ResponseTime("I1", "medical", 300, 480), ResponseTime("I2", "medical", 500, 480),
            ResponseTime("I3", "burglary", 500, 1200), ResponseTime("I4", "assault", 30, 420)]
    assert split_histogram(rows, 240) == ([1, 1, 1], [0, 0, 1])
    assert split_histogram([], 60, minimum_bins=2) == ([0, 0], [0, 0])
    assert typical_standard(rows) == 480
    assert typical_standard(rows[2:]) == 420  # a tie: the stricter standard
    assert typical_standard([]) is None


def test_open_by_priority_tracker_follows_events_not_the_final_state(log: Log) -> None:
    from core.metrics import OpenByPriority

    incident(log, "I0", "medical", 1)
    tracker = OpenByPriority(log.state)
    assert tracker.counts()[1] == 1
    start = len(log.events)
    incident(log, "I1", "fall", 2)
    log("units_assigned", incident_id="I1", units=["A1"], incident_status="dispatched")
    log("incident_priority_changed", incident_id="I1", priority=1)
    log("unit_status_changed", unit_id="A1", status="on_scene", incident_status="on_scene")
    log("incident_status_changed", incident_id="I1", status="resolved", released_units=["A1"])
    log("incident_status_changed", incident_id="I0", status="cancelled")
    # Fed after the whole burst is in the state, as a chart hears of a burst.
    seen = []
    for event in log.events[start:]:
        tracker.apply(event)
        seen.append((tracker.counts()[1], tracker.counts()[2]))
    assert seen == [(1, 1), (1, 1), (2, 0), (2, 0), (1, 0), (0, 0)]
    assert tracker.apply(log.events[start]) is False  # already counted
    assert tracker.counts() == open_by_priority(log.state)



def test_open_by_priority_tracker_reopened_and_reprioritised_closed(log: Log) -> None:
    """The counts kept event by event match a recount after every kind of change."""
    from core.metrics import OpenByPriority

    tracker = OpenByPriority(log.state)
    start = len(log.events)
    incident(log, "I1", "medical", 1)
    incident(log, "I2", "fall", 2)
    log("incident_status_changed", incident_id="I2", status="cancelled")
    log("incident_priority_changed", incident_id="I2", priority=3)  # closed: no count
    log("incident_status_changed", incident_id="I2", status="new")  # reopened, as P3
    log("incident_status_changed", incident_id="I1", status="dispatched")  # open to open
    for event in log.events[start:]:
        tracker.apply(event)
    assert tracker.counts() == open_by_priority(log.state)
    assert tracker.counts()[3] == 1 and tracker.counts()[2] == 0

def test_available_by_station_and_assignment_lines(log: Log) -> None:
    from core.metrics import assignment_lines, available_by_station

    assert available_by_station(log.state) == {"F": 1, "M": 1, "P": 1}
    incident(log, "I1", "medical", 1)
    log("units_assigned", incident_id="I1", units=["A1", "P1"], incident_status="dispatched")
    log("unit_position_reported", unit_id="A1", x=5, y=6)
    log("unit_status_changed", unit_id="P1", status="on_scene", incident_status="on_scene")
    assert available_by_station(log.state) == {"F": 1}
    assert assignment_lines(log.state) == [("A1", 5.0, 6.0, 1.0, 1.0)]  # P1 is there
