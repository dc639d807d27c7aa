"""Delivery of notices (and residents' text messages) over webhooks, MQTT and SMS.

See docs/delivery.md. The pieces: `Outgoing` (what is sent) and `notice_outgoing`
(a published notice as an `Outgoing`), `core.delivery.records` (the queue and its
records, `deliveries_for`), `core.delivery.channels`, `core.delivery.worker` (follows
the log and sends), `core.delivery.sms_split`.
"""

from core.delivery.outgoing import KINDS, BadOutgoing, Outgoing, notice_outgoing

__all__ = ["KINDS", "BadOutgoing", "Outgoing", "notice_outgoing"]
