"""The delivery queue's tables: operational records beside the log, not state.

One `deliveries` row per message, channel and endpoint says how sending it went
(pending, retrying with the next attempt's time, sent, or failed with the reason) and
carries the message itself, so a restarted delivery service picks up what was pending.
`delivery_cursor` remembers how far the service has read the event log.
What a notice said is in the log (`notice_published`); whether a webhook answered is
not state an audit replays, like the plugin host's `plugin_status`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class DeliveryRow(Base):
    """One message to one endpoint of one channel, and how sending it went."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # the follower may read an event again after a crash: never queue it twice
        UniqueConstraint("message_id", "channel", "endpoint", name="uq_deliveries_message"),
        Index("ix_deliveries_subject", "subject"),
        Index("ix_deliveries_state_next", "state", "next_attempt"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    message_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))  # core.delivery.records.STATES
    reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCTime())
    updated_at: Mapped[datetime] = mapped_column(UTCTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    source_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outgoing: Mapped[dict[str, Any]] = mapped_column(JSON)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DeliveryCursorRow(Base):
    """How far a delivery follower has read the event log (one row per follower)."""

    __tablename__ = "delivery_cursor"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
