"""Commands that data-source plugins cause (through their host) and that switch plugins.

A sensor over its threshold opens one incident per episode: `RaiseSensorIncident` is
refused as a duplicate while the sensor's earlier incident is still open (the key is
the plugin and the sensor), whoever asks (a restarted host, a second host). Which
incident belongs to which sensor is read from the log itself, so it survives restarts
and needs no table of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.commands.alarms import AlarmExists
from core.commands.base import Command, Context, Decision, require_coordinate, require_text
from core.commands.incidents import check_priority
from core.domain.alarms import MAX_TEXT, alarm_id_for, silent_source
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES
from core.errors import ValidationError
from core.plugins.tables import SensorRow
from core.store import event_log
from core.store.alarm_table import AlarmRow
from core.store.repository import alarm_from_row
from core.store.schema import IncidentRow

PLUGIN_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


class DuplicateIncident(ValidationError):
    """The sensor's incident is open already; `incident_id` names it."""

    def __init__(self, message: str, incident_id: str) -> None:
        super().__init__(message, field="key")
        self.incident_id = incident_id


def check_plugin_name(value: object) -> str:
    """A plugin name: lower-case letters, digits and '_', starting with a letter."""
    if not isinstance(value, str) or not PLUGIN_NAME_RE.match(value):
        raise ValidationError(f"plugin name {value!r}: use 2-64 lower-case letters, digits "
                              "or '_', starting with a letter", field="plugin")
    return value


def sensor_incident_of(session: Session, key: str) -> str | None:
    """The incident last raised for `key` that has not been cleared since, or None.

    Raises and clears are rare (threshold crossings, not readings), and the log is
    indexed by type, so this reads a handful of events.
    """
    latest: str | None = None
    raised = event_log.query(session, event_log.EventQuery(type="sensor_incident_raised"))
    for event in raised:
        if event.payload.get("key") == key:
            latest = event.incident_id
    if latest is None:
        return None
    cleared = event_log.query(session, event_log.EventQuery(type="sensor_incident_cleared",
                                                            incident_id=latest))
    return None if cleared else latest


def _open_incident(ctx: Context, key: str) -> str | None:
    incident_id = sensor_incident_of(ctx.session, key)
    if incident_id is None:
        return None
    incident = ctx.incident(incident_id)
    return incident_id if incident.status in OPEN_INCIDENT_STATUSES else None


def _reading(value: object, unit: object) -> tuple[float, str]:
    number = require_coordinate(value, "value")
    return number, require_text(unit, "unit", max_len=16, allow_empty=False, one_line=True)


@dataclass(frozen=True, slots=True)
class SetPluginEnabled(Command):
    """Switch a plugin on or off in every host (the hosts follow the log)."""

    plugin: str
    enabled: bool
    reason: str = ""
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        if not isinstance(self.enabled, bool):
            raise ValidationError("enabled must be true or false", field="enabled")
        return Decision("plugin_switched", {
            "plugin": check_plugin_name(self.plugin), "enabled": self.enabled,
            "reason": require_text(self.reason, "reason", max_len=500)})


@dataclass(frozen=True, slots=True)
class RaiseSensorIncident(Command):
    """A sensor crossed its threshold: open an incident naming the sensor and reading.

    Refused with `DuplicateIncident` while the same key's incident is open.
    """

    plugin: str
    sensor: str
    kind: str
    value: float
    unit: str
    type: str
    x: float
    y: float
    address: str = ""
    cell_code: str | None = None
    priority: int | None = None
    description: str = ""

    def decide(self, ctx: Context) -> Decision:
        plugin = check_plugin_name(self.plugin)
        sensor = require_text(self.sensor, "sensor", max_len=80, allow_empty=False,
                              one_line=True)
        key = f"{plugin}/{sensor}"
        existing = _open_incident(ctx, key)
        if existing is not None:
            raise DuplicateIncident(f"sensor {sensor} already has incident {existing} open",
                                    existing)
        if self.type not in INCIDENT_TYPES:
            raise ValidationError(f"unknown incident type {self.type!r}", field="type")
        priority = check_priority(INCIDENT_TYPES[self.type].default_priority
                                  if self.priority is None else self.priority)
        value, unit = _reading(self.value, self.unit)
        kind = require_text(self.kind, "kind", max_len=32, allow_empty=False, one_line=True)
        count = ctx.session.execute(select(func.count()).select_from(IncidentRow)).scalar_one()
        incident_id = f"INC-{count + 1:05d}"
        address = require_text(self.address, "address", max_len=200, one_line=True) \
            or f"sensor {sensor}"
        description = require_text(self.description, "description", max_len=2000) or (
            f"{kind} sensor {sensor} reads {value:g} {unit}")
        return Decision("sensor_incident_raised", {
            "id": incident_id, "key": key, "plugin": plugin, "sensor": sensor, "kind": kind,
            "value": value, "unit": unit, "type": self.type, "priority": priority,
            "x": require_coordinate(self.x, "x"), "y": require_coordinate(self.y, "y"),
            "address": address, "cell_code": self.cell_code, "description": description,
        }, incident_id=incident_id)


@dataclass(frozen=True, slots=True)
class UpdateSensorIncident(Command):
    """The sensor is still over its threshold: add the reading to its open incident."""

    plugin: str
    sensor: str
    value: float
    unit: str

    def decide(self, ctx: Context) -> Decision:
        key = f"{check_plugin_name(self.plugin)}/{self.sensor}"
        incident_id = _open_incident(ctx, key)
        if incident_id is None:
            raise ValidationError(f"sensor {self.sensor} has no open incident", field="sensor")
        value, unit = _reading(self.value, self.unit)
        return Decision("sensor_incident_updated", {
            "incident_id": incident_id, "key": key, "sensor": self.sensor, "value": value,
            "unit": unit}, incident_id=incident_id)


@dataclass(frozen=True, slots=True)
class ClearSensorIncident(Command):
    """The sensor is back under its clear level. Its incident is cancelled when nobody
    was sent yet; otherwise it stays with the units and gets a note."""

    plugin: str
    sensor: str
    value: float
    unit: str

    def decide(self, ctx: Context) -> Decision:
        key = f"{check_plugin_name(self.plugin)}/{self.sensor}"
        incident_id = _open_incident(ctx, key)
        if incident_id is None:
            raise ValidationError(f"sensor {self.sensor} has no open incident", field="sensor")
        value, unit = _reading(self.value, self.unit)
        incident = ctx.incident(incident_id)
        status = "cancelled" if incident.status.value == "new" else None
        return Decision("sensor_incident_cleared", {
            "incident_id": incident_id, "key": key, "sensor": self.sensor, "value": value,
            "unit": unit, "status": status}, incident_id=incident_id)


class SilentAlready(AlarmExists):
    """The sensor's silence alarm is up already for this episode (it has not read since)."""


def _silence_alarm(ctx: Context, source: str) -> AlarmRow | None:
    """The sensor's silence alarm whose readings have not resumed (acknowledged or not)."""
    return ctx.session.execute(
        select(AlarmRow).where(AlarmRow.source == source, AlarmRow.resumed_at.is_(None))
        .order_by(AlarmRow.raised_at.desc())).scalars().first()


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True, slots=True)
class ReportSilentSensor(Command):
    """A sensor has sent nothing for longer than its plugin allows: its alarm.

    One alarm per silence episode, however many hosts or restarts report it: while the
    sensor's last silence alarm has not seen its readings resume (`ReportSensorResumed`),
    a second report is refused with `SilentAlready`, acknowledged or not.
    """

    plugin: str
    sensor: str
    silent_for_s: float
    last_at: str | None = None

    def decide(self, ctx: Context) -> Decision:
        silent = require_coordinate(self.silent_for_s, "silent_for_s")
        if silent <= 0:
            raise ValidationError("silent_for_s must be positive", field="silent_for_s")
        plugin = check_plugin_name(self.plugin)
        sensor = require_text(self.sensor, "sensor", max_len=80, allow_empty=False,
                              one_line=True)
        source = silent_source(plugin, sensor)
        existing = _silence_alarm(ctx, source)
        if existing is not None:
            raise SilentAlready(f"sensor {sensor} is silent already (alarm {existing.id})",
                                field="sensor")
        row = ctx.session.get(SensorRow, sensor)
        what = (row.label or row.kind) if row is not None else ""
        name = f"{sensor} ({what})" if what else sensor
        payload: dict[str, object] = {
            "plugin": plugin, "sensor": sensor, "silent_for_s": silent,
            "last_at": self.last_at, "alarm_id": alarm_id_for(ctx.seq),
            "text": f"Sensor {name} has sent nothing for {_duration(silent)}"[:MAX_TEXT]}
        if row is not None:
            payload.update(x=row.x, y=row.y)
        return Decision("sensor_silent", payload)


@dataclass(frozen=True, slots=True)
class ReportSensorResumed(Command):
    """A silent sensor read again: its alarm is marked (it still waits for a person),
    and the next silence is a new episode with an alarm of its own. The host issues it
    when a reading arrives for a sensor whose silence alarm is up."""

    plugin: str
    sensor: str

    def decide(self, ctx: Context) -> Decision:
        plugin = check_plugin_name(self.plugin)
        sensor = require_text(self.sensor, "sensor", max_len=80, allow_empty=False,
                              one_line=True)
        alarm = _silence_alarm(ctx, silent_source(plugin, sensor))
        if alarm is None:
            raise ValidationError(f"sensor {sensor} has no silence alarm", field="sensor")
        # The state the handler marks (and the projection writes) must hold the alarm.
        ctx.state.alarms.setdefault(alarm.id, alarm_from_row(alarm))
        return Decision("sensor_resumed", {"plugin": plugin, "sensor": sensor,
                                           "alarm_id": alarm.id})


class DuplicateAlert(ValidationError):
    """This alert (sender and identifier) is recorded already."""


@dataclass(frozen=True, slots=True)
class RecordCapAlert(Command):
    """A warning from an outside alert feed (CAP 1.2) that touches the city.

    `summary` is what `core.cap` read from a document that passed the OASIS schema (the
    host parses it itself; it never takes a plugin's word). Refused as a duplicate when
    the same sender's alert with the same identifier is recorded already.
    """

    plugin: str
    summary: dict[str, object]

    def decide(self, ctx: Context) -> Decision:
        plugin = check_plugin_name(self.plugin)
        sender = str(self.summary.get("sender", ""))
        identifier = str(self.summary.get("identifier", ""))
        if not sender or not identifier:
            raise ValidationError("an alert needs a sender and an identifier",
                                  field="identifier")
        for event in event_log.query(ctx.session, event_log.EventQuery(
                type="external_alert_received")):
            if (event.payload.get("sender"), event.payload.get("identifier")) == (
                    sender, identifier):
                raise DuplicateAlert(f"alert {identifier} from {sender} is recorded already "
                                     f"(event {event.seq})", field="identifier")
        return Decision("external_alert_received", {"plugin": plugin, **self.summary})
