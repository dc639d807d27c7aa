"""What a resident may know of their report: one of four words, nothing personal.

`resident_status` maps an incident to "received", "on_the_way", "arrived" or
"resolved"; `STATUS_TEXTS` words them in Chinese and English for the public page and
for text messages. `status_messages` turns an event into the message a caller would be
sent (the delivery helper's SMS channel sends it: `core.delivery`), and
`code_message` the message that gives a caller their code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.domain.lifecycle import IncidentStatus
from core.events import Event

RESIDENT_STATUSES = ("received", "on_the_way", "arrived", "resolved")

_BY_INCIDENT_STATUS = {
    IncidentStatus.NEW: "received",
    IncidentStatus.DISPATCHED: "on_the_way",
    IncidentStatus.ON_SCENE: "arrived",
    IncidentStatus.RESOLVED: "resolved",
    IncidentStatus.CLOSED: "resolved",
    # A cancelled incident (a duplicate, a false alarm) is over for the caller too;
    # why it was cancelled is the centre's business.
    IncidentStatus.CANCELLED: "resolved",
}

LANGUAGES = ("zh-CN", "en")

STATUS_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    # status -> language -> (short label, one sentence)
    "received": {
        "zh-CN": ("已受理", "指挥中心已收到您的报告，正在安排处置。"),
        "en": ("Received", "The command centre has your report and is arranging help."),
    },
    "on_the_way": {
        "zh-CN": ("救援在途", "救援力量已出发，正在赶往现场。"),
        "en": ("Help on the way", "Help has been sent and is on its way."),
    },
    "arrived": {
        "zh-CN": ("已到达现场", "救援力量已到达现场。"),
        "en": ("Help arrived", "Help has arrived at the scene."),
    },
    "resolved": {
        "zh-CN": ("已处置完毕", "此事件已处置完毕。感谢您的报告。"),
        "en": ("Resolved", "This report has been dealt with. Thank you for calling."),
    },
}


def resident_status(incident: Any) -> str:
    """The resident-facing status of `incident` (anything with a `status`, an
    `IncidentStatus` or its value): "received", "on_the_way", "arrived" or "resolved"."""
    return _BY_INCIDENT_STATUS[IncidentStatus(incident.status)]


def status_for(value: str | IncidentStatus) -> str:
    """`resident_status` of an incident status itself."""
    return _BY_INCIDENT_STATUS[IncidentStatus(value)]


@dataclass(frozen=True, slots=True)
class PublicMessage:
    """A message for a caller, shaped like `core.delivery.Outgoing` (subject, kind,
    texts per language) so the lead can hand it to the SMS channel with the incident's
    callback number as recipient: `Outgoing(**asdict(m), cap_xml=None,
    recipients=[number])`."""

    subject: str
    kind: str  # "report_status" | "reference_code"
    texts: dict[str, str] = field(default_factory=dict)


def new_incident_status(event: Event) -> str | None:
    """The incident status `event` moves its incident to, or None when it moves none
    (a unit dispatched or arriving moves it through `incident_status` in its payload)."""
    if event.type == "incident_status_changed":
        return event.payload.get("status")
    if event.type in ("units_assigned", "unit_status_changed"):
        return event.payload.get("incident_status") or None
    if event.type == "sensor_incident_cleared":
        return event.payload.get("status") or None
    return None


def status_messages(event: Event, before: str | None = None) -> PublicMessage | None:
    """The message a caller is sent for `event`, or None when it changes nothing they
    see. `before` is the incident's resident status before the event, when known: a
    change that reads the same to a resident (closed after resolved) sends nothing."""
    value = new_incident_status(event)
    incident_id = event.incident_id or event.payload.get("incident_id")
    if value is None or not incident_id:
        return None
    try:
        after = status_for(value)
    except ValueError:
        return None
    if after == before:
        return None
    return PublicMessage(incident_id, "report_status", {
        lang: f"[Beacon] {texts[0]}: {texts[1]}" if lang == "en"
        else f"【Beacon】{texts[0]}：{texts[1]}"
        for lang, texts in STATUS_TEXTS[after].items()})


def code_message(incident_id: str, code: str, page_url: str = "") -> PublicMessage:
    """The message that gives a caller their reference code (sent once, at issue)."""
    where_en = f" at {page_url}" if page_url else ""
    where_zh = f"（{page_url}）" if page_url else ""
    return PublicMessage(incident_id, "reference_code", {
        "zh-CN": f"【Beacon】您的报告编号：{code}。可在公众查询页面{where_zh}查看处置进度。",
        "en": f"[Beacon] Your report code: {code}. Follow your report{where_en}.",
    })
