"""Writing a notice as a CAP 1.2 document (lxml), one `info` per language.

`build_cap` only writes; `core.cap.check.check_cap` decides whether what was written
may go out. Times are written as CAP wants them: seconds, with a numeric offset (the
schema refuses fractions and "Z").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.cap.parse import CAP_NS
from core.notices.model import LANGUAGES

# What residents read when a notice is withdrawn, before its own headline.
CANCEL_PREFIX = {"zh-CN": "【已解除】", "en-US": "CANCELLED: "}


def cap_time(at: datetime) -> str:
    """A time as CAP 1.2 writes it: 2026-03-01T08:00:00+00:00."""
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


def references_entry(sender: str, identifier: str, sent: str) -> str:
    """One CAP `references` entry: sender,identifier,sent."""
    return f"{sender},{identifier},{sent}"


def build_cap(content: dict[str, Any], *, identifier: str, sender: str, sent: datetime,
              msg_type: str, references: str = "", sender_name: str = "") -> bytes:
    """The CAP 1.2 document (UTF-8 bytes with an XML declaration) for a notice's content.

    A Cancel keeps the areas and says "cancelled" in each headline, so a resident whose
    phone shows only the headline learns that the notice no longer holds.
    """
    from lxml import etree

    def sub(parent: Any, tag: str, text: str | None = None) -> Any:
        node = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
        if text is not None:
            node.text = text
        return node

    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    sub(root, "identifier", identifier)
    sub(root, "sender", sender)
    sub(root, "sent", cap_time(sent))
    sub(root, "status", str(content.get("status", "")))
    sub(root, "msgType", msg_type)
    sub(root, "scope", "Public")
    if references:
        sub(root, "references", references)
    texts = content.get("texts") or {}
    for lang in LANGUAGES:
        text = texts.get(lang)
        if not text:
            continue
        info = sub(root, "info")
        sub(info, "language", lang)
        sub(info, "category", str(content.get("category", "Safety")))
        sub(info, "event", str(content.get("event", "")))
        sub(info, "responseType", "AllClear" if msg_type == "Cancel" else "Monitor")
        sub(info, "urgency", str(content.get("urgency", "")))
        sub(info, "severity", str(content.get("severity", "")))
        sub(info, "certainty", str(content.get("certainty", "")))
        for name in ("onset", "expires"):
            if content.get(name):
                sub(info, name, cap_time(datetime.fromisoformat(content[name])))
        if sender_name:
            sub(info, "senderName", sender_name)
        headline = text.get("headline", "")
        if msg_type == "Cancel" and headline:
            headline = CANCEL_PREFIX.get(lang, "") + headline
        if headline:
            sub(info, "headline", headline)
        for name in ("description", "instruction"):
            if text.get(name):
                sub(info, name, text[name])
        for area in content.get("areas") or []:
            node = sub(info, "area")
            sub(node, "areaDesc", area.get("description") or area.get("cell", ""))
            if area.get("polygon"):
                sub(node, "polygon", area["polygon"])
            for value_name, value in area.get("geocodes") or []:
                code = sub(node, "geocode")
                sub(code, "valueName", value_name)
                sub(code, "value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
