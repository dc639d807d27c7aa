"""The MQTT sensors plugin against the real Mosquitto broker on 127.0.0.1:1883, run by
the real host: one incident raised, updated and cleared, with a host restart in the
middle; malformed readings rejected and counted, never stored; a silent sensor alarm."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.plugins.api import PluginState
from core.plugins.host import Host, PluginSpec
from core.plugins.tables import SensorReadingRow, SensorRow
from core.store import event_log
from core.store.database import open_database
from core.store.repository import load_state

BROKER = ("127.0.0.1", 1883)


class Publisher:
    def __init__(self, prefix: str) -> None:
        import paho.mqtt.client as mqtt

        self.prefix = prefix
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.connect(*BROKER)
        self.client.loop_start()

    def send(self, sensor: str, payload: object) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.client.publish(f"{self.prefix}/{sensor}", body, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _events(db, type_: str) -> list:  # noqa: ANN001
    with db.session() as session:
        return event_log.query(session, event_log.EventQuery(type=type_))


def _step_until(host: Host, condition, timeout: float = 20.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "not within the time allowed"
        host.step()


def test_threshold_raises_one_incident_through_a_restart(broker, sqlite_url: str) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    prefix = f"beacon-test/{uuid.uuid4().hex}"
    config = {"broker": broker[0], "port": broker[1], "topic_prefix": prefix,
              "update_every_s": 0, "silent_after": 2,
              "rules": {"water_level": {"raise_above": 3.0, "clear_below": 2.5,
                                        "min_duration_s": 0}},
              "sensors": [{"id": "river-1", "kind": "water_level", "x": 120.0, "y": 340.0,
                           "cell_code": "C-01", "label": "Heping bridge gauge",
                           "interval_s": 60},
                          {"id": "quiet-1", "kind": "gas", "x": 0.0, "y": 0.0,
                           "interval_s": 0.5}]}
    spec = PluginSpec("mqtt_sensors", "plugins.mqtt_sensors:MqttSensors", config)
    pub = Publisher(prefix)

    def started() -> Host:
        host = Host(db, [spec], backoff_s=0.5)
        host.start()
        _step_until(host, lambda: host.slots["mqtt_sensors"].state is PluginState.RUNNING, 20)
        return host

    host = started()
    slot = host.slots["mqtt_sensors"]
    try:
        pub.send("river-1", {"value": 2.0, "unit": "m"})
        pub.send("river-1", {"value": 3.4, "unit": "m"})
        _step_until(host, lambda: len(_events(db, "sensor_incident_raised")) == 1)
        pub.send("river-1", {"value": 3.6, "unit": "m"})
        _step_until(host, lambda: len(_events(db, "sensor_incident_updated")) == 1)
        # Malformed input: each rejected with its reason, counted, never stored.
        rejected = slot.counters.rejected
        future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
        for sensor, payload in [("river-1", b"{not json"), ("river-1", {"value": 3.5}),
                                ("river-1", {"value": 3.5, "unit": "ft"}),
                                ("river-1", b'{"value": NaN, "unit": "m"}'),
                                ("river-1", {"value": 1e9, "unit": "m"}),
                                ("river-1", {"value": 3.5, "unit": "m", "at": future}),
                                ("nobody-9", {"value": 1.0, "unit": "m"})]:
            pub.send(sensor, payload)
        _step_until(host, lambda: slot.counters.rejected == rejected + 7)
        reasons = slot.counters.recent_rejections[-7:]
        for n, expected in enumerate(("bad JSON", "unit None is wrong", "unit 'ft' is wrong",
                                      "not finite", "outside", "in the future",
                                      "unknown sensor 'nobody-9'")):
            assert expected in reasons[n], (expected, reasons[n])
        assert "unknown sensor 'nobody-9'" in slot.counters.last_error
        # quiet-1 reads every 0.5 s and has sent nothing: its alarm, once.
        _step_until(host, lambda: len(_events(db, "sensor_silent")) >= 1)
    finally:
        host.shutdown()

    # A new host (a restart) carries on the same episode: no second incident.
    host = started()
    try:
        pub.send("river-1", {"value": 3.9, "unit": "m"})
        _step_until(host, lambda: len(_events(db, "sensor_incident_updated")) == 2)
        pub.send("river-1", {"value": 2.1, "unit": "m"})
        _step_until(host, lambda: len(_events(db, "sensor_incident_cleared")) == 1)
        # Still the one silence after the restart; a reading marks its alarm resumed.
        assert len(_events(db, "sensor_silent")) == 1
        pub.send("quiet-1", {"value": 1.0, "unit": "ppm"})
        _step_until(host, lambda: len(_events(db, "sensor_resumed")) == 1)
    finally:
        host.shutdown()
        pub.close()

    raised = _events(db, "sensor_incident_raised")
    assert len(raised) == 1
    assert raised[0].payload["sensor"] == "river-1" and raised[0].payload["value"] == 3.4
    assert raised[0].payload["cell_code"] == "C-01" and raised[0].actor == "plugin:mqtt_sensors"
    incident_id = raised[0].incident_id
    assert _events(db, "sensor_incident_cleared")[0].incident_id == incident_id
    silent = _events(db, "sensor_silent")
    assert silent[0].payload["sensor"] == "quiet-1"
    with db.session() as session:
        alarm = load_state(session).alarms[silent[0].payload["alarm_id"]]
    assert alarm.kind.value == "sensor_silent" and alarm.active  # waits for a person
    assert alarm.resumed_at == _events(db, "sensor_resumed")[0].at
    with db.session() as session:
        values = session.scalars(select(SensorReadingRow.value)
                                 .where(SensorReadingRow.sensor == "river-1")
                                 .order_by(SensorReadingRow.id)).all()
        assert values == [2.0, 3.4, 3.6, 3.9, 2.1]  # nothing malformed was stored
        assert session.execute(select(func.count()).select_from(SensorRow)).scalar_one() == 2
        gauge = session.get(SensorRow, "river-1")
        assert (gauge.x, gauge.y, gauge.last_value) == (120.0, 340.0, 2.1)
    db.dispose()
