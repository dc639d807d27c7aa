"""A drill never opens a second incident where the duplicate warning would have fired."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from core.auth import Actor
from core.centre import open_centre
from core.clock import SimulatedClock
from core.commands import CreateIncident
from core.domain.kinds import Role
from core.drill.engine import DrillEngine
from core.drill.scenario import parse_scenario
from core.duplicates import likely_duplicates
from core.profile import DatabaseKind


@pytest.fixture
def centre(sqlite_url: str):  # noqa: ANN201
    clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
    c = open_centre(sqlite_url, clock=clock, city_scale="small", demo_incidents=False,
                    demo=False, drill=True, new_kind=DatabaseKind.TRAINING)
    yield c
    c.close()


class _Always(random.Random):
    """Picks `first` from any sequence of addresses while `first` is wanted, else chooses."""

    def __init__(self, first: object, times: int) -> None:
        super().__init__(1)
        self.first, self.times = first, times

    def choice(self, seq):  # noqa: ANN001, ANN201
        if self.times > 0 and self.first in seq:
            self.times -= 1
            return self.first
        return super().choice(seq)


def _engine(centre) -> DrillEngine:  # noqa: ANN001
    doc = {"drill": {"name": "dup", "duration": "1h", "dispatch": "manual"},
           "random_calls": {"per_hour": 1, "mix": {"medical": 1}}}
    return DrillEngine(centre.service, centre.live.state, centre.city, parse_scenario(doc),
                       centre.service.clock)


def _open_at(centre, address, type_code: str) -> str:  # noqa: ANN001
    event = centre.service.execute(CreateIncident(
        type=type_code, x=address.x, y=address.y, address=address.text,
        cell_code=address.cell_code), Actor("t", Role.DISPATCHER))
    return event.payload["id"]


def test_a_random_call_about_an_open_incident_is_attached_not_opened(centre) -> None:  # noqa: ANN001
    address = centre.city.addresses[5]
    first = _open_at(centre, address, "medical")
    engine = _engine(centre)
    engine._running = True  # noqa: SLF001 - one call, without the clock's schedule
    engine._rng = _Always(address, times=10)  # noqa: SLF001 - every pick is that address
    before = len(centre.live.state.incidents)
    engine._random_call()  # noqa: SLF001
    assert engine.problems == []
    assert len(centre.live.state.incidents) == before  # no second incident
    assert engine.attached_calls == 1
    assert centre.live.state.incidents[first].calls == 2  # the first caller and this one
    engine.stop()


def test_random_calls_avoid_an_address_with_an_open_incident(centre) -> None:  # noqa: ANN001
    address = centre.city.addresses[5]
    _open_at(centre, address, "burglary")  # unrelated to medical: no duplicate warning
    engine = _engine(centre)
    engine._rng = _Always(address, times=1)  # noqa: SLF001 - the first pick is that address
    picked = engine._random_address()  # noqa: SLF001
    assert picked.text != address.text
    engine.stop()


def test_a_headless_drill_leaves_no_warned_duplicates(centre) -> None:  # noqa: ANN001
    doc = {"drill": {"name": "busy", "duration": "3h", "dispatch": "manual", "seed": 5},
           "random_calls": {"per_hour": 120, "mix": {"medical": 3, "fall": 1}}}
    engine = DrillEngine(centre.service, centre.live.state, centre.city, parse_scenario(doc),
                         centre.service.clock)
    engine.run(step_s=60)
    state = centre.live.state
    for incident in state.incidents.values():
        others = [d for d in likely_duplicates(state, incident.type, incident.x, incident.y,
                                               incident.created_at)
                  if d.incident.id != incident.id
                  and d.incident.created_at <= incident.created_at]
        assert not others, (incident.id, [d.incident.id for d in others])
