"""The gateway: how what a plugin sends becomes commands and stored readings.

Everything a plugin asks for comes through `Gateway.handle`, in the host process: the
command must be one its manifest declares, every field is checked, and the command
runs through the command service as the plugin's actor (`plugin:NAME`). Readings are
checked against the declared sensors and kept in a buffer the host writes in batches
to the time-series table (`sensor_readings`), outside the log.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from core.auth import Actor
from core.commands import AddNote
from core.commands.base import Command
from core.commands.plugins import (
    ClearSensorIncident,
    DuplicateAlert,
    DuplicateIncident,
    RaiseSensorIncident,
    RecordCapAlert,
    ReportSensorResumed,
    ReportSilentSensor,
    SilentAlready,
    UpdateSensorIncident,
)
from core.domain.alarms import AlarmKind, silent_source
from core.domain.kinds import Role
from core.errors import UserError, ValidationError
from core.plugins.api import Manifest
from core.plugins.sensors import (
    SENSOR_KINDS,
    Reading,
    ReadingRejected,
    Sensor,
    check_reading,
    check_sensor,
)
from core.plugins.tables import SensorReadingRow, SensorRow
from core.service import CommandService
from core.store.alarm_table import AlarmRow

log = logging.getLogger(__name__)


def plugin_actor(name: str) -> Actor:
    """Who a plugin's commands are recorded as. The role lets it open incidents and add
    notes; what it may actually ask for is narrowed by its manifest, here."""
    return Actor(f"plugin:{name}", Role.DISPATCHER)


def _fields(given: dict[str, Any], required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    unknown = sorted(set(given) - set(required) - set(optional))
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0])
    for name in required:
        if name not in given:
            raise ValidationError(f"{name} is required", field=name)
    return {k: v for k, v in given.items() if k in required or k in optional}


@dataclass
class Counters:
    """What a plugin delivered: accepted and rejected messages, and the last problem."""

    accepted: int = 0
    rejected: int = 0
    last_error: str = ""
    recent_rejections: list[str] = field(default_factory=list)  # the last few, newest last


@dataclass
class Gateway:
    """Checks and carries out the messages of one plugin."""

    service: CommandService
    manifest: Manifest
    now: Callable[[], datetime]
    counters: Counters = field(default_factory=Counters)
    sensors: dict[str, Sensor] = field(default_factory=dict)
    readings: list[Reading] = field(default_factory=list)
    # Sensors whose silence alarm is up: their next reading records `sensor_resumed`.
    silent: set[str] = field(default_factory=set)
    # Where commands the gateway issues itself run (the host's writer thread, so the
    # reading path never waits on the database); None: here, now.
    run_later: Callable[[Callable[[], None]], object] | None = None
    _cameras: Any = None  # core.plugins.camera_sync.CameraSync, made on first use

    @property
    def name(self) -> str:
        """The plugin's name."""
        return self.manifest.name

    def load_sensors(self) -> None:
        """The sensors this plugin declared before (a restart keeps them)."""
        with self.service.db.session() as session:
            for row in session.scalars(select(SensorRow).where(SensorRow.plugin == self.name)):
                self.sensors[row.id] = Sensor(row.id, row.kind, row.unit, row.x, row.y,
                                              row.cell_code, row.label)
            prefix = silent_source(self.name, "")[:-len(":silent")]
            for source in session.scalars(select(AlarmRow.source).where(
                    AlarmRow.kind == AlarmKind.SENSOR_SILENT.value,
                    AlarmRow.resumed_at.is_(None), AlarmRow.source.startswith(prefix))):
                self.silent.add(source[len(prefix):-len(":silent")])

    def reject(self, reason: str) -> dict[str, Any]:
        """Count one refused message and return the answer that says why."""
        self.counters.rejected += 1
        self.counters.last_error = f"rejected: {reason}"[:1000]
        self.counters.recent_rejections = [*self.counters.recent_rejections[-19:],
                                           reason[:500]]
        return {"accepted": False, "reason": reason}

    def handle(self, command: object, fields: object) -> dict[str, Any]:
        """Carry out one message; the answer the plugin gets back (`Reply` as JSON)."""
        if not isinstance(command, str) or not isinstance(fields, dict):
            return self.reject("a message needs a command name and an object of fields")
        if command not in self.manifest.commands:
            return self.reject(f"command {command!r} is not declared in the manifest of "
                               f"{self.name}")
        try:
            if command == "record_reading":
                reading = check_reading(fields, self.sensors, self.now())
                self.readings.append(reading)
                self.counters.accepted += 1
                if reading.sensor in self.silent:
                    self._resumed(reading.sensor)
                return {"accepted": True}
            if command == "declare_sensor":
                return self._declare(fields)
            if command in ("sync_camera", "disable_camera"):
                return self._camera(command, fields)
            if command == "report_alert":
                cmd_or_answer = self._alert(fields)
                if isinstance(cmd_or_answer, dict):
                    return cmd_or_answer
                cmd: Command = cmd_or_answer
            else:
                cmd = self._command(command, fields)
            event = self.service.execute(cmd, plugin_actor(self.name))
        except SilentAlready as exc:
            self.silent.add(fields["sensor"])
            self.counters.accepted += 1  # another host (or a run before) reported it
            return {"accepted": False, "duplicate": True, "reason": str(exc)}
        except DuplicateAlert as exc:
            self.counters.accepted += 1  # recorded before: nothing is lost
            return {"accepted": False, "duplicate": True, "reason": str(exc)}
        except DuplicateIncident as exc:
            self.counters.accepted += 1  # the incident exists: what was asked for holds
            return {"accepted": False, "duplicate": True, "incident_id": exc.incident_id,
                    "reason": str(exc)}
        except (ValidationError, ReadingRejected) as exc:
            return self.reject(str(exc))
        except (TypeError, ValueError) as exc:
            return self.reject(f"malformed {command}: {exc}")
        self.counters.accepted += 1
        if event.type == "sensor_silent":
            self.silent.add(event.payload["sensor"])
        return {"accepted": True, "seq": event.seq, "incident_id": event.incident_id}

    def _resumed(self, sensor: str) -> None:
        """The silent sensor read again: mark its alarm (once; a refusal means another
        host or an earlier run marked it already)."""
        self.silent.discard(sensor)

        def job() -> None:
            try:
                self.service.execute(ReportSensorResumed(plugin=self.name, sensor=sensor),
                                     plugin_actor(self.name))
            except ValidationError as exc:
                log.debug("sensor %s resumed: %s", sensor, exc)

        if self.run_later is None:
            job()
        else:
            self.run_later(job)

    def _camera(self, command: str, fields: dict[str, Any]) -> dict[str, Any]:
        from core.plugins.camera_sync import CameraSync

        if self._cameras is None:
            self._cameras = CameraSync(self.service, self.name)
        try:
            if command == "sync_camera":
                done = self._cameras.sync(fields)
            else:
                done = self._cameras.disable(fields)
        except ValidationError:
            raise
        except UserError as exc:  # the secrets store cannot be read or written
            raise ValidationError(str(exc), field="url") from None
        self.counters.accepted += 1
        return {"accepted": True, "reason": ", ".join(done) or "unchanged"}

    def _sensor(self, sensor_id: object) -> Sensor:
        sensor = self.sensors.get(sensor_id) if isinstance(sensor_id, str) else None
        if sensor is None:
            raise ValidationError(f"unknown sensor {sensor_id!r}", field="sensor")
        return sensor

    def _command(self, command: str, given: dict[str, Any]) -> Command:
        if command == "raise_incident":
            f = _fields(given, ("sensor", "value"),
                        ("type", "priority", "address", "description"))
            sensor = self._sensor(f["sensor"])
            return RaiseSensorIncident(
                plugin=self.name, sensor=sensor.id, kind=sensor.kind, value=f["value"],
                unit=sensor.unit, type=f.get("type") or SENSOR_KINDS[sensor.kind][3],
                x=sensor.x, y=sensor.y, address=f.get("address") or sensor.label,
                cell_code=sensor.cell_code, priority=f.get("priority"),
                description=f.get("description", ""))
        if command in ("update_incident", "clear_incident"):
            f = _fields(given, ("sensor", "value"))
            sensor = self._sensor(f["sensor"])
            cls = UpdateSensorIncident if command == "update_incident" else ClearSensorIncident
            return cls(plugin=self.name, sensor=sensor.id, value=f["value"], unit=sensor.unit)
        if command == "report_silent_sensor":
            f = _fields(given, ("sensor", "silent_for_s"), ("last_at",))
            sensor = self._sensor(f["sensor"])
            return ReportSilentSensor(plugin=self.name, sensor=sensor.id,
                                      silent_for_s=f["silent_for_s"], last_at=f.get("last_at"))
        if command == "add_note":
            f = _fields(given, ("incident_id", "text"))
            return AddNote(incident_id=f["incident_id"], text=f["text"])
        raise ValidationError(f"this host cannot carry out {command!r}", field="command")

    def city_box(self) -> tuple[float, float, float, float] | None:
        """The stored city's (south, west, north, east) in degrees, or None when the city
        has no place on the earth."""
        from core.store.city_row import city_outline

        if not hasattr(self, "_city_box"):
            outline = city_outline(self.service.db)
            box = None
            if outline is not None and outline.reference is not None:
                x0, y0, x1, y1 = outline.bounds
                corners = [outline.reference.to_latlon(x, y) for x in (x0, x1)
                           for y in (y0, y1)]
                lats = [float(c[0]) for c in corners]
                lons = [float(c[1]) for c in corners]
                box = (min(lats), min(lons), max(lats), max(lons))
            self._city_box = box
        return self._city_box

    def _alert(self, given: dict[str, Any]) -> Command | dict[str, Any]:
        from core.cap import CapError, parse_cap, touches_box

        f = _fields(given, ("xml",), ("source",))
        if not isinstance(f["xml"], str):
            raise ValidationError("xml must be the alert's text", field="xml")
        source = str(f.get("source", ""))[:300]
        try:
            alert = parse_cap(f["xml"].encode("utf-8"))
        except CapError as exc:
            raise ValidationError(f"{source or 'alert'}: not a valid CAP 1.2 alert: {exc}",
                                  field="xml") from None
        box = self.city_box()
        if box is None:
            raise ValidationError("the city has no place on the earth: which alerts touch "
                                  "it cannot be told", field="xml")
        if not touches_box(alert, *box):
            self.counters.accepted += 1
            return {"accepted": True, "reason": f"alert {alert.identifier} does not touch "
                                                "the city: not recorded"}
        first = alert.infos[0] if alert.infos else None
        expires = alert.expires()
        summary: dict[str, object] = {
            "identifier": alert.identifier, "sender": alert.sender,
            "sent": alert.sent.isoformat(), "status": alert.status,
            "msg_type": alert.msg_type, "references": list(alert.references),
            "event": first.event if first else "", "severity": first.severity if first else "",
            "urgency": first.urgency if first else "",
            "certainty": first.certainty if first else "",
            "headline": (first.headline if first else "")[:500],
            "expires": expires.isoformat() if expires else None,
            "areas": [a.description[:300] for i in alert.infos for a in i.areas][:50],
            "source": source, "shapes": self._alert_shapes(alert)}
        return RecordCapAlert(plugin=self.name, summary=summary)

    def _alert_shapes(self, alert: Any) -> list[dict[str, Any]]:
        """The alert's areas in city metres, for the map (`core.plugins.alerts`)."""
        from core.plugins.alerts import shapes_in_city
        from core.store.city_row import city_outline

        outline = city_outline(self.service.db)
        if outline is None or outline.reference is None:
            return []
        reference = outline.reference
        return shapes_in_city(alert.infos, lambda lat, lon: reference.to_local(lat, lon))

    def _local_position(self, fields: dict[str, Any]) -> dict[str, Any]:
        """`fields` with `lat`/`lon` (WGS 84 degrees) turned into city metres `x`/`y`."""
        if "lat" not in fields and "lon" not in fields:
            return fields
        if "x" in fields or "y" in fields:
            raise ReadingRejected("give a sensor's position as x and y (city metres) or as "
                                  "lat and lon, not both")
        lat, lon = fields.get("lat"), fields.get("lon")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                   and math.isfinite(v) for v in (lat, lon)) \
                or not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
            raise ReadingRejected(f"sensor {fields.get('id')!r}: lat and lon must be "
                                  "degrees (-90..90, -180..180)")
        from core.store.city_row import city_outline

        outline = city_outline(self.service.db)
        if outline is None or outline.reference is None:
            raise ReadingRejected("the city has no place on the earth: give sensor "
                                  "positions as x and y in city metres")
        x, y = outline.reference.to_local(lat, lon)
        rest = {k: v for k, v in fields.items() if k not in ("lat", "lon")}
        return {**rest, "x": float(x), "y": float(y)}

    def _declare(self, fields: dict[str, Any]) -> dict[str, Any]:
        fields = self._local_position(fields)
        sensor = check_sensor(fields)
        owner = None
        with self.service.db.transaction() as session:
            row = session.get(SensorRow, sensor.id)
            if row is not None:
                owner = row.plugin
            if owner is not None and owner != self.name:
                raise ValidationError(f"sensor {sensor.id} belongs to plugin {owner}",
                                      field="id")
            values = {"plugin": self.name, "kind": sensor.kind, "unit": sensor.unit,
                      "x": sensor.x, "y": sensor.y, "cell_code": sensor.cell_code,
                      "label": sensor.label}
            if row is None:
                session.execute(insert(SensorRow).values(id=sensor.id, **values))
            else:
                session.execute(update(SensorRow).where(SensorRow.id == sensor.id)
                                .values(**values))
        self.sensors[sensor.id] = sensor
        self.counters.accepted += 1
        return {"accepted": True}

    def take_readings(self) -> list[Reading]:
        """The buffered readings, leaving the buffer empty (write them with
        `store_readings`, e.g. on the host's writer thread)."""
        readings, self.readings = self.readings, []
        return readings

    def store_readings(self, readings: list[Reading], received: datetime) -> int:
        """Write readings (one statement) and each sensor's latest value."""
        if not readings:
            return 0
        latest: dict[str, Reading] = {}
        for r in readings:
            if r.sensor not in latest or r.at >= latest[r.sensor].at:
                latest[r.sensor] = r
        with self.service.db.transaction() as session:
            session.execute(insert(SensorReadingRow), [
                {"sensor": r.sensor, "plugin": self.name, "value": r.value, "unit": r.unit,
                 "at": r.at, "received_at": received} for r in readings])
            for r in latest.values():
                session.execute(update(SensorRow).where(SensorRow.id == r.sensor)
                                .values(last_value=r.value, last_at=r.at))
        return len(readings)

    def flush_readings(self) -> int:
        """Write the buffered readings now, in this thread."""
        return self.store_readings(self.take_readings(), self.now())
