"""The HTTP sensors webhook run by the real host: token required, readings stored, bad
ones refused with the reason, an alarm raises one incident and clears it."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.plugins.api import PluginState
from core.plugins.host import Host
from core.plugins.slot import PluginSpec
from core.plugins.tables import SensorReadingRow
from core.store import event_log
from core.store.database import open_database

TOKEN = "s3cret-token-for-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port: int, path: str, body: object, token: str = TOKEN) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_webhook_readings_and_alarms(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    port = _free_port()
    config = {"port": port, "token": TOKEN, "sensors": [
        {"id": "gas-7", "kind": "gas", "x": 50.0, "y": 60.0, "label": "Plant gate"}]}
    host = Host(db, [PluginSpec("http_sensors", "plugins.http_sensors:HttpSensors", config)])
    stop = threading.Event()
    thread = threading.Thread(target=host.run, kwargs={"until": stop.is_set})
    thread.start()
    try:
        ready = threading.Event()

        def running() -> bool:
            slot = host.slots["http_sensors"]
            return slot.state is PluginState.RUNNING

        for _ in range(300):
            if running():
                ready.set()
                break
            stop.wait(0.05)
        assert ready.is_set(), host.slots["http_sensors"].message
        assert _post(port, "/readings", {"sensor": "gas-7", "value": 1, "unit": "ppm"},
                     token="wrong-token-wrong")[0] == 401
        status, answer = _post(port, "/readings", [
            {"sensor": "gas-7", "value": 12.5, "unit": "ppm"},
            {"sensor": "gas-7", "value": 13.0, "unit": "degC"},
            {"sensor": "gas-8", "value": 1.0, "unit": "ppm"},
            {"sensor": "gas-7", "value": 1.0, "unit": "ppm",
             "at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}])
        assert status == 200 and answer["accepted"] == 1
        assert [r["index"] for r in answer["rejected"]] == [1, 2, 3]
        assert "unit 'degC' is wrong" in answer["rejected"][0]["reason"]
        assert _post(port, "/readings", b"{oops")[0] == 400
        status, first = _post(port, "/alarms", {"sensor": "gas-7", "state": "raise",
                                                "value": 90})
        assert status == 200 and first["accepted"] and first["incident_id"]
        status, again = _post(port, "/alarms", {"sensor": "gas-7", "state": "raise",
                                                "value": 95})
        assert again["duplicate"] and again["incident_id"] == first["incident_id"]
        status, cleared = _post(port, "/alarms", {"sensor": "gas-7", "state": "clear",
                                                  "value": 3})
        assert status == 200 and cleared["accepted"]
        assert _post(port, "/alarms", {"sensor": "gas-7", "state": "maybe", "value": 1})[0] \
            == 422
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    counters = host.slots["http_sensors"].counters
    assert counters.rejected == 5  # three readings, the bad JSON, the bad alarm
    with db.session() as session:
        values = session.scalars(select(SensorReadingRow.value)).all()
        raised = event_log.query(session, event_log.EventQuery(type="sensor_incident_raised"))
    assert values == [12.5]
    assert len(raised) == 1 and raised[0].payload["sensor"] == "gas-7"
    db.dispose()
