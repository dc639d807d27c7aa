"""The reference codes' table: written only from the projection (`core.public.projection`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class ReferenceCodeRow(Base):
    """The reference code of an incident, as its SHA-256 only (`core.public.refcode`).

    One code per incident: issuing a new one (the caller lost theirs) replaces the hash,
    so the old code stops working.
    """

    __tablename__ = "reference_codes"
    incident_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCTime())
    issued_seq: Mapped[int] = mapped_column(Integer)


COLUMNS = ("code_hash", "issued_at", "issued_seq")
