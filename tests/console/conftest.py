"""Fixtures for console tests: a small demo centre on the simulated clock, its bridge and
the shared selection.

The demo database is built once per session and copied for each test, so every test
starts from the same morning without paying for the city each time.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.centre import Centre, open_centre
from core.clock import SimulatedClock

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, built once."""
    path = tmp_path_factory.mktemp("template") / "beacon.db"
    centre = open_centre(f"sqlite:///{path}", city_scale="small", clock=SimulatedClock(START))
    centre.close()
    return path


@pytest.fixture
def clock(sim_clock: SimulatedClock) -> SimulatedClock:
    """The centre's clock (the shared `sim_clock`), a minute after the demo calls."""
    sim_clock.advance_to(START.replace(minute=1))
    return sim_clock


@pytest.fixture
def centre(demo_db_template: Path, tmp_path: Path, clock: SimulatedClock) -> Iterator[Centre]:
    """A demo centre of its own for each test."""
    path = tmp_path / "beacon.db"
    shutil.copy(demo_db_template, path)
    c = open_centre(f"sqlite:///{path}", city_scale="small", clock=clock)
    yield c
    c.close()


@pytest.fixture
def bridge(centre, qtbot) -> Iterator[object]:  # noqa: ANN001
    """The event bridge on the centre's bus."""
    from console.bridge import EventBridge

    b = EventBridge(centre.service.bus)
    yield b
    b.close()


@pytest.fixture
def selection(qtbot):  # noqa: ANN001, ANN201
    """A fresh shared selection."""
    from console.bridge import Selection

    return Selection()
