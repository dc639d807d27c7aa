"""What a channel sends: `Outgoing`, and how a published notice becomes one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.notices.preview import sms_text

KINDS = ("notice", "report_status", "reference_code")


class BadOutgoing(ValueError):
    """Event data that cannot be turned into something to send (says what is wrong)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for the channels to send.

    `subject` is what it is about (a notice id, or an incident id for a resident's
    report), `kind` one of `KINDS`, `texts` the short text per language ("zh-CN",
    "en-US") for SMS, `cap_xml` the CAP document for broadcast channels (None when
    there is none), `recipients` phone numbers for SMS (empty for broadcasts).
    `message_id` names this very message (a notice's CAP identifier: an update is a new
    message of the same subject) and `msg_type` is the CAP msgType ("Alert", "Update",
    "Cancel"; "" for other kinds).
    """

    subject: str
    kind: str
    texts: dict[str, str]
    cap_xml: str | None = None
    recipients: list[str] = field(default_factory=list)
    message_id: str = ""
    msg_type: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (kept with the deliveries so a restart can send it)."""
        return {"subject": self.subject, "kind": self.kind, "texts": dict(self.texts),
                "cap_xml": self.cap_xml, "recipients": list(self.recipients),
                "message_id": self.message_id, "msg_type": self.msg_type}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outgoing:
        """The inverse of `to_json`."""
        return cls(subject=data["subject"], kind=data["kind"], texts=dict(data["texts"]),
                   cap_xml=data.get("cap_xml"), recipients=list(data.get("recipients", [])),
                   message_id=data.get("message_id", ""), msg_type=data.get("msg_type", ""))


def notice_outgoing(event_data: dict[str, Any]) -> Outgoing:
    """Map a `notice_published` event's data (see the issue 18 contract) to an
    `Outgoing`. Raises `BadOutgoing` naming the missing or wrong field."""
    if not isinstance(event_data, dict):
        raise BadOutgoing("notice_published data is not an object")
    for key in ("notice_id", "identifier", "msg_type", "cap_xml"):
        if not isinstance(event_data.get(key), str) or not event_data[key]:
            raise BadOutgoing(f"notice_published data: {key!r} is missing or not a text")
    if event_data["msg_type"] not in ("Alert", "Update", "Cancel"):
        raise BadOutgoing(f"notice_published data: msg_type {event_data['msg_type']!r} is "
                          "not Alert, Update or Cancel")
    texts_in = event_data.get("texts") or {}
    if not isinstance(texts_in, dict):
        raise BadOutgoing("notice_published data: 'texts' is not an object by language")
    # The notices panel previews exactly this text (core.notices.preview.sms_text): what
    # the operator approved is what residents read, prefix for an exercise included. A
    # language that is not an object is left out (the CAP document still goes out).
    good = {lang: info for lang, info in texts_in.items() if isinstance(info, dict)}
    status, msg_type = str(event_data.get("status") or ""), event_data["msg_type"]
    texts = {lang: t for lang in good if (t := sms_text(good, lang, status, msg_type))}
    return Outgoing(subject=event_data["notice_id"], kind="notice", texts=texts,
                    cap_xml=event_data["cap_xml"], recipients=[],
                    message_id=event_data["identifier"], msg_type=event_data["msg_type"])
