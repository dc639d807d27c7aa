"""The live checklists' table: one row per incident with an active playbook.

Written only from the projection (`core.playbooks.projection` through the command
service); `beacon audit verify` compares it with a replay of the log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base


class PlaybookActivationRow(Base):
    """An incident's live checklist: the playbook as activated (levels, steps, rules,
    content hash), the current level, each step's state and who changed it."""

    __tablename__ = "playbook_activations"
    incident_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    playbook_id: Mapped[str] = mapped_column(String(48))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
