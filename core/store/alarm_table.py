"""The `alarms` table: every alarm, written only by the projection (see
`core.domain.alarms`), checked against the log by `beacon audit verify`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class AlarmRow(Base):
    """One alarm; `acknowledged_at` is NULL while it waits for a person."""

    __tablename__ = "alarms"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UTCTime())
    raised_by: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[str | None] = mapped_column(String(32))
    x: Mapped[float | None] = mapped_column(Float)
    y: Mapped[float | None] = mapped_column(Float)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCTime())
    # A silent sensor's alarm: when its readings came back (NULL for other kinds).
    resumed_at: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    # The event that last changed the row (the projection writes it; not compared).
    seq: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_alarms_source", "source"),)
