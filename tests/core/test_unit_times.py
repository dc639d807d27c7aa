"""Since when each unit has been in its status, read from the log (the roster's age)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.commands import AssignUnits, ChangeIncidentStatus, ChangeUnitStatus, ReportPosition
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.events import Event
from core.service import CommandService
from core.store.database import open_database
from core.unit_times import StatusSince, since_from_events, status_since, status_units
from tests.core.helpers import DISPATCHER, new_incident, seed_units

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def service(migrated_db_url: str, sim_clock) -> Iterator[CommandService]:  # noqa: ANN001
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    yield svc
    db.dispose()


def test_status_since_is_the_last_event_that_set_the_status(service: CommandService,
                                                            sim_clock) -> None:  # noqa: ANN001
    registered = sim_clock.now()
    incident = new_incident(service)
    sim_clock.advance(60)
    service.execute(AssignUnits(incident, ("E1", "E2")), DISPATCHER)
    sim_clock.advance(120)
    service.execute(ChangeUnitStatus("E1", UnitStatus.EN_ROUTE), DISPATCHER)
    sim_clock.advance(30)
    service.execute(ReportPosition("E1", 5.0, 5.0), DISPATCHER)  # not a status: no change
    since = status_since(service.db)
    assert since["E1"][1] == registered + timedelta(seconds=180)
    assert since["E2"][1] == registered + timedelta(seconds=60)
    assert since["A1"][1] == registered
    sim_clock.advance(30)
    service.execute(ChangeIncidentStatus(incident, IncidentStatus.CANCELLED), DISPATCHER)
    since = status_since(service.db)  # released units start a new status
    assert since["E1"][1] == since["E2"][1] == registered + timedelta(seconds=240)
    # The same answer from the events as the bus carries them.
    events = service.events_after(0)
    assert since_from_events(events) == since


def test_an_older_answer_never_replaces_a_newer_one() -> None:
    tracker = StatusSince()
    newer = Event(7, T0 + timedelta(minutes=5), "t", "unit_status_changed",
                  {"unit_id": "E1", "status": "en_route"})
    assert tracker.follow(newer) == ["E1"]
    # The log read started before event 7 and answers afterwards: it must not win.
    assert tracker.merge({"E1": (3, T0), "E2": (4, T0)}) == ["E2"]
    assert tracker.get("E1") == T0 + timedelta(minutes=5)
    assert tracker.get("E9") is None


def test_only_status_events_name_units() -> None:
    def ev(type_: str, **payload: object) -> Event:
        return Event(1, T0, "t", type_, payload)

    assert status_units(ev("units_registered", units=[{"id": "E1"}, {"id": "A1"}])) == ["E1",
                                                                                       "A1"]
    assert status_units(ev("incident_status_changed", released_units=["E2"])) == ["E2"]
    assert status_units(ev("unit_position_reported", unit_id="E1", x=0, y=0)) == []
    assert status_units(ev("note_added", incident_id="I", text="x")) == []
