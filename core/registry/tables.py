"""The registry's table: written only from the projection (see `core.registry.projection`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class RegistryRow(Base):
    """One registry record. `personal` holds a person's personal data (names, contact,
    emergency flags): read it only through `core.registry.access`, which logs the view."""

    __tablename__ = "registry_records"
    record_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    cell: Mapped[str] = mapped_column(String(40))
    worker: Mapped[str | None] = mapped_column(String(40), nullable=True)
    x: Mapped[float | None] = mapped_column(Float, nullable=True)
    y: Mapped[float | None] = mapped_column(Float, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    personal: Mapped[dict[str, Any]] = mapped_column(JSON)
    verified_at: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    verified_by: Mapped[str] = mapped_column(String(64))
    personal_seqs: Mapped[list[int]] = mapped_column(JSON)
    erased: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_registry_kind_cell", "kind", "cell"),)


COLUMNS = ("kind", "cell", "worker", "x", "y", "data", "personal", "verified_at",
           "verified_by", "personal_seqs", "erased")
