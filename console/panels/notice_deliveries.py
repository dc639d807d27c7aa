"""How a published notice's deliveries went, in the notices panel's words.

The delivery service (`beacon delivery run`, `core.delivery`) records one delivery per
message, channel and endpoint: sent, retrying (with the next try's time and the last
answer), failed (with the reason) or waiting. `DeliveryText` turns those records into
the lines of the notices panel (console/panels/notice_panel.py): a summary, one line
per delivery under the CAP message it carried, and a flag on the notice's list row when
a delivery needs a look. Each state has a mark and a word as well as its colour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from PySide6.QtCore import QObject

from console import palette
from console.vocabulary import fill
from core.delivery.records import FAILED, PENDING, RETRYING, SENT, DeliveryRecord, summary


class DeliveryText(QObject):
    """Delivery records as translated text and rich-text lines. `time` writes a time
    as the panel does (the centre's zone)."""

    def __init__(self, time: Callable[[datetime], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._time = time

    def channel_label(self, channel: str) -> str:
        """The translated name of a delivery channel."""
        return {"webhook": self.tr("webhook"), "mqtt": self.tr("MQTT"),
                "sms": self.tr("text message")}.get(channel, channel)

    def flag(self, found: list[DeliveryRecord]) -> str:
        """What a notice's list row adds when a delivery needs a look ("" when none)."""
        counts = summary(found)
        if counts[FAILED]:
            return fill(self.tr(" · ✗ %1 not delivered"), counts[FAILED])
        if counts[RETRYING]:
            return fill(self.tr(" · ↻ %1 retrying"), counts[RETRYING])
        return ""

    def summary_html(self, found: list[DeliveryRecord], problem: str = "") -> str:
        """One line: how many deliveries are in each state, or why there are none."""
        if problem:
            return (f'<span style="color:{palette.DELIVERY_COLOURS[FAILED]}">'
                    + escape(fill(self.tr("Could not read the delivery records: %1"),
                                  problem)) + "</span>")
        if not found:
            return escape(self.tr(
                "Delivery: nothing recorded yet. The delivery service (beacon delivery "
                "run) sends each published message to the configured webhooks, MQTT "
                "topics and SMS gateways, and records every try here."))
        counts = summary(found)
        return "<b>" + escape(fill(self.tr("Delivery: %1 sent, %2 retrying, %3 failed, "
                                           "%4 waiting"), counts[SENT], counts[RETRYING],
                                   counts[FAILED], counts[PENDING])) + "</b>"

    def record_text(self, d: DeliveryRecord) -> str:
        """One delivery in words: where it went and how it went."""
        where = f"{self.channel_label(d.channel)} {d.endpoint}"
        if d.state == SENT:
            return fill(self.tr("%1: sent at %2"), where, self._time(d.sent_at or d.updated_at))
        if d.state == RETRYING:
            return fill(self.tr("%1: not delivered yet, trying again at %2. Attempt %3 "
                                "failed: %4"), where,
                        self._time(d.next_attempt or d.updated_at), d.attempts, d.reason)
        if d.state == FAILED:
            return fill(self.tr("%1: failed, not tried again: %2"), where, d.reason)
        return fill(self.tr("%1: waiting to be sent"), where)

    def record_html(self, d: DeliveryRecord) -> str:
        """One delivery as an indented line: its mark and colour, then its words."""
        colour = palette.DELIVERY_COLOURS.get(d.state, palette.UNKNOWN_COLOUR)
        mark = palette.DELIVERY_MARKS.get(d.state, "?")
        return (f'&nbsp;&nbsp;<span style="color:{colour}">{mark} '
                f"{escape(self.record_text(d))}</span>")
