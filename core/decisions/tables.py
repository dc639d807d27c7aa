"""The proposals' table: one row per proposal, with its comments, votes and decision.

Written only from the projection (`core.decisions.projection`); `beacon audit verify`
compares it with a replay of the log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base


class ProposalRow(Base):
    """A proposal on an incident, everything said and decided about it."""

    __tablename__ = "decision_proposals"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(32), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
