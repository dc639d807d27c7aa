"""Fixtures for console tests: a small demo centre on SQLite, its bridge and selection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def centre(tmp_path: Path, sim_clock):  # noqa: ANN001, ANN201
    """The small demo city's centre on a fresh SQLite database, on the simulated clock."""
    from core.centre import open_centre

    c = open_centre(f"sqlite:///{tmp_path / 'beacon.db'}", clock=sim_clock, city_scale="small")
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
