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


def test_a_silent_sensor_raises_one_alarm_per_episode(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """Two hosts (two gateways) report the same silence: one alarm, which waits for a
    person; a reading marks it resumed; the next silence is a new alarm."""
    from core.auth import Actor
    from core.commands import AcknowledgeAlarms
    from core.domain.alarms import AlarmKind
    from core.domain.kinds import Role
    from core.store.repository import load_state

    centre = open_centre(f"sqlite:///{tmp_path / 'b.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    manifest = Manifest("gauges", "1.0", API_VERSION, commands=frozenset(
        {"declare_sensor", "record_reading", "report_silent_sensor"}))
    first, second = (Gateway(centre.service, manifest, lambda: datetime.now(UTC))
                     for _ in range(2))
    try:
        first.handle("declare_sensor", {"id": "g1", "kind": "gas", "x": 1.0, "y": 2.0,
                                        "label": "Depot gas"})
        second.load_sensors()

        def alarms() -> list:
            with centre.service.db.session() as session:
                state = load_state(session)
            return sorted((a for a in state.alarms.values()
                           if a.kind is AlarmKind.SENSOR_SILENT), key=lambda a: a.id)

        answer = first.handle("report_silent_sensor", {"sensor": "g1", "silent_for_s": 200})
        assert answer["accepted"]
        again = second.handle("report_silent_sensor", {"sensor": "g1", "silent_for_s": 201})
        assert not again["accepted"] and again["duplicate"] and "silent already" in \
            again["reason"]
        [alarm] = alarms()
        assert alarm.active and alarm.resumed_at is None and (alarm.x, alarm.y) == (1.0, 2.0)
        assert alarm.text == "Sensor g1 (Depot gas) has sent nothing for 3 min"
        # An acknowledged alarm still holds the episode: no second alarm while silent.
        centre.service.execute(AcknowledgeAlarms((alarm.id,)),
                               Actor("disp-1", Role.DISPATCHER))
        assert second.handle("report_silent_sensor", {"sensor": "g1",
                                                      "silent_for_s": 400})["duplicate"]
        # The reading comes through the other host: it marks the alarm all the same.
        assert second.handle("record_reading", {"sensor": "g1", "value": 1.0,
                                                "unit": "ppm"})["accepted"]
        [alarm] = alarms()
        assert alarm.resumed_at is not None and alarm.acknowledged_by == "disp-1"
        # A new silence: a new alarm, waiting.
        assert first.handle("report_silent_sensor", {"sensor": "g1",
                                                     "silent_for_s": 90})["accepted"]
        old, new = alarms()
        assert old.id == alarm.id and new.active and new.resumed_at is None
        assert new.text.endswith("for 90 s")
        # Readings of a sensor with no silence alarm record nothing more.
        first.handle("record_reading", {"sensor": "g1", "value": 1.0, "unit": "ppm"})
        first.handle("record_reading", {"sensor": "g1", "value": 1.0, "unit": "ppm"})
        with centre.service.db.session() as session:
            from core.store import event_log

            resumed = event_log.query(session, event_log.EventQuery(type="sensor_resumed"))
        assert [e.payload["alarm_id"] for e in resumed] == [old.id, new.id]
        # `beacon alarm list` says when a silent sensor's readings resumed.
        import json

        from core.cli.main import main

        assert main(["alarm", "list", "--all", "--json", "--db",
                     f"sqlite:///{tmp_path / 'b.db'}"]) == 0
        listed = {a["id"]: a for a in json.loads(capsys.readouterr().out)}
        assert listed[old.id]["kind"] == "sensor_silent" and listed[old.id]["resumed_at"]
    finally:
        centre.close()
