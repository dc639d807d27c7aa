"""The hub's own tables: access tokens and delivery cursors (same declarative base).

The idempotency table lives in `core.store.schema` (`ProcessedCommandRow`) because the
command service writes it; these two only the hub uses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class HubTokenRow(Base):
    """An access token of a field unit or an operator; only its SHA-256 is stored.

    Tokens are 256-bit random strings, so a plain SHA-256 (no salt, no stretching) is
    enough to make the stored value useless to whoever reads the table.
    """

    __tablename__ = "hub_tokens"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # shown in listings
    kind: Mapped[str] = mapped_column(String(16))  # "unit" | "operator"
    subject: Mapped[str] = mapped_column(String(64))  # unit id or operator username
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class HubCursorRow(Base):
    """The last sequence number a field unit acknowledged (where a fresh client resumes)."""

    __tablename__ = "hub_cursors"
    client: Mapped[str] = mapped_column(String(80), primary_key=True)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
