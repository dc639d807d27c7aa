"""Alarms: what must be seen and acknowledged by a person, and how events change them.

An alarm is raised by a rule (a new priority-1 incident, a response standard about to
be breached, an escalation), by a field unit (its emergency button) or by any other
source through the generic raise command (sensors, playbooks). It stays active until
someone whose role may acknowledge its kind does so (`core.auth.ALARM_ACK_PERMISSIONS`).
Every step is an event, so the active alarms are state: rebuilt from the log after a
restart, the same on every console.

`source` says what the alarm is about ("incident:INC-00007:p1"); one active alarm per
source at a time, and for kinds in `ONCE_PER_SOURCE` one ever: an incident's P1 alarm
or its breach warning is raised once, however many consoles or hubs look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from core.events import Event

if TYPE_CHECKING:
    from core.domain.state import State


class AlarmKind(StrEnum):
    """What raised an alarm; decides who may acknowledge it and how it reads."""

    P1_INCIDENT = "p1_incident"
    RESPONSE_BREACH = "response_breach"
    UNIT_EMERGENCY = "unit_emergency"
    PLAYBOOK_STEP_OVERDUE = "playbook_step_overdue"
    EXTERNAL = "external"  # any other source: a sensor, a plugin
    SENSOR_SILENT = "sensor_silent"  # a plugin's sensor sent nothing for too long


# Kinds raised at most once per source, ever (acknowledged or not).
ONCE_PER_SOURCE = frozenset({AlarmKind.P1_INCIDENT, AlarmKind.RESPONSE_BREACH})

# Sources are short keys; a plugin's own source is prefixed with what it is.
MAX_SOURCE = 120
MAX_TEXT = 500


@dataclass(slots=True)
class Alarm:
    """One alarm, as the log made it."""

    id: str  # "ALM-<seq of the event that raised it>"
    kind: AlarmKind
    source: str
    text: str
    raised_at: datetime
    raised_by: str  # the actor of the raising event ("system" for rules)
    incident_id: str | None = None
    unit_id: str | None = None
    x: float | None = None
    y: float | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    escalated_at: datetime | None = None
    # A silent sensor's alarm: when its readings came back (the alarm still waits for
    # acknowledgement: someone should know the sensor was blind for a while).
    resumed_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True until acknowledged."""
        return self.acknowledged_at is None

    @property
    def escalated(self) -> bool:
        """True once it was escalated (left unacknowledged too long)."""
        return self.escalated_at is not None


def alarm_id_for(seq: int) -> str:
    """The id of the alarm raised by event `seq`."""
    return f"ALM-{seq:06d}"


def p1_source(incident_id: str) -> str:
    """The source key of an incident's priority-1 alarm."""
    return f"incident:{incident_id}:p1"


def breach_source(incident_id: str) -> str:
    """The source key of an incident's response-standard warning."""
    return f"incident:{incident_id}:response"


def emergency_source(unit_id: str) -> str:
    """The source key of a unit's emergency (one active at a time per unit)."""
    return f"unit:{unit_id}:emergency"


def playbook_step_source(incident_id: str, step: str) -> str:
    """The source key of an overdue playbook step."""
    return f"incident:{incident_id}:playbook:{step}"


def silent_source(plugin: str, sensor: str) -> str:
    """The source key of a sensor's silence alarm (one per silence episode: a new one
    only after its readings resumed, see `core.commands.plugins.ReportSilentSensor`)."""
    return f"sensor:{plugin}/{sensor}:silent"


def active_alarms(state: State) -> list[Alarm]:
    """The alarms waiting for acknowledgement, oldest first."""
    return sorted((a for a in state.alarms.values() if a.active),
                  key=lambda a: (a.raised_at, a.id))


def _parse(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def raise_p1_alarm(state: State, e: Event, incident_id: str) -> None:
    """The P1 rule: `incident_created` or `incident_priority_changed` with an
    "alarm_id" raised that alarm itself (the command decided it was the first)."""
    alarm_id = e.payload.get("alarm_id")
    incident = state.incidents.get(incident_id)
    if not alarm_id or incident is None:
        return
    # Only what the log holds goes into the text, so a replay writes the same row.
    state.alarms[alarm_id] = Alarm(
        id=alarm_id, kind=AlarmKind.P1_INCIDENT, source=p1_source(incident_id),
        text=f"Priority-1 incident {incident_id} ({incident.type}) at {incident.address}",
        raised_at=e.at, raised_by="system", incident_id=incident_id)


def apply_alarm_raised(state: State, e: Event) -> None:
    """`alarm_raised`: a new active alarm."""
    p = e.payload
    state.alarms[p["alarm_id"]] = Alarm(
        id=p["alarm_id"], kind=AlarmKind(p["kind"]), source=p["source"], text=p["text"],
        raised_at=e.at, raised_by=e.actor, incident_id=p.get("incident_id"),
        unit_id=p.get("unit_id"), x=_parse(p.get("x")), y=_parse(p.get("y")))


def apply_sensor_silent(state: State, e: Event) -> None:
    """`sensor_silent`: the sensor's silence alarm (events recorded before the alarm
    existed carry no "alarm_id" and raise nothing)."""
    p = e.payload
    if not p.get("alarm_id"):
        return
    state.alarms[p["alarm_id"]] = Alarm(
        id=p["alarm_id"], kind=AlarmKind.SENSOR_SILENT,
        source=silent_source(p["plugin"], p["sensor"]), text=p["text"], raised_at=e.at,
        raised_by=e.actor, x=_parse(p.get("x")), y=_parse(p.get("y")))


def apply_sensor_resumed(state: State, e: Event) -> None:
    """`sensor_resumed`: the silent sensor's readings came back; its alarm is marked."""
    alarm = state.alarms.get(e.payload["alarm_id"])
    if alarm is not None and alarm.resumed_at is None:
        alarm.resumed_at = e.at


def apply_alarm_acknowledged(state: State, e: Event) -> None:
    """`alarm_acknowledged`: who acknowledged which alarms, and when (the event's time)."""
    for alarm_id in e.payload["alarm_ids"]:
        alarm = state.alarms.get(alarm_id)
        if alarm is not None and alarm.active:
            alarm.acknowledged_at = e.at
            alarm.acknowledged_by = e.actor


def apply_alarm_escalated(state: State, e: Event) -> None:
    """`alarm_escalated`: left unacknowledged too long; supervisors' seats are told."""
    alarm = state.alarms.get(e.payload["alarm_id"])
    if alarm is not None and alarm.escalated_at is None:
        alarm.escalated_at = e.at


GROUP_WINDOW_S = 60.0  # alarms of one kind this close together show as one group


def group_alarms(alarms: list[Alarm], window_s: float = GROUP_WINDOW_S) -> list[list[Alarm]]:
    """Active alarms as groups: one kind, each raised within `window_s` of the one
    before it in the group (a flood of P1s in a minute is one group). Groups come
    newest first, the alarms in each oldest first."""
    groups: list[list[Alarm]] = []
    open_group: dict[AlarmKind, list[Alarm]] = {}
    for alarm in sorted(alarms, key=lambda a: (a.raised_at, a.id)):
        group = open_group.get(alarm.kind)
        if group is not None and (alarm.raised_at - group[-1].raised_at
                                  ).total_seconds() <= window_s:
            group.append(alarm)
            continue
        group = [alarm]
        open_group[alarm.kind] = group
        groups.append(group)
    return groups[::-1]
