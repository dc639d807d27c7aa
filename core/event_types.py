"""Every event type the log can hold: its schema version and its personal-data fields.

The log is permanent (checkpoints sign it), so an event's shape is a promise. Each type
is registered here once, with:

- `version`: the schema version of its payload, stored and hashed with every event as
  the envelope field `v`. Adding an optional field that readers may find missing keeps
  the version; any other change (a field renamed, removed, retyped or given a new
  meaning) bumps it and registers an upcaster that turns a payload of the old version
  into the new one. The projection upcasts before it applies, so it only ever reads the
  current version. Stored events are never rewritten.
- `personal`: payload fields that hold personal data (a caller's name or number). They
  are stored outside the hashed payload, beside a random salt; the chain covers only
  their salted hash, so erasing the values and the salt leaves the chain intact.

`core.store.event_log.new_event` refuses a type that is not registered here, and
tests/core/test_event_types.py fails when a command can emit an unregistered type or a
registered type has no recorded example. See "The event envelope" in
docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.events import Event

# What an upcaster gets and returns: (payload, personal) of one version, of the next.
Upcaster = Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]

# What erased personal values read as, in the projection and the tables.
ERASED = "[erased]"


@dataclass(frozen=True, slots=True)
class EventType:
    """One registered event type."""

    name: str
    version: int
    summary: str
    personal: frozenset[str] = frozenset()


def _types(*types: EventType) -> dict[str, EventType]:
    return {t.name: t for t in types}


CALLER_FIELDS = frozenset({"caller_name", "callback_number"})
REGISTRY_PERSON_FIELDS = frozenset({"name", "contact", "flags", "note", "basis"})

EVENT_TYPES: dict[str, EventType] = _types(
    # Set-up and staff. Operator user and display names are kept in the hashed payload on
    # purpose: they are the accountability record of who acted, not data about the public.
    EventType("operator_created", 1, "an operator account was added"),
    EventType("operator_signed_in", 1, "an operator signed in at a workstation"),
    # The name typed is kept: a failed sign-in is a security record, and the lockout
    # bounds how many a name can leave.
    EventType("sign_in_failed", 1, "a sign-in was refused (wrong password or unknown name)"),
    EventType("hub_token_created", 1, "an access token for a unit or operator was made"),
    EventType("hub_token_revoked", 1, "an access token was revoked"),
    EventType("city_loaded", 1, "the centre now serves this city"),
    EventType("units_registered", 1, "units were put on the roster"),
    EventType("database_kind_set", 1, "the database was labelled live, training or demo"),
    EventType("exercise_started", 1,
              "a drill started here; from now on the log runs on simulated time"),
    # Incidents.
    EventType("incident_created", 1, "an incident was opened from a call", CALLER_FIELDS),
    EventType("call_attached", 1, "another call about an open incident", CALLER_FIELDS),
    EventType("incident_status_changed", 1, "an incident moved through its life cycle"),
    EventType("incident_priority_changed", 1, "an incident's priority changed"),
    EventType("incident_level_changed", 1, "an incident's response level changed"),
    EventType("note_added", 1, "a note was added to an incident"),
    EventType("personal_data_erased", 1,
              "personal data of an incident's callers was erased on request"),
    # Units and messages.
    EventType("units_assigned", 1, "units were dispatched to an incident"),
    EventType("unit_status_changed", 1, "a unit's status changed"),
    EventType("unit_position_reported", 1, "a unit reported where it is"),
    EventType("unit_relocated", 1,
              "an idle unit was moved up to another station to cover, or sent back home"),
    EventType("message_sent", 1, "a text message to or from a unit"),
    # The community registry (core.registry). A person's name, contact, emergency flags
    # (health data), note and legal basis are personal fields: erasable.
    EventType("registry_records_recorded", 1,
              "buildings, households, things, organisations or reports were recorded"),
    EventType("registry_person_recorded", 1, "a person was recorded in the registry",
              REGISTRY_PERSON_FIELDS),
    EventType("registry_record_verified", 1, "a registry record was checked and confirmed"),
    EventType("registry_people_viewed", 1,
              "someone was shown people's registry data, and why"),
    EventType("registry_person_erased", 1,
              "a person's registry data was erased on request"),
    EventType("evacuation_started", 1, "grid cells are being evacuated for an incident"),
    EventType("evacuation_helper_assigned", 1,
              "a grid worker from elsewhere was assigned to help an evacuation"),
    EventType("household_checked", 1, "a household on an evacuation board was checked"),
    EventType("evacuation_ended", 1, "an evacuation ended"),
    # Alarms (core.domain.alarms). The mute is a workstation's, logged for the audit.
    EventType("alarm_raised", 1, "an alarm was raised by a rule, a unit or a source"),
    EventType("alarm_acknowledged", 1, "a person acknowledged one or more alarms"),
    EventType("alarm_escalated", 1, "an alarm was left unacknowledged too long"),
    EventType("alarm_sound_muted", 1, "a workstation muted or unmuted its alarm sound"),
    # Cameras (URLs masked: credentials stay in the secrets store) and evidence.
    EventType("camera_added", 1, "a camera joined the registry"),
    EventType("cameras_imported", 1, "a camera list was imported into the registry"),
    EventType("camera_moved", 1, "a camera's position (or what it looks at) changed"),
    EventType("camera_updated", 1, "a camera's name, stream URL (masked) or agency changed"),
    EventType("camera_disabled", 1, "a camera was taken out of use"),
    EventType("camera_enabled", 1, "a camera was put back into use"),
    EventType("evidence_snapshot_recorded", 1,
              "a camera frame was saved as evidence on an incident (file name and SHA-256)"),
    # Plugins and the sensors they watch (readings themselves are not events).
    EventType("plugin_switched", 1, "a data-source plugin was switched on or off"),
    EventType("sensor_incident_raised", 1,
              "a sensor crossed its threshold and opened an incident"),
    EventType("sensor_incident_updated", 1, "a sensor still over its threshold read again"),
    EventType("sensor_incident_cleared", 1, "a sensor fell back under its clear level"),
    EventType("sensor_silent", 1,
              "a sensor sent nothing for longer than allowed (raises its alarm)"),
    EventType("sensor_resumed", 1, "a silent sensor's readings came back (marks its alarm)"),
    EventType("external_alert_received", 1,
              "a CAP alert from an outside feed that touches the city"),
    # Playbooks (预案): the activation carries the playbook as it was (and its hash).
    EventType("playbook_activated", 1, "a playbook became an incident's live checklist"),
    EventType("playbook_step_ticked", 1, "a playbook step was done"),
    EventType("playbook_step_skipped", 1, "a playbook step was skipped, with the reason"),
    EventType("playbook_level_changed", 1,
              "an incident's response level changed (by hand, a decision or a rule)"),
    # Joint decisions (会商).
    EventType("proposal_raised", 1, "a proposal was put to the joint decision"),
    EventType("proposal_commented", 1, "a seat commented on a proposal"),
    EventType("proposal_voted", 1, "a seat voted on a proposal"),
    EventType("proposal_decided", 1, "the commander accepted or rejected a proposal"),
    # Road closures of the live centre (core.roads.closures): routing goes around them.
    EventType("road_closed", 1, "a road was closed (by hand or by a joint decision)"),
    EventType("road_reopened", 1, "a closed road was reopened"),
    # Public notices in CAP 1.2 (core.notices): the log is their record.
    EventType("notice_drafted", 1, "a public notice (or a new revision of one) was written"),
    EventType("notice_approved", 1, "a second person approved a public notice's revision"),
    EventType("notice_published", 1,
              "a public notice went out as a CAP Alert, Update or Cancel (with its document)"),
    # The public side (core.public): an incident's reference code, as its SHA-256 only.
    EventType("reference_code_issued", 1,
              "an incident was given a reference code for its caller (hash only)"),
)

# (type, from_version) -> the upcaster to from_version + 1.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def register_upcaster(type_: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Decorator: `fn` turns a `type_` payload of `from_version` into the next version."""
    def decorate(fn: Upcaster) -> Upcaster:
        UPCASTERS[(type_, from_version)] = fn
        return fn
    return decorate


def current_version(type_: str) -> int:
    """The schema version new events of `type_` get; `KeyError` when not registered."""
    return EVENT_TYPES[type_].version


def personal_fields(type_: str) -> frozenset[str]:
    """The payload fields of `type_` that are personal data (empty if none or unknown)."""
    spec = EVENT_TYPES.get(type_)
    return frozenset() if spec is None else spec.personal


def upcast(event: Event, types: Mapping[str, EventType] | None = None,
           upcasters: Mapping[tuple[str, int], Upcaster] | None = None) -> Event:
    """`event` as its type's current version (the same object when it is current).

    An unknown type, or a version newer than this code knows, is returned as it is: the
    projection skips unknown types and reads newer payloads as far as it understands.
    """
    types = EVENT_TYPES if types is None else types
    upcasters = UPCASTERS if upcasters is None else upcasters
    spec = types.get(event.type)
    if spec is None or event.v >= spec.version:
        return event
    payload, personal, v = dict(event.payload), dict(event.personal), event.v
    while v < spec.version:
        try:
            step = upcasters[(event.type, v)]
        except KeyError:
            raise LookupError(f"no upcaster for {event.type} version {v} "
                              f"(current: {spec.version})") from None
        payload, personal = step(payload, personal)
        v += 1
    return replace(event, payload=payload, personal=personal, v=v)
