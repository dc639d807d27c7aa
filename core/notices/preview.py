"""What residents receive, per channel and language, before anything is sent.

`preview(content, msg_type)` gives, for each language, the text message and the CAP
headline exactly as they will read (an exercise says so first, a cancellation too).
`sms_text` is the one place that writes a notice's text message: the delivery channels
use it, so the preview cannot differ from what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.notices.cap_xml import CANCEL_PREFIX
from core.notices.model import LANGUAGES

# Said first in every text message of a notice that is not Actual: a drill must never
# read like the real thing.
STATUS_PREFIX = {
    "Exercise": {"zh-CN": "【演练】", "en-US": "[EXERCISE] "},
    "Test": {"zh-CN": "【测试】", "en-US": "[TEST] "},
}
# The GSM 03.38 basic character set: a message of only these is sent as GSM-7.
_GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def sms_text(texts: dict[str, dict[str, str]], lang: str, status: str,
             msg_type: str = "Alert") -> str:
    """The text message of a notice in one language: headline, then what to do."""
    text = texts.get(lang) or {}
    out = (STATUS_PREFIX.get(status, {}).get(lang, "")
           + (CANCEL_PREFIX.get(lang, "") if msg_type == "Cancel" else "")
           + text.get("headline", ""))
    if msg_type != "Cancel" and text.get("instruction"):
        # The headline ends as a sentence before what to do follows.
        if not out.endswith(tuple("。！？.!?")):
            out += "。" if lang.startswith("zh") else "."
        out += ("" if lang.startswith("zh") else " ") + text["instruction"]
    return out


def sms_parts(text: str) -> int:
    """How many text messages `text` takes: GSM-7 160 (153 a part when split), else
    UCS-2 70 (67), counting UTF-16 code units as gateways do."""
    if set(text) <= _GSM7:
        return 1 if len(text) <= 160 else -(-len(text) // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


@dataclass(frozen=True, slots=True)
class ChannelPreview:
    """What one channel shows in one language."""

    channel: str  # "sms" or "cap"
    language: str
    text: str
    parts: int = 1


def preview(content: dict[str, Any], msg_type: str = "Alert") -> list[ChannelPreview]:
    """Every channel's text in every language, in the order a person checks them."""
    out: list[ChannelPreview] = []
    status = str(content.get("status", ""))
    texts = content.get("texts") or {}
    for lang in LANGUAGES:
        if lang not in texts:
            continue
        sms = sms_text(texts, lang, status, msg_type)
        out.append(ChannelPreview("sms", lang, sms, sms_parts(sms)))
        headline = texts[lang].get("headline", "")
        if msg_type == "Cancel":
            headline = CANCEL_PREFIX.get(lang, "") + headline
        out.append(ChannelPreview("cap", lang, headline))
    return out
