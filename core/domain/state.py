"""The projection: how each event changes incidents, units, operators and cities.

`State.apply` is the one place that turns events into state. The command service uses
it to change the tables, a console uses it to follow another workstation, and
`replay` uses it to rebuild everything from the log; so they cannot disagree, and
`beacon audit verify` compares every table with a replay (`core.audit.tables`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from core.decisions.projection import HANDLERS as DECISION_HANDLERS
from core.domain.alarms import (
    Alarm,
    apply_alarm_acknowledged,
    apply_alarm_escalated,
    apply_alarm_raised,
    apply_sensor_resumed,
    apply_sensor_silent,
    raise_p1_alarm,
)
from core.domain.kinds import Agency, UnitKind
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.model import CityRecord, Incident, Operator, Unit
from core.event_types import ERASED, EVENT_TYPES, upcast
from core.events import Event
from core.playbooks.projection import HANDLERS as PLAYBOOK_HANDLERS
from core.public.projection import HANDLERS as PUBLIC_HANDLERS
from core.registry.evacuation import HANDLERS as _EVACUATION_HANDLERS
from core.registry.projection import HANDLERS as _REGISTRY_HANDLERS
from core.registry.projection import PASSIVE as _REGISTRY_PASSIVE
from core.roads.closures import HANDLERS as _ROAD_HANDLERS

log = logging.getLogger(__name__)

# Event types that change no state: known, skipped.
# `alarm_sound_muted` records a workstation's mute for the audit; the sound is that
# workstation's own business, not shared state. (A snapshot's record is the event
# itself: `core.cameras.evidence.snapshots_of` reads it.) `plugin_switched` is read from
# the log by the plugin hosts; `external_alert_received` is read by whoever lists
# warnings.
PASSIVE_EVENTS = frozenset({"operator_signed_in", "message_sent", "sign_in_failed",
                            "alarm_sound_muted", "evidence_snapshot_recorded",
                            "plugin_switched", "external_alert_received",
                            # Notices are read from the log (`core.notices.query`).
                            "notice_drafted", "notice_approved", "notice_published"}
                           | _REGISTRY_PASSIVE)
# The columns of a camera as the projection keeps it (the `cameras` table's columns).
CAMERA_FIELDS = ("name", "x", "y", "cell", "url", "agency", "enabled", "heading_deg",
                 "fov_deg")
# What a database is (`core.profile`) before any event says (never labelled, wall
# clock); `database_kind_set` and `exercise_started` change it (`profile_changes`).
PROFILE_DEFAULTS: dict[str, str | None] = {"kind": None, "clock_domain": "wall",
                                           "exercise": None}


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time from a payload, or None."""
    return datetime.fromisoformat(value) if value else None


@dataclass
class State:
    """Incidents, units, operators and cities by key, and the last applied sequence number.

    Every table that matters is written from here (the command service saves what
    `apply` changed), so a replay of the log predicts every row.
    """

    incidents: dict[str, Incident] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    operators: dict[str, Operator] = field(default_factory=dict)
    cities: dict[int, CityRecord] = field(default_factory=dict)
    last_seq: int = 0
    # The database's profile row (kind, clock domain, exercise), see `profile_changes`.
    profile: dict[str, str | None] = field(default_factory=lambda: dict(PROFILE_DEFAULTS))
    # Hub access tokens by id: kind, subject, token_hash (SHA-256), created_at, revoked.
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The community registry by record id (`core.registry`): only the records events
    # touched, unless rebuilt from the whole log; read the table for the rest.
    registry: dict[str, Any] = field(default_factory=dict)
    # Evacuations of grid cells by id (`core.registry.evacuation`).
    evacuations: dict[str, Any] = field(default_factory=dict)
    # Alarms by id, active and acknowledged (`core.domain.alarms`).
    alarms: dict[str, Alarm] = field(default_factory=dict)
    # Cameras by id: the columns of CAMERA_FIELDS (the URL masked).
    cameras: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Live playbook checklists by incident id (`core.playbooks.projection`).
    playbooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Joint-decision proposals by id (`core.decisions.projection`).
    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Road closures by road name, closed now or once (`core.roads.closures`).
    road_closures: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Reference codes by incident id: code_hash, issued_at, issued_seq (`core.public`).
    refcodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        """Change the state as `event` says; events must come in sequence order.

        An event of an older schema version is upcast first, so handlers read only the
        current version of each type.
        """
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            if event.v != _VERSIONS.get(event.type, event.v):
                event = upcast(event)
            handler(self, event)
        elif event.type not in PASSIVE_EVENTS:
            log.debug("event type %s changes no state", event.type)
        self.last_seq = max(self.last_seq, event.seq)

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply events in order."""
        for event in events:
            self.apply(event)

    def open_incidents(self) -> list[Incident]:
        """Incidents still needing attention (new, dispatched or on scene)."""
        from core.domain.lifecycle import OPEN_INCIDENT_STATUSES

        return [i for i in self.incidents.values() if i.status in OPEN_INCIDENT_STATUSES]


def profile_changes(event: Event) -> dict[str, str | None]:
    """The columns of the database's profile row that `event` sets (empty for others).

    The command service writes exactly these to the `database_profile` table in the
    event's transaction; `State.apply` keeps them in `State.profile`; so the table is
    what replaying the log gives.
    """
    p = event.payload
    if event.type == "database_kind_set":
        return {"kind": p["kind"]}
    if event.type == "exercise_started":
        return {"clock_domain": p["clock"], "exercise": p["name"]}
    return {}


def _token_created(state: State, e: Event) -> None:
    p = e.payload
    state.tokens[p["token_id"]] = {"kind": p["kind"], "subject": p["subject"],
                                   "token_hash": p["token_hash"], "created_at": e.at,
                                   "revoked": False}


def _token_revoked(state: State, e: Event) -> None:
    token = state.tokens.get(e.payload["token_id"])
    if token is not None:
        token["revoked"] = True


def _profile_changed(state: State, e: Event) -> None:
    state.profile.update(profile_changes(e))


def _camera_row(c: dict[str, Any]) -> dict[str, Any]:
    return {"name": c["name"], "x": float(c["x"]), "y": float(c["y"]), "cell": c.get("cell"),
            "url": c["url"], "agency": c["agency"], "enabled": bool(c.get("enabled", True)),
            "heading_deg": c.get("heading_deg"), "fov_deg": c.get("fov_deg")}


def _camera_added(state: State, e: Event) -> None:
    state.cameras[e.payload["camera_id"]] = _camera_row(e.payload)


def _cameras_imported(state: State, e: Event) -> None:
    for c in e.payload["cameras"]:
        state.cameras[c["camera_id"]] = _camera_row(c)


# A console's live state may not hold a camera (it loads cameras from the table, and a
# camera added meanwhile arrives as its own event first): one it does not know is skipped.
def _camera_moved(state: State, e: Event) -> None:
    camera = state.cameras.get(e.payload["camera_id"])
    if camera is not None:
        p = e.payload
        camera.update(x=float(p["x"]), y=float(p["y"]), cell=p.get("cell"))
        for key in ("heading_deg", "fov_deg"):
            if key in p:
                camera[key] = p[key]


def _camera_updated(state: State, e: Event) -> None:
    camera = state.cameras.get(e.payload["camera_id"])
    if camera is not None:
        camera.update({k: v for k, v in e.payload["changes"].items()
                       if k in ("name", "url", "agency")})


def _camera_enabled(state: State, e: Event) -> None:
    camera = state.cameras.get(e.payload["camera_id"])
    if camera is not None:
        camera["enabled"] = e.type == "camera_enabled"


def _units_registered(state: State, e: Event) -> None:
    for u in e.payload["units"]:
        state.units[u["id"]] = Unit(
            id=u["id"], name=u["name"], kind=UnitKind(u["kind"]), agency=Agency(u["agency"]),
            station=u["station"], status=UnitStatus(u.get("status", UnitStatus.AVAILABLE)),
            x=float(u["x"]), y=float(u["y"]),
        )


def _incident_created(state: State, e: Event) -> None:
    p, personal = e.payload, e.personal
    state.incidents[p["id"]] = Incident(
        id=p["id"], type=p["type"], priority=int(p["priority"]), status=IncidentStatus.NEW,
        x=float(p["x"]), y=float(p["y"]), address=p["address"], cell_code=p.get("cell_code"),
        created_at=e.at, caller_name=personal.get("caller_name", ""),
        callback_number=personal.get("callback_number", ""),
        description=p.get("description", ""),
        status_times={IncidentStatus.NEW.value: e.at},
    )
    raise_p1_alarm(state, e, p["id"])


def _set_incident_status(incident: Incident, status: str, at: datetime) -> None:
    incident.status = IncidentStatus(status)
    # The first time counts: a response time is to the first unit on scene, even if the
    # incident is later reopened on the spot.
    incident.status_times.setdefault(incident.status.value, at)


def _incident_status_changed(state: State, e: Event) -> None:
    incident = state.incidents[e.payload["incident_id"]]
    _set_incident_status(incident, e.payload["status"], e.at)
    for unit_id in e.payload.get("released_units", []):
        _release(state, unit_id)


def _release(state: State, unit_id: str) -> None:
    unit = state.units[unit_id]
    if unit.incident_id and unit.incident_id in state.incidents:
        units = state.incidents[unit.incident_id].units
        if unit_id in units:
            units.remove(unit_id)
    unit.status = UnitStatus.AVAILABLE
    unit.incident_id = None
    unit.eta_at = None


def _units_assigned(state: State, e: Event) -> None:
    incident = state.incidents[e.payload["incident_id"]]
    etas = e.payload.get("etas", {})
    for unit_id in e.payload["units"]:
        unit = state.units[unit_id]
        unit.status = UnitStatus.DISPATCHED
        unit.incident_id = incident.id
        unit.eta_at = parse_time(etas.get(unit_id))
        unit.post = None  # a move-up ends with a call: afterwards the unit goes home
        if unit_id not in incident.units:
            incident.units.append(unit_id)
    if e.payload.get("incident_status"):
        _set_incident_status(incident, e.payload["incident_status"], e.at)


def _unit_status_changed(state: State, e: Event) -> None:
    unit = state.units[e.payload["unit_id"]]
    status = UnitStatus(e.payload["status"])
    incident_id = unit.incident_id
    if status is UnitStatus.AVAILABLE:
        _release(state, unit.id)
    else:
        unit.status = status
        if status is UnitStatus.ON_SCENE:
            unit.eta_at = None
    if e.payload.get("incident_status") and incident_id:
        _set_incident_status(state.incidents[incident_id], e.payload["incident_status"], e.at)


def _unit_position_reported(state: State, e: Event) -> None:
    unit = state.units[e.payload["unit_id"]]
    unit.x = float(e.payload["x"])
    unit.y = float(e.payload["y"])
    unit.last_report_at = e.at


def _unit_relocated(state: State, e: Event) -> None:
    unit = state.units[e.payload["unit_id"]]
    unit.post = None if e.payload.get("home") else e.payload["station"]


def call_note(caller_name: str, callback_number: str, description: str) -> str:
    """The note an attached call leaves on its incident."""
    return (f"Call from {caller_name or 'unknown caller'} ({callback_number or 'no number'})"
            f": {description}")


def _call_attached(state: State, e: Event) -> None:
    incident = state.incidents[e.payload["incident_id"]]
    incident.calls += 1
    incident.notes.append(call_note(e.personal.get("caller_name", ""),
                                    e.personal.get("callback_number", ""),
                                    e.payload.get("description", "")))


def _personal_data_erased(state: State, e: Event) -> None:
    # The events' own values are gone from the log; what the tables derived from them
    # (the caller fields, the notes of attached calls) is replaced as the event says.
    incident = state.incidents.get(e.payload.get("incident_id") or "")
    if incident is None:  # an erasure about another subject (e.g. the registry)
        return
    fields = set(e.payload.get("fields", ()))
    if "caller_name" in fields:
        incident.caller_name = ERASED
    if "callback_number" in fields:
        incident.callback_number = ERASED
    for index, text in e.payload.get("notes", ()):
        if 0 <= index < len(incident.notes):
            incident.notes[index] = text


def sensor_note(sensor: str, value: float, unit: str, what: str) -> str:
    """The note a sensor's reading leaves on its incident."""
    return f"Sensor {sensor} {what}: {value:g} {unit}"


def _sensor_incident_raised(state: State, e: Event) -> None:
    p = e.payload
    state.incidents[p["id"]] = Incident(
        id=p["id"], type=p["type"], priority=int(p["priority"]), status=IncidentStatus.NEW,
        x=float(p["x"]), y=float(p["y"]), address=p["address"], cell_code=p.get("cell_code"),
        created_at=e.at, description=p.get("description", ""),
        notes=[sensor_note(p["sensor"], p["value"], p["unit"], "over its threshold")],
        status_times={IncidentStatus.NEW.value: e.at},
    )


def _sensor_incident_updated(state: State, e: Event) -> None:
    p = e.payload
    state.incidents[p["incident_id"]].notes.append(
        sensor_note(p["sensor"], p["value"], p["unit"], "still high"))


def _sensor_incident_cleared(state: State, e: Event) -> None:
    p = e.payload
    incident = state.incidents[p["incident_id"]]
    incident.notes.append(sensor_note(p["sensor"], p["value"], p["unit"], "back to normal"))
    if p.get("status"):
        _set_incident_status(incident, p["status"], e.at)


def _note_added(state: State, e: Event) -> None:
    state.incidents[e.payload["incident_id"]].notes.append(e.payload["text"])


def _incident_priority_changed(state: State, e: Event) -> None:
    state.incidents[e.payload["incident_id"]].priority = int(e.payload["priority"])
    raise_p1_alarm(state, e, e.payload["incident_id"])


def _incident_level_changed(state: State, e: Event) -> None:
    state.incidents[e.payload["incident_id"]].level = int(e.payload["level"])


def _operator_created(state: State, e: Event) -> None:
    p = e.payload
    state.operators[p["username"]] = Operator(
        username=p["username"], display_name=p["display_name"], role=p["role"],
        password_digest=p.get("password_digest"), created_at=e.at)


def _city_loaded(state: State, e: Event) -> None:
    p = e.payload
    # Older events carry no id: the cities table numbered them 1, 2, ... in log order.
    city_id = int(p["id"]) if "id" in p else len(state.cities) + 1
    state.cities[city_id] = CityRecord(id=city_id, name=p["name"], source=p["source"],
                                       digest=p["digest"], created_at=e.at)


_HANDLERS = {
    "units_registered": _units_registered,
    "incident_created": _incident_created,
    "incident_status_changed": _incident_status_changed,
    "units_assigned": _units_assigned,
    "unit_status_changed": _unit_status_changed,
    "unit_position_reported": _unit_position_reported,
    "unit_relocated": _unit_relocated,
    "call_attached": _call_attached,
    "note_added": _note_added,
    "incident_priority_changed": _incident_priority_changed,
    "incident_level_changed": _incident_level_changed,
    "personal_data_erased": _personal_data_erased,
    "operator_created": _operator_created,
    "city_loaded": _city_loaded,
    "hub_token_created": _token_created,
    "hub_token_revoked": _token_revoked,
    "database_kind_set": _profile_changed,
    "exercise_started": _profile_changed,
    "alarm_raised": apply_alarm_raised,
    "alarm_acknowledged": apply_alarm_acknowledged,
    "alarm_escalated": apply_alarm_escalated,
    "sensor_silent": apply_sensor_silent,
    "sensor_resumed": apply_sensor_resumed,
    "camera_added": _camera_added,
    "cameras_imported": _cameras_imported,
    "camera_moved": _camera_moved,
    "camera_updated": _camera_updated,
    "camera_disabled": _camera_enabled,
    "camera_enabled": _camera_enabled,
    "sensor_incident_raised": _sensor_incident_raised,
    "sensor_incident_updated": _sensor_incident_updated,
    "sensor_incident_cleared": _sensor_incident_cleared,
}

_HANDLERS.update(_REGISTRY_HANDLERS)
_HANDLERS.update(_EVACUATION_HANDLERS)
_HANDLERS.update(PLAYBOOK_HANDLERS)
_HANDLERS.update(DECISION_HANDLERS)
_HANDLERS.update(_ROAD_HANDLERS)
_HANDLERS.update(PUBLIC_HANDLERS)

STATE_EVENTS = frozenset(_HANDLERS)
_VERSIONS = {name: spec.version for name, spec in EVENT_TYPES.items()}


def same_state(a: State, b: State) -> list[str]:
    """The differences between two states, as readable lines (empty when equal)."""
    diffs: list[str] = []
    for name, left, right in (("incident", a.incidents, b.incidents),
                              ("unit", a.units, b.units),
                              ("operator", a.operators, b.operators),
                              ("city", a.cities, b.cities),
                              ("alarm", a.alarms, b.alarms)):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                diffs.append(f"{name} {key} exists on one side only")
                continue
            for f in fields(left[key]):
                lv, rv = getattr(left[key], f.name), getattr(right[key], f.name)
                if lv != rv:
                    diffs.append(f"{name} {key}.{f.name}: {lv!r} != {rv!r}")
    for name, left, right in (("playbook of", a.playbooks, b.playbooks),
                              ("proposal", a.proposals, b.proposals)):
        for key in sorted(set(left) | set(right)):
            if left.get(key) != right.get(key):
                diffs.append(f"{name} {key} differs")
    return diffs
