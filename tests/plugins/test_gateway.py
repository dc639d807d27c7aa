"""The gateway: sensor positions in latitude/longitude become city metres; what a plugin
may not do, or sends malformed, is refused with the reason and counted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.centre import open_centre
from core.plugins.api import API_VERSION, Manifest
from core.plugins.gateway import Gateway
from core.plugins.tables import SensorRow
from core.profile import DatabaseKind
from core.store.city_row import city_outline


@pytest.fixture
def gateway(tmp_path: Path):  # noqa: ANN201
    centre = open_centre(f"sqlite:///{tmp_path / 'b.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    manifest = Manifest("gauges", "1.0", API_VERSION,
                        commands=frozenset({"declare_sensor", "record_reading"}))
    yield Gateway(centre.service, manifest, lambda: datetime.now(UTC))
    centre.close()


def test_positions_in_degrees_become_city_metres(gateway: Gateway) -> None:
    reference = city_outline(gateway.service.db).reference
    lat, lon = (float(v) for v in reference.to_latlon(1200.0, 800.0))
    answer = gateway.handle("declare_sensor", {"id": "g1", "kind": "gas", "lat": lat,
                                               "lon": lon})
    assert answer == {"accepted": True}
    with gateway.service.db.session() as session:
        row = session.get(SensorRow, "g1")
        assert (round(row.x), round(row.y)) == (1200, 800)
    both = gateway.handle("declare_sensor", {"id": "g2", "kind": "gas", "lat": lat,
                                             "lon": lon, "x": 1.0})
    assert not both["accepted"] and "not both" in both["reason"]
    off = gateway.handle("declare_sensor", {"id": "g3", "kind": "gas", "lat": 123.0,
                                            "lon": lon})
    assert not off["accepted"] and "degrees" in off["reason"]


def test_refusals_are_counted_with_their_reasons(gateway: Gateway) -> None:
    gateway.handle("declare_sensor", {"id": "g1", "kind": "gas", "x": 1.0, "y": 2.0})
    assert gateway.handle("record_reading", {"sensor": "g1", "value": 3.0,
                                             "unit": "ppm"}) == {"accepted": True}
    refused = [
        gateway.handle("raise_incident", {"sensor": "g1", "value": 99.0}),
        gateway.handle("record_reading", {"sensor": "g1", "value": 3.0, "unit": "m"}),
        gateway.handle("record_reading", "not an object"),
        gateway.handle(42, {}),
    ]
    assert [a["accepted"] for a in refused] == [False] * 4
    assert "not declared in the manifest" in refused[0]["reason"]
    assert gateway.counters.rejected == 4 and gateway.counters.accepted == 2
    assert gateway.flush_readings() == 1
    with gateway.service.db.session() as session:
        assert session.get(SensorRow, "g1").last_value == 3.0
