"""The plugin API's checks: manifest, configuration, readings, thresholds, and the sensor
incident commands (one incident per episode, whoever asks)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from core.auth import Actor
from core.commands import (
    ClearSensorIncident,
    RaiseSensorIncident,
    SetPluginEnabled,
    UpdateSensorIncident,
)
from core.commands.plugins import DuplicateIncident, sensor_incident_of
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus
from core.errors import ValidationError
from core.plugins.api import (
    API_VERSION,
    ConfigError,
    Manifest,
    PluginError,
    check_manifest,
    validate_config,
)
from core.plugins.sensors import (
    ReadingRejected,
    ThresholdRule,
    ThresholdWatch,
    check_reading,
    check_sensor,
)
from core.service import CommandService
from core.store.database import open_database

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SCHEMA = {"type": "object", "required": ["broker"], "additionalProperties": False,
          "properties": {
              "broker": {"type": "string"},
              "port": {"type": "integer", "default": 1883},
              "sensors": {"type": "array", "items": {
                  "type": "object", "properties": {"kind": {"enum": ["gas", "smoke"]}}}}}}


def _manifest(**kw: object) -> Manifest:
    return Manifest(**{"name": "demo", "version": "1.0", "api_version": API_VERSION,
                       "config_schema": SCHEMA, **kw})  # type: ignore[arg-type]


def test_configuration_errors_name_the_key() -> None:
    assert validate_config(_manifest(), {"broker": "x"}) == {"broker": "x", "port": 1883}
    with pytest.raises(ConfigError) as missing:
        validate_config(_manifest(), {})
    assert missing.value.key == "broker" and "'broker'" in str(missing.value)
    with pytest.raises(ConfigError) as wrong:
        validate_config(_manifest(), {"broker": "x", "port": "eighty"})
    assert wrong.value.key == "port"
    with pytest.raises(ConfigError) as nested:
        validate_config(_manifest(), {"broker": "x", "sensors": [{"kind": "lava"}]})
    assert nested.value.key == "sensors.0.kind"
    with pytest.raises(ConfigError) as extra:
        validate_config(_manifest(), {"broker": "x", "colour": "red"})
    assert extra.value.key == "colour"


def test_a_manifest_for_another_api_version_is_refused_with_both_numbers() -> None:
    with pytest.raises(PluginError, match=f"version {API_VERSION + 1}.*provides version "
                                          f"{API_VERSION}"):
        check_manifest(_manifest(api_version=API_VERSION + 1))
    with pytest.raises(PluginError, match="unknown commands: drop_tables"):
        check_manifest(_manifest(commands=frozenset({"drop_tables"})))


def test_malformed_readings_are_rejected_with_the_reason() -> None:
    sensors = {"g1": check_sensor({"id": "g1", "kind": "gas", "x": 1.0, "y": 2.0})}
    ok = check_reading({"sensor": "g1", "value": 40, "unit": "ppm"}, sensors, NOW)
    assert (ok.value, ok.at) == (40.0, NOW)
    bad = [
        ({"sensor": "nope", "value": 1, "unit": "ppm"}, "unknown sensor"),
        ({"sensor": "g1", "value": 1, "unit": "degC"}, "unit 'degC' is wrong"),
        ({"sensor": "g1", "value": math.nan, "unit": "ppm"}, "not finite"),
        ({"sensor": "g1", "value": math.inf, "unit": "ppm"}, "not finite"),
        ({"sensor": "g1", "value": "12", "unit": "ppm"}, "must be a number"),
        ({"sensor": "g1", "value": -5, "unit": "ppm"}, "outside"),
        ({"sensor": "g1", "value": 1, "unit": "ppm",
          "at": (NOW + timedelta(hours=1)).isoformat()}, "in the future"),
        ({"sensor": "g1", "value": 1, "unit": "ppm", "at": "yesterday"}, "not ISO 8601"),
    ]
    for message, reason in bad:
        with pytest.raises(ReadingRejected, match=reason):
            check_reading(message, sensors, NOW)
    with pytest.raises(ReadingRejected, match="unknown kind"):
        check_sensor({"id": "x", "kind": "lava", "x": 0, "y": 0})


def test_threshold_hysteresis_and_minimum_duration() -> None:
    watch = ThresholdWatch(ThresholdRule(raise_above=3.0, clear_below=2.5, min_duration_s=10))
    t = NOW
    assert watch.feed(3.5, t) is None  # high, but not for long enough
    assert watch.feed(2.9, t + timedelta(seconds=5)) is None  # dipped: starts again
    assert watch.feed(3.5, t + timedelta(seconds=6)) is None
    assert watch.feed(3.6, t + timedelta(seconds=16)) == "raise"
    assert watch.feed(2.8, t + timedelta(seconds=20)) == "update"  # inside the hysteresis
    again = ThresholdWatch(watch.rule, dict(watch.state))  # as restored after a restart
    assert again.feed(2.4, t + timedelta(seconds=30)) == "clear"
    assert again.feed(2.0, t + timedelta(seconds=31)) is None


def test_one_incident_per_episode_whoever_asks(sqlite_url: str, sim_clock) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    svc = CommandService(db, clock=sim_clock)
    plugin = Actor("plugin:mqtt_sensors", Role.DISPATCHER)
    raise_ = RaiseSensorIncident("mqtt_sensors", "river-1", "water_level", 4.2, "m", "flood",
                                 10.0, 20.0)
    first = svc.execute(raise_, plugin)
    with pytest.raises(DuplicateIncident) as dup:
        svc.execute(raise_, plugin)
    assert dup.value.incident_id == first.incident_id
    svc.execute(UpdateSensorIncident("mqtt_sensors", "river-1", 4.6, "m"), plugin)
    svc.execute(ClearSensorIncident("mqtt_sensors", "river-1", 2.0, "m"), plugin)
    state = svc.state()
    incident = state.incidents[first.incident_id]
    assert incident.status is IncidentStatus.CANCELLED
    assert [n.split(":")[0] for n in incident.notes] == [
        "Sensor river-1 over its threshold", "Sensor river-1 still high",
        "Sensor river-1 back to normal"]
    with db.session() as session:
        assert sensor_incident_of(session, "mqtt_sensors/river-1") is None
    with pytest.raises(ValidationError, match="no open incident"):
        svc.execute(UpdateSensorIncident("mqtt_sensors", "river-1", 4.6, "m"), plugin)
    second = svc.execute(raise_, plugin)  # a new episode: a new incident
    assert second.incident_id != first.incident_id
    with pytest.raises(ValidationError, match="plugin name"):
        svc.execute(SetPluginEnabled("Bad Name!", False), Actor("sam", Role.SUPERVISOR))
    with pytest.raises(ValidationError, match="may not"):
        svc.execute(SetPluginEnabled("mqtt_sensors", False), plugin)
    db.dispose()
