"""What one logged event says, in a line an operator reads: the incident timeline's text.

Known event types get a sentence in the operator's language; any other type (one added
after this console was written: snapshots, decisions, alarms) is shown generically, its
type name made readable and its payload's plain fields listed, so nothing recorded on an
incident is ever hidden from its timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.vocabulary import (
    fill,
    incident_status_label,
    incident_type_label,
    unit_status_label,
)
from core.events import Event

CONTEXT = "IncidentTimeline"
# A camera frame kept as evidence (core.cameras.evidence.EVENT; named here so the
# timeline does not import the registry): the record can open its picture.
SNAPSHOT_EVENT = "evidence_snapshot_recorded"
MAX_GENERIC_CHARS = 300  # a generic line stays one readable line; the tooltip has it all

# Every text of the timeline, found by Qt's translation tools through QT_TRANSLATE_NOOP.
TEXTS = (
    QT_TRANSLATE_NOOP("IncidentTimeline", "Call"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Note"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Dispatch"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Status"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Unit"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Priority"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Level"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Message"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Erasure"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Code"),
    QT_TRANSLATE_NOOP("IncidentTimeline",
                      "The caller was given a reference code (the public page shows them "
                      "the status)"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Snapshot"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Camera %1 (%2), file %3"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "unknown caller"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "no number"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "%1, P%2, at %3. Caller %4"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Another call from %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Incident %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "released %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Sent %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "incident %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "From %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "To %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "P%1 to P%2"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Response level %1"),
    QT_TRANSLATE_NOOP("IncidentTimeline", "Callers' personal data erased: %1"),
)


def _t(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def kind_label(event: Event) -> str:
    """A one-word heading for the event: Call, Note, Dispatch, Status, Message, ..."""
    kinds = {
        "incident_created": _t("Call"), "call_attached": _t("Call"),
        "note_added": _t("Note"), "units_assigned": _t("Dispatch"),
        "incident_status_changed": _t("Status"), "unit_status_changed": _t("Unit"),
        "incident_priority_changed": _t("Priority"),
        "incident_level_changed": _t("Level"), "message_sent": _t("Message"),
        "personal_data_erased": _t("Erasure"),
        "reference_code_issued": _t("Code"),
        SNAPSHOT_EVENT: _t("Snapshot"),
    }
    return kinds.get(event.type) or readable_type(event.type)


def readable_type(type_: str) -> str:
    """"incident_snapshot_taken" -> "Incident snapshot taken" (for types this console
    does not know by name)."""
    words = type_.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "?"


def _caller(event: Event) -> str:
    name = str(event.personal.get("caller_name") or "") or _t("unknown caller")
    number = str(event.personal.get("callback_number") or "") or _t("no number")
    return f"{name} ({number})"


def _units(ids: Any) -> str:
    return ", ".join(str(u) for u in ids) if isinstance(ids, (list, tuple)) else str(ids)


def _created(e: Event, address_label: Callable[[str], str] = str) -> str:
    p = e.payload
    text = fill(_t("%1, P%2, at %3. Caller %4"), incident_type_label(str(p.get("type", ""))),
                p.get("priority", "?"), address_label(str(p.get("address", ""))), _caller(e))
    return f"{text}: {p['description']}" if p.get("description") else text


def _attached(e: Event) -> str:
    text = fill(_t("Another call from %1"), _caller(e))
    description = e.payload.get("description")
    return f"{text}: {description}" if description else text


def _incident_status(e: Event) -> str:
    p = e.payload
    text = fill(_t("Incident %1"), incident_status_label(str(p.get("status", ""))))
    if p.get("reason"):
        text += " · " + str(p["reason"])
    if p.get("released_units"):
        text += " · " + fill(_t("released %1"), _units(p["released_units"]))
    return text


def _assigned(e: Event) -> str:
    p = e.payload
    text = fill(_t("Sent %1"), _units(p.get("units", [])))
    if p.get("incident_status"):
        text += " · " + fill(_t("incident %1"), incident_status_label(str(p["incident_status"])))
    return text


def _unit_status(e: Event) -> str:
    p = e.payload
    text = f"{p.get('unit_id', '?')} {unit_status_label(str(p.get('status', '')))}"
    if p.get("incident_status"):
        text += " · " + fill(_t("incident %1"), incident_status_label(str(p["incident_status"])))
    return text


def _message(e: Event) -> str:
    p = e.payload
    if p.get("from_unit"):
        head = fill(_t("From %1"), p["from_unit"])
    else:
        head = fill(_t("To %1"), p.get("to_unit") or "?")
    return f"{head}: {p.get('text', '')}"


def _snapshot(e: Event) -> str:
    p = e.payload
    return fill(_t("Camera %1 (%2), file %3"),
                p.get("camera_name") or p["camera_id"], p["camera_id"], p["file_name"])


RENDERERS: Mapping[str, Callable[[Event], str]] = {
    "incident_created": _created,
    "call_attached": _attached,
    "note_added": lambda e: str(e.payload.get("text", "")),
    "incident_status_changed": _incident_status,
    "incident_priority_changed": lambda e: fill(_t("P%1 to P%2"),
                                                e.payload.get("previous", "?"),
                                                e.payload.get("priority", "?")),
    "incident_level_changed": lambda e: fill(_t("Response level %1"),
                                             e.payload.get("level", "?")),
    "units_assigned": _assigned,
    "unit_status_changed": _unit_status,
    "message_sent": _message,
    "personal_data_erased": lambda e: fill(_t("Callers' personal data erased: %1"),
                                           e.payload.get("reason", "")),
    # The hash is no use to anyone reading the timeline: say what happened instead.
    "reference_code_issued": lambda e: _t(
        "The caller was given a reference code (the public page shows them the status)"),
    SNAPSHOT_EVENT: _snapshot,
}


def generic_text(event: Event) -> str:
    """The plain fields of an event this console does not know, as `name: value` pairs."""
    parts = []
    for key, value in event.payload.items():
        if key == "incident_id" or isinstance(value, (dict, list)) and not value:
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        parts.append(f"{key.replace('_', ' ')}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_GENERIC_CHARS else text[: MAX_GENERIC_CHARS - 1] + "…"


def event_text(event: Event, address_label: Callable[[str], str] = str) -> str:
    """The timeline's line for `event`: a sentence for known types, else its fields.

    `address_label` turns a stored address into what the operator reads (the console's
    `AddressLabels.label`: Chinese road names in Chinese).
    """
    render = RENDERERS.get(event.type)
    if render is None:
        return generic_text(event)
    try:
        if event.type == "incident_created":
            return _created(event, address_label)
        return render(event)
    except (KeyError, TypeError, ValueError):  # an odd payload still shows, plainly
        return generic_text(event)
