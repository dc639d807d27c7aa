"""The demo's history reads like the last hour of a real shift (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.centre import open_centre
from core.clock import SimulatedClock
from core.demo_data import HISTORY_S, STORY
from core.local_time import to_local
from core.profile import DatabaseKind
from core.store import event_log

# The demo shift starts at 08:00 in a +08:00 city: midnight UTC.
SHIFT_START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    path: Path = tmp_path_factory.mktemp("story") / "demo.db"
    centre = open_centre(f"sqlite:///{path}", city_scale="small",
                         clock=SimulatedClock(SHIFT_START), new_kind=DatabaseKind.DEMO)
    with centre.db.session() as s:
        events = event_log.query(s, event_log.EventQuery())
    yield centre, events
    centre.close()


def test_the_history_is_the_hour_before_the_shift_in_local_time(demo) -> None:  # noqa: ANN001
    centre, events = demo
    assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
    assert events[-1].at <= SHIFT_START <= centre.service.clock.now()
    assert events[0].at >= SHIFT_START - timedelta(seconds=HISTORY_S)
    calls = [e for e in events if e.type == "incident_created"]
    assert len(calls) == len(STORY)
    assert len({e.at for e in calls}) == len(calls)  # not all stamped at one instant
    zone = centre.city.time_zone
    local = [to_local(e.at, zone) for e in calls]
    assert all(t.hour == 7 for t in local), local  # 07:xx in the city: the hour before 08:00


def test_every_dispatched_unit_has_an_eta_drives_and_arrives(demo) -> None:  # noqa: ANN001
    centre, events = demo
    assigned = [e for e in events if e.type == "units_assigned"]
    assert len(assigned) == sum(1 for c in STORY if c.dispatched)
    arrivals = {(e.unit_id, e.incident_id): e.at for e in events
                if e.type == "unit_status_changed" and e.payload["status"] == "on_scene"}
    en_route = {(e.unit_id, e.incident_id) for e in events
                if e.type == "unit_status_changed" and e.payload["status"] == "en_route"}
    moved = {e.unit_id for e in events if e.type == "unit_position_reported"}
    for event in assigned:
        incident = event.payload["incident_id"]
        assert set(event.payload["etas"]) == set(event.payload["units"]), event.payload
        for unit_id, eta in event.payload["etas"].items():
            arrived = arrivals[(unit_id, incident)]
            assert abs((arrived - datetime.fromisoformat(eta)).total_seconds()) <= 1
            assert (unit_id, incident) in en_route and unit_id in moved
    # no unit is left driving (or counting down) into the shift
    for unit in centre.live.state.units.values():
        assert unit.eta_at is None, unit.id
        assert unit.status.value in ("available", "on_scene"), (unit.id, unit.status)


def test_no_incident_is_on_scene_the_moment_it_is_called(demo) -> None:  # noqa: ANN001
    centre, events = demo
    called = {e.incident_id: e.at for e in events if e.type == "incident_created"}
    first_on_scene: dict[str, datetime] = {}
    for e in events:
        if e.type == "unit_status_changed" and e.payload["status"] == "on_scene":
            first_on_scene.setdefault(e.incident_id, e.at)
    assert first_on_scene
    for incident_id, at in first_on_scene.items():
        assert (at - called[incident_id]).total_seconds() >= 120, incident_id


def test_the_waiting_calls_are_the_newest_and_at_different_addresses(demo) -> None:  # noqa: ANN001
    centre, _ = demo
    incidents = sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
    waiting = [i for i in incidents if i.status.value == "new"]
    assert [i.type for i in waiting] == [c.type for c in STORY if not c.dispatched]
    assert all((SHIFT_START - i.created_at).total_seconds() < 600 for i in waiting)
    addresses = [i.address for i in incidents]
    assert len(set(addresses)) == len(addresses)
