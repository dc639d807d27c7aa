"""Retention of sensor readings: `beacon plugin prune` and the host's hourly pruning
delete readings older than the period (from the settings file, default 30 days), and
nothing else; a bad period is refused with the key named."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.centre import open_centre
from core.cli.main import main
from core.plugins.api import API_VERSION, Manifest
from core.plugins.gateway import Gateway
from core.plugins.host import Host
from core.plugins.retention import DEFAULT_KEEP_DAYS, keep_readings_days
from core.plugins.sensors import Reading
from core.plugins.tables import SensorReadingRow
from core.profile import DatabaseKind

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BEACON_SETTINGS", str(tmp_path / "settings.toml"))
    url = f"sqlite:///{tmp_path / 'b.db'}"
    centre = open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO)
    gateway = Gateway(centre.service, Manifest("gauges", "1.0", API_VERSION,
                                               commands=frozenset({"declare_sensor"})),
                      lambda: NOW)
    gateway.handle("declare_sensor", {"id": "g1", "kind": "gas", "x": 1.0, "y": 2.0})
    gateway.store_readings([Reading("g1", float(days), "ppm", NOW - timedelta(days=days))
                            for days in (0, 10, 29, 31, 90, 400)], NOW)
    centre.close()
    return url


def _kept(url: str) -> list[float]:
    from core.store.database import open_database

    with open_database(url).session() as session:
        return sorted(session.scalars(select(SensorReadingRow.value)).all())


def test_prune_keeps_the_period_from_the_settings(url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert keep_readings_days() == DEFAULT_KEEP_DAYS
    (tmp_path / "settings.toml").write_text("[plugins]\nkeep_readings_days = 60\n")
    assert main(["plugin", "prune", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"removed": 2, "keep_days": 60.0}
    assert _kept(url) == [0.0, 10.0, 29.0, 31.0]
    assert main(["plugin", "prune", "--db", url, "--days", "20"]) == 0
    assert capsys.readouterr().out == "removed 2 sensor reading(s) older than 20 days\n"
    assert _kept(url) == [0.0, 10.0]


def test_a_bad_period_is_refused(url: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugin", "prune", "--db", url, "--days", "-3"]) == 2
    assert "--days must be a number of days above 0" in capsys.readouterr().err
    (tmp_path / "settings.toml").write_text('[plugins]\nkeep_readings_days = "forever"\n')
    assert main(["plugin", "prune", "--db", url]) == 2
    assert "plugins.keep_readings_days must be a number" in capsys.readouterr().err
    assert len(_kept(url)) == 6  # nothing was deleted


def test_the_host_prunes_by_itself(url: str) -> None:
    from core.store.database import open_database

    host = Host(open_database(url), [], keep_readings_days=30, now=lambda: NOW)
    host.start()
    end = time.monotonic() + 20
    try:
        while len(_kept(url)) != 3:  # the first turn queues a prune on the writer thread
            assert time.monotonic() < end, "the host did not prune within 20 s"
            host.step()
    finally:
        host.shutdown()
    assert _kept(url) == [0.0, 10.0, 29.0]
